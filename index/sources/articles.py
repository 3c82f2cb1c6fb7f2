"""Pure parsing of article files and metadata: plain-text news articles, Markdown, dates, ids."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlparse

from dateutil import parser as dateparser

from index.types import Article

_TZ = {
    "EDT": timezone(timedelta(hours=-4)), "EST": timezone(timedelta(hours=-5)),
    "CDT": timezone(timedelta(hours=-5)), "CST": timezone(timedelta(hours=-6)),
    "MDT": timezone(timedelta(hours=-6)), "MST": timezone(timedelta(hours=-7)),
    "PDT": timezone(timedelta(hours=-7)), "PST": timezone(timedelta(hours=-8)),
    "GMT": timezone.utc, "UTC": timezone.utc, "BST": timezone(timedelta(hours=1)),
    "CET": timezone(timedelta(hours=1)), "CEST": timezone(timedelta(hours=2)),
}
_DATE_LINE = re.compile(r"^\s*(?:Updated|Published|Posted)(?: on)?:?\s+(?P<date>.+?)\s*$", re.IGNORECASE)
_BYLINE = re.compile(r"^\s*By\s+(?P<names>.+?)\s*$")
_BODY_MIN_WORDS = 25  # a first line this long is text, not a title
_READING_TIME = re.compile(r"^\d+\s*min(?:ute)?s?\s+read$", re.IGNORECASE)
_HEADER_WINDOW = 12  # lines after the title where a byline is looked for


def article_id(key: str) -> str:
    """A stable 16-hex id from a URL or a source-relative path (the same rule as the RealTime QA set)."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def normalize_date(text: str | None) -> str:
    """Parse a date as sources write it ("12:37 AM EDT, Wed March 19, 2025") into ISO 8601, or ""."""
    if not text or not str(text).strip():
        return ""
    try:
        parsed = dateparser.parse(str(text), tzinfos=_TZ, fuzzy=True)
    except (ValueError, OverflowError):
        return ""
    if parsed.hour == parsed.minute == parsed.second == 0 and parsed.tzinfo is None:
        return parsed.date().isoformat()
    return parsed.isoformat()


def outlet_from_url(url: str) -> str:
    """The site's host name without "www.", a readable stand-in when the outlet is not named."""
    host = urlparse(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def _split_byline(names: str) -> tuple[tuple[str, ...], str]:
    """"A, B and C, CNN" -> (("A", "B", "C"), "CNN"): a last part without a space is the outlet."""
    parts = [p.strip() for p in re.split(r",\s*|\s+and\s+", names) if p.strip()]
    outlet = ""
    if len(parts) > 1 and (" " not in parts[-1] or parts[-1].isupper()):
        outlet = parts.pop()
    return tuple(parts), outlet


def parse_plain_article(raw: str, *, source: str, key: str, url: str = "") -> Article:
    """Parse a plain-text article shaped like the seed: title line, byline, date line, then the body.

    Only what is really a header is taken out of the body: a first line that is a title (a Markdown
    heading, or a short line followed by a blank line or a header line), then header lines of known
    shapes (`By …`, `Updated …`, "7 minute read", dashes, the outlet alone, the byline's names). The body
    starts at the first other line, however short: a short lead paragraph is kept. A file whose first
    line is not a title is taken whole, that line also serving as the title.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n").strip("\ufeff")
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return Article(id=article_id(url or key), source=source, title="", text="", url=url)
    title = lines[first].strip().lstrip("#").strip()
    header = _Header.read(lines, first)
    if not _is_title(lines, first, header):
        body = "\n".join(lines[first:]).strip()
    else:
        body = "\n".join(lines[header.end:]).strip() or "\n".join(lines[first + 1:]).strip()
    return Article(
        id=article_id(url or key), source=source, title=title, text=body, url=url,
        outlet=header.outlet or (outlet_from_url(url) if url else ""), authors=header.authors,
        published=header.published,
    )


@dataclass
class _Header:
    """The header lines after a title: where the body starts, and the metadata they gave."""

    end: int
    authors: tuple[str, ...] = ()
    outlet: str = ""
    published: str = ""

    @classmethod
    def read(cls, lines: list[str], first: int) -> "_Header":
        """Consume the blank and header-shaped lines after line `first`."""
        window = lines[first + 1 : first + 1 + _HEADER_WINDOW]
        byline = next((m for m in map(_byline, window) if m is not None), None)
        authors, outlet = _split_byline(byline.group("names")) if byline else ((), "")
        names = {w.lower() for a in authors for w in a.split()}
        header = cls(first + 1, authors, outlet)
        for i in range(first + 1, len(lines)):
            line = lines[i].strip()
            date = normalize_date(match.group("date")) if (match := _DATE_LINE.match(line)) else ""
            if date and len(line.split()) <= 15:
                header.published = header.published or date
            elif line and not _is_header_line(line, names, outlet):
                break
            header.end = i + 1
        return header


def _byline(line: str) -> re.Match | None:
    """A `By A, B and C, CNN` line (names: capitalised words), not a sentence that starts with "By"."""
    match = _BYLINE.match(line)
    if match is None or len(line.split()) > 16 or line.rstrip().endswith("."):
        return None
    words = re.split(r"[\s,]+", match.group("names").strip())
    return match if all(w[:1].isupper() or w in ("and", "&", "") for w in words) else None


def _is_header_line(line: str, names: set[str], outlet: str) -> bool:
    """A byline, a reading time, dashes, the outlet alone or the byline's names without "By"."""
    words = line.split()
    return bool(
        _byline(line) or _READING_TIME.match(line) or not re.search(r"\w", line)
        or (outlet and line.lower() == outlet.lower())
        or (len(words) <= 2 and line.isupper() and len(line) <= 12)
        or (names and all(w.lower() in names for w in words))
    )


def _is_title(lines: list[str], first: int, header: _Header) -> bool:
    """Whether the first line is a title: a Markdown heading, or a short line followed by a blank line or
    by header lines (otherwise it is the start of the text)."""
    line = lines[first].strip()
    if line.startswith("#"):
        return True
    if len(line.split()) >= _BODY_MIN_WORDS:
        return False
    following = lines[first + 1] if first + 1 < len(lines) else ""
    return not following.strip() or header.end > first + 1


def published_day(published: str) -> int:
    """Days since 1970-01-01 of an ISO date (for range filters in the store); -1 when unknown."""
    if not published:
        return -1
    try:
        parsed = datetime.fromisoformat(published)
    except ValueError:
        return -1
    return (parsed.date() - datetime(1970, 1, 1).date()).days
