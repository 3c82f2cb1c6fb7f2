"""What the store holds of a source's articles, read from chunk ids (they carry the article id and its
content hash) and, for titles, from one chunk of each article."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from index.store.chunk_ids import HASH_CHARS, parse_chunk_id
from index.store.chunks import ChunkFilter, Chunks


@dataclass
class StoredArticle:
    """What the vector store holds of one article: its chunk ids."""

    chunk_ids: set[str]


def stored_articles(chunks: Chunks, source: str) -> dict[str, StoredArticle]:
    """Every article of `source` the collection holds chunks of.

    Reads chunk ids only (they carry the article id): on 57k chunks that scan took 2.9 s against 8.4 s with
    the metadata, and every re-index makes it, changed or not.
    """
    articles: dict[str, StoredArticle] = {}
    for chunk_id in chunks.ids(ChunkFilter(source=source)):
        parsed = parse_chunk_id(chunk_id)
        article_id = parsed[0] if parsed else chunk_id.split("#")[0]  # also ids of the older form
        articles.setdefault(article_id, StoredArticle(set())).chunk_ids.add(chunk_id)
    return articles


def current_chunks(chunk_ids: set[str], content_hash: str) -> set[str]:
    """The chunk ids among `chunk_ids` that belong to the content with `content_hash`."""
    prefix = content_hash[:HASH_CHARS]
    return {c for c in chunk_ids if (parsed := parse_chunk_id(c)) is not None and parsed[1] == prefix}


def stored_titles(chunks: Chunks, stored: dict[str, StoredArticle], article_ids: Sequence[str]) -> list[str]:
    """The titles of these stored articles (read from one chunk of each), the id where none is found."""
    if not article_ids:
        return []
    firsts = {min(stored[a].chunk_ids): a for a in article_ids if a in stored}
    titles = {firsts[c.id]: str(c.metadata.get("title") or "") for c in chunks.get(list(firsts))}
    return [titles.get(a) or a for a in article_ids]
