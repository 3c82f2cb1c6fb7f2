"""The vector store seam: Chroma collections, embedded (PersistentClient) or on a server (HttpClient).

One logical index (e.g. `news-all-minilm-l6-v2`) is a set of physical, versioned collections: the legacy
`news-…` and `news-…-v2`, `-v3`… A pointer record in a small `newsbot-meta` collection names the live one
and carries the generation id that readers use to refresh their caches. A full re-index builds a new
version beside the live one and moves the pointer in one write, so readers never see a half-built index;
because the pointer lives in Chroma, every process on a shared Chroma server follows it.

The client is connected lazily and dropped after a failure, so the service recovers by itself when a
Chroma server comes back. Chroma's own default embedding function downloads a model the first time it
runs; every collection here is opened with `embedding_function=None`, and every write passes our vectors.
"""
from __future__ import annotations

import logging
import os
import re
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator, TypeVar

from index.errors import StoreUnavailable
from index.store.chunks import Chunks
from index.settings import Settings

log = logging.getLogger(__name__)

META_COLLECTION = "newsbot-meta"
GENERATION_KEY = "newsbot_generation"
_VERSION = re.compile(r"-v(\d+)$")
T = TypeVar("T")


def _chroma_settings(settings: Settings):
    from chromadb.config import Settings as ChromaSettings

    extra: dict[str, Any] = {}
    if settings.chroma_host and settings.chroma_token is not None:
        extra = {
            "chroma_client_auth_provider": "chromadb.auth.token_authn.TokenAuthClientProvider",
            "chroma_client_auth_credentials": settings.chroma_token.get_secret_value(),
        }
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False, **extra)


def _where(settings: Settings) -> str:
    return f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else str(settings.chroma_dir)


def connect(settings: Settings):
    """A Chroma client: HttpClient when NEWSBOT_CHROMA_HOST is set, else a PersistentClient in the home."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb

    try:
        if settings.chroma_host:
            client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                         settings=_chroma_settings(settings))
            client.heartbeat()
            return client
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=_chroma_settings(settings))
    except Exception as exc:  # chromadb raises many types (ValueError, httpx errors, its own)
        raise StoreUnavailable(f"the vector store at {_where(settings)} is unavailable ({type(exc).__name__})") from exc


def open_collection(client, name: str, create: bool = True):
    """Get (or create) the named collection (cosine space) without any Chroma-side embedding function."""
    if create:
        return client.get_or_create_collection(name=name, embedding_function=None,
                                               metadata={"hnsw:space": "cosine"})
    return client.get_collection(name, embedding_function=None)


@dataclass(frozen=True)
class Pointer:
    """Which physical collection is live for a logical index, and its content generation."""

    live: str
    generation: str


def version_of(logical: str, physical: str) -> int | None:
    """The version number of a physical collection of `logical` (the legacy unversioned one is 1)."""
    if physical == logical:
        return 1
    if physical.startswith(logical + "-v"):
        match = _VERSION.search(physical)
        if match and physical[: match.start()] == logical:
            return int(match.group(1))
    return None


class Store:
    """The physical collections of one logical index, the pointer to the live one, and a lazy client."""

    def __init__(self, connector: Callable[[], Any], name: str, where: str = "") -> None:
        self.name = name
        self.where = where or name
        self._connector = connector
        self._client = None
        self._opened: dict[str, Any] = {}
        self._lock = threading.RLock()
        self._pinned = threading.local()
        self.chunks = Chunks(self.run)  # the live collection, in newsbot's vocabulary (index/store/chunks.py)

    # -- connection --------------------------------------------------------------------------------
    @property
    def client(self):
        """The Chroma client, connected on first use and again after a failure."""
        with self._lock:
            if self._client is None:
                self._client = self._connector()
            return self._client

    def call(self, action: Callable[[], T], what: str = "did not answer") -> T:
        """Run a Chroma operation; any failure drops the client (reconnect next time), as StoreUnavailable."""
        try:
            return action()
        except StoreUnavailable:
            self.forget()
            raise
        except Exception as exc:
            self.forget()
            log.warning("vector store failure: %s: %s", type(exc).__name__, exc)
            raise StoreUnavailable(f"the vector store {what} ({type(exc).__name__})") from exc

    def forget(self) -> None:
        """Drop the client and every opened collection; the next operation reconnects."""
        with self._lock:
            self._client = None
            self._opened.clear()

    # -- the pointer -------------------------------------------------------------------------------
    def _meta(self):
        with self._lock:
            if META_COLLECTION not in self._opened:
                self._opened[META_COLLECTION] = self.client.get_or_create_collection(
                    META_COLLECTION, embedding_function=None)
            return self._opened[META_COLLECTION]

    def pointer(self) -> Pointer:
        """The live collection and generation, read fresh (another process may have moved them), or the
        one pinned for this thread by `pinned()`."""
        pinned = getattr(self._pinned, "pointer", None)
        return pinned if pinned is not None else self.call(self._read_pointer)

    def fresh_pointer(self) -> Pointer:
        """The pointer as stored now, even inside `pinned()`; a pinned thread is re-pinned to it, so the
        rest of its query follows a swap instead of reading a collection that is gone."""
        pointer = self.call(self._read_pointer)
        if getattr(self._pinned, "pointer", None) is not None:
            self._pinned.pointer = pointer
        return pointer

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Read the pointer once for the block (one query): its reads see one version and skip the
        re-reads (each ~1-2 ms; a query made three). A failed read still re-checks it (`run`)."""
        if getattr(self._pinned, "pointer", None) is not None:  # already pinned by an outer block
            yield
            return
        self._pinned.pointer = self.call(self._read_pointer)
        try:
            yield
        finally:
            self._pinned.pointer = None

    def _read_pointer(self) -> Pointer:
        found = self._meta().get(ids=[self.name], include=["metadatas"])
        if found["ids"]:
            metadata = found["metadatas"][0] or {}
            return Pointer(str(metadata["live"]), str(metadata.get(GENERATION_KEY, "0")))
        names = set(self.list_physical_unchecked())
        live = self.name if self.name in names or not names else max(names, key=lambda n: version_of(self.name, n))
        open_collection(self.client, live)  # a first use: readers find an empty index, not a missing one
        pointer = Pointer(live, "0")
        self._write_pointer(pointer)
        return pointer

    def _write_pointer(self, pointer: Pointer) -> None:
        self._meta().upsert(ids=[self.name], embeddings=[[1.0]], documents=[""],
                            metadatas=[{"live": pointer.live, GENERATION_KEY: pointer.generation}])

    def generation(self) -> str:
        """An id that changes whenever the live content changes."""
        return self.pointer().generation

    def live_name(self) -> str:
        """The name of the physical collection readers use now."""
        return self.pointer().live

    def resolve(self) -> tuple[Any, str]:
        """(live collection, generation), read together."""
        pointer = self.pointer()
        return self.physical(pointer.live), pointer.generation

    def bump_generation(self) -> str:
        """Record that the live content changed; returns the new generation id."""
        return self.swap(self.live_name())

    def swap(self, physical: str) -> str:
        """Make `physical` the live collection, with a new generation, in one write."""
        new = uuid.uuid4().hex
        self.call(lambda: self._write_pointer(Pointer(physical, new)))
        return new

    # -- physical collections --------------------------------------------------------------------
    def physical(self, name: str, create: bool = False):
        """A physical collection by name, opened once; a missing one is an error unless `create` (writers)."""
        with self._lock:
            if name not in self._opened:
                self._opened[name] = self.call(lambda: open_collection(self.client, name, create),
                                               f"cannot open collection {name!r}")
            return self._opened[name]

    def chunks_of(self, name: str, create: bool = True) -> Chunks:
        """The chunks of one physical collection: a writer's target is created if missing (`create`); a
        reader's (the BM25 side reading the collection a pointer named) is not."""
        if create:
            self.physical(name, create=True)
        return Chunks(lambda operation: self.call(lambda: operation(self.physical(name, create))))

    def list_physical_unchecked(self) -> list[str]:
        names = [getattr(c, "name", c) for c in self.client.list_collections()]
        return sorted((n for n in names if version_of(self.name, n) is not None),
                      key=lambda n: version_of(self.name, n))

    def list_physical(self) -> list[str]:
        """Every physical collection of this logical index, oldest version first."""
        return self.call(self.list_physical_unchecked)

    def others_with_chunks(self, prefix: str) -> list[str]:
        """Collections named `prefix…` that hold chunks and are not this index's (another embedding model's
        index beside this one: index/app.py names each model's `<collection>-<model>`)."""
        def found() -> list[str]:
            names = [getattr(c, "name", c) for c in self.client.list_collections()]
            others = [n for n in names if n.startswith(prefix) and version_of(self.name, n) is None]
            return sorted(n for n in others if open_collection(self.client, n, create=False).count())

        return self.call(found)

    def next_version(self) -> str:
        """A name for a new physical collection, above every existing version."""
        versions = [version_of(self.name, n) or 1 for n in self.list_physical()]
        return f"{self.name}-v{max(versions, default=1) + 1}"

    def drop(self, name: str) -> None:
        """Delete a physical collection (never the live one)."""
        if name == self.live_name():
            raise ValueError(f"refusing to drop the live collection {name!r}")
        with self._lock:
            self._opened.pop(name, None)
        self.call(lambda: self.client.delete_collection(name))

    def run(self, operation: Callable[[Any], T]) -> T:
        """Run a read on the live collection; if the pointer moved under it (a swap), retry once."""
        pointer = self.pointer()
        try:
            return operation(self.physical(pointer.live))
        except Exception as exc:
            moved = self.fresh_pointer()
            if moved.live != pointer.live:
                return self.call(lambda: operation(self.physical(moved.live)))
            if isinstance(exc, StoreUnavailable):
                raise
            self.forget()
            log.warning("vector store failure: %s: %s", type(exc).__name__, exc)
            raise StoreUnavailable(f"the vector store did not answer ({type(exc).__name__})") from exc


def make_store(settings: Settings, name: str) -> Store:
    """A Store for the logical index `name`, connecting lazily with these settings."""
    return Store(lambda: connect(settings), name, _where(settings))
