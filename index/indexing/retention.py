"""Archive expiry: the articles of a source older than its retention window, found in the index."""
from __future__ import annotations

from datetime import datetime

from index.sources.archive import retention_cutoff
from index.sources.sources_config import SourceSpec
from index.store.chunk_ids import parse_chunk_id
from index.store.chunks import ChunkFilter, Chunks


def expired_articles(chunks: Chunks, spec: SourceSpec, now: datetime) -> list[str]:
    """Ids of the articles of `spec` published before its retention window (none when it keeps everything;
    undated articles never expire)."""
    cutoff = retention_cutoff(spec, now)
    if cutoff is None:
        return []
    where = ChunkFilter(source=spec.name, before_day=cutoff)
    return sorted({(parse_chunk_id(i) or (i.split("#")[0],))[0] for i in chunks.ids(where)})
