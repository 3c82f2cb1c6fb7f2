"""Pure rendering of a digest (index.types.Digest) into Discord messages: one embed per story, with its cited
summary, its Sources list ([n] with linked titles), its dates and outlets; packed within Discord's limits."""
from __future__ import annotations

from datetime import date
from bot.output import by_article
from bot.discord.render import (ANSWER_COLOUR, INFO_COLOUR, TITLE_LIMIT, EmbedDict, citation_line, clip, defuse_links,
                                pack)
from bot.discord.text import escape_line, escape_markdown, safe_url
from index.types import Digest, Story

SUMMARY_CHARS = 600  # a story's summary; with its sources, an embed stays near 1,000 of the 6,000 per message
SOURCES_SHOWN = 5


def _day(d: date | None) -> str:
    return d.isoformat() if d else ""


def covered_by(story: Story) -> str:
    """"Covered by 1 outlet", "Covered by 3 outlets": how many distinct outlets tell the story."""
    return f"Covered by {len(story.outlets)} outlet" + ("s" if len(story.outlets) != 1 else "")


def story_embed(number: int, story: Story) -> EmbedDict:
    """One story: numbered title (linked to its first article), summary, sources, dates and outlets."""
    summary = escape_markdown(defuse_links(clip(story.summary.strip(), SUMMARY_CHARS))) or "—"
    cited = by_article(story.citations)[:SOURCES_SHOWN]
    if cited:
        summary += "\n\n**Sources**\n" + "\n".join(citation_line(c, numbers) for numbers, c in cited)
    days = " to ".join(dict.fromkeys(_day(d) for d in (story.first, story.last) if d)) or "undated"
    count = f"{len(story.articles)} article" + ("s" if len(story.articles) != 1 else "")
    outlets = f"{covered_by(story)}: " + ", ".join(escape_line(o) for o in story.outlets)
    footer = clip(" · ".join([days, count, outlets]).strip(" ·"), 300)
    embed: EmbedDict = {"title": clip(f"{number}. {escape_line(story.title)}", TITLE_LIMIT),
                        "description": summary, "color": ANSWER_COLOUR, "footer": {"text": footer}}
    url = next((safe_url(a.url) for a in story.articles if safe_url(a.url)), "")
    if url:
        embed["url"] = url
    return embed


def digest_heading(digest: Digest, label: str = "News digest") -> str:
    """The plain line above a digest: what it covers."""
    window = f" since {_day(digest.since)}" if digest.since else ""
    until = f" until {_day(digest.until)}" if digest.until else ""
    count = len(digest.stories)
    return f"**{escape_line(label)}**{window}{until}: {count} stor{'y' if count == 1 else 'ies'}"


def digest_messages(digest: Digest) -> list[list[EmbedDict]]:
    """The embeds of a digest, as messages of at most 10 embeds and 6,000 characters."""
    if not digest.stories:
        since = f" since {_day(digest.since)}" if digest.since else ""
        return [[{"description": f"No new articles{since}: nothing to digest.", "color": INFO_COLOUR}]]
    return pack([story_embed(n, s) for n, s in enumerate(digest.stories, start=1)])

