"""The vector store seam: a Chroma collection, embedded (PersistentClient) or on a server (HttpClient).

Chroma's own default embedding function downloads a model the first time it runs; every collection here
is opened with `embedding_function=None`, and every write and query passes vectors we computed.
"""
from __future__ import annotations

import logging
import os
import uuid
from typing import Any

from index.errors import StoreUnavailable
from index.settings import Settings

log = logging.getLogger(__name__)

GENERATION_KEY = "newsbot_generation"


def _chroma_settings(settings: Settings):
    from chromadb.config import Settings as ChromaSettings

    extra: dict[str, Any] = {}
    if settings.chroma_host and settings.chroma_token is not None:
        extra = {
            "chroma_client_auth_provider": "chromadb.auth.token_authn.TokenAuthClientProvider",
            "chroma_client_auth_credentials": settings.chroma_token.get_secret_value(),
        }
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False, **extra)


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
        where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else str(settings.chroma_dir)
        raise StoreUnavailable(f"the vector store at {where} is unavailable ({type(exc).__name__})") from exc


def open_collection(client, name: str):
    """Get or create the named collection (cosine space) without any Chroma-side embedding function."""
    try:
        return client.get_or_create_collection(
            name=name, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
    except Exception as exc:
        raise StoreUnavailable(f"cannot open collection {name!r} ({type(exc).__name__})") from exc


class Store:
    """A Chroma collection with its client, and the generation id that marks each change of content."""

    def __init__(self, client, name: str) -> None:
        self.client = client
        self.name = name
        self.collection = open_collection(client, name)

    def generation(self) -> str:
        """An id that changes whenever the content changes, read fresh (another process may write)."""
        try:
            metadata = self.client.get_collection(self.name, embedding_function=None).metadata
        except Exception as exc:
            raise StoreUnavailable(f"the vector store did not answer ({type(exc).__name__})") from exc
        return str((metadata or {}).get(GENERATION_KEY, "0"))

    def bump_generation(self) -> str:
        """Record that the content changed; returns the new generation id."""
        new = uuid.uuid4().hex
        current = self.client.get_collection(self.name, embedding_function=None).metadata or {}
        metadata = {k: v for k, v in current.items() if not k.startswith("hnsw:")}
        metadata[GENERATION_KEY] = new
        self.collection.modify(metadata=metadata)
        return new
