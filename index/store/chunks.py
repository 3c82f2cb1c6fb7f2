"""The chunks of a collection in newsbot's vocabulary: `StoredChunk`s in, `StoredChunk`s out.

Every layer above the store reads and writes chunks through `Chunks`, never through Chroma's API or its
result dicts. A `Chunks` runs each operation through the store (`Store.run` for the live collection,
which follows a swap; `Store.call` for a physical one), so any failure is one `StoreUnavailable`.
Filters (`where`) are metadata conditions in Chroma's filter syntax, built by the few functions that
need them (`index/sources/scopes.py`, `index/retrieval/timed.py`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Sequence, TypeVar

import numpy as np

PAGE = 2000  # chunks per read: bounds memory on big collections
WRITE_BATCH = 1000  # chunks per write
T = TypeVar("T")
Runner = Callable[[Callable[[Any], Any]], Any]


@dataclass(frozen=True)
class StoredChunk:
    """One chunk as the store holds it: id, text, flat metadata and (when asked for) its vector."""

    id: str
    text: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    embedding: np.ndarray | None = None


def _include(text: bool, metadata: bool, embeddings: bool) -> list[str]:
    return [name for name, wanted in (("documents", text), ("metadatas", metadata), ("embeddings", embeddings))
            if wanted]


def _records(found: Mapping[str, Any], row: int | None = None) -> list[StoredChunk]:
    """StoredChunks from a Chroma get (row None) or one row of a Chroma query."""
    def column(name: str) -> Sequence[Any]:
        values = found.get(name)
        if values is None:
            return [None] * len(ids)
        return values[row] if row is not None else values

    ids = found["ids"][row] if row is not None else found["ids"]
    texts, metadatas, vectors = column("documents"), column("metadatas"), column("embeddings")
    return [StoredChunk(str(i), t or "", dict(m or {}), None if v is None else np.asarray(v, dtype=np.float32))
            for i, t, m, v in zip(ids, texts, metadatas, vectors)]


class Chunks:
    """Read and write the chunks of one collection (live or physical) in newsbot's vocabulary."""

    def __init__(self, run: Runner) -> None:
        self._run = run

    def count(self) -> int:
        """How many chunks the collection holds."""
        return int(self._run(lambda c: c.count()))

    def ids(self, where: Mapping[str, Any] | None = None) -> list[str]:
        """The ids of every chunk matching `where` (all chunks when None), read page by page."""
        return [chunk.id for page in self.pages(where, text=False, metadata=False) for chunk in page]

    def pages(self, where: Mapping[str, Any] | None = None, text: bool = True, metadata: bool = True,
              embeddings: bool = False) -> Iterator[list[StoredChunk]]:
        """Every chunk matching `where`, PAGE at a time, with the parts asked for."""
        include, offset = _include(text, metadata, embeddings), 0
        while True:
            found = self._run(lambda c: c.get(where=dict(where) if where else None, include=include,
                                              limit=PAGE, offset=offset))
            page = _records(found)
            if not page:
                return
            yield page
            offset += len(page)

    def get(self, ids: Sequence[str], text: bool = False, metadata: bool = True,
            embeddings: bool = False) -> list[StoredChunk]:
        """The chunks with these ids that exist (in Chroma's order), with the parts asked for."""
        include, found = _include(text, metadata, embeddings), []
        for start in range(0, len(ids), WRITE_BATCH):
            part = list(ids[start : start + WRITE_BATCH])
            found += _records(self._run(lambda c: c.get(ids=part, include=include)))
        return found

    def query(self, vector: np.ndarray, k: int, where: Mapping[str, Any] | None = None) -> list[tuple[StoredChunk, float]]:
        """The k nearest chunks to `vector` among those matching `where`, with their cosine distances."""
        found = self._run(lambda c: c.query(query_embeddings=[np.asarray(vector).tolist()], n_results=k,
                                            where=dict(where) if where else None,
                                            include=["documents", "metadatas", "distances"]))
        return list(zip(_records(found, row=0), (float(d) for d in found["distances"][0])))

    def upsert(self, chunks: Sequence[StoredChunk]) -> None:
        """Write chunks (id, text, metadata, vector), replacing any with the same id, in one write."""
        if not chunks:
            return
        self._run(lambda c: c.upsert(ids=[x.id for x in chunks], documents=[x.text for x in chunks],
                                     metadatas=[dict(x.metadata) for x in chunks],
                                     embeddings=[np.asarray(x.embedding).tolist() for x in chunks]))

    def delete(self, ids: Sequence[str]) -> None:
        """Delete chunks by id (missing ones are ignored), WRITE_BATCH at a time."""
        ids = list(ids)
        for start in range(0, len(ids), WRITE_BATCH):
            part = ids[start : start + WRITE_BATCH]
            self._run(lambda c: c.delete(ids=part))

    def update_metadata(self, ids: Sequence[str], metadatas: Sequence[Mapping[str, Any]]) -> None:
        """Merge these metadata fields into the chunks with these ids (vectors and texts unchanged)."""
        if ids:
            self._run(lambda c: c.update(ids=list(ids), metadatas=[dict(m) for m in metadatas]))
