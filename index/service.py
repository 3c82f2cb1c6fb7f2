"""The core facade: what the CLI and the Discord bot call. No Discord, no terminal in here."""
from __future__ import annotations

import json
import logging
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, Sequence

from index import archive, doctor, extractive, generated
from index.atomic_files import write_text_atomic
from index.articles import published_day
from index.doctor import Problem
from index.embedding import Embedder
from index.errors import BadInput, LLMUnavailable, StoreUnavailable
from index.fetch_state import forget_state, load_state
from index.lexical import LexicalIndex
from index.item_guard import source_failure
from index.llm import LLM
from index.locking import exclusive
from index.prompts import Prompt
from index.questions import clean_question
from index.source_dates import source_dates
from index.retrieval import HybridRetriever
from index import scopes as scoping
from index.scopes import SHARED
from index.service_scopes import ScopeMaintenance
from index.settings import Settings
from index.sources_config import SourceSpec, parse_sources, with_source_added, with_source_removed
from index.store import Store
from index.text import terms
from index.answer_dates import dated
from index.timed_retrieval import place_in_time, retrieve_timed
from index.summaries import find_article, article_passages
from index.types import Answer, ArticleRef, IndexReport, Passage, SourceStatus, Turn

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
LLM_FALLBACK_NOTE = "The language model is unavailable; these are quoted passages instead."


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


class NewsService(ScopeMaintenance):
    """Indexing, retrieval, answers and summaries over one Chroma collection."""

    def __init__(self, settings: Settings, store: Store, embedder: Embedder, llm: LLM | None,
                 prompts: dict[str, Prompt], paths: Paths) -> None:
        self.settings = settings
        self.store = store
        self.collection = collection = store.collection
        self.embedder = embedder
        self.llm = llm
        self.prompts = prompts
        self.paths = paths
        self.lexical = LexicalIndex(store, paths.lexical_cache)
        self.retriever = HybridRetriever(collection, embedder, self.lexical)
        self._indexer = None
        self._indexer_lock = threading.Lock()

    @property
    def indexer(self):
        """The SourceIndexer, built on first use: it imports llama-index (~0.8 s of a cold start), which a
        process that only answers questions never needs."""
        with self._indexer_lock:
            if self._indexer is None:
                from index.ingest import SourceIndexer

                # docstores live under docstore/<physical collection>/ (index/ingest.py), beside paths.docstores
                self._indexer = SourceIndexer(self.store, self.embedder, self.paths.docstores.parent,
                                              self.settings.chunk_tokens, self.settings.chunk_overlap)
            return self._indexer

    # -- questions -------------------------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
            scopes: tuple[str, ...] = (SHARED,), as_of: date | None = None, since: date | None = None) -> Answer:
        """Answer a question from the indexed articles of `scopes`, with numbered citations, or refuse plainly.

        `as_of` is the time of asking (today by default): "this week" and the like are relative to it, and
        articles published after it are left out. `since` keeps only articles published since that day.
        """
        with self.store.pinned(), self._llm_budget():  # one pointer read; one LLM budget for the question
            standalone, timed, passages = self._retrieve_for(question, history, k, scopes, as_of, since)
            return self.compose(standalone, timed.query.text, timed.query.vector, passages, timed.as_of)

    def _retrieve_for(self, question: str, history: Sequence[Turn], k: int | None, scopes: tuple[str, ...],
                      as_of: date | None = None, since: date | None = None):
        """Clean the question, make it standalone, place it in time and retrieve its passages (of `scopes`)."""
        question = clean_question(question)
        standalone, retrieval_text = self._standalone(question, history)
        timed = place_in_time(self.retriever, retrieval_text, as_of, since, tuple(scopes))
        with self.store.pinned():
            passages = retrieve_timed(self.retriever, timed, k or self.settings.top_k, self.settings.recency_prior)
            return standalone, timed, passages

    def ask_stream(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
                   scopes: tuple[str, ...] = (SHARED,), as_of: date | None = None,
                   since: date | None = None) -> Iterator[str | Answer]:
        """Like `ask`, but yields the model's text as it arrives (unchecked), then the checked Answer, last.

        Offline, or when the model fails, the only item is the (extractive) Answer.
        """
        standalone, timed, passages = self._retrieve_for(question, history, k, scopes, as_of, since)
        retrieval_text, vector = timed.query.text, timed.query.vector
        if self.llm is None:
            yield dated(self._extractive(retrieval_text, vector, passages), timed.as_of)
            return
        pieces: list[str] = []
        try:
            for piece in self.llm.stream(self.prompts["system"].template, generated.answer_prompt(
                    self.prompts["answer"], standalone, passages, timed.as_of)):
                pieces.append(piece)
                yield piece
        except LLMUnavailable as exc:
            log.warning("falling back to an extractive answer: %s", exc)
            yield dated(_with_note(self._extractive(retrieval_text, vector, passages), LLM_FALLBACK_NOTE), timed.as_of)
            return
        yield dated(generated.checked_answer("".join(pieces), passages, standalone, self.embedder.embed), timed.as_of)

    def compose(self, question: str, retrieval_text: str, vector, passages: list[Passage],
                as_of: date | None = None) -> Answer:
        """Write the answer from retrieved passages: by the LLM when configured, else extractively.

        The LLM's reply is checked (index/generated.py): only sentences citing a passage that supports
        them are kept. An LLM outage falls back to the extractive answer with a one-line note.
        """
        if self.llm is not None:
            try:
                reply = self.llm.complete(self.prompts["system"].template,
                                          generated.answer_prompt(self.prompts["answer"], question, passages, as_of))
                return dated(generated.checked_answer(reply, passages, question, self.embedder.embed), as_of)
            except LLMUnavailable as exc:
                log.warning("falling back to an extractive answer: %s", exc)
                fallback = self._extractive(retrieval_text, vector, passages)
                return dated(_with_note(fallback, LLM_FALLBACK_NOTE), as_of)
        return dated(self._extractive(retrieval_text, vector, passages), as_of)

    def search(self, query: str, k: int = 10, scopes: tuple[str, ...] = (SHARED,)) -> list[Passage]:
        """The k best passages for `query` among the sources of `scopes`, best first."""
        text = clean_question(query, what="search")
        vector = self.retriever.embed_query(text, scopes=tuple(scopes))
        with self.store.pinned():
            return self.retriever.retrieve(vector, k)

    def summarize(self, target: str, since: date | None = None, scopes: tuple[str, ...] = (SHARED,)) -> Answer:
        """Summarise one article (by title or URL) or a topic across articles of `scopes`, with citations."""
        target = clean_question(target, what="summary topic")
        since_day = published_day(since.isoformat()) if since else None
        article = find_article(self.lexical.snapshot(), target, scopes)
        if article is not None:
            passages = article_passages(self.collection, article)
            focus, label = None, f"the article “{article.title}”"
        else:
            query = self.retriever.embed_query(target, since_day, tuple(scopes))
            passages = self.retriever.retrieve(query, 8)
            focus, label = query.vector, f"news about {target}"
            if not passages or extractive.coverage(
                terms(target), set(terms(" ".join(p.title + " " + p.text for p in passages))),
                self.lexical.snapshot().idf) < extractive.MIN_SUPPORT:
                return extractive.refusal(passages, target)
        if self.llm is not None:
            try:  # map-reduce when the passages do not fit the model's context window
                with self._llm_budget():  # all its calls share one budget
                    return generated.summarize_within_context(self.llm, self.prompts, label, target, passages,
                                                              self.embedder.embed)
            except LLMUnavailable as exc:
                log.warning("falling back to an extractive summary: %s", exc)
                summary = extractive.summarize(passages, self.embedder.embed, focus)
                return _with_note(summary, LLM_FALLBACK_NOTE)
        return extractive.summarize(passages, self.embedder.embed, focus)

    def titles(self, prefix: str, limit: int = 25, scopes: tuple[str, ...] = (SHARED,)) -> list[ArticleRef]:
        """Indexed article titles of `scopes` matching `prefix` (start of title first, then anywhere)."""
        needle = prefix.strip().lower()
        seen: dict[str, ArticleRef] = {}
        for metadata in self.lexical.snapshot().metadatas:
            article_id = str(metadata.get("article_id", ""))
            if str(metadata.get("scope") or SHARED) not in scopes:
                continue
            if article_id not in seen and needle in str(metadata.get("title", "")).lower():
                seen[article_id] = ArticleRef(str(metadata.get("title", "")), str(metadata.get("url", "")),
                                              str(metadata.get("outlet", "")), str(metadata.get("published", "")),
                                              article_id)
        ranked = sorted(seen.values(), key=lambda r: (not r.title.lower().startswith(needle), r.title.lower()))
        return ranked[:limit]

    def _standalone(self, question: str, history: Sequence[Turn]) -> tuple[str, str]:
        """(question to answer, text to retrieve with). Offline, the previous question is carried along."""
        if not history:
            return question, question
        if self.llm is not None:
            turns = "\n".join(f"Q: {t.question}\nA: {t.answer}" for t in history[-3:])
            try:
                rewritten = self.llm.complete(self.prompts["system"].template,
                                              self.prompts["rewrite"].format(history=turns, question=question))
                rewritten = rewritten.strip().splitlines()[0].strip() if rewritten.strip() else ""
                if rewritten:
                    return rewritten, rewritten
            except LLMUnavailable as exc:
                log.warning("follow-up rewrite failed: %s", exc)
        carried = f"{history[-1].question} {question}"
        return question, carried

    def _llm_budget(self):
        """The LLM calls of one question share NEWSBOT_LLM_TIMEOUT (index/llm.py); a no-op offline."""
        return self.llm.question() if hasattr(self.llm, "question") else nullcontext()

    def _extractive(self, question: str, vector, passages: list[Passage]) -> Answer:
        return extractive.answer(question, vector, passages, self.embedder.embed, self.lexical.snapshot().idf)

    # -- indexing --------------------------------------------------------------------------------
    def is_empty(self) -> bool:
        """True when nothing has been indexed into the collection yet."""
        return self.collection.count() == 0

    def index(self, source: str | None = None, full: bool = False, progress: Progress | None = None,
              show_progress: bool = False, scopes: Sequence[str] | None = None) -> IndexReport:
        """Index the configured sources of `scopes` (default: every scope), or one source (named inside the
        index, index/scopes.py), incrementally unless `full`. One runs at a time."""
        scopes = list(scopes) if scopes is not None else scoping.all_scopes(self.settings.home)
        specs = self._specs(scopes)
        if source is not None:
            specs = [s for s in specs if s[0].name == source]
            if not specs:
                raise BadInput(f"unknown source {scoping.split_name(source)[1]!r}; see `newsbot sources`")
        with exclusive(self.paths.lock), self._shared_lease():
            return self._index_locked(specs, prune=set(scopes) if source is None else set(), full=full,
                                      progress=progress, show_progress=show_progress)

    def _index_locked(self, pairs: list[tuple[SourceSpec, Path]], prune: set[str], full: bool,
                      progress: Progress | None, show_progress: bool) -> IndexReport:
        started = time.perf_counter()
        total = IndexReport()
        specs = [spec for spec, _ in pairs]
        state = self._load_state()
        self._stamp_scopes()
        for name in self.indexer.remove_leftovers():  # what a killed full re-index left behind
            log.info("removed the unfinished collection %s", name)
        live = self.indexer.target()
        # A full re-index builds a new collection beside the live one; readers keep the live one until
        # the pointer moves to the new one, in one write, at the end.
        target = self.indexer.fresh_target() if full else live
        for spec, config_dir in pairs:
            if full and spec.is_archive:  # a feed's archive holds articles the feed no longer lists
                self.indexer.copy_source(spec.name, live, target)
            try:
                read = archive.read_for_index(spec, self.settings, self.paths.fetch_state,
                                              self._known(spec.name, target), full, config_dir=config_dir)
            except Exception as exc:  # the source boundary: whatever one source raises, the others still run
                log.debug("source %s failed", spec.name, exc_info=True)
                total.errors.append(failure := source_failure(spec.name, spec.location, exc))
                archive.record_failure(spec, self.paths.fetch_state, failure.reason)
                if full and not spec.is_archive:  # an unreachable source keeps what it had, it is not emptied
                    self.indexer.copy_source(spec.name, live, target)
                continue
            articles = scoping.scoped_articles(read.articles, scoping.scope_of(spec.name))
            report = self.indexer.index(spec.name, articles, progress, show_progress, target=target,
                                        archive=read.archive, removed=read.removed + self._expired(spec, target))
            _merge(total, report)
            total.errors.extend(read.errors)
            archive.commit(read, self.paths.fetch_state)
            state[spec.name] = datetime.now(timezone.utc).isoformat(timespec="seconds")
            if not full:  # saved per source: a later failure or kill keeps what was written recorded
                self._save_state(state)
        configured = self._configured()
        indexed = {s.name for s in specs}
        if full:
            for name in self.indexer.indexed_sources(live):
                if name in configured and name not in indexed:
                    self.indexer.copy_source(name, live, target)
        if prune:
            for name in self.indexer.indexed_sources(target):
                if name not in indexed and scoping.scope_of(name) in prune:
                    total.deleted.extend(self.indexer.drop_source(name, target))
                    state.pop(name, None)
                    forget_state(self.paths.fetch_state, name)
        if full:
            self.store.swap(target.name)
            self.indexer.discard(live.name)
            self._stamp_scopes(done=True)  # a new collection: every chunk was written (or copied) with its scope
        elif total.added or total.updated or total.deleted:
            self.store.bump_generation()
        self._save_state(state)
        if full or total.added or total.updated or total.deleted:
            self._warm_lexical()
        total.seconds = time.perf_counter() - started
        return total

    def all_sources(self) -> list[SourceSpec]:
        """Every configured source of every scope (named as inside the index), for the refresh schedule."""
        return [spec for spec, _ in self._specs(scoping.all_scopes(self.settings.home))]

    def _shared_lease(self):
        """On a Chroma server, the lease that keeps other machines' processes from re-indexing at once."""
        if not self.settings.chroma_host:
            return nullcontext()
        from index.lease import ChromaLease

        return ChromaLease(self.store).hold()

    def _known(self, source: str, target) -> set[str]:
        """The article ids the docstore of `source` in `target` knows."""
        from index.ingest import docstore_ids, docstore_path, load_docstore

        return docstore_ids(load_docstore(docstore_path(target.docstores, source)))

    def _expired(self, spec: SourceSpec, target) -> list[str]:
        """Articles of `spec` older than its retention window (none when it keeps everything)."""
        cutoff = archive.retention_cutoff(spec, datetime.now(timezone.utc))
        if cutoff is None:
            return []
        return self.store.call(lambda: archive.expired_articles(target.collection, spec.name, cutoff))

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
        from index.ingest import docstore_ids, load_docstore

        state = self._load_state()
        dates = source_dates(self.lexical.snapshot().metadatas)
        statuses = []
        scopes = list(scopes) if scopes is not None else scoping.all_scopes(self.settings.home)
        for spec, _ in self._specs(scopes):
            articles = len(docstore_ids(load_docstore(self.indexer.docstore_path(spec.name))))
            chunks = len(self.collection.get(where={"source": spec.name}, include=[])["ids"])
            scope, name = scoping.split_name(spec.name)
            fetched = load_state(self.paths.fetch_state, spec.name)
            oldest, newest = dates.get(spec.name, ("", ""))
            statuses.append(SourceStatus(name, spec.kind, spec.location, articles, chunks, state.get(spec.name, ""),
                                         newest=newest, oldest=oldest, last_error=fetched.last_error, scope=scope))
        return statuses

    def add_source(self, location: str, name: str | None = None, scope: str = SHARED) -> str:
        """Add a URL or feed to the sources config of `scope` (its kind found by fetching it); returns its
        name within the scope."""
        from index.source_probe import probe_source

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


def _with_note(answer: Answer, note: str) -> Answer:
    return replace(answer, note=note)


def _merge(total: IndexReport, report: IndexReport) -> None:
    total.added += report.added
    total.updated += report.updated
    total.unchanged += report.unchanged
    total.deleted += report.deleted
    total.errors += report.errors
    total.chunks_embedded += report.chunks_embedded
