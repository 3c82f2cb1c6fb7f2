"""Index runs over one logical index: full or incremental, one at a time, and what changes the index besides.

One run at a time (`index_lock`: the database's lock, or the home's flock and on a Chroma server the lease); a full re-index builds a new
collection beside the live one and swaps the pointer at the end; a failing source keeps what it had.
Removing a source or forgetting a server's scope drops their chunks under the same lock.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

from index.errors import BadInput, StoreUnavailable
from index.indexing.new_articles import NewArticleListeners
from index.indexing.catalog import SourceCatalog
from index.indexing.index_lock import index_lock
from index.indexing.paths import LazyIndexer, Paths
from index.indexing.retention import expired_articles
from index.indexing.run_state import RunState
from index.indexing.scope_migration import stamp_missing_scopes
from index.settings import Settings
from index.sources import archive
from index.sources.fetch_state import forget_state
from index.sources.health_book import HealthBook
from index.sources.item_guard import source_failure
from index.sources.scopes import scoped_articles
from index.sources.sources_config import SourceSpec
from index.store.chroma import Store
from index.store.lexical import LexicalIndex
from index.store.records import Shelf
from index.types import Article, IndexReport, Scope

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
Specs = list[tuple[SourceSpec, Path]]


@dataclass
class _Run:
    """One index run: where it reads (live) and writes (target), and what it has done so far."""

    live: object
    target: object
    full: bool
    progress: Progress | None
    show_progress: bool
    total: IndexReport
    state: dict[str, str] = field(default_factory=dict)


class IndexRuns:
    """Indexes the configured sources into the store, and drops what is no longer configured."""

    def __init__(self, settings: Settings, store: Store, indexer: LazyIndexer, lexical: LexicalIndex,
                 paths: Paths, catalog: SourceCatalog, health_book: HealthBook | None = None) -> None:
        self.settings = settings
        self.store = store
        self._indexer = indexer
        self.lexical = lexical
        self.paths = paths
        self.catalog = catalog
        self.state = RunState(paths.records, paths.collection)
        self.health_book = health_book or HealthBook(paths.health)  # each source's outcomes (feed health)
        self.listeners = NewArticleListeners()  # told of what each incremental run adds (index/indexing/new_articles.py)

    @property
    def indexer(self):
        """The SourceIndexer (built on first use)."""
        return self._indexer.get()

    @property
    def fetch_state(self) -> Shelf:
        """Where each source's fetch state (last refresh, failures) is kept."""
        return self.paths.fetch_state

    def index(self, source: str | None = None, full: bool = False, progress: Progress | None = None,
              show_progress: bool = False, scopes: Sequence[Scope] | None = None) -> IndexReport:
        """Index the sources of `scopes` (default: every scope), or only the source named `source` in the first
        of `scopes` that has one (default: the shared scope), incrementally unless `full`."""
        if source is not None:
            specs = self.catalog.named(source, scopes or [Scope.SHARED])
            return self.run(specs, set(), full, progress, show_progress)
        chosen = list(scopes) if scopes is not None else self.catalog.scopes()
        return self.run(self.catalog.specs(chosen), set(chosen), full, progress, show_progress)

    def refresh(self, qualified: str, fresh_for: float = 0.0) -> IndexReport | None:
        """Index one source, named inside the index (`Scope.qualify`): what the refresh schedule runs. None
        (nothing done) when a process refreshed it less than `fresh_for` seconds ago, as read under the lock."""
        specs = self.catalog.qualified(qualified)
        with self.lock():
            if fresh_for and 0 <= refreshed_ago(self.paths.fetch_state, qualified) < fresh_for:
                return None
            report = self._index_locked(specs, set(), False, None, False)
        self.listeners.announce(report.new_articles)
        return report

    def all_sources(self) -> list[SourceSpec]:
        """Every configured source of every scope (named as inside the index), for the refresh schedule."""
        return self.catalog.all_sources()

    def run(self, specs: Specs, prune: set[Scope], full: bool, progress: Progress | None = None,
            show_progress: bool = False) -> IndexReport:
        """Index `specs` under the index lock, then drop the sources of `prune`'s scopes no longer configured."""
        with self.lock():
            report = self._index_locked(specs, prune, full, progress, show_progress)
        if not full:  # a full re-index rebuilds everything: nothing in it is news
            self.listeners.announce(report.new_articles)
        return report

    def _index_locked(self, pairs: Specs, prune: set[Scope], full: bool, progress: Progress | None,
                      show_progress: bool) -> IndexReport:
        started = time.perf_counter()
        total = IndexReport()
        state = self.state.load()
        self.stamp_scopes()
        for name in self.indexer.remove_leftovers():  # what a killed full re-index left behind
            log.info("removed the unfinished collection %s", name)
        live = self.indexer.target()
        # A full re-index builds a new collection beside the live one; readers keep the live one until
        # the pointer moves to the new one, in one write, at the end.
        target = self.indexer.fresh_target() if full else live
        run = _Run(live, target, full, progress, show_progress, total, state)
        for spec, config_dir in pairs:
            self._index_source(spec, config_dir, run)
        self._finish(run, {spec.name for spec, _ in pairs}, prune)
        total.seconds = time.perf_counter() - started
        return total

    def _index_source(self, spec: SourceSpec, config_dir: Path, run: _Run) -> None:
        """Read one source and index what it holds into the run's target; a failing source is an error of
        the run, and keeps what it had."""
        if run.full and spec.is_archive:  # a feed's archive holds articles the feed no longer lists
            self.indexer.copy_source(spec.name, run.live, run.target)
        try:
            read = archive.read_for_index(spec, self.settings, self.paths.fetch_state,
                                          self._known(spec.name, run.target), run.full, config_dir=config_dir)
        except Exception as exc:  # the source boundary: whatever one source raises, the others still run
            log.debug("source %s failed", spec.name, exc_info=True)
            run.total.errors.append(failure := source_failure(spec.name, spec.location, exc))
            archive.record_failure(spec, self.paths.fetch_state, failure.reason)
            self.health_book.note(spec.name, failure=exc, reason=failure.reason)
            if run.full and not spec.is_archive:  # an unreachable source keeps what it had, it is not emptied
                self.indexer.copy_source(spec.name, run.live, run.target)
            return
        articles = scoped_articles(read.articles, Scope.split(spec.name)[0])
        expired = expired_articles(run.target.chunks, spec, datetime.now(timezone.utc))
        before = self.indexer.hashes(spec.name, run.live) if run.full else None
        report = self.indexer.index(spec.name, articles, run.progress, run.show_progress, target=run.target,
                                    archive=read.archive, removed=read.removed + expired)
        if before is not None:
            _against_live(report, articles, before, self.indexer.hashes(spec.name, run.target))
        _merge(run.total, report)
        run.total.errors.extend(read.errors)
        archive.commit(read, self.paths.fetch_state)
        self.health_book.note(spec.name, added=len(report.added), failure=read.failure)
        run.state[spec.name] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        if not run.full:  # saved per source: a later failure or kill keeps what was written recorded
            self.state.save(run.state)

    def _finish(self, run: _Run, indexed: set[str], prune: set[Scope]) -> None:
        """Carry over or prune the sources the run did not read, then publish what changed."""
        total, state = run.total, run.state
        configured = self.catalog.configured()
        if run.full:
            for name in self.indexer.indexed_sources(run.live):
                if name in configured and name not in indexed:
                    self.indexer.copy_source(name, run.live, run.target)
        if prune:
            for name in self.indexer.indexed_sources(run.target):
                if name not in indexed and Scope.split(name)[0] in prune:
                    total.deleted.extend(self.indexer.drop_source(name, run.target))
                    state.pop(name, None)
                    forget_state(self.paths.fetch_state, name)
        changed = bool(total.added or total.updated or total.deleted)
        if run.full:
            self.store.swap(run.target.name)
            self.indexer.discard(run.live.name)
            self.stamp_scopes(done=True)  # a new collection: every chunk was written (or copied) with its scope
        elif changed:
            self.store.bump_generation()
        self.state.save(state)
        if run.full or changed:
            self._warm_lexical()

    def remove_source(self, name: str, scope: Scope) -> None:
        """Remove a source (named within `scope`) from its config and its articles from the index."""
        text = self.catalog.without(name, scope)
        qualified = Scope(scope).qualify(name)
        with self.lock():
            self.catalog.write(scope, text)
            self._drop_sources([qualified])
            forget_state(self.paths.fetch_state, qualified)
            self.health_book.forget([qualified])

    def forget_scope(self, scope: Scope) -> list[str]:
        """Delete a server's sources config and every chunk of its sources; returns the sources dropped."""
        if Scope(scope).is_shared:
            raise BadInput("the shared sources are managed in the sources config, not forgotten")
        with self.lock():
            names = [n for n in self.indexer.indexed_sources() if Scope.split(n)[0] == scope]
            names += [s.name for s, _ in self.catalog.specs([scope]) if s.name not in names]
            self._drop_sources(names)
            self.health_book.forget(names)
            self.catalog.forget(scope)
        return [Scope.split(n)[1] for n in names]

    def _drop_sources(self, qualified: Sequence[str]) -> None:
        """Delete the chunks, docstores and last-indexed times of sources (the index lock held)."""
        dropped = [name for name in qualified if self.indexer.drop_source(name)]
        if dropped:
            self.store.bump_generation()
        state = self.state.load()
        for name in qualified:
            state.pop(name, None)
        self.state.save(state)

    def stamp_scopes(self, done: bool = False) -> None:
        """Once per physical collection: give chunks written before scopes existed their scope (or, with
        `done`, only record that the live collection needs none)."""
        live = self.store.live_name()
        if self.paths.records.get("scoped", live) is not None:
            return
        if not done:
            stamped = stamp_missing_scopes(self.store.chunks_of(live))
            if stamped:
                log.info("gave %d chunks of %s their scope", stamped, live)
                self.store.bump_generation()
        self.paths.records.put("scoped", live, "1\n")

    def lock(self, what: str = "a re-index"):
        """The lock of this index across processes and machines (index/indexing/index_lock.py)."""
        return index_lock(self.settings, self.store, self.paths, what)

    def _known(self, source: str, target) -> set[str]:
        """The article ids the docstore of `source` in `target` knows."""
        from index.indexing.docstores import docstore_ids

        return docstore_ids(target.docstores.load(source))

    def _warm_lexical(self) -> None:
        """Build (and cache on disk) the BM25 index of the new generation now, in the process that indexed,
        so the first question after a re-index does not pay for it (2.9 s at 10k chunks, measured by
        bench/scale.py); a process sharing this home loads the cached file instead."""
        try:
            self.lexical.snapshot()
        except StoreUnavailable as exc:  # the next question builds it instead
            log.warning("could not prepare the BM25 index: %s", exc)


def refreshed_ago(fetch_state: Shelf, source: str) -> float:
    """Seconds since a process last refreshed `source` (-1 when never, or unknown)."""
    from index.sources.fetch_state import load_state

    try:
        stamp = datetime.fromisoformat(load_state(fetch_state, source).last_refresh)
    except ValueError:
        return -1.0
    return (datetime.now(timezone.utc) - stamp).total_seconds()


def _merge(total: IndexReport, report: IndexReport) -> None:
    total.added += report.added
    total.updated += report.updated
    total.unchanged += report.unchanged
    total.deleted += report.deleted
    total.errors += report.errors
    total.chunks_embedded += report.chunks_embedded
    total.new_articles += report.new_articles


def _against_live(report: IndexReport, articles: list[Article], before: dict[str, str],
                  after: dict[str, str]) -> None:
    """A full re-index writes every article into a new collection: report each one as added, updated or
    unchanged against what the live collection held (`before`, `after`: article id -> content hash)."""
    report.added, report.updated, report.unchanged = [], [], []
    for article in articles:
        old, new = before.get(article.id), after.get(article.id)
        if new is None:  # not written (an embedding failure, reported in the errors)
            continue
        (report.added if old is None else report.unchanged if old == new else report.updated).append(article.title)
