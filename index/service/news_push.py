"""News as it arrives, for NewsService (index/service/facade.py): who wants to hear of new articles, which
new articles match a followed topic, and a posted article's passages first in the answers to questions
asked about it. A collaborator of the facade, built with the index runs, the chunks and the embedder it reads."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from index.answering.topic_match import topic_matches
from index.retrieval.hybrid import passage_from_record
from index.text import clean_question
from index.indexing.runs import IndexRuns
from index.store.chunks import ChunkFilter, Chunks
from index.types import Citation, NewArticle, Passage, Scope

ARTICLE_FIRST = 4  # passages of the posted article put before the others


class NewsPush:
    """New articles for the adapters: listeners, topic matches, article-first passages."""

    def __init__(self, runs: IndexRuns, chunks: Chunks, embed: Callable[[list[str]], np.ndarray]) -> None:
        self._runs = runs
        self._chunks = chunks
        self._embed = embed

    def watch_new_articles(self, listener) -> None:
        """Call `listener(list[NewArticle])`, in the indexing thread, after each incremental index run that
        added articles (index/indexing/new_articles.py)."""
        self._runs.listeners.add(listener)  # the refresh schedule runs index runs directly

    def matches(self, topic: str, article_ids: Sequence[str], scopes: tuple[Scope, ...]) -> list[Citation]:
        """Which of `article_ids` (among the sources of `scopes`) match `topic`, by the support check of an
        answer's cited sentences (index/answering/topic_match.py): one citation each, quoting the
        sentence closest to the topic, best match first."""
        topic = clean_question(topic, what="topic")
        passages = [p for article_id in dict.fromkeys(article_ids) for p in self._article_chunks(article_id, scopes)]
        found = topic_matches(topic, passages, self._embed)
        return [Citation(n, m.passage.title, m.passage.source, m.passage.url, m.passage.published, m.sentence,
                         m.passage.outlet, m.passage.article_id, m.passage.chunk_id)
                for n, m in enumerate(found, start=1)]

    def _article_chunks(self, article_id: str, scopes: Sequence[Scope], vector: np.ndarray | None = None) -> list[Passage]:
        """The passages of one article of `scopes`, in reading order; scored by cosine to `vector` when given."""
        where = ChunkFilter(article_id=article_id, scopes=tuple(scopes))
        out = []
        for page in self._chunks.pages(where, embeddings=vector is not None):
            for c in page:
                score = float(np.dot(c.embedding, vector)) if vector is not None and c.embedding is not None else 0.0
                out.append(passage_from_record(c.id, c.text, dict(c.metadata), score))
        return sorted(out, key=lambda p: p.position)

    def article_first(self, article_id: str, vector: np.ndarray, passages: list[Passage], k: int,
                      scopes: Sequence[Scope]) -> list[Passage]:
        """The passages of `article_id` closest to the question first, then the retrieved ones (k in all, or
        more when the article alone has more): a question asked under a posted article is about it."""
        own = sorted(self._article_chunks(article_id, scopes, vector), key=lambda p: -p.score)[:ARTICLE_FIRST]
        taken = {p.chunk_id for p in own}
        return (own + [p for p in passages if p.chunk_id not in taken])[:max(k, len(own))]


__all__ = ["NewsPush", "NewArticle"]
