"""Text from articles and feeds, made inert for Discord markdown: pure functions, no discord import.

Articles are untrusted. Whatever they say is shown as text: no masked link (`[Verify your account](…)`),
no mention or timestamp (`<@…>`, `@everyone`), no heading, quote, spoiler or code block, and every link
shows where it leads. discord.py's `utils.escape_markdown` is not enough here: it leaves anything that
looks like a URL untouched, so `https://site/a?x=)[Verify your account](http://evil.example/login` keeps
its masked link (checked with discord.py 2.7.1), and it does not escape `<…>` mentions.
"""
from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from index.port import without_controls

# A bare or <bracketed> http(s) URL; a bare one does not end with sentence punctuation.
_URL = re.compile(r"<(https?://[^\s<>]+)>|(https?://[^\s<>“”‘’«»]*[^\s<>“”‘’«».,:;!?)\]'\"])",
                  re.IGNORECASE)
# Characters that start or end markdown anywhere: emphasis, strike, spoiler, code, links, mentions,
# headings and quotes (a part of a split message may start anywhere, so these are escaped everywhere).
_SPECIAL = re.compile(r"([\\*_~|`\[\]()<>#@])")
_LINE_START = re.compile(r"(?m)^(\s*)([-+]|\d+\.)(?=\s)")
_CITATION = re.compile(r"\\\[(\d+(?:\s*[,;–-]\s*\d+)*)\\\]")
# In a URL, characters that could end a masked link's target or start markdown are percent-encoded.
_URL_UNSAFE = "()[]<>`|*\"' \\^{}"


def safe_url(url: str) -> str:
    """`url` fit to be a link target: http(s) with a host, markdown characters percent-encoded; else ""."""
    url = without_controls(url).strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return "".join(quote(c, safe="") if c in _URL_UNSAFE or c.isspace() else c for c in url)


def escape_markdown(text: str) -> str:
    """`text` shown literally in Discord; links stay clickable as `<url>` (the real, visible target) and
    citation markers `[n]` stay as they are."""
    out, cursor = [], 0
    for match in _URL.finditer(text):
        out.append(_escape_plain(text[cursor : match.start()]))
        url = safe_url(match.group(1) or match.group(2))
        out.append(f"<{url}>" if url else _escape_plain(match.group(0)))
        cursor = match.end()
    out.append(_escape_plain(text[cursor:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    text = _SPECIAL.sub(r"\\\1", without_controls(text))
    text = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return _CITATION.sub(r"[\1]", text)  # a marker is no link once every ( is escaped


def escape_line(text: str) -> str:
    """`escape_markdown` of a title or name: one line."""
    return escape_markdown(" ".join(without_controls(text).split()))
