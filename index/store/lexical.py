"""The lexical side of retrieval: a BM25 index (index/store/bm25_postings.py) over every chunk in the collection.

Chroma has no BM25, so the chunks are read back from the collection and indexed in memory. The index
is cached on disk keyed by the live collection and its generation (see index/store/chroma.py), which indexing
changes, so a process updates it only when the content changed (by this process, another one, or on a
shared Chroma server): from the previous generation's snapshot it reads back and indexes only the new
chunks (index/store/lexical_delta.py), and saves the change by appending to a log (index/store/lexical_cache.py).
"""
from __future__ import annotations

import logging
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.store.bm25_postings import PostingsBM25, TermCounts
from index.store.chroma import Store
from index.store.chunks import Chunks
from index.store.lexical_cache import SnapshotFile
from index.types import Scope

log = logging.getLogger(__name__)
# How `lexical_delta.chunk_tokens` reads a chunk; a snapshot made by another reading is built again. 1: every
# chunk in English (until issue 30); 2: each chunk in its own language (index/analysis.py).
ANALYSIS = 2


@dataclass
class LexicalSnapshot:
    """Every chunk of one generation of the collection, with a BM25 index and term statistics."""

    generation: str
    ids: list[str]
    texts: list[str]
    metadatas: list[dict]
    document_frequency: Mapping[str, int]  # chunks containing each term
    bm25: object | None  # PostingsBM25 (or anything with bm25s's `get_scores`), None for an empty collection
    tokens: list | None = None  # unused since the postings index (kept for snapshots pickled before it)
    scope_labels: np.ndarray | None = None  # each row's scope, filled on first scoped search
    change: object | None = None  # lexical_delta.Change from the previous generation, when made from it
    analysis: int = 0  # the `ANALYSIS` it was made with (0: before the field existed)

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency; a term never seen gets the highest value."""
        n = len(self.ids)
        return math.log(1 + (n + 1) / (self.document_frequency.get(term, 0) + 0.5))

    def search(self, query_terms: list[str], k: int, scopes: tuple[str, ...] | None = None) -> list[tuple[int, float]]:
        """(row, score) of the `k` best chunks for the query terms, best first; only positive scores;
        only rows of `scopes` when given."""
        if self.bm25 is None or not query_terms:
            return []
        return top_rows(self.in_scopes(self.bm25.get_scores(query_terms), scopes), k)


    def in_scopes(self, scores: np.ndarray, scopes: tuple[str, ...] | None) -> np.ndarray:
        """`scores` with the rows outside `scopes` set to zero (all rows when `scopes` is None)."""
        if scopes is None:
            return scores
        return np.where(np.isin(self.scopes_of_rows(), list(scopes)), scores, 0.0)

    def scopes_of_rows(self) -> np.ndarray:
        """The scope of every row (chunks written before scopes existed are shared)."""
        if self.scope_labels is None:
            self.scope_labels = np.array([str((m or {}).get("scope") or Scope.SHARED) for m in self.metadatas])
        return self.scope_labels


def top_rows(scores: np.ndarray | None, k: int) -> list[tuple[int, float]]:
    """(row, score) of the `k` best positive scores, best first."""
    if scores is None or k <= 0:
        return []
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    ranked = sorted(((int(i), float(scores[i])) for i in top), key=lambda pair: -pair[1])
    return [pair for pair in ranked if pair[1] > 0]


def build_snapshot(chunks: Chunks, current_generation: str, previous: LexicalSnapshot | None = None) -> LexicalSnapshot:
    """Read every chunk and index it; with `previous`, read back and index only the chunks it lacks and
    drop the ones the collection no longer has (index/store/lexical_delta.py)."""

    from index.store.lexical_delta import chunk_tokens, delta_snapshot

    snapshot = delta_snapshot(previous, chunks, current_generation) if previous is not None else None
    if snapshot is not None:
        return snapshot
    read = [chunk for page in chunks.pages() for chunk in page]
    ids, texts, metadatas = [c.id for c in read], [c.text for c in read], [dict(c.metadata) for c in read]
    index = PostingsBM25.build([chunk_tokens(t, m) for t, m in zip(texts, metadatas)])
    return LexicalSnapshot(current_generation, ids, texts, metadatas, TermCounts(index), index if ids else None,
                           analysis=ANALYSIS)


class LexicalIndex:
    """Keeps a `LexicalSnapshot` in step with the collection, cached in memory and on disk."""

    def __init__(self, store: Store, cache_path: Path | None) -> None:
        self._store = store
        self._file = SnapshotFile(cache_path, LexicalSnapshot) if cache_path is not None else None  # index/store/lexical_cache.py
        self._snapshot: LexicalSnapshot | None = None
        self._lock = threading.Lock()

    def snapshot(self) -> LexicalSnapshot:
        """The snapshot of the collection's current generation, rebuilt only when it changed."""
        pointer = self._store.pointer()
        try:
            return self._snapshot_of(pointer)
        except Exception:
            # The pointer this query pinned may name a collection a full re-index has just replaced and
            # deleted: follow the pointer once, as Store.run does for the dense side.
            moved = self._store.fresh_pointer()
            if moved.live == pointer.live:
                raise
            return self._snapshot_of(moved)

    def _snapshot_of(self, pointer) -> LexicalSnapshot:
        current = f"{pointer.live}:{pointer.generation}"
        with self._lock:
            if self._snapshot is not None and self._snapshot.generation == current:
                return self._snapshot
            stored = self._load(None)  # None too when the files did not change since this process saw them
            if stored is not None:  # the newest known: returned, or the base of the update (also on a retry)
                self._snapshot = stored
            if self._snapshot is not None and self._snapshot.generation == current:
                return self._snapshot
            # the collection the pointer named, not whatever is live by the time the pages are read;
            # the previous generation's snapshot saves reading back and indexing what did not change
            snapshot = build_snapshot(self._store.chunks_of(pointer.live, create=False), current, self._snapshot)
            self._save(snapshot)
            self._snapshot = snapshot
            return snapshot

    def _load(self, current: str | None) -> LexicalSnapshot | None:
        """The cached snapshot of generation `current` (of any generation for None), or None (also when
        the files are as this process last read or wrote them: it holds that snapshot already)."""
        if self._file is None:
            return None
        snapshot = self._file.load()
        if snapshot is None or snapshot.analysis != ANALYSIS:  # one made by another reading is built again
            return None
        return snapshot if current is None or snapshot.generation == current else None

    def _save(self, snapshot: LexicalSnapshot) -> None:
        if self._file is not None:
            self._file.save(snapshot)
