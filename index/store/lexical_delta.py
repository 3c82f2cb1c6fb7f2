"""Bringing a BM25 snapshot up to date by reading back only the chunks it does not have.

bm25s builds a static index, so the index itself is still rebuilt, but from the tokens the previous
snapshot kept: a refresh that adds 10 articles reads and tokenises their chunks only, instead of reading
every chunk back from Chroma and tokenising it again (at 57k chunks: 4.4 s reading + 3.3 s tokenising of
the 11 s a full rebuild took, BENCHMARKS.md). Chunk ids carry their article's content hash, so a chunk
whose id is already in the snapshot has the same text and metadata (once its scope is stamped).
"""
from __future__ import annotations

import sys
from collections import Counter

from index.text import terms

PAGE = 2000


def chunk_tokens(text: str, metadata: dict) -> list[str]:
    """The BM25 terms of one chunk (title and text), interned so that a kept snapshot stays small."""
    return [sys.intern(t) for t in terms(f"{metadata.get('title', '')}\n{text}")]


def all_ids(collection) -> list[str]:
    """Every chunk id of the collection (ids only: the cheap part of a read-back)."""
    ids, offset = [], 0
    while True:
        page = collection.get(include=[], limit=PAGE, offset=offset)["ids"]
        if not page:
            return ids
        ids.extend(page)
        offset += len(page)


def delta_rows(previous, collection) -> tuple[list[str], list[str], list[dict], list[list[str]], Counter] | None:
    """(ids, texts, metadatas, tokens, document frequency) of the collection now, reusing `previous`'s rows;
    None when `previous` kept no tokens (a snapshot from before this module: build it whole)."""
    kept = getattr(previous, "tokens", None)
    if kept is None:
        return None
    # A chunk's id carries its content hash, but a chunk written before scopes existed gets its `scope`
    # stamped later under the same id (index/sources/scopes.py): such rows are read back, never reused.
    row_of = {chunk_id: row for row, chunk_id in enumerate(previous.ids) if "scope" in (previous.metadatas[row] or {})}
    ids = all_ids(collection)
    wanted = [i for i in ids if i not in row_of]
    fetched: dict[str, tuple[str, dict]] = {}
    for start in range(0, len(wanted), PAGE):
        page = collection.get(ids=wanted[start : start + PAGE], include=["documents", "metadatas"])
        fetched |= {i: (t or "", m or {}) for i, t, m in zip(page["ids"], page["documents"], page["metadatas"])}
    frequency = Counter(previous.document_frequency)
    current = set(ids)
    for row, chunk_id in enumerate(previous.ids):
        if chunk_id not in current or chunk_id not in row_of:  # gone, or read back below
            frequency.subtract(set(kept[row]))
    texts, metadatas, tokens = [], [], []
    for chunk_id in ids:
        if chunk_id in row_of:
            row = row_of[chunk_id]
            texts.append(previous.texts[row])
            metadatas.append(previous.metadatas[row])
            tokens.append(kept[row])
        else:
            text, metadata = fetched.get(chunk_id, ("", {}))
            texts.append(text)
            metadatas.append(metadata)
            tokens.append(chunk_tokens(text, metadata))
            frequency.update(set(tokens[-1]))
    return ids, texts, metadatas, tokens, +frequency
