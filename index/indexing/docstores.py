"""The docstore of each source (article id -> content hash): llama-index's SimpleDocumentStore, persisted
atomically beside its physical collection (`docstore/<collection>/<source>.json`)."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from llama_index.core.storage.docstore import SimpleDocumentStore

log = logging.getLogger("index.indexing.ingest")


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
