"""The indexing half of NewsService (index/service/facade.py): index runs, sources, doctor and state.

One run at a time (the index lock, and on a Chroma server the lease); a full re-index builds a new
collection beside the live one and swaps the pointer at the end; a failing source keeps what it had.
"""
from __future__ import annotations

import json
import logging
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

from index.errors import BadInput, StoreUnavailable
from index.indexing import doctor
from index.indexing.doctor import Problem
from index.service.new_articles import announce
from index.sources import archive
from index.sources import scopes as scoping
from index.sources.fetch_state import forget_state, load_state
from index.sources.item_guard import source_failure
from index.sources.scopes import SHARED
from index.sources.source_dates import source_dates
from index.sources.sources_config import SourceSpec, parse_sources, with_source_added, with_source_removed
from index.store.atomic_files import write_text_atomic
from index.store.chunks import ChunkFilter
from index.store.locking import exclusive
from index.types import IndexReport, SourceStatus

log = logging.getLogger("index.service.facade")
Progress = Callable[[int, int], None]


@dataclass
class Paths:
    """Where a service keeps its local state under the home folder."""

    home: Path
    collection: str

    @property
    def docstores(self) -> Path:
        return self.home / "docstore" / self.collection

    @property
    def lexical_cache(self) -> Path:
        return self.home / "lexical" / f"{self.collection}.pkl"

    @property
    def state(self) -> Path:
        return self.home / "state" / f"{self.collection}.json"

    @property
    def fetch_state(self) -> Path:
        return self.home / "fetch" / self.collection

    @property
    def lock(self) -> Path:
        return self.home / "locks" / f"{self.collection}.lock"


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


class Indexing:
    """Mixed into NewsService; uses its settings, store, indexer, lexical index and paths."""

    def is_empty(self) -> bool:
        """True when nothing has been indexed into the collection yet."""
        return self.store.chunks.count() == 0

    def index(self, source: str | None = None, full: bool = False, progress: Progress | None = None,
              show_progress: bool = False, scopes: Sequence[str] | None = None) -> IndexReport:
        """Index the configured sources of `scopes` (default: every scope), or one source (named inside the
        index, index/sources/scopes.py), incrementally unless `full`. One runs at a time."""
        scopes = list(scopes) if scopes is not None else scoping.all_scopes(self.settings.home)
        specs = self._specs(scopes)
        if source is not None:
            specs = [s for s in specs if s[0].name == source]
            if not specs:
                raise BadInput(f"unknown source {scoping.split_name(source)[1]!r}; see `newsbot sources`")
        with exclusive(self.paths.lock), self._shared_lease():
            report = self._index_locked(specs, prune=set(scopes) if source is None else set(), full=full,
                                        progress=progress, show_progress=show_progress)
        if not full:  # a full re-index rebuilds everything: nothing in it is news
            announce(self, report.new_articles)
        return report

    def _index_locked(self, pairs: list[tuple[SourceSpec, Path]], prune: set[str], full: bool,
                      progress: Progress | None, show_progress: bool) -> IndexReport:
        started = time.perf_counter()
        total = IndexReport()
        state = self._load_state()
        self._stamp_scopes()
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

    def _index_source(self, spec: SourceSpec, config_dir: Path, run: "_Run") -> None:
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
        articles = scoping.scoped_articles(read.articles, scoping.scope_of(spec.name))
        report = self.indexer.index(spec.name, articles, run.progress, run.show_progress, target=run.target,
                                    archive=read.archive, removed=read.removed + self._expired(spec, run.target))
        _merge(run.total, report)
        run.total.errors.extend(read.errors)
        archive.commit(read, self.paths.fetch_state)
        self.health_book.note(spec.name, added=len(report.added))
        run.state[spec.name] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        if not run.full:  # saved per source: a later failure or kill keeps what was written recorded
            self._save_state(run.state)

    def _finish(self, run: "_Run", indexed: set[str], prune: set[str]) -> None:
        """Carry over or prune the sources the run did not read, then publish what changed."""
        total, state = run.total, run.state
        configured = self._configured()
        if run.full:
            for name in self.indexer.indexed_sources(run.live):
                if name in configured and name not in indexed:
                    self.indexer.copy_source(name, run.live, run.target)
        if prune:
            for name in self.indexer.indexed_sources(run.target):
                if name not in indexed and scoping.scope_of(name) in prune:
                    total.deleted.extend(self.indexer.drop_source(name, run.target))
                    state.pop(name, None)
                    forget_state(self.paths.fetch_state, name)
        changed = bool(total.added or total.updated or total.deleted)
        if run.full:
            self.store.swap(run.target.name)
            self.indexer.discard(run.live.name)
            self._stamp_scopes(done=True)  # a new collection: every chunk was written (or copied) with its scope
        elif changed:
            self.store.bump_generation()
        self._save_state(state)
        if run.full or changed:
            self._warm_lexical()

    def all_sources(self) -> list[SourceSpec]:
        """Every configured source of every scope (named as inside the index), for the refresh schedule."""
        return [spec for spec, _ in self._specs(scoping.all_scopes(self.settings.home))]

    def _shared_lease(self):
        """On a Chroma server, the lease that keeps other machines' processes from re-indexing at once."""
        if not self.settings.chroma_host:
            return nullcontext()
        from index.store.lease import ChromaLease

        return ChromaLease(self.store).hold()

    def _known(self, source: str, target) -> set[str]:
        """The article ids the docstore of `source` in `target` knows."""
        from index.indexing.docstores import docstore_ids, docstore_path, load_docstore

        return docstore_ids(load_docstore(docstore_path(target.docstores, source)))

    def _expired(self, spec: SourceSpec, target) -> list[str]:
        """Articles of `spec` older than its retention window (none when it keeps everything)."""
        cutoff = archive.retention_cutoff(spec, datetime.now(timezone.utc))
        if cutoff is None:
            return []
        return archive.expired_articles(target.chunks, spec.name, cutoff)

    def _warm_lexical(self) -> None:
        """Build (and cache on disk) the BM25 index of the new generation now, in the process that indexed,
        so the first question after a re-index does not pay for it (2.9 s at 10k chunks, measured by
        bench/scale.py); a process sharing this home loads the cached file instead."""
        try:
            self.lexical.snapshot()
        except StoreUnavailable as exc:  # the next question builds it instead
            log.warning("could not prepare the BM25 index: %s", exc)

    def sources(self, scopes: Sequence[str] | None = None) -> list[SourceStatus]:
        """Each configured source of `scopes` (default: every scope) with its article and chunk counts and
        when it was last indexed; `name` is the name within its scope."""
        from index.indexing.docstores import docstore_ids, load_docstore

        state = self._load_state()
        dates = source_dates(self.lexical.snapshot().metadatas)
        statuses = []
        scopes = list(scopes) if scopes is not None else scoping.all_scopes(self.settings.home)
        for spec, _ in self._specs(scopes):
            articles = len(docstore_ids(load_docstore(self.indexer.docstore_path(spec.name))))
            chunks = len(self.store.chunks.ids(ChunkFilter(source=spec.name)))
            scope, name = scoping.split_name(spec.name)
            fetched, health = load_state(self.paths.fetch_state, spec.name), self.health_book.record(spec.name)
            oldest, newest = dates.get(spec.name, ("", ""))
            statuses.append(SourceStatus(name, spec.kind, spec.location, articles, chunks, state.get(spec.name, ""),
                                         newest=newest, oldest=oldest, last_error=fetched.last_error, scope=scope,
                                         last_success=health.last_success, last_error_kind=health.last_error_kind,
                                         last_error_at=health.last_error_at or fetched.last_error_at,
                                         health=self.health_book.state(spec)))
        return statuses

    def add_source(self, location: str, name: str | None = None, scope: str = SHARED) -> str:
        """Add a URL or feed to the sources config of `scope` (its kind found by fetching it); returns its
        name within the scope."""
        from index.sources.source_probe import probe_source

        path = scoping.config_file(self.settings.home, self.settings.sources_file, scope)
        text = path.read_text(encoding="utf-8") if path.exists() or scope == SHARED else ""
        spec = probe_source(location.strip(), name, self.settings, taken={s.name for s in parse_sources(text)})
        write_text_atomic(path, with_source_added(text, spec))
        return spec.name

    def remove_source(self, name: str, scope: str = SHARED) -> None:
        """Remove a source (named within `scope`) from its config and its articles from the index."""
        path = scoping.config_file(self.settings.home, self.settings.sources_file, scope)
        if scope != SHARED and not path.exists():
            raise BadInput(f"no source named {name!r}")
        text = with_source_removed(path.read_text(encoding="utf-8"), name)
        qualified = scoping.qualified_name(scope, name)
        with exclusive(self.paths.lock), self._shared_lease():
            write_text_atomic(path, text)
            self._drop_sources([qualified])
            forget_state(self.paths.fetch_state, qualified)
            self.health_book.forget([qualified])

    def doctor(self, repair: bool = False) -> tuple[list[Problem], list[Problem]]:
        """(problems found, problems left): mismatches between sources, docstores and the vector store,
        repaired when `repair` (deletions only; the next index run re-embeds what was removed)."""
        found = doctor.check(self._inventory())
        if not repair or not found:
            return found, found
        with exclusive(self.paths.lock, "a re-index or repair"):
            found = doctor.check(inventory := self._inventory())
            fix = doctor.plan(inventory, found)
            self.indexer.remove_leftovers()
            for source in fix.docstores:
                self.indexer.drop_source(source)
            self.indexer.delete_chunks(fix.chunk_ids)
            for source, article_ids in fix.forget.items():
                self.indexer.forget_articles(source, article_ids)
            if fix.docstores or fix.chunk_ids:
                self.store.bump_generation()
        return found, doctor.check(self._inventory())

    def _inventory(self) -> doctor.Inventory:
        configured = frozenset(self._configured())
        docstores = {name: self.indexer.hashes(name) for name in set(self.indexer.indexed_sources()) | configured}
        return doctor.Inventory(configured, {k: v for k, v in docstores.items() if v or k in configured},
                                tuple(doctor.Chunk(*c) for c in self.indexer.chunks()),
                                tuple(self.indexer.leftovers()))

    def _load_state(self) -> dict[str, str]:
        try:
            return json.loads(self.paths.state.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _save_state(self, state: dict[str, str]) -> None:
        write_text_atomic(self.paths.state, json.dumps(state, indent=2, sort_keys=True))


def _merge(total: IndexReport, report: IndexReport) -> None:
    total.added += report.added
    total.updated += report.updated
    total.unchanged += report.unchanged
    total.deleted += report.deleted
    total.errors += report.errors
    total.chunks_embedded += report.chunks_embedded
    total.new_articles += report.new_articles
