"""Finding what a summary is about: an indexed article named by title or URL, and its passages."""
from __future__ import annotations

from difflib import SequenceMatcher
from typing import Sequence

from index.store.lexical import LexicalSnapshot
from index.store.chunks import ChunkFilter, Chunks
from index.retrieval.hybrid import passage_from_record
from index.types import ArticleRef, Passage, Scope

TITLE_MATCH = 0.85  # similarity ratio above which a typed title names an article


def find_article(snapshot: LexicalSnapshot, target: str, scopes: Sequence[str] | None = None) -> ArticleRef | None:
    """The indexed article (of `scopes`, when given) whose URL equals `target` or whose title `target`
    names; None for a topic."""
    wanted = target.strip().lower().rstrip("/")
    best, best_ratio = None, 0.0
    for metadata in snapshot.metadatas:
        if scopes is not None and str(metadata.get("scope") or Scope.SHARED) not in scopes:
            continue
        url = str(metadata.get("url", "")).lower().rstrip("/")
        title = str(metadata.get("title", "")).strip().lower()
        if (url and url == wanted) or (title and title == wanted):
            return _ref(metadata)
        if title and len(wanted) >= 12:
            ratio = SequenceMatcher(None, wanted, title).ratio()
            if ratio > best_ratio:
                best, best_ratio = metadata, ratio
    return _ref(best) if best is not None and best_ratio >= TITLE_MATCH else None


def article_passages(chunks: Chunks, article: ArticleRef) -> list[Passage]:
    """Every chunk of one article, in reading order."""
    passages = [passage_from_record(c.id, c.text, dict(c.metadata), 0.0)
                for page in chunks.pages(ChunkFilter(article_id=article.article_id)) for c in page]
    return sorted(passages, key=lambda p: p.position)


def _ref(metadata: dict) -> ArticleRef:
    return ArticleRef(str(metadata.get("title", "")), str(metadata.get("url", "")), str(metadata.get("outlet", "")),
                      str(metadata.get("published", "")), str(metadata.get("article_id", "")))
