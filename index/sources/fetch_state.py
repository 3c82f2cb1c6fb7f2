"""What newsbot remembers about fetching one source between runs: HTTP validators, feed entries, health.

One record per source (index/store/records.py: `fetch/<collection>/<source>.json` under the home folder, or a
row of the database), written *after* the articles it describes are indexed: a run killed in between only
costs a re-fetch.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import asdict

from index.store.records import Shelf


@dataclass
class PageState:
    """One fetched page (a feed entry's link, or a URL source's page)."""

    article_id: str = ""
    guid: str = ""  # the feed entry's id/guid when the page was last fetched
    updated: str = ""  # the feed entry's updated/published value when the page was last fetched
    etag: str = ""
    last_modified: str = ""
    checked: str = ""  # ISO time of the last request answered (200, 304, 404 or 410)
    not_found: int = 0  # consecutive checks answered 404


@dataclass
class SourceState:
    """Everything remembered about one source."""

    etag: str = ""  # the feed's own validators
    last_modified: str = ""
    pages: dict[str, PageState] = field(default_factory=dict)  # link -> page
    last_refresh: str = ""  # ISO time of the last refresh that read the source
    last_error: str = ""  # the last refresh's error ("" when it had none)
    last_error_at: str = ""
    failures: int = 0  # consecutive refreshes that failed as a whole (the schedule backs off)

    def validators(self) -> dict[str, str]:
        """Conditional-GET headers for the feed itself."""
        return conditional_headers(self.etag, self.last_modified)


def conditional_headers(etag: str, last_modified: str) -> dict[str, str]:
    """If-None-Match / If-Modified-Since for what a server sent last time (empty when it sent neither)."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _decode_state(data: dict) -> SourceState:
    pages = {link: PageState(**page) for link, page in data.pop("pages", {}).items()}
    return SourceState(pages=pages, **data)


def load_state(shelf: Shelf, source: str) -> SourceState:
    """The saved state of `source`, or an empty one (also when it is unreadable: costs re-fetching)."""
    return shelf.load(source, _decode_state, SourceState, "its pages will be fetched again")


def save_state(shelf: Shelf, source: str, state: SourceState) -> None:
    """Write the state of `source` (atomically)."""
    shelf.put(source, asdict(state))


def forget_state(shelf: Shelf, source: str) -> None:
    """Delete the state of a removed source."""
    shelf.delete(source)
