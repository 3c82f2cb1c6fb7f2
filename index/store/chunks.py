"""The chunks of a collection in newsbot's vocabulary: `StoredChunk`s in, `StoredChunk`s out.

Every layer above the store reads and writes chunks through `Chunks`, never through Chroma's API or its
result dicts. A `Chunks` runs each operation through the store (`Store.run` for the live collection,
which follows a swap; `Store.call` for a physical one), so any failure is one `StoreUnavailable`.
Which chunks an operation touches is a `ChunkFilter` (source, article, scopes, a range of published days);
only `to_where` here knows Chroma's filter syntax.
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
class ChunkFilter:
    """Which chunks an operation touches: every condition given must hold (None: no condition).

    Days are days since 1970 (`published_day`; an undated chunk has -1): `since_day` and `until_day`
    bound it inclusively, `before_day` keeps dated chunks published before that day.
    """

    source: str | None = None
    article_id: str | None = None
    scopes: tuple[str, ...] | None = None
    since_day: int | None = None
    until_day: int | None = None
    before_day: int | None = None
    position: int | None = None  # the chunk's place in its article (0: the lead)

    def to_where(self) -> dict | None:
        """The same conditions in Chroma's `where` syntax (None when there are none)."""
        conditions: list[dict] = []
        for key, value in (("source", self.source), ("article_id", self.article_id), ("position", self.position)):
            if value is not None:
                conditions.append({key: value})
        if self.scopes is not None:
            scopes = [str(scope) for scope in self.scopes]
            conditions.append({"scope": scopes[0]} if len(scopes) == 1 else {"scope": {"$in": scopes}})
        for operator, day in (("$gte", self.since_day), ("$lte", self.until_day)):
            if day is not None:
                conditions.append({"published_day": {operator: day}})
        if self.before_day is not None:
            conditions += [{"published_day": {"$gte": 0}}, {"published_day": {"$lt": self.before_day}}]
        if not conditions:
            return None
        return conditions[0] if len(conditions) == 1 else {"$and": conditions}


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

    @classmethod
    def over(cls, collection: Any) -> "Chunks":
        """Chunks of one collection object used directly, with no store around it (benches)."""
        return cls(lambda operation: operation(collection))

    def count(self) -> int:
        """How many chunks the collection holds."""
        return int(self._run(lambda c: c.count()))

    def ids(self, where: ChunkFilter | None = None) -> list[str]:
        """The ids of every chunk matching `where` (all chunks when None), in one read: paging with offsets
        cost 4-10x as much (0.43-1.17 s against 0.11 s for the 28,535 ids of the full eval index,
        bench/bm25_incremental.py), and ids alone stay small."""
        return [str(i) for i in self._run(lambda c: c.get(where=where.to_where() if where else None, include=[]))["ids"]]

    def pages(self, where: ChunkFilter | None = None, text: bool = True, metadata: bool = True,
              embeddings: bool = False) -> Iterator[list[StoredChunk]]:
        """Every chunk matching `where`, PAGE at a time, with the parts asked for."""
        include, offset, chroma_where = _include(text, metadata, embeddings), 0, where.to_where() if where else None
        while True:
            found = self._run(lambda c: c.get(where=chroma_where, include=include, limit=PAGE, offset=offset))
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

    def query(self, vector: np.ndarray, k: int, where: ChunkFilter | None = None) -> list[tuple[StoredChunk, float]]:
        """The k nearest chunks to `vector` among those matching `where`, with their cosine distances."""
        found = self._run(lambda c: c.query(query_embeddings=[np.asarray(vector).tolist()], n_results=k,
                                            where=where.to_where() if where else None,
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
