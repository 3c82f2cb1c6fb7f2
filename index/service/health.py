"""The source-health part of NewsService (index/service/facade.py): index runs note each source's outcome in a
HealthBook (index/sources/health_book.py) and `source_health` reports it per scope."""
from __future__ import annotations

from typing import Sequence

from index.sources import scopes as scoping
from index.sources.health_book import HealthBook
from index.types import SourceHealth


class HealthKeeping:
    """Mixed into NewsService; uses its settings, paths and `_specs`."""

    @property
    def health_book(self) -> HealthBook:
        """The health records of this collection's sources (`health/<collection>/` in the data folder)."""
        return HealthBook(self.paths.home / "health" / self.paths.collection)

    def source_health(self, scopes: Sequence[str] | None = None) -> list[SourceHealth]:
        """The health of each configured source of `scopes` (default: every scope)."""
        scopes = list(scopes) if scopes is not None else scoping.all_scopes(self.settings.home)
        return self.health_book.report(spec for spec, _ in self._specs(scopes))
