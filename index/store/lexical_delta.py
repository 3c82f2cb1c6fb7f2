"""Bringing a BM25 snapshot up to date by reading back only the chunks it does not have.

The snapshot's index (index/store/bm25_postings.py) takes new documents by appending their postings and drops
removed ones, so a refresh that adds 10 articles reads, tokenises and indexes their chunks only; what it
still does for every chunk is list the collection's ids (to find what was removed) and a few list and
numpy passes. Chunk ids carry their article's content hash, so a chunk whose id is already in the
snapshot has the same text and metadata (once its scope is stamped).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, replace

import numpy as np

from index.store.bm25_postings import PostingsBM25, TermCounts
from index.store.chunks import Chunks
from index.analysis import indexed_terms
from index.types import Scope



def chunk_tokens(text: str, metadata: dict) -> list[str]:
    """The BM25 terms of one chunk (title and text) in its own language, interned so that a kept snapshot
    stays small."""
    return [sys.intern(t) for t in indexed_terms(str(metadata.get("title") or ""), text)]


@dataclass(frozen=True)
class Change:
    """What turned generation `since` into `generation`: the chunk ids removed, the chunks appended."""

    since: str
    generation: str
    removed: list[str]
    ids: list[str]
    texts: list[str]
    metadatas: list[dict]


def delta_snapshot(previous, chunks: Chunks, generation: str):
    """The snapshot of the collection now, made from `previous` by removing the rows it no longer has and
    appending the chunks it lacks (the change is kept on it as `change`, for the cache's log); None when
    `previous` has no postings index (build it whole)."""
    if previous.bm25 is not None and not isinstance(previous.bm25, PostingsBM25):
        return None
    # A chunk's id carries its content hash, but a chunk written before scopes existed gets its `scope`
    # stamped later under the same id (index/indexing/scope_migration.py): such rows are read back, never reused.
    kept = {chunk_id for chunk_id, m in zip(previous.ids, previous.metadatas) if "scope" in (m or {})}
    ids = chunks.ids()
    current = set(ids)
    removed = [chunk_id for chunk_id in previous.ids if chunk_id not in current or chunk_id not in kept]
    fetched = chunks.get([i for i in ids if i not in kept], text=True)  # one that vanished meanwhile is left out
    change = Change(previous.generation, generation, removed, [c.id for c in fetched], [c.text for c in fetched],
                    [dict(c.metadata) for c in fetched])
    return apply_change(previous, change)


def apply_change(previous, change: Change):
    """`previous` with `change` applied: its rows removed (the others keep their order), its chunks appended."""
    index = previous.bm25 if previous.bm25 is not None else PostingsBM25.build([])
    removed = set(change.removed)
    gone = [row for row, chunk_id in enumerate(previous.ids) if chunk_id in removed] if removed else []
    texts, metadatas = change.texts, change.metadatas
    index = index.remove(np.array(gone, dtype=np.int64)).add([chunk_tokens(t, m) for t, m in zip(texts, metadatas)])
    old_ids, old_texts, old_metadatas = previous.ids, previous.texts, previous.metadatas
    if gone:
        dead = set(gone)
        old_ids, old_texts, old_metadatas = ([x for r, x in enumerate(column) if r not in dead]
                                             for column in (old_ids, old_texts, old_metadatas))
    labels = None
    if previous.scope_labels is not None:
        fresh = [str(m.get("scope") or Scope.SHARED) for m in metadatas]
        labels = np.concatenate([np.delete(previous.scope_labels, gone), np.array(fresh, dtype=str)])
    return replace(previous, generation=change.generation, ids=old_ids + change.ids, texts=old_texts + texts,
                   metadatas=old_metadatas + metadatas, document_frequency=TermCounts(index),
                   bm25=index if old_ids or change.ids else None, tokens=None, scope_labels=labels, change=change)
