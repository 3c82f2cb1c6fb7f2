"""The core facade: what the CLI and the Discord bot call (`index.port.NewsPort`). No Discord, no terminal.

Questions are answered here (retrieve, then the answer writer of index/answering/writers.py); indexing,
sources and doctor are its other half, index/service/reindex.py; scopes, index/service/scope_admin.py.
"""
from __future__ import annotations

import logging
import threading
from datetime import date
from typing import Iterator, Sequence

from index.answering import extractive
from index.answering.answer_dates import dated
from index.answering.prompts import Prompt
from index.answering.summaries import article_passages, find_article
from index.answering.writers import Question, SummaryRequest, writer_for
from index.embedding.embedders import Embedder
from index.llm.chat import LLM
from index.news.repeats import without_repeats
from index.retrieval.hybrid import HybridRetriever
from index.retrieval.questions import clean_question
from index.retrieval.timed import place_in_time, retrieve_timed
from index.service.digests import Digests
from index.service.feedback import citation_records
from index.service.reindex import Indexing, Paths
from index.service.scope_admin import ScopeMaintenance
from index.settings import Settings
from index.sources.articles import published_day
from index.sources.scopes import SHARED
from index.store.chroma import Store
from index.store.lexical import LexicalIndex
from index.text import terms
from index.types import Answer, ArticleRef, Citation, Passage, Turn

log = logging.getLogger(__name__)
__all__ = ["NewsService", "Paths"]


class NewsService(Indexing, ScopeMaintenance, Digests):
    """Indexing, retrieval, answers and summaries over one logical index in the store."""

    def __init__(self, settings: Settings, store: Store, embedder: Embedder, llm: LLM | None,
                 prompts: dict[str, Prompt], paths: Paths) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.llm = llm
        self.prompts = prompts
        self.paths = paths
        self.lexical = LexicalIndex(store, paths.lexical_cache)
        self.retriever = HybridRetriever(store.chunks, embedder, self.lexical)
        self.writer = writer_for(llm, prompts, embedder.embed, lambda: self.lexical.snapshot().idf)
        self._indexer = None
        self._indexer_lock = threading.Lock()

    @property
    def indexer(self):
        """The SourceIndexer, built on first use: it imports llama-index (~0.8 s of a cold start), which a
        process that only answers questions never needs."""
        with self._indexer_lock:
            if self._indexer is None:
                from index.indexing.ingest import SourceIndexer

                # docstores live under docstore/<physical collection>/ (index/indexing/ingest.py), beside paths.docstores
                self._indexer = SourceIndexer(self.store, self.embedder, self.paths.docstores.parent,
                                              self.settings.chunk_tokens, self.settings.chunk_overlap)
            return self._indexer

    # -- questions -------------------------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
            scopes: tuple[str, ...] = (SHARED,), as_of: date | None = None, since: date | None = None) -> Answer:
        """Answer a question from the indexed articles of `scopes`, with numbered citations, or refuse plainly.

        `as_of` is the time of asking (today by default): "this week" and the like are relative to it, and
        articles published after it are left out. `since` keeps only articles published since that day.
        """
        with self.store.pinned(), self.writer.budget():  # one pointer read; one LLM budget for the question
            standalone, timed, passages = self._retrieve_for(question, history, k, scopes, as_of, since)
            return self.compose(standalone, timed.query.text, timed.query.vector, passages, timed.as_of)

    def _retrieve_for(self, question: str, history: Sequence[Turn], k: int | None, scopes: tuple[str, ...],
                      as_of: date | None = None, since: date | None = None):
        """Clean the question, make it standalone, place it in time and retrieve its passages (of `scopes`)."""
        question = clean_question(question)
        standalone, retrieval_text = self.writer.standalone(question, history)
        timed = place_in_time(self.retriever, retrieval_text, as_of, since, tuple(scopes))
        with self.store.pinned():
            passages = retrieve_timed(self.retriever, timed, k or self.settings.top_k, self.settings.recency_prior)
            return standalone, timed, passages

    def ask_stream(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
                   scopes: tuple[str, ...] = (SHARED,), as_of: date | None = None,
                   since: date | None = None) -> Iterator[str | Answer]:
        """Like `ask`, but yields the model's text as it arrives (unchecked), then the checked Answer, last.

        Offline, or when the model fails, the last item is the (extractive) Answer.
        """
        standalone, timed, passages = self._retrieve_for(question, history, k, scopes, as_of, since)
        request = Question(standalone, timed.query.text, timed.query.vector, without_repeats(passages), timed.as_of)
        for item in self.writer.stream(request):
            yield dated(item, timed.as_of) if isinstance(item, Answer) else item

    def compose(self, question: str, retrieval_text: str, vector, passages: list[Passage],
                as_of: date | None = None) -> Answer:
        """Write the answer from retrieved passages with the configured writer: generated (its citations
        checked) with the extractive fallback, or extractive offline (index/answering/writers.py). A passage
        that repeats another article of its story is left out (index/news/repeats.py)."""
        request = Question(question, retrieval_text, vector, without_repeats(passages), as_of)
        return dated(self.writer.answer(request), as_of)

    def search(self, query: str, k: int = 10, scopes: tuple[str, ...] = (SHARED,)) -> list[Passage]:
        """The k best passages for `query` among the sources of `scopes`, best first."""
        text = clean_question(query, what="search")
        vector = self.retriever.embed_query(text, scopes=tuple(scopes))
        with self.store.pinned():
            return self.retriever.retrieve(vector, k)

    def summarize(self, target: str, since: date | None = None, scopes: tuple[str, ...] = (SHARED,)) -> Answer:
        """Summarise one article (by title or URL) or a topic across articles of `scopes`, with citations."""
        target = clean_question(target, what="summary topic")
        since_day = published_day(since.isoformat()) if since else None
        snapshot = self.lexical.snapshot()  # one read of the pointer for the title match and the coverage check
        article = find_article(snapshot, target, scopes)
        if article is not None:
            passages = article_passages(self.store.chunks, article)
            return self.writer.summary(SummaryRequest(f"the article “{article.title}”", target, passages, None))
        query = self.retriever.embed_query(target, since_day, tuple(scopes))
        passages = without_repeats(self.retriever.retrieve(query, 8))
        text = set(terms(" ".join(p.title + " " + p.text for p in passages)))
        if not passages or extractive.coverage(terms(target), text, snapshot.idf) < extractive.MIN_SUPPORT:
            return extractive.refusal(passages, target)
        return self.writer.summary(SummaryRequest(f"news about {target}", target, passages, query.vector))

    def titles(self, prefix: str, limit: int = 25, scopes: tuple[str, ...] = (SHARED,)) -> list[ArticleRef]:
        """Indexed article titles of `scopes` matching `prefix` (start of title first, then anywhere)."""
        needle = prefix.strip().lower()
        seen: dict[str, ArticleRef] = {}
        for metadata in self.lexical.snapshot().metadatas:
            article_id = str(metadata.get("article_id", ""))
            if str(metadata.get("scope") or SHARED) not in scopes:
                continue
            if article_id not in seen and needle in str(metadata.get("title", "")).lower():
                seen[article_id] = ArticleRef(str(metadata.get("title", "")), str(metadata.get("url", "")),
                                              str(metadata.get("outlet", "")), str(metadata.get("published", "")),
                                              article_id)
        ranked = sorted(seen.values(), key=lambda r: (not r.title.lower().startswith(needle), r.title.lower()))
        return ranked[:limit]

    def streams(self) -> bool:
        """True when an LLM writes the answers (ask_stream then yields drafts before the answer)."""
        return self.llm is not None

    def citation_records(self, citations: Sequence[Citation]) -> tuple[dict, ...]:
        """What feedback keeps of an answer's citations (index/service/feedback.py), sources included."""
        return citation_records(citations, self.store.chunks)
