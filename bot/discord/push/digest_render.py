"""Pure rendering of a digest (index.types.Digest) into Discord messages: one embed per story, with its cited
summary, its Sources list ([n] with linked titles), its dates and outlets; packed within Discord's limits.
The words around them are the server's language's (`words`: `NewsPort.phrases`, prompts/phrases/), and so are
its dates ("seit 19. März 2025", a story's "18. März – 19. März"); ISO days with words that name no months."""
from __future__ import annotations

from datetime import date
from typing import Mapping

from bot.output import by_article
from bot.discord.render import (ANSWER_COLOUR, INFO_COLOUR, TITLE_LIMIT, EmbedDict, citation_line, clip, defuse_links,
                                pack)
from bot.discord.text import escape_line, escape_markdown, safe_url
from index.port import written_day
from index.types import Digest, Story

SUMMARY_CHARS = 600  # a story's summary; with its sources, an embed stays near 1,000 of the 6,000 per message
SOURCES_SHOWN = 5
ENGLISH = {"digest": "News digest", "since": "since {day}", "until": "until {day}", "stories": "{count} stories",
           "one_story": "1 story", "nothing_new": "No new articles{since}: nothing to digest.",
           "covered_by": "Covered by {count} outlets", "covered_by_one": "Covered by 1 outlet",
           "articles": "{count} articles", "one_article": "1 article", "undated": "undated", "sources": "Sources"}


def _day(words: Mapping[str, str], d: date | None, with_year: bool = False) -> str:
    """A date written in the language of `words` (with its month names; ISO without them)."""
    return written_day(words, d, with_year) if d else ""


def _count(words: Mapping[str, str], count: int, many: str, one: str) -> str:
    return words[one] if count == 1 else words[many].format(count=count)


def _clipped(summary: str) -> str:
    """The summary within SUMMARY_CHARS, keeping a closing note such as "(citado en inglés)" whole."""
    body, _, note = summary.rpartition(" (") if summary.endswith(")") else (summary, "", "")
    if not body or len(note) > 40:
        return clip(summary, SUMMARY_CHARS)
    return f"{clip(body, SUMMARY_CHARS - len(note) - 2)} ({note}"


def covered_by(story: Story, words: Mapping[str, str] = ENGLISH) -> str:
    """"Covered by 1 outlet", "Covered by 3 outlets": how many distinct outlets tell the story."""
    return _count(words, len(story.outlets), "covered_by", "covered_by_one")


def story_embed(number: int, story: Story, words: Mapping[str, str] = ENGLISH) -> EmbedDict:
    """One story: numbered title (linked to its first article), summary, sources, dates and outlets."""
    summary = escape_markdown(defuse_links(_clipped(story.summary.strip()))) or "—"
    cited = by_article(story.citations)[:SOURCES_SHOWN]  # one source per article
    if cited:
        summary += f"\n\n**{words['sources']}**\n" + "\n".join(citation_line(c, numbers) for numbers, c in cited)
    days = " – ".join(dict.fromkeys(_day(words, d) for d in (story.first, story.last) if d)) or words["undated"]
    count = _count(words, len(story.articles), "articles", "one_article")
    outlets = f"{covered_by(story, words)}: " + ", ".join(escape_line(o) for o in story.outlets)
    footer = clip(" · ".join([days, count, outlets]).strip(" ·"), 300)
    embed: EmbedDict = {"title": clip(f"{number}. {escape_line(story.title)}", TITLE_LIMIT),
                        "description": summary, "color": ANSWER_COLOUR, "footer": {"text": footer}}
    url = next((safe_url(a.url) for a in story.articles if safe_url(a.url)), "")
    if url:
        embed["url"] = url
    return embed


def digest_heading(digest: Digest, label: str | None = None, words: Mapping[str, str] = ENGLISH) -> str:
    """The plain line above a digest: what it covers."""
    window = f" {words['since'].format(day=_day(words, digest.since, True))}" if digest.since else ""
    until = f" {words['until'].format(day=_day(words, digest.until, True))}" if digest.until else ""
    count = _count(words, len(digest.stories), "stories", "one_story")
    return f"**{escape_line(label or words['digest'])}**{window}{until}: {count}"


def digest_messages(digest: Digest, words: Mapping[str, str] = ENGLISH) -> list[list[EmbedDict]]:
    """The embeds of a digest, as messages of at most 10 embeds and 6,000 characters."""
    if not digest.stories:
        since = f" {words['since'].format(day=_day(words, digest.since, True))}" if digest.since else ""
        return [[{"description": words["nothing_new"].format(since=since), "color": INFO_COLOUR}]]
    return pack([story_embed(n, s, words) for n, s in enumerate(digest.stories, start=1)])
