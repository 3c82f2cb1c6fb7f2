"""What newsbot remembers about fetching one source between runs: HTTP validators, feed entries, health.

One JSON file per source (`state/<collection>/fetch/<source>.json` under the home folder), written
atomically *after* the articles it describes are indexed: a run killed in between only costs a re-fetch.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from index.store.atomic_files import load_json_record, save_json_record


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


def state_path(directory: Path, source: str) -> Path:
    """Where the state of `source` is kept."""
    return directory / f"{source}.json"


def _decode_state(data: dict) -> SourceState:
    pages = {link: PageState(**page) for link, page in data.pop("pages", {}).items()}
    return SourceState(pages=pages, **data)


def load_state(directory: Path, source: str) -> SourceState:
    """The saved state of `source`, or an empty one (also when the file is unreadable: costs re-fetching)."""
    return load_json_record(state_path(directory, source), _decode_state, SourceState,
                            "its pages will be fetched again")


def save_state(directory: Path, source: str, state: SourceState) -> None:
    """Write the state of `source` atomically."""
    save_json_record(state_path(directory, source), state)


def forget_state(directory: Path, source: str) -> None:
    """Delete the state of a removed source."""
    state_path(directory, source).unlink(missing_ok=True)
