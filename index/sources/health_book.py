"""The health records of one collection's sources (index/sources/feed_health.py) in their folder: what an
index run notes about each source it reads, and the health reported to the adapters.

Self-contained, so that whatever runs the index (`index/indexing/runs.py`) needs one line per
outcome: `book.note(name, added=…)` after a source was read, `book.note(name, failure=exc)` when it could
not be, `book.forget(names)` when sources are removed, and `book.report(specs)` for `source_health`.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Iterable

from index.errors import StoreUnavailable
from index.sources import feed_health as fh
from index.sources.sources_config import SourceSpec
from index.store.records import Shelf
from index.types import Scope, SourceHealth

log = logging.getLogger(__name__)


class HealthBook:
    """The health of every source of one collection, one record each on `shelf`."""

    def __init__(self, shelf: Shelf) -> None:
        self.shelf = shelf

    def note(self, source: str, added: int = 0, failure: BaseException | None = None, reason: str = "",
             now: datetime | None = None) -> None:
        """Record the outcome of reading one source (named inside the index); never fails the run."""
        now = now or datetime.now(timezone.utc)
        try:
            record = fh.load_health(self.shelf, source)
            if failure is None:
                fh.record_success(record, now, added)
            else:
                fh.record_failure(record, now, fh.error_kind(failure), reason or str(failure))
            fh.save_health(self.shelf, source, record)
        except (OSError, StoreUnavailable) as exc:  # health is bookkeeping: it never fails an index run
            log.warning("could not record the health of %s: %s", source, exc)

    def forget(self, sources: Iterable[str]) -> None:
        """Delete the records of removed sources."""
        for source in sources:
            fh.forget_health(self.shelf, source)

    def record(self, source: str) -> fh.HealthRecord:
        """The record of one source (a fresh one when it was never read)."""
        return fh.load_health(self.shelf, source)

    def state(self, spec: SourceSpec, now: datetime | None = None) -> str:
        """"ok", "failing" or "stale" for one source (only feeds can go stale)."""
        return fh.state_of(self.record(spec.name), now or datetime.now(timezone.utc), spec.kind == "feed")[0]

    def report(self, specs: Iterable[SourceSpec], now: datetime | None = None) -> list[SourceHealth]:
        """The health of each source of `specs` (named inside the index), as the port reports it."""
        now = now or datetime.now(timezone.utc)
        out = []
        for spec in specs:
            record = self.record(spec.name)
            state, episode = fh.state_of(record, now, can_go_stale=spec.kind == "feed")
            interval = fh.usual_interval(record.new_items)
            scope, name = Scope.split(spec.name)
            out.append(SourceHealth(name, scope, state, episode, record.last_success, record.last_error,
                                    record.last_error_kind, record.last_error_at,
                                    interval.total_seconds() if interval else None))
        return out
