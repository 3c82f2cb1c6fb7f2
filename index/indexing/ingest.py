"""Indexing: articles -> chunks -> embeddings -> Chroma, crash-safe.

llama-index's IngestionPipeline splits and embeds; the writes are ours, in an order that a crash at any
point cannot hurt:

1. A chunk's id is `article_id#content_hash#position`, so a changed article's new chunks are written
   beside its old ones (never over them), and writing the same content twice is an idempotent upsert.
2. Only after the new chunks are written are the old ones deleted: a reader sees the old article or the
   new one, whole, never half of one (and, for a moment, both).
3. The docstore of a source (article id -> content hash) follows the vector store: it is updated after the
   writes and persisted atomically after every batch. An article counts as unchanged only when both the
   docstore and the chunks in the store carry its current hash, so a lost or stale docstore costs
   re-embedding, never a wrong index, and the next run finishes whatever a killed one left.

(llama-index's UPSERTS strategy deletes a changed document's chunks *before* writing the new ones, which
is exactly the window we avoid.) Docstores live beside their physical collection (index/indexing/docstores.py:
`docstore/<collection>/` or the database), so a full re-index (a new collection) brings its own along.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.schema import BaseNode, MetadataMode
from llama_index.core.storage.docstore.keyval_docstore import KVDocumentStore

from index.indexing.docstores import DocstoreShelf, Docstores, docstore_ids
from index.indexing.stored import StoredArticle, current_chunks, stored_articles, stored_titles
from llama_index.core.vector_stores.utils import node_to_metadata_dict

from index.sources.articles import published_day
from index.indexing.chunking import ChunkPositions, make_splitter, to_document
from index.store.chunk_ids import hashed_chunk_id, is_complete
from index.embedding.embedders import Embedder
from index.indexing.embed_guard import embed_each
from index.indexing.llama_adapter import EmbedderAdapter
from index.store.chroma import Store, version_of
from index.store.chunks import ChunkFilter, Chunks, StoredChunk
from index.text import without_title
from index.types import Article, IndexReport, NewArticle, Scope

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
BATCH_ARTICLES = 16  # articles per pipeline run: bounds memory; progress moves after each (a few seconds on a CPU)
WRITE_BATCH = 1000  # chunks per Chroma write (an article's chunks are never split across writes)


@dataclass(frozen=True)
class Target:
    """Where an index run writes: one physical collection and the docstores that follow it."""

    name: str
    chunks: Chunks
    docstores: DocstoreShelf


def _classify(documents, titles: dict[str, str], docstore: KVDocumentStore, known: set[str],
              stored: dict[str, StoredArticle], report: IndexReport) -> tuple[list, list]:
    """(to embed, already written by a killed run) among `documents`; the unchanged ones go to `report`."""
    changed, written = [], []
    for doc in documents:
        entry = stored.get(doc.id_)
        if docstore.get_document_hash(doc.id_) == doc.hash and entry and is_complete(entry.chunk_ids, doc.hash):
            report.unchanged.append(titles[doc.id_])
            continue
        # added or updated since the last run that finished (the docstore), whatever a killed run wrote
        (report.updated if doc.id_ in known else report.added).append(titles[doc.id_])
        done_before = entry and is_complete(current_chunks(entry.chunk_ids, doc.hash), doc.hash)
        (written if done_before else changed).append(doc)
    return changed, written


def new_articles(source: str, articles: Sequence[Article], known: set[str],
                 docstore: KVDocumentStore) -> list[NewArticle]:
    """The articles of this run that its source's docstore did not know before and that are now written."""
    scope, name = Scope.split(source)
    return [NewArticle(a.id, name, scope, a.title, a.url, a.outlet, a.published,
                       " ".join(without_title(a.text, a.title)[:600].split()))
            for a in articles if a.id not in known and docstore.get_document_hash(a.id) is not None]


def _write_groups(nodes: Sequence[BaseNode]) -> Iterator[list[BaseNode]]:
    """Nodes in groups of about WRITE_BATCH that never split one article's chunks."""
    group: list[BaseNode] = []
    for node in nodes:
        if len(group) >= WRITE_BATCH and group[-1].ref_doc_id != node.ref_doc_id:
            yield group
            group = []
        group.append(node)
    if group:
        yield group


class SourceIndexer:
    """Indexes the articles of one source into a physical collection, incrementally and crash-safely."""

    def __init__(self, store: Store, embedder: Embedder, docstores: Docstores, chunk_tokens: int,
                 chunk_overlap: int) -> None:
        self._store = store
        self._embed_model = EmbedderAdapter(embedder)
        self._splitter = make_splitter(embedder.tokenize, chunk_tokens, chunk_overlap)
        self.docstores = docstores

    # -- targets -------------------------------------------------------------------------------
    def target(self, physical: str | None = None) -> Target:
        """The target for a physical collection (the live one by default), created if missing."""
        name = physical or self._store.live_name()
        # writers may create: a live collection deleted behind our back is rebuilt by the next run
        return Target(name, self._store.chunks_of(name), self.docstores.of(name))

    def docstore(self, source: str) -> KVDocumentStore:
        """The docstore of `source` in the live collection."""
        return self.docstores.of(self._store.live_name()).load(source)

    def indexed_sources(self, target: Target | None = None) -> list[str]:
        """The sources that have a docstore in `target` (the live collection by default)."""
        return (target.docstores if target else self.docstores.of(self._store.live_name())).sources()

    # -- indexing ------------------------------------------------------------------------------
    def index(self, source: str, articles: Sequence[Article], progress: Progress | None = None,
              show_progress: bool = False, target: Target | None = None, archive: bool = False,
              removed: Sequence[str] = ()) -> IndexReport:
        """Bring `target` in line with `articles`, the complete current content of `source`; or, when
        `archive`, add and update `articles` and delete only the articles listed in `removed`."""
        started = time.perf_counter()
        target = target or self.target()
        docstore = target.docstores.load(source)
        save = lambda: target.docstores.save(source, docstore)  # noqa: E731
        known = docstore_ids(docstore)
        stored = stored_articles(target.chunks, source)
        report = IndexReport()
        documents = [to_document(a, published_day(a.published)) for a in articles]
        changed, written = _classify(documents, {a.id: a.title for a in articles}, docstore, known, stored, report)
        self._adopt(target, written, stored, docstore, save)
        current = {d.id_ for d in documents}
        gone = sorted(((known | set(stored)) & set(removed) if archive else (known | set(stored))) - current)
        report.deleted.extend(stored_titles(target.chunks, stored, gone))
        done, total = [len(report.unchanged) + len(written)], len(documents)

        def advanced(batch: int) -> None:
            done[0] += batch
            if progress:
                progress(done[0], total)

        advanced(0)
        self._embed(source, changed, target, stored, docstore, save, report, advanced, show_progress)
        report.new_articles = new_articles(source, articles, known, docstore)
        if gone:
            stale = [c for i in gone if i in stored for c in stored[i].chunk_ids]
            self._delete(target, stale)
            for article_id in gone:
                docstore.delete_document(article_id, raise_error=False)
        if gone or not target.docstores.exists(source):
            save()
        report.seconds = time.perf_counter() - started
        return report

    def _embed(self, source: str, changed, target: Target, stored: dict[str, StoredArticle],
               docstore: KVDocumentStore, save: Callable[[], None], report: IndexReport, advanced: Callable[[int], None],
               show_progress: bool) -> None:
        """Chunk, embed and write the changed articles, BATCH_ARTICLES at a time, saving the docstore after
        every batch (a kill loses at most one batch of work)."""
        pipeline = IngestionPipeline(transformations=[self._splitter, ChunkPositions(), self._embed_model],
                                     disable_cache=True)
        for start in range(0, len(changed), BATCH_ARTICLES):
            batch = changed[start : start + BATCH_ARTICLES]
            embedded, nodes = embed_each(pipeline, batch, source, report, show_progress)
            self._replace(target, embedded, nodes, stored)
            for doc in embedded:
                docstore.set_document_hash(doc.id_, doc.hash)
            save()
            report.chunks_embedded += len(nodes)
            advanced(len(batch))

    def _adopt(self, target: Target, docs, stored: dict[str, StoredArticle], docstore: KVDocumentStore,
               save: Callable[[], None]) -> None:
        """Finish what a killed run left: these articles' current chunks are all written already, so they are
        not embedded again; the chunks they replace are deleted and the docstore records them."""
        if not docs:
            return
        self._delete(target, [c for doc in docs for c in stored[doc.id_].chunk_ids
                              if c not in current_chunks(stored[doc.id_].chunk_ids, doc.hash)])
        for doc in docs:
            docstore.set_document_hash(doc.id_, doc.hash)
        save()

    def _replace(self, target: Target, batch, nodes: Sequence[BaseNode], stored: dict[str, StoredArticle]) -> None:
        """Write the batch's new chunks, then delete the chunks they replace (never the other way round)."""
        hashes = {doc.id_: doc.hash for doc in batch}
        for node in nodes:
            node.id_ = hashed_chunk_id(node.ref_doc_id, hashes[node.ref_doc_id], node.metadata["position"])
        self._write(target, nodes)
        fresh = {node.node_id for node in nodes}
        self._delete(target, [c for doc in batch if doc.id_ in stored for c in stored[doc.id_].chunk_ids
                              if c not in fresh])

    def _write(self, target: Target, nodes: Sequence[BaseNode]) -> None:
        for group in _write_groups(nodes):
            metadatas = []
            for node in group:
                metadata = node_to_metadata_dict(node, remove_text=True, flat_metadata=True)
                metadata["scope"] = str(Scope.split(str(metadata.get("source") or ""))[0])
                metadatas.append({k: ("" if v is None else v) for k, v in metadata.items()})
            target.chunks.upsert([StoredChunk(n.node_id, n.get_content(metadata_mode=MetadataMode.NONE), m,
                                              n.get_embedding()) for n, m in zip(group, metadatas)])

    def _delete(self, target: Target, chunk_ids: Sequence[str]) -> None:
        self.delete_chunks(chunk_ids, target)

    def delete_chunks(self, chunk_ids: Sequence[str], target: Target | None = None) -> None:
        """Delete chunks by id from `target` (the live collection by default)."""
        (target or self.target()).chunks.delete(chunk_ids)

    # -- whole sources and collections ---------------------------------------------------------
    def drop_source(self, source: str, target: Target | None = None) -> list[str]:
        """Delete every chunk of a source, then its docstore; returns the titles of its articles."""
        target = target or self.target()
        stored = stored_articles(target.chunks, source)
        titles = stored_titles(target.chunks, stored, list(stored))
        titles += sorted(docstore_ids(target.docstores.load(source)) - set(stored))
        self._delete(target, [c for entry in stored.values() for c in entry.chunk_ids])
        target.docstores.delete(source)
        return titles

    def hashes(self, source: str, target: Target | None = None) -> dict[str, str]:
        """Article id -> content hash, from the docstore of `source` in `target` (the live one by default)."""
        docstore = target.docstores.load(source) if target is not None else self.docstore(source)
        return {article_id: docstore.get_document_hash(article_id) or "" for article_id in docstore_ids(docstore)}

    def chunks(self) -> list[tuple[str, str, str]]:
        """(chunk id, source, article id) of every chunk of the live collection."""
        return [(c.id, str(c.metadata.get("source") or ""), str(c.metadata.get("article_id") or ""))
                for page in self.target().chunks.pages(text=False) for c in page]

    def forget_articles(self, source: str, article_ids: Sequence[str]) -> None:
        """Remove articles from the live docstore of `source`, so that the next run re-embeds them."""
        shelf = self.docstores.of(self._store.live_name())
        docstore = shelf.load(source)
        for article_id in article_ids:
            docstore.delete_document(article_id, raise_error=False)
        shelf.save(source, docstore)

    def copy_source(self, source: str, origin: Target, destination: Target) -> int:
        """Copy a source's chunks (vectors included, nothing re-embedded) and docstore; returns the chunk count."""
        copied = 0
        for page in origin.chunks.pages(ChunkFilter(source=source), embeddings=True):
            destination.chunks.upsert(page)
            copied += len(page)
        origin.docstores.copy(source, destination.docstores)
        return copied

    def fresh_target(self) -> Target:
        """A new, empty physical collection beside the live one, for a full re-index."""
        name = self._store.next_version()
        self.docstores.of(name).clear()
        return self.target(name)

    def discard(self, name: str) -> None:
        """Delete a physical collection that is not live, and its docstores."""
        self._store.drop(name)
        self.docstores.of(name).clear()

    def leftovers(self) -> list[str]:
        """Physical collections and docstore folders of this index that are not live (a killed full re-index)."""
        live = self._store.live_name()
        names = set(self._store.list_physical())
        names |= {name for name in self.docstores.collections() if _is_version(self._store, name)}
        return sorted(names - {live})

    def remove_leftovers(self) -> list[str]:
        """Delete what `leftovers` lists; returns the names."""
        found = self.leftovers()
        physical = set(self._store.list_physical())
        for name in found:
            if name in physical:
                self._store.drop(name)
            self.docstores.of(name).clear()
        return found


def _is_version(store: Store, name: str) -> bool:
    return version_of(store.name, name) is not None


