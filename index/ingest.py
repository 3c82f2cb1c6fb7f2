"""Indexing: articles -> chunks -> embeddings -> Chroma, through llama-index's IngestionPipeline.

Each source has its own docstore (article id -> content hash), so the pipeline's UPSERTS_AND_DELETE
strategy does the bookkeeping per source: an unchanged article is skipped without embedding, a changed
one has its old chunks deleted and is re-embedded, and an article gone from its source is deleted.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable, Sequence

from llama_index.core.ingestion import DocstoreStrategy, IngestionPipeline
from llama_index.core.storage.docstore import SimpleDocumentStore
from llama_index.vector_stores.chroma import ChromaVectorStore

from index.articles import published_day
from index.chunking import ChunkPositions, make_splitter, to_document
from index.embedding import Embedder
from index.llama_adapter import EmbedderAdapter
from index.types import Article, IndexReport

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
BATCH_ARTICLES = 64  # articles per pipeline run: bounds memory and gives progress updates


def docstore_path(docstores_dir: Path, source: str) -> Path:
    """Where the docstore of one source is persisted."""
    return docstores_dir / f"{source}.json"


def load_docstore(path: Path) -> SimpleDocumentStore:
    """The persisted docstore at `path`, or an empty one."""
    if path.exists():
        return SimpleDocumentStore.from_persist_path(str(path))
    return SimpleDocumentStore()


class SourceIndexer:
    """Indexes the articles of one source into a Chroma collection, incrementally."""

    def __init__(self, collection, embedder: Embedder, docstores_dir: Path, chunk_tokens: int,
                 chunk_overlap: int) -> None:
        self._collection = collection
        self._vector_store = ChromaVectorStore(chroma_collection=collection)
        self._embed_model = EmbedderAdapter(embedder)
        self._splitter = make_splitter(embedder.tokenize, chunk_tokens, chunk_overlap)
        self._docstores_dir = docstores_dir

    def index(self, source: str, articles: Sequence[Article], progress: Progress | None = None,
              show_progress: bool = False) -> IndexReport:
        """Bring the store in line with `articles`, the complete current content of `source`."""
        started = time.perf_counter()
        path = docstore_path(self._docstores_dir, source)
        docstore = load_docstore(path)
        documents = [to_document(a, published_day(a.published)) for a in articles]
        before = {doc_id: h for h, doc_id in docstore.get_all_document_hashes().items()}
        titles = {a.id: a.title for a in articles}
        report = IndexReport()
        changed = []
        for doc in documents:
            old = before.get(doc.id_)
            if old is None:
                report.added.append(titles[doc.id_])
                changed.append(doc)
            elif old != doc.hash:
                report.updated.append(titles[doc.id_])
                changed.append(doc)
            else:
                report.unchanged.append(titles[doc.id_])
        current = {d.id_ for d in documents}
        gone = [doc_id for doc_id in before if doc_id not in current]
        report.deleted.extend(self._title_of(doc_id) for doc_id in gone)

        pipeline = IngestionPipeline(
            transformations=[self._splitter, ChunkPositions(), self._embed_model],
            vector_store=self._vector_store, docstore=docstore,
            docstore_strategy=DocstoreStrategy.UPSERTS, disable_cache=True,
        )
        done = len(report.unchanged)
        total = len(documents)
        if progress:
            progress(done, total)
        for start in range(0, len(changed), BATCH_ARTICLES):
            batch = changed[start : start + BATCH_ARTICLES]
            nodes = pipeline.run(documents=batch, show_progress=show_progress, store_doc_text=False)
            report.chunks_embedded += len(nodes)
            path.parent.mkdir(parents=True, exist_ok=True)
            docstore.persist(str(path))  # after every batch: a crash loses at most one batch of work
            done += len(batch)
            if progress:
                progress(done, total)
        # Deletions are ours, not UPSERTS_AND_DELETE's: that strategy deletes whatever a single run does
        # not list, and we run the pipeline in batches.
        for doc_id in gone:
            self._vector_store.delete(doc_id)
            docstore.delete_ref_doc(doc_id, raise_error=False)
            docstore.delete_document(doc_id, raise_error=False)
        if gone or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            docstore.persist(str(path))
        report.seconds = time.perf_counter() - started
        return report

    def drop_source(self, source: str) -> list[str]:
        """Delete every article of a source that is no longer configured; returns their titles."""
        path = docstore_path(self._docstores_dir, source)
        docstore = load_docstore(path)
        titles = []
        for doc_id in list(docstore.get_all_document_hashes().values()):
            titles.append(self._title_of(doc_id))
            self._vector_store.delete(doc_id)
        path.unlink(missing_ok=True)
        return titles

    def _title_of(self, doc_id: str) -> str:
        """The title of an indexed article, read from one of its chunks (the docstore keeps only hashes)."""
        found = self._collection.get(where={"article_id": doc_id}, limit=1, include=["metadatas"])
        metadatas = found.get("metadatas") or []
        return str((metadatas[0] or {}).get("title") or doc_id) if metadatas else doc_id
