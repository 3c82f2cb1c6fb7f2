"""The docstore of each source (article id -> content hash), kept per physical collection so that a full
re-index (a new collection) brings its own: llama-index's `SimpleDocumentStore` persisted atomically as
`docstore/<collection>/<source>.json` under the home folder (one machine), or llama-index's
`KVDocumentStore` over the shared database (index/indexing/docstore_kv.py; namespace `<collection>/<source>`).

`Docstores` is the root of either; `.of(collection)` its `DocstoreShelf` for one physical collection.
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Protocol

from llama_index.core.storage.docstore import SimpleDocumentStore
from llama_index.core.storage.docstore.keyval_docstore import KVDocumentStore

from index.indexing.docstore_kv import BufferedKVStore, DatabaseKVStore
from index.store.database import Database

log = logging.getLogger("index.indexing.ingest")


class DocstoreShelf(Protocol):
    """The docstores of one physical collection."""

    def load(self, source: str) -> KVDocumentStore:
        """The docstore of `source` (empty when it has none)."""

    def save(self, source: str, docstore: KVDocumentStore) -> None:
        """Make what `docstore` holds durable, in one step."""

    def exists(self, source: str) -> bool:
        """Whether `source` has a docstore here."""

    def delete(self, source: str) -> None:
        """Delete the docstore of `source`."""

    def sources(self) -> list[str]:
        """The sources that have a docstore here."""

    def copy(self, source: str, destination: "DocstoreShelf") -> None:
        """Copy the docstore of `source` to `destination` (a shelf of the same kind)."""

    def clear(self) -> None:
        """Delete every docstore of this collection."""


class Docstores(Protocol):
    """The docstores of every physical collection of one logical index."""

    def of(self, collection: str) -> DocstoreShelf:
        """The docstores of one physical collection."""

    def collections(self) -> list[str]:
        """The physical collections that have docstores."""


def docstore_ids(docstore: KVDocumentStore) -> set[str]:
    """The article ids a docstore knows."""
    return set(docstore.get_all_document_hashes().values())


# ----------------------------------------------------------------------------- files (one machine)
class FileDocstores:
    """`<root>/<collection>/<source>.json`, each a persisted SimpleDocumentStore."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def of(self, collection: str) -> "FileDocstoreShelf":
        return FileDocstoreShelf(self.root / collection)

    def collections(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir()) if self.root.is_dir() else []


class FileDocstoreShelf:
    """The docstores of one collection: one JSON file per source in `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, source: str) -> Path:
        """Where the docstore of one source is persisted."""
        return self.directory / f"{source}.json"

    def load(self, source: str) -> SimpleDocumentStore:
        path = self.path(source)
        if path.exists():
            try:
                return SimpleDocumentStore.from_persist_path(str(path))
            except (OSError, ValueError) as exc:
                log.warning("docstore %s unreadable (%s); its articles will be re-embedded", path, exc)
        return SimpleDocumentStore()

    def save(self, source: str, docstore: SimpleDocumentStore) -> None:
        path = self.path(source)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        docstore.persist(str(temporary))
        temporary.replace(path)  # a kill mid-write leaves the previous file

    def exists(self, source: str) -> bool:
        return self.path(source).exists()

    def delete(self, source: str) -> None:
        self.path(source).unlink(missing_ok=True)

    def sources(self) -> list[str]:
        return sorted(p.stem for p in self.directory.glob("*.json"))

    def copy(self, source: str, destination: "FileDocstoreShelf") -> None:
        if self.exists(source):
            destination.directory.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.path(source), destination.path(source))

    def clear(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


# ----------------------------------------------------------------------------- the shared database
class DatabaseDocstores:
    """KVDocumentStores in the `kv` table, namespaced `<collection>/<source>`."""

    def __init__(self, db: Database) -> None:
        self.kv = DatabaseKVStore(db)

    def of(self, collection: str) -> "DatabaseDocstoreShelf":
        return DatabaseDocstoreShelf(self.kv, collection)

    def collections(self) -> list[str]:
        return sorted({name.split("/", 1)[0] for name in self.kv.collections("")})


class DatabaseDocstoreShelf:
    """The docstores of one collection in the `kv` table; a docstore's changes are written when it is saved,
    in one transaction (as a file is replaced in one step)."""

    def __init__(self, kv: DatabaseKVStore, collection: str) -> None:
        self.kv = kv
        self.prefix = f"{collection}/"

    def load(self, source: str) -> KVDocumentStore:
        return KVDocumentStore(BufferedKVStore(self.kv), namespace=self.prefix + source)

    def save(self, source: str, docstore: KVDocumentStore) -> None:
        kvstore = docstore._kvstore  # llama-index keeps it private; ours buffers the writes (load, above)
        if isinstance(kvstore, BufferedKVStore):
            kvstore.flush()

    def exists(self, source: str) -> bool:
        return bool(self.kv.collections(f"{self.prefix}{source}/"))

    def delete(self, source: str) -> None:
        self.kv.delete_prefix(f"{self.prefix}{source}/")

    def sources(self) -> list[str]:
        return sorted({name[len(self.prefix):].rsplit("/", 1)[0] for name in self.kv.collections(self.prefix)})

    def copy(self, source: str, destination: "DatabaseDocstoreShelf") -> None:
        self.kv.copy_prefix(f"{self.prefix}{source}/", f"{destination.prefix}{source}/")

    def clear(self) -> None:
        self.kv.delete_prefix(self.prefix)
