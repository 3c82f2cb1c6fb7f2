"""Where one logical index keeps its local state under the home folder, and its indexer built on first use."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from index.embedding.embedders import Embedder
from index.store.chroma import Store

if TYPE_CHECKING:
    from index.indexing.ingest import SourceIndexer


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
    def health(self) -> Path:
        return self.home / "health" / self.collection

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

                store, embedder, paths, chunk_tokens, chunk_overlap = self._arguments
                # docstores live under docstore/<physical collection>/ (index/indexing/ingest.py)
                self._indexer = SourceIndexer(store, embedder, paths.docstores.parent, chunk_tokens, chunk_overlap)
            return self._indexer
