"""Working out what a URL that a user wants to add is: an RSS/Atom feed or a single article page."""
from __future__ import annotations

import re
from urllib.parse import urlparse

from index.errors import BadInput, SourceError
from index.sources.fetch import fetch
from index.settings import Settings
from index.sources.sources_config import SourceSpec


def default_name(url: str, taken: set[str]) -> str:
    """A source name from the URL's host ("www.bbc.co.uk" -> "bbc-co-uk"), unique among `taken`."""
    host = (urlparse(url).hostname or "source").removeprefix("www.")
    base = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-")[:48] or "source"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def probe_source(location: str, name: str | None, settings: Settings, taken: set[str]) -> SourceSpec:
    """Fetch `location` once (bounded, address-checked) and decide whether it is a feed or a page."""
    import feedparser

    try:
        fetched = fetch(location, timeout=settings.fetch_timeout, max_bytes=settings.fetch_max_bytes,
                        allow_private=settings.allow_private_urls)
    except SourceError as exc:
        raise BadInput(f"cannot add {location}: {exc}") from None
    parsed = feedparser.parse(fetched.body)
    kind = "feed" if parsed.entries and (parsed.version or "") else "url"
    chosen = name.strip() if name else default_name(location, taken)
    if chosen in taken:
        raise BadInput(f"a source named {chosen!r} already exists")
    return SourceSpec(name=chosen, kind=kind, location=location)
