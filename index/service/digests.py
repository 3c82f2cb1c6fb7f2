"""The digest half of the facade: the stories of a window of days (index/news/), summarised by the writer."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence

from index.news.digest import build_digest
from index.news.leads import read_leads, window_filters
from index.sources.articles import published_day
from index.errors import BadInput
from index.sources.scopes import SHARED, split_name
from index.types import Digest

DEFAULT_DAYS = 1  # without `since`, a digest covers yesterday and today


class Digests:
    """`NewsService.digest`; needs `store`, `writer` and `_specs` (the configured sources) from the service."""

    def digest(self, since: date | None = None, until: date | None = None,
               sources: Sequence[str] | None = None, scopes: tuple[str, ...] = (SHARED,), limit: int = 10) -> Digest:
        """The stories of the window (since `since`, by default yesterday; until `until`, by default no end),
        newest and most covered first, each with a one- or two-sentence cited summary."""
        self._known_sources(sources or (), scopes)
        since = since or (until or date.today()) - timedelta(days=DEFAULT_DAYS)
        until_day = published_day(until.isoformat()) if until else None
        filters = window_filters(scopes, published_day(since.isoformat()), until_day, sources)
        with self.store.pinned():
            leads = read_leads(self.store.chunks, filters)
        return build_digest(leads, self.writer, since, until, limit)  # each LLM summary has its own budget

    def _known_sources(self, names: Sequence[str], scopes: tuple[str, ...]) -> None:
        """BadInput for a source name that no scope of `scopes` configures."""
        known = {split_name(spec.name)[1] for spec, _ in self._specs(list(scopes))} if names else set()
        for name in names:
            if name not in known:
                raise BadInput(f"unknown source {name!r}; see `newsbot sources`")
