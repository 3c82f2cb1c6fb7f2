"""What the index holds of each configured source (`newsbot sources`, Discord's /sources) and its repair
(`newsbot doctor`): reads of the docstores, the store and the state files, beside the index runs."""
from __future__ import annotations

from typing import Sequence

from index.indexing import doctor
from index.indexing.runs import IndexRuns
from index.sources.fetch_state import load_state
from index.sources.source_dates import source_dates
from index.store.chunks import ChunkFilter
from index.types import Problem, Scope, SourceHealth, SourceStatus


class IndexStatus:
    """Source statuses and the doctor, over the collaborators of the index runs."""

    def __init__(self, runs: IndexRuns) -> None:
        self.runs = runs

    def sources(self, scopes: Sequence[Scope] | None = None) -> list[SourceStatus]:
        """Each configured source of `scopes` (default: every scope) with its article and chunk counts and
        when it was last indexed; `name` is the name within its scope."""
        from index.indexing.docstores import docstore_ids

        runs = self.runs
        state = runs.state.load()
        dates = source_dates(runs.lexical.snapshot().metadatas)
        statuses = []
        for spec, _ in runs.catalog.specs(scopes):
            articles = len(docstore_ids(runs.indexer.docstore(spec.name)))
            chunks = len(runs.store.chunks.ids(ChunkFilter(source=spec.name)))
            scope, name = Scope.split(spec.name)
            fetched, health = load_state(runs.paths.fetch_state, spec.name), runs.health_book.record(spec.name)
            oldest, newest = dates.get(spec.name, ("", ""))
            statuses.append(SourceStatus(name, spec.kind, spec.location, articles, chunks, state.get(spec.name, ""),
                                         newest=newest, oldest=oldest, last_error=fetched.last_error, scope=scope,
                                         last_success=health.last_success, last_error_kind=health.last_error_kind,
                                         last_error_at=health.last_error_at or fetched.last_error_at,
                                         health=runs.health_book.state(spec), refresh_seconds=spec.refresh_seconds))
        return statuses

    def source_health(self, scopes: Sequence[Scope] | None = None) -> list[SourceHealth]:
        """The health of each configured source of `scopes` (default: every scope): ok, failing or stale."""
        return self.runs.health_book.report(spec for spec, _ in self.runs.catalog.specs(scopes))

    def doctor(self, repair: bool = False) -> tuple[list[Problem], list[Problem]]:
        """(problems found, problems left): mismatches between sources, docstores and the vector store,
        repaired when `repair` (deletions only; the next index run re-embeds what was removed)."""
        found = doctor.check(self._inventory())
        if not repair or not found:
            return found, found
        indexer = self.runs.indexer
        with self.runs.lock("a re-index or repair"):
            found = doctor.check(inventory := self._inventory())
            fix = doctor.plan(inventory, found)
            indexer.remove_leftovers()
            for source in fix.docstores:
                indexer.drop_source(source)
            indexer.delete_chunks(fix.chunk_ids)
            for source, article_ids in fix.forget.items():
                indexer.forget_articles(source, article_ids)
            if fix.docstores or fix.chunk_ids:
                self.runs.store.bump_generation()
        return found, doctor.check(self._inventory())

    def _inventory(self) -> doctor.Inventory:
        indexer = self.runs.indexer
        configured = frozenset(self.runs.catalog.configured())
        docstores = {name: indexer.hashes(name) for name in set(indexer.indexed_sources()) | configured}
        return doctor.Inventory(configured, {k: v for k, v in docstores.items() if v or k in configured},
                                tuple(doctor.Chunk(*c) for c in indexer.chunks()), tuple(indexer.leftovers()))
