"""Where one logical index keeps its local state under the home folder, and its indexer built on first use."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from index.embedding.embedders import Embedder
from index.store.chroma import Store
from index.store.database import Database
from index.store.records import FileRecords, Records, Shelf

if TYPE_CHECKING:
    from index.indexing.ingest import SourceIndexer


@dataclass
class Paths:
    """Where a service keeps its state: caches under the home folder; the shared state (fetch state, health,
    run state, docstores) in `records` and `database` when a database is configured, else in the home too."""

    home: Path
    collection: str
    records: Records = field(default=None)  # type: ignore[assignment]  # the home's files when None
    database: Database | None = None  # the shared database (NEWSBOT_DATABASE_URL), None without one

    def __post_init__(self) -> None:
        if self.records is None:
            self.records = FileRecords(self.home)

    @property
    def lexical_cache(self) -> Path:
        return self.home / "lexical" / f"{self.collection}.pkl"

    @property
    def fetch_state(self) -> Shelf:
        return Shelf(self.records, f"fetch/{self.collection}")

    @property
    def health(self) -> Shelf:
        return Shelf(self.records, f"health/{self.collection}")

    @property
    def lock(self) -> Path:
        return self.home / "locks" / f"{self.collection}.lock"


class LazyIndexer:
    """The SourceIndexer, built on first use: it imports llama-index (~0.8 s of a cold start), which a
    process that only answers questions never needs."""

    def __init__(self, store: Store, embedder: Embedder, paths: Paths, chunk_tokens: int, chunk_overlap: int) -> None:
        self._arguments = (store, embedder, paths, chunk_tokens, chunk_overlap)
        self._indexer: "SourceIndexer | None" = None
        self._lock = threading.Lock()

    def get(self) -> "SourceIndexer":
        """The indexer (built now if this is the first call)."""
        with self._lock:
            if self._indexer is None:
                from index.indexing.ingest import SourceIndexer

                from index.indexing.docstores import DatabaseDocstores, FileDocstores

                store, embedder, paths, chunk_tokens, chunk_overlap = self._arguments
                # docstores live under docstore/<physical collection>/, or in the shared database
                docstores = DatabaseDocstores(paths.database) if paths.database is not None \
                    else FileDocstores(paths.home / "docstore")
                self._indexer = SourceIndexer(store, embedder, docstores, chunk_tokens, chunk_overlap)
            return self._indexer
