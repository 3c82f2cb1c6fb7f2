"""One source read for indexing: snapshots (folders, JSONL) or archives (feeds, URLs), and retention.

`index.indexing.runs.IndexRuns` calls `read_for_index`, indexes what it returns, then `commit`s it (the fetch
state is saved only once its articles are in the index). What the index holds past a source's retention
window is found by `index.indexing.retention`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from index.sources.articles import published_day
from index.sources.fetch import fetch
from index.sources.fetch_state import SourceState, load_state, save_state
from index.sources.polite import PoliteFetcher
from index.sources.readers import read_source
from index.settings import Settings
from index.sources.sources_config import SourceSpec
from index.sources.stream_read import read_archive
from index.store.records import Shelf
from index.types import Article, ItemError


@dataclass
class SourceRead:
    """Articles to index for one source, and how to treat what is indexed but not among them."""

    spec: SourceSpec
    articles: list[Article]
    errors: list[ItemError]
    archive: bool  # True: keep indexed articles that were not read; delete only `removed`
    removed: list[str] = field(default_factory=list)
    state: SourceState = field(default_factory=SourceState)
    requests: int = 0
    failure: Exception | None = None  # the whole source could not be read (a URL source's page), yet nothing is lost


def polite_fetcher(settings: Settings) -> PoliteFetcher:
    """A PoliteFetcher over `index.fetch.fetch` with the settings' bounds."""
    def raw(url: str, headers: dict[str, str]):
        return fetch(url, timeout=settings.fetch_timeout, max_bytes=settings.fetch_max_bytes,
                     allow_private=settings.allow_private_urls, headers=headers)

    return PoliteFetcher(raw)


def read_for_index(spec: SourceSpec, settings: Settings, state_dir: Shelf, known: set[str], full: bool,
                   now: datetime | None = None, fetcher: PoliteFetcher | None = None,
                   config_dir: Path | None = None) -> SourceRead:
    """Read a source for an index run; raises SourceError when the whole source cannot be read."""
    now = now or datetime.now(timezone.utc)
    state = load_state(state_dir, spec.name)
    if spec.is_archive:
        fetcher = fetcher or polite_fetcher(settings)
        read = read_archive(spec, fetcher, state, known, now, full)
        result = SourceRead(spec, read.articles, read.errors, True, read.removed, read.state, fetcher.requests,
                            read.failure)
    else:
        articles, errors = read_source(spec, config_dir or settings.sources_file.parent,
                                       timeout=settings.fetch_timeout, max_bytes=settings.fetch_max_bytes,
                                       allow_private=settings.allow_private_urls)
        result = SourceRead(spec, articles, errors, False, state=state)
    cutoff = retention_cutoff(spec, now)
    if cutoff is not None:
        result.articles = [a for a in result.articles if not 0 <= published_day(a.published) < cutoff]
    return result


def retention_cutoff(spec: SourceSpec, now: datetime) -> int | None:
    """The first published day a source keeps (days since 1970), None when it keeps everything."""
    if spec.retention_days is None:
        return None
    return published_day((now - timedelta(days=spec.retention_days)).date().isoformat())


def commit(read: SourceRead, state_dir: Shelf, now: datetime | None = None) -> None:
    """Save the fetch state of a source after its articles were indexed, with the refresh's outcome."""
    stamp = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    read.state.last_refresh = stamp
    read.state.failures = read.state.failures + 1 if read.failure else 0
    if read.errors:
        first = read.errors[0]
        more = f" (and {len(read.errors) - 1} more)" if len(read.errors) > 1 else ""
        read.state.last_error, read.state.last_error_at = f"{first.item}: {first.reason}{more}", stamp
    else:
        read.state.last_error = read.state.last_error_at = ""
    save_state(state_dir, read.spec.name, read.state)


def record_failure(spec: SourceSpec, state_dir: Shelf, reason: str, now: datetime | None = None) -> None:
    """Remember that a refresh of the whole source failed (nothing it had indexed is touched)."""
    state = load_state(state_dir, spec.name)
    state.failures += 1
    state.last_error = reason
    state.last_error_at = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    save_state(state_dir, spec.name, state)
