"""The newest and oldest published date of each source's articles, from chunk metadata (pure)."""
from __future__ import annotations

from typing import Iterable


def source_dates(metadatas: Iterable[dict]) -> dict[str, tuple[str, str]]:
    """source -> (oldest, newest) published date (YYYY-MM-DD) among its dated chunks."""
    found: dict[str, tuple[str, str]] = {}
    for metadata in metadatas:
        day = str((metadata or {}).get("published") or "")[:10]
        if not day:
            continue
        source = str(metadata.get("source") or "")
        oldest, newest = found.get(source, (day, day))
        found[source] = (min(oldest, day), max(newest, day))
    return found
