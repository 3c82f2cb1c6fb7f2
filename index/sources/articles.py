"""Pure parsing of article files and metadata: plain-text news articles, Markdown, dates, ids."""
from __future__ import annotations

import hashlib
import re
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
_BODY_MIN_WORDS = 25  # the first line this long starts the article body


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

    Header lines that are recognised (byline, "Updated …", "7 minute read", dashes, the outlet alone)
    are consumed; the body starts at the first line of `_BODY_MIN_WORDS` words or more. A file with no
    such header is taken whole, its first line as the title.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n").strip("\ufeff")
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return Article(id=article_id(url or key), source=source, title="", text="", url=url)
    title = lines[first].strip().lstrip("#").strip()
    authors: tuple[str, ...] = ()
    outlet, published = "", ""
    body_start = first + 1
    for i in range(first + 1, len(lines)):
        line = lines[i].strip()
        if len(line.split()) >= _BODY_MIN_WORDS:
            body_start = i
            break
        if (match := _BYLINE.match(line)) and not authors:
            authors, outlet = _split_byline(match.group("names"))
        elif (match := _DATE_LINE.match(line)) and not published:
            published = normalize_date(match.group("date"))
        body_start = i + 1
    body = "\n".join(lines[body_start:]).strip()
    if not body:  # no long line at all: a short note; keep everything after the title
        body = "\n".join(lines[first + 1 :]).strip()
    return Article(
        id=article_id(url or key), source=source, title=title, text=body, url=url,
        outlet=outlet or (outlet_from_url(url) if url else ""), authors=authors, published=published,
    )


def published_day(published: str) -> int:
    """Days since 1970-01-01 of an ISO date (for range filters in the store); -1 when unknown."""
    if not published:
        return -1
    try:
        parsed = datetime.fromisoformat(published)
    except ValueError:
        return -1
    return (parsed.date() - datetime(1970, 1, 1).date()).days
