"""The source-health half of NewsService (index/service/facade.py): what each index run tells about a
source's health is recorded (index/sources/feed_health.py), and `source_health` reports it per scope."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from index.sources import feed_health as fh
from index.sources import scopes as scoping
from index.types import SourceHealth

log = logging.getLogger("index.service.facade")


class HealthKeeping:
    """Mixed into NewsService; uses its settings and paths."""

    @property
    def _health_dir(self) -> Path:
        return self.paths.home / "health" / self.paths.collection

    def _note_health(self, source: str, added: int = 0, failure: BaseException | None = None,
                     reason: str = "") -> None:
        """Record the outcome of reading one source (named inside the index) in an index run."""
        now = datetime.now(timezone.utc)
        try:
            record = fh.load_health(self._health_dir, source)
            if failure is None:
                fh.record_success(record, now, added)
            else:
                fh.record_failure(record, now, fh.error_kind(failure), reason or str(failure))
            fh.save_health(self._health_dir, source, record)
        except OSError as exc:  # health is bookkeeping: it never fails an index run
            log.warning("could not record the health of %s: %s", source, exc)

    def _forget_health(self, sources: Sequence[str]) -> None:
        for source in sources:
            fh.forget_health(self._health_dir, source)

    def _health_record(self, source: str) -> fh.HealthRecord:
        return fh.load_health(self._health_dir, source)

    def _health_state(self, spec) -> str:
        """"ok", "failing" or "stale" for one source spec (named inside the index)."""
        record = self._health_record(spec.name)
        return fh.state_of(record, datetime.now(timezone.utc), can_go_stale=spec.kind == "feed")[0]

    def source_health(self, scopes: Sequence[str] | None = None) -> list[SourceHealth]:
        """The health of each configured source of `scopes` (default: every scope)."""
        now = datetime.now(timezone.utc)
        scopes = list(scopes) if scopes is not None else scoping.all_scopes(self.settings.home)
        out = []
        for spec, _ in self._specs(scopes):
            record = self._health_record(spec.name)
            state, episode = fh.state_of(record, now, can_go_stale=spec.kind == "feed")
            interval = fh.usual_interval(record.new_items)
            scope, name = scoping.split_name(spec.name)
            out.append(SourceHealth(name, scope, state, episode, record.last_success, record.last_error,
                                    record.last_error_kind, record.last_error_at,
                                    interval.total_seconds() if interval else None))
        return out
