"""Giving chunks written before scopes existed their scope: a one-time migration of an older index."""
from __future__ import annotations

from index.store.chunks import Chunks
from index.types import Scope


def stamp_missing_scopes(chunks: Chunks) -> int:
    """Give chunks written before scopes existed their `scope` (from their source name); returns how many.

    The store merges the metadata of an update, so nothing is re-embedded.
    """
    stamped = 0
    for page in chunks.pages(text=False):
        missing = [c for c in page if "scope" not in c.metadata]
        chunks.update_metadata([c.id for c in missing],
                               [{"scope": str(Scope.split(str(c.metadata.get("source", "")))[0])} for c in missing])
        stamped += len(missing)
    return stamped
