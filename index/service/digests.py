"""The digest collaborator of the facade: the stories of a window of days (index/news/), summarised by the
answer writer."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence

from index.answering.writers import AnswerWriter
from index.errors import BadInput
from index.indexing.catalog import SourceCatalog
from index.news.digest import build_digest, stories_containing
from index.news.leads import read_leads, window_filters
from index.news.stories import DEFAULT_PARAMS, PairJudge
from index.sources.articles import published_day
from index.store.chroma import Store
from index.store.chunks import ChunkFilter
from index.types import Digest, Scope, Story

DEFAULT_DAYS = 1  # without `since`, a digest covers yesterday and today


class Digests:
    """`NewsService.digest`: reads the leads of the window from the store, groups them into stories and has
    the writer summarise each. A `judge` (the packaged cross-encoder) reads the pairs near the grouping's
    threshold."""

    def __init__(self, store: Store, writer: AnswerWriter, catalog: SourceCatalog,
                 judge: PairJudge | None = None) -> None:
        self.store = store
        self.writer = writer
        self.catalog = catalog
        self.judge = judge

    def digest(self, since: date | None = None, until: date | None = None, sources: Sequence[str] | None = None,
               scopes: tuple[Scope, ...] = (Scope.SHARED,), limit: int = 10, language: str | None = None) -> Digest:
        """The stories of the window (since `since`, by default yesterday; until `until`, by default no end),
        newest and most covered first, each with a one- or two-sentence cited summary."""
        self._known_sources(sources or (), scopes)
        since = since or (until or date.today()) - timedelta(days=DEFAULT_DAYS)
        until_day = published_day(until.isoformat()) if until else None
        filters = window_filters(scopes, published_day(since.isoformat()), until_day, sources)
        with self.store.pinned():
            leads = read_leads(self.store.chunks, filters)
        return build_digest(leads, self.writer, since, until, limit, language=language, judge=self.judge)  # each LLM summary has its own budget

    def stories_of(self, article_ids: Sequence[str], scopes: tuple[Scope, ...] = (Scope.SHARED,)) -> dict[str, Story]:
        """The story of each indexed article of `scopes` among `article_ids` (not summarised; an article not
        indexed there is left out), grouped as a digest groups them among the articles published up to a
        story's span before the first of them and after the last: one read and one grouping for them all.
        An undated article is a story of its own."""
        filters = [ChunkFilter(article_id=article_id, scopes=tuple(scopes), position=0)
                   for article_id in dict.fromkeys(article_ids)]
        with self.store.pinned():
            own = read_leads(self.store.chunks, filters) if filters else []
            days, span = [lead.day for lead in own if lead.day >= 0], DEFAULT_PARAMS.max_span
            leads = read_leads(self.store.chunks, window_filters(scopes, min(days) - span, max(days) + span)) if days else []
        found = stories_containing(leads, [lead.passage.article_id for lead in own if lead.day >= 0], judge=self.judge)
        for lead in own:
            if lead.day < 0:
                found |= stories_containing([lead], [lead.passage.article_id])
        return found

    def _known_sources(self, names: Sequence[str], scopes: tuple[Scope, ...]) -> None:
        """BadInput for a source name that no scope of `scopes` configures."""
        known = {Scope.split(spec.name)[1] for spec, _ in self.catalog.specs(list(scopes))} if names else set()
        for name in names:
            if name not in known:
                raise BadInput(f"unknown source {name!r}; see `newsbot sources`")
