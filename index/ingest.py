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
is exactly the window we avoid.) Docstores live beside their physical collection, under
`docstore/<collection>/`, so a full re-index (a new collection) brings its own docstores along.
"""
from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.schema import BaseNode, MetadataMode
from llama_index.core.storage.docstore import SimpleDocumentStore
from llama_index.core.vector_stores.utils import node_to_metadata_dict

from index.articles import published_day
from index.chunking import ChunkPositions, make_splitter, to_document
from index.chunk_ids import HASH_CHARS, hashed_chunk_id, is_complete, parse_chunk_id
from index.embedding import Embedder
from index.embed_guard import embed_each
from index.llama_adapter import EmbedderAdapter
from index.scopes import scope_of
from index.store import Store, version_of
from index.types import Article, IndexReport

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
BATCH_ARTICLES = 64  # articles per pipeline run: bounds memory and gives progress updates
WRITE_BATCH = 1000  # chunks per Chroma write (an article's chunks are never split across writes)
PAGE = 2000
def docstore_path(docstores_dir: Path, source: str) -> Path:
    """Where the docstore of one source is persisted."""
    return docstores_dir / f"{source}.json"


def load_docstore(path: Path) -> SimpleDocumentStore:
    """The persisted docstore at `path`, or an empty one (also when the file is unreadable)."""
    if path.exists():
        try:
            return SimpleDocumentStore.from_persist_path(str(path))
        except (OSError, ValueError) as exc:
            log.warning("docstore %s unreadable (%s); its articles will be re-embedded", path, exc)
    return SimpleDocumentStore()


def save_docstore(docstore: SimpleDocumentStore, path: Path) -> None:
    """Persist a docstore atomically: a kill mid-write leaves the previous file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    docstore.persist(str(temporary))
    os.replace(temporary, path)


def docstore_ids(docstore: SimpleDocumentStore) -> set[str]:
    """The article ids a docstore knows."""
    return set(docstore.get_all_document_hashes().values())


@dataclass(frozen=True)
class Target:
    """Where an index run writes: one physical collection and the docstores that follow it."""

    name: str
    collection: Any
    docstores: Path


@dataclass
class StoredArticle:
    """What the vector store holds of one article: its chunk ids."""

    chunk_ids: set[str]


def stored_chunks(collection, where: dict | None) -> Iterator[tuple[str, dict]]:
    """(chunk id, metadata) of every chunk matching `where`, page by page."""
    offset = 0
    while True:
        page = collection.get(where=where, include=["metadatas"], limit=PAGE, offset=offset)
        if not page["ids"]:
            return
        yield from zip(page["ids"], (m or {} for m in page["metadatas"]))
        offset += len(page["ids"])


def stored_articles(collection, source: str) -> dict[str, StoredArticle]:
    """Every article of `source` the collection holds chunks of.

    Reads chunk ids only (they carry the article id): on 57k chunks that scan took 2.9 s against 8.4 s with
    the metadata, and every re-index makes it, changed or not.
    """
    articles: dict[str, StoredArticle] = {}
    offset = 0
    while True:
        ids = collection.get(where={"source": source}, include=[], limit=PAGE, offset=offset)["ids"]
        if not ids:
            return articles
        for chunk_id in ids:
            parsed = parse_chunk_id(chunk_id)
            article_id = parsed[0] if parsed else chunk_id.split("#")[0]  # also ids of the older form
            articles.setdefault(article_id, StoredArticle(set())).chunk_ids.add(chunk_id)
        offset += len(ids)


def current_chunks(chunk_ids: set[str], content_hash: str) -> set[str]:
    """The chunk ids among `chunk_ids` that belong to the content with `content_hash`."""
    prefix = content_hash[:HASH_CHARS]
    return {c for c in chunk_ids if (parsed := parse_chunk_id(c)) is not None and parsed[1] == prefix}


def stored_titles(collection, stored: dict[str, StoredArticle], article_ids: Sequence[str]) -> list[str]:
    """The titles of these stored articles (read from one chunk of each), the id where none is found."""
    if not article_ids:
        return []
    firsts = {min(stored[a].chunk_ids): a for a in article_ids if a in stored}
    ids, titles = list(firsts), {}
    for start in range(0, len(ids), WRITE_BATCH):
        found = collection.get(ids=ids[start : start + WRITE_BATCH], include=["metadatas"])
        titles |= {firsts[i]: str((m or {}).get("title") or "") for i, m in zip(found["ids"], found["metadatas"])}
    return [titles.get(a) or a for a in article_ids]


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

    def __init__(self, store: Store, embedder: Embedder, docstores_root: Path, chunk_tokens: int,
                 chunk_overlap: int) -> None:
        self._store = store
        self._embed_model = EmbedderAdapter(embedder)
        self._splitter = make_splitter(embedder.tokenize, chunk_tokens, chunk_overlap)
        self.docstores_root = docstores_root

    # -- targets -------------------------------------------------------------------------------
    def target(self, physical: str | None = None) -> Target:
        """The target for a physical collection (the live one by default), created if missing."""
        name = physical or self._store.live_name()
        # writers may create: a live collection deleted behind our back is rebuilt by the next run
        return Target(name, self._store.physical(name, create=True), self.docstores_root / name)

    def docstore_path(self, source: str, target: Target | None = None) -> Path:
        """Where the docstore of `source` is for `target` (the live collection by default)."""
        directory = target.docstores if target else self.docstores_root / self._store.live_name()
        return docstore_path(directory, source)

    def indexed_sources(self, target: Target | None = None) -> list[str]:
        """The sources that have a docstore in `target`."""
        directory = target.docstores if target else self.docstores_root / self._store.live_name()
        return sorted(p.stem for p in directory.glob("*.json"))

    # -- indexing ------------------------------------------------------------------------------
    def index(self, source: str, articles: Sequence[Article], progress: Progress | None = None,
              show_progress: bool = False, target: Target | None = None, archive: bool = False,
              removed: Sequence[str] = ()) -> IndexReport:
        """Bring `target` in line with `articles`, the complete current content of `source`; or, when
        `archive`, add and update `articles` and delete only the articles listed in `removed`."""
        started = time.perf_counter()
        target = target or self.target()
        path = docstore_path(target.docstores, source)
        docstore = load_docstore(path)
        known = docstore_ids(docstore)
        stored = self._store.call(lambda: stored_articles(target.collection, source))
        report, changed, written = IndexReport(), [], []
        documents = [to_document(a, published_day(a.published)) for a in articles]
        titles = {a.id: a.title for a in articles}
        for doc in documents:
            entry = stored.get(doc.id_)
            if docstore.get_document_hash(doc.id_) == doc.hash and entry and is_complete(entry.chunk_ids, doc.hash):
                report.unchanged.append(titles[doc.id_])
                continue
            # added or updated since the last run that finished (the docstore), whatever a killed run wrote
            (report.updated if doc.id_ in known else report.added).append(titles[doc.id_])
            done_before = entry and is_complete(current_chunks(entry.chunk_ids, doc.hash), doc.hash)
            (written if done_before else changed).append(doc)
        self._adopt(target, written, stored, docstore, path)
        current = {d.id_ for d in documents}
        gone = sorted(((known | set(stored)) & set(removed) if archive else (known | set(stored))) - current)
        report.deleted.extend(self._store.call(lambda: stored_titles(target.collection, stored, gone)))

        pipeline = IngestionPipeline(transformations=[self._splitter, ChunkPositions(), self._embed_model],
                                     disable_cache=True)
        done, total = len(report.unchanged) + len(written), len(documents)
        if progress:
            progress(done, total)
        for start in range(0, len(changed), BATCH_ARTICLES):
            batch = changed[start : start + BATCH_ARTICLES]
            embedded, nodes = embed_each(pipeline, batch, source, report, show_progress)
            self._replace(target, embedded, nodes, stored)
            for doc in embedded:
                docstore.set_document_hash(doc.id_, doc.hash)
            save_docstore(docstore, path)  # after every batch: a kill loses at most one batch of work
            report.chunks_embedded += len(nodes)
            done += len(batch)
            if progress:
                progress(done, total)
        if gone:
            stale = [c for i in gone if i in stored for c in stored[i].chunk_ids]
            self._delete(target, stale)
            for article_id in gone:
                docstore.delete_document(article_id, raise_error=False)
        if gone or not path.exists():
            save_docstore(docstore, path)
        report.seconds = time.perf_counter() - started
        return report

    def _adopt(self, target: Target, docs, stored: dict[str, StoredArticle], docstore: SimpleDocumentStore,
               path: Path) -> None:
        """Finish what a killed run left: these articles' current chunks are all written already, so they are
        not embedded again; the chunks they replace are deleted and the docstore records them."""
        if not docs:
            return
        self._delete(target, [c for doc in docs for c in stored[doc.id_].chunk_ids
                              if c not in current_chunks(stored[doc.id_].chunk_ids, doc.hash)])
        for doc in docs:
            docstore.set_document_hash(doc.id_, doc.hash)
        save_docstore(docstore, path)

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
                metadata["scope"] = scope_of(str(metadata.get("source") or ""))  # index/scopes.py
                metadatas.append({k: ("" if v is None else v) for k, v in metadata.items()})
            self._store.call(lambda: target.collection.upsert(
                ids=[n.node_id for n in group], embeddings=[n.get_embedding() for n in group],
                documents=[n.get_content(metadata_mode=MetadataMode.NONE) for n in group], metadatas=metadatas,
            ))

    def _delete(self, target: Target, chunk_ids: Sequence[str]) -> None:
        self.delete_chunks(chunk_ids, target)

    def delete_chunks(self, chunk_ids: Sequence[str], target: Target | None = None) -> None:
        """Delete chunks by id from `target` (the live collection by default)."""
        target = target or self.target()
        ids = list(chunk_ids)
        for start in range(0, len(ids), WRITE_BATCH):
            part = ids[start : start + WRITE_BATCH]
            self._store.call(lambda: target.collection.delete(ids=part))

    # -- whole sources and collections ---------------------------------------------------------
    def drop_source(self, source: str, target: Target | None = None) -> list[str]:
        """Delete every chunk of a source, then its docstore; returns the titles of its articles."""
        target = target or self.target()
        stored = self._store.call(lambda: stored_articles(target.collection, source))
        path = docstore_path(target.docstores, source)
        titles = self._store.call(lambda: stored_titles(target.collection, stored, list(stored)))
        titles += sorted(docstore_ids(load_docstore(path)) - set(stored))
        self._delete(target, [c for entry in stored.values() for c in entry.chunk_ids])
        path.unlink(missing_ok=True)
        return titles

    def hashes(self, source: str) -> dict[str, str]:
        """Article id -> content hash, from the live docstore of `source`."""
        docstore = load_docstore(self.docstore_path(source))
        return {article_id: docstore.get_document_hash(article_id) or "" for article_id in docstore_ids(docstore)}

    def chunks(self) -> list[tuple[str, str, str]]:
        """(chunk id, source, article id) of every chunk of the live collection."""
        collection = self.target().collection
        return [(chunk_id, str(metadata.get("source") or ""), str(metadata.get("article_id") or ""))
                for chunk_id, metadata in self._store.call(lambda: list(stored_chunks(collection, None)))]

    def forget_articles(self, source: str, article_ids: Sequence[str]) -> None:
        """Remove articles from the live docstore of `source`, so that the next run re-embeds them."""
        path = self.docstore_path(source)
        docstore = load_docstore(path)
        for article_id in article_ids:
            docstore.delete_document(article_id, raise_error=False)
        save_docstore(docstore, path)

    def copy_source(self, source: str, origin: Target, destination: Target) -> int:
        """Copy a source's chunks (vectors included, nothing re-embedded) and docstore; returns the chunk count."""
        copied = 0
        while True:
            page = self._store.call(lambda: origin.collection.get(
                where={"source": source}, include=["embeddings", "documents", "metadatas"], limit=PAGE,
                offset=copied))
            if not len(page["ids"]):
                break
            self._store.call(lambda: destination.collection.upsert(
                ids=page["ids"], embeddings=page["embeddings"], documents=page["documents"],
                metadatas=page["metadatas"]))
            copied += len(page["ids"])
        path = docstore_path(origin.docstores, source)
        if path.exists():
            destination.docstores.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, docstore_path(destination.docstores, source))
        return copied

    def fresh_target(self) -> Target:
        """A new, empty physical collection beside the live one, for a full re-index."""
        name = self._store.next_version()
        shutil.rmtree(self.docstores_root / name, ignore_errors=True)
        return self.target(name)

    def discard(self, name: str) -> None:
        """Delete a physical collection that is not live, and its docstores."""
        self._store.drop(name)
        shutil.rmtree(self.docstores_root / name, ignore_errors=True)

    def leftovers(self) -> list[str]:
        """Physical collections and docstore folders of this index that are not live (a killed full re-index)."""
        live = self._store.live_name()
        names = set(self._store.list_physical())
        if self.docstores_root.is_dir():
            names |= {p.name for p in self.docstores_root.iterdir() if p.is_dir() and _is_version(self._store, p.name)}
        return sorted(names - {live})

    def remove_leftovers(self) -> list[str]:
        """Delete what `leftovers` lists; returns the names."""
        found = self.leftovers()
        physical = set(self._store.list_physical())
        for name in found:
            if name in physical:
                self._store.drop(name)
            shutil.rmtree(self.docstores_root / name, ignore_errors=True)
        return found


def _is_version(store: Store, name: str) -> bool:
    return version_of(store.name, name) is not None


