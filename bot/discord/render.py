"""Pure rendering of core results into Discord message parts (embed dicts and plain text).

Nothing here imports discord: every function takes vocabulary from `index.types` and returns plain
dicts and strings that respect Discord's limits, so it can be tested without a client. A "message"
is a list of embed dicts; functions that may need several messages return a list of those.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Mapping, Sequence

from bot.discord.text import escape_line, escape_markdown, safe_url
from bot.output import by_article
from index.port import one_line
from index.types import Answer, ArticleRef, Citation, IndexReport, Scope, SourceStatus

EmbedDict = dict[str, Any]

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10

# The titles of an answer's embeds in English; `NewsPort.phrases` gives them in the answer's language.
ANSWER_WORDS = {"sources": "Sources", "closest_articles": "Closest articles",
                "not_found_title": "Not found in the indexed articles", "no_quotes": "This answer cites no passages."}

ANSWER_COLOUR = 0x2B6CB0
REFUSAL_COLOUR = 0xDD6B20
INFO_COLOUR = 0x718096

# `[3]`, `[1, 2]`, `[1-3]`: a citation marker must never be split, nor separated from the words before it.
MARKER = re.compile(r"\[\d+(?:\s*[,;–-]\s*\d+)*\]")
_URL = re.compile(r"(?<![<(])\bhttps?://[^\s<>]*[^\s<>.,:;!?)\]'\"]")
_SEPARATORS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"(?<=[.!?:;])[ \t]+"),
               re.compile(r"\s+"))


# ----------------------------------------------------------------------------- text splitting
def split_text(text: str, limit: int) -> list[str]:
    """Split `text` into parts of at most `limit` characters, at whitespace, keeping `[n]` markers whole."""
    if limit < 20:
        raise ValueError(f"limit must be at least 20 characters, got {limit}")
    text = text.strip()
    parts: list[str] = []
    while len(text) > limit:
        cut = _cut_point(text, limit)
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


def _cut_point(text: str, limit: int) -> int:
    spans = [m.span() for m in MARKER.finditer(text, 0, limit + 40)]

    def allowed(start: int, end: int) -> bool:
        inside = any(s < start < e for s, e in spans)
        before_marker = MARKER.match(text, end) is not None
        return start > 0 and not inside and not before_marker

    window = text[: limit + 1]
    for rank, separator in enumerate(_SEPARATORS):
        cuts = [m.start() for m in separator.finditer(window) if m.start() <= limit and allowed(m.start(), m.end())]
        # A paragraph or sentence break is only worth it when it does not leave a tiny part behind.
        if cuts and (rank == len(_SEPARATORS) - 1 or max(cuts) >= limit // 2):
            return max(cuts)
    # One "word" longer than the limit (a huge URL): cut it, but not through a marker.
    for s, e in spans:
        if s < limit < e and s > 0:
            return s
    return limit


def clip(text: str, limit: int) -> str:
    """Shorten `text` to at most `limit` characters at a word boundary, ending with an ellipsis."""
    if len(text) <= limit:
        return text
    return split_text(text, limit - 1)[0] + "…"


_MASKED_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?[^)]*\)")


def defuse_links(text: str) -> str:
    """Show masked links from article text as plain text with their real target: `[t](u)` -> `t (<u>)`.

    Articles are untrusted: a masked link could show one address and lead to another.
    """
    return _MASKED_LINK.sub(lambda m: f"{m.group(1)} (<{m.group(2)}>)", text)


def no_previews(text: str) -> str:
    """Wrap bare links in <> so that Discord does not unfurl them into previews."""
    return _URL.sub(lambda m: f"<{m.group(0)}>", text)


# ----------------------------------------------------------------------------- packing embeds
def embed_size(embed: EmbedDict) -> int:
    """Characters Discord counts against the 6,000 total of a message."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", "")) + len(embed.get("author", {}).get("name", ""))
    return size + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))


def pack(embeds: Sequence[EmbedDict]) -> list[list[EmbedDict]]:
    """Group embeds into messages of at most 10 embeds and 6,000 characters each, keeping order."""
    messages: list[list[EmbedDict]] = []
    current: list[EmbedDict] = []
    total = 0
    for embed in embeds:
        size = embed_size(embed)
        if current and (total + size > EMBED_TOTAL_LIMIT or len(current) == EMBEDS_PER_MESSAGE):
            messages.append(current)
            current, total = [], 0
        current.append(embed)
        total += size
    if current:
        messages.append(current)
    return messages


def _long_embeds(title: str, text: str, colour: int, footer: str = "") -> list[EmbedDict]:
    """One embed per description-sized part of `text`; the title on the first, the footer on the last."""
    parts = split_text(text, DESCRIPTION_LIMIT) or ["—"]
    embeds: list[EmbedDict] = [{"description": part, "color": colour} for part in parts]
    if title:
        embeds[0]["title"] = clip(title, TITLE_LIMIT)
    if footer:
        embeds[-1]["footer"] = {"text": clip(footer, FOOTER_LIMIT)}
    return embeds


# ----------------------------------------------------------------------------- answers
def _date(published: str) -> str:
    return published[:10]


def _link(title: str, url: str) -> str:
    """A masked link whose text is the escaped title and whose target is a checked, encoded http(s) URL."""
    safe = escape_line(title.replace("[", "(").replace("]", ")")) or "untitled"
    target = safe_url(url)
    return f"[{safe}]({target})" if target else f"**{safe}**"


def citation_line(c: Citation, numbers: str = "") -> str:
    """One line of the Sources list: number(s) (`[1, 2]` for an article cited twice), linked title, outlet, date."""
    details = ", ".join(escape_line(x) for x in (c.outlet or c.source_name, _date(c.published)) if x)
    return f"**{numbers or f'[{c.n}]'}** {_link(c.title, c.url)}" + (f" — {details}" if details else "")


def article_line(a: ArticleRef) -> str:
    """One line of the closest-articles list."""
    details = ", ".join(escape_line(x) for x in (a.outlet, _date(a.published)) if x)
    return f"• {_link(a.title, a.url)}" + (f" — {details}" if details else "")


def answer_messages(answer: Answer, question: str = "",
                    words: Mapping[str, str] = ANSWER_WORDS) -> list[list[EmbedDict]]:
    """The messages that show an answer (or a refusal) with its sources, within Discord's limits; the titles
    are the `words` of the answer's language (`NewsPort.phrases`)."""
    heading = escape_line(answer.question or question)  # a rewritten question is the model's text
    if answer.refused:
        embeds = _long_embeds(words["not_found_title"], escape_markdown(answer.text or heading),
                              REFUSAL_COLOUR, footer=answer.note)
        if answer.closest:
            embeds += _long_embeds(words["closest_articles"], "\n".join(article_line(a) for a in answer.closest),
                                   INFO_COLOUR)
        return pack(embeds)
    footer = " ".join(note for note in (answer.note, answer.age_note) if note)
    embeds = _long_embeds(heading, escape_markdown(defuse_links(answer.text)), ANSWER_COLOUR, footer=footer)
    if answer.citations:
        lines = "\n".join(citation_line(c, numbers) for numbers, c in by_article(answer.citations))
        embeds += _long_embeds(words["sources"], lines, INFO_COLOUR)
    return pack(embeds)


WRITING = "writing… citations are checked at the end"  # the `writing` phrase in English


def draft_text(text: str, note: str = WRITING) -> str:
    """An answer while the model is still writing it (plain content, at most 2,000 characters), with `note`
    (the `writing` phrase of the answer's language) in small type under it."""
    note = clip(one_line(note), 80)
    draft = no_previews(clip(escape_markdown(defuse_links(text.strip())), CONTENT_LIMIT - len(note) - 8))
    return f"{draft}\n-# {note}"


def quotes_messages(answer: Answer, words: Mapping[str, str] = ANSWER_WORDS) -> list[list[EmbedDict]]:
    """The exact passages behind each [n] of an answer, one embed (or more, if long) per citation; when it
    cites none, says so in the `words` of the answer's language (`NewsPort.phrases`)."""
    embeds: list[EmbedDict] = []
    for c in sorted(answer.citations, key=lambda c: c.n):
        footer = " · ".join(one_line(x) for x in (c.outlet or c.source_name, _date(c.published)) if x)
        part = _long_embeds(f"[{c.n}] {escape_line(c.title)}", escape_markdown(defuse_links(c.quote)), INFO_COLOUR,
                            footer=footer)
        if safe_url(c.url):  # Discord refuses a message whose embed URL is not http(s)
            part[0]["url"] = safe_url(c.url)
        embeds += part
    if not embeds:
        embeds = [{"description": words["no_quotes"], "color": INFO_COLOUR}]
    return pack(embeds)


# ----------------------------------------------------------------------------- sources & indexing
def _when(iso: str) -> str:
    if not iso:
        return "never indexed"
    try:
        return f"last indexed <t:{int(datetime.fromisoformat(iso).timestamp())}:R>"
    except ValueError:
        return f"last indexed {iso}"


def timestamp_tag(iso: str) -> str:
    """A Discord relative timestamp (<t:…:R>) for an ISO 8601 time; the text itself when it is not one."""
    try:
        return f"<t:{int(datetime.fromisoformat(iso).timestamp())}:R>"
    except ValueError:
        return escape_line(iso) or "?"


def _health(s: SourceStatus) -> str:
    """The health part of a /sources line: last success, and the last error with its kind and time."""
    text = f"; last success {timestamp_tag(s.last_success)}" if s.last_success else ""
    if s.health != "ok":
        text += f"; **{s.health}**"
    if s.last_error:
        kind = f"{escape_line(s.last_error_kind)} " if s.last_error_kind else ""
        when = f" {timestamp_tag(s.last_error_at)}" if s.last_error_at else ""
        text += f"\n  last error{when}: {kind}— {escape_line(clip(s.last_error, 200))}"
    return text


def sources_messages(statuses: Sequence[SourceStatus]) -> list[list[EmbedDict]]:
    """The /sources listing: one line per source with its article count and when it was last indexed."""
    if not statuses:
        return [[{"title": "Sources", "description": "No sources are configured yet.", "color": INFO_COLOUR}]]
    lines = [f"**{escape_line(s.name)}** ({s.kind}{'' if Scope(s.scope).is_shared else ', this server'}) — "
             f"{s.articles} article{'s' if s.articles != 1 else ''}, "
             f"{s.chunks} passages, {_when(s.last_indexed)}"
             + (f", published {s.oldest} to {s.newest}" if s.newest else "") + _health(s) for s in statuses]
    return pack(_long_embeds("Sources", "\n".join(lines), INFO_COLOUR))


def progress_text(done: int, total: int) -> str:
    """The re-index progress line shown while it runs."""
    return f"Re-indexing: indexed {done}/{total} articles…"


def report_text(report: IndexReport, source: str | None = None) -> str:
    """A short summary of a finished re-index, at most 2,000 characters."""
    scope = f" of **{escape_line(source)}**" if source else ""
    text = (f"Re-index{scope} finished in {report.seconds:.1f} s: {len(report.added)} added, "
            f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, {len(report.deleted)} deleted.")
    if report.errors:
        text += f"\n{len(report.errors)} item(s) could not be read:"
        text += "".join(f"\n• {escape_line(e.source)}: {escape_line(e.item)} — {escape_line(e.reason)}"
                        for e in report.errors[:10])
    return no_previews(clip(text, CONTENT_LIMIT))
