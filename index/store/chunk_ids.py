"""Chunk ids and what they say about an article's chunks: pure functions, no llama-index import (the
query path and `doctor` use them; importing llama-index costs a process ~0.8 s)."""
from __future__ import annotations

import re

HASH_CHARS = 16
_ID = re.compile(r"^(?P<article>.+)#(?P<hash>[0-9a-f]{%d})#(?P<position>\d+)$" % HASH_CHARS)


def hashed_chunk_id(article_id: str, content_hash: str, position: int) -> str:
    """The id of a chunk: its article, the article's content hash and its position inside the article."""
    return f"{article_id}#{content_hash[:HASH_CHARS]}#{position}"


def parse_chunk_id(chunk_id: str) -> tuple[str, str, int] | None:
    """(article id, hash prefix, position) of a chunk id, or None for an id not made by hashed_chunk_id."""
    match = _ID.match(chunk_id)
    return (match["article"], match["hash"], int(match["position"])) if match else None


def is_complete(chunk_ids: set[str], content_hash: str) -> bool:
    """True when the chunks are exactly positions 0..n-1 of the article's current content."""
    parsed = [parse_chunk_id(i) for i in chunk_ids]
    if not parsed or any(p is None or p[1] != content_hash[:HASH_CHARS] for p in parsed):
        return False
    return sorted(p[2] for p in parsed) == list(range(len(parsed)))
