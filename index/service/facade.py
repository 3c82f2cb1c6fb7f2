"""The core facade: what the CLI and the Discord bot call (`index.port.NewsPort`). No Discord, no terminal.

A thin facade over explicit collaborators, built by the composition root (index/app.py): questions are
answered here (retrieve, then the answer writer of index/answering/writers.py); index runs, source
changes and scopes are `IndexRuns` (index/indexing/runs.py), source statuses and the doctor `IndexStatus`
(index/indexing/status.py), and the sources config of each scope the `SourceCatalog`.
"""
from __future__ import annotations

import logging
from datetime import date
from typing import Callable, Iterator, Sequence

from index.answering import extractive
from index.answering.answer_dates import dated
from index.language import language_of
from index.answering.phrases import default_phrases, localized, phrases_for
from index.answering.prompts import Prompt
from index.answering.summaries import article_passages, find_article
from index.answering.writers import Question, SummaryRequest, writer_for
from index.embedding.embedders import Embedder
from index.indexing.catalog import SourceCatalog
from index.indexing.paths import Paths
from index.indexing.runs import IndexRuns, Progress
from index.indexing.status import IndexStatus
from index.llm.chat import LLM
from index.news.repeats import without_repeats
from index.news.stories import PairJudge
from index.retrieval.cross_stage import CrossEncoderStage
from index.retrieval.hybrid import HybridRetriever
from index.retrieval.timed import place_in_time, retrieve_timed
from index.service.digests import Digests
from index.service.feedback import citation_records
from index.service.news_push import NewsPush
from index.settings import Settings
from index.sources.articles import published_day
from index.store.chroma import Store
from index.store.lexical import LexicalIndex
from index.text import clean_question
from index.types import (Answer, ArticleRef, Citation, Digest, IndexReport, NewArticle, Passage, Problem, Scope,
                         SourceHealth, SourceStatus, Story, Turn)

log = logging.getLogger(__name__)
__all__ = ["NewsService", "Paths"]


class NewsService:
    """Retrieval, answers and summaries over one logical index in the store; indexing, digests, source
    health and new articles for the adapters by its collaborators."""

    def __init__(self, settings: Settings, store: Store, embedder: Embedder, llm: LLM | None,
                 prompts: dict[str, Prompt], paths: Paths, lexical: LexicalIndex, runs: IndexRuns,
                 stage: CrossEncoderStage | None = None, judge: PairJudge | None = None,
                 translate: Callable[[str], str] | None = None) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.llm = llm
        self.prompts = prompts
        self.paths = paths
        self.lexical = lexical
        self.runs = runs
        self.catalog: SourceCatalog = runs.catalog
        self.status = IndexStatus(runs)
        self.retriever = HybridRetriever(store.chunks, embedder, lexical, stage=stage)  # stage: the second stage
        # translate: a local model's English wording of a question in another language (NEWSBOT_TRANSLATOR)
        self.writer = writer_for(llm, prompts, embedder.embed, lambda: self.lexical.snapshot().idf,
                                 translate=translate)
        self.digests = Digests(store, self.writer, runs.catalog, judge)  # judge: reads stories' borderline pairs
        self.push = NewsPush(runs, store.chunks, embedder.embed)

    @property
    def indexer(self):
        """The SourceIndexer of the index runs (built on first use: it imports llama-index)."""
        return self.runs.indexer

    # -- questions -------------------------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
            scopes: tuple[Scope, ...] = (Scope.SHARED,), as_of: date | None = None, since: date | None = None,
            article: str | None = None, language: str | None = None) -> Answer:
        """Answer a question from the indexed articles of `scopes`, with numbered citations, or refuse plainly.

        `as_of` is the time of asking (today by default): "this week" and the like are relative to it, and
        articles published after it are left out. `since` keeps only articles published since that day.
        `article` (an article id) puts that article's passages closest to the question first. The answer is in
        the question's language (index/language.py), or in `language` when that cannot be told.
        """
        language = language_of(clean_question(question)) or language
        with self.store.pinned(), self.writer.budget():  # one pointer read; one LLM budget for the question
            standalone, timed, passages = self._retrieve_for(question, history, k, scopes, as_of, since)
            if article:  # its own passages answer first; when they cannot, everything retrieved, them first
                own = self.push.article_first(article, timed.query.vector, [], k or self.settings.top_k, scopes)
                answer = self.compose(standalone, timed.query.text, timed.query.vector, own, timed.as_of, language)
                if not answer.refused or not own:
                    return answer
                passages = self.push.article_first(article, timed.query.vector, passages, k or self.settings.top_k,
                                              scopes)
            return self.compose(standalone, timed.query.text, timed.query.vector, passages, timed.as_of, language)

    def _retrieve_for(self, question: str, history: Sequence[Turn], k: int | None, scopes: tuple[Scope, ...],
                      as_of: date | None = None, since: date | None = None):
        """Clean the question, make it standalone, place it in time and retrieve its passages (of `scopes`)."""
        question = clean_question(question)
        standalone, retrieval_text = self.writer.standalone(question, history)
        english = self.writer.in_english(retrieval_text)  # with a model, a question in another language is also searched in English
        timed = place_in_time(self.retriever, retrieval_text, as_of, since, tuple(scopes), english)
        with self.store.pinned():
            passages = retrieve_timed(self.retriever, timed, k or self.settings.top_k, self.settings.recency_prior)
            return standalone, timed, passages

    def ask_stream(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
                   scopes: tuple[Scope, ...] = (Scope.SHARED,), as_of: date | None = None,
                   since: date | None = None, language: str | None = None) -> Iterator[str | Answer]:
        """Like `ask`, but yields the model's text as it arrives (unchecked), then the checked Answer, last.

        Offline, or when the model fails, the last item is the (extractive) Answer.
        """
        language = language_of(clean_question(question)) or language
        standalone, timed, passages = self._retrieve_for(question, history, k, scopes, as_of, since)
        request = Question(standalone, timed.query.text, timed.query.vector, without_repeats(passages), timed.as_of,
                           language)
        for item in self.writer.stream(request):
            yield dated(item, timed.as_of) if isinstance(item, Answer) else item

    def compose(self, question: str, retrieval_text: str, vector, passages: list[Passage],
                as_of: date | None = None, language: str | None = None) -> Answer:
        """Write the answer from retrieved passages with the configured writer: generated (its citations
        checked) with the extractive fallback, or extractive offline (index/answering/writers.py). A passage
        that repeats another article of its story is left out (index/news/repeats.py)."""
        request = Question(question, retrieval_text, vector, without_repeats(passages), as_of, language)
        return dated(self.writer.answer(request), as_of)

    def search(self, query: str, k: int = 10, scopes: tuple[Scope, ...] = (Scope.SHARED,)) -> list[Passage]:
        """The k best passages for `query` among the sources of `scopes`, best first."""
        text = clean_question(query, what="search")
        vector = self.retriever.embed_query(text, scopes=tuple(scopes))
        with self.store.pinned():
            return self.retriever.retrieve(vector, k)

    def summarize(self, target: str, since: date | None = None, scopes: tuple[Scope, ...] = (Scope.SHARED,),
                  language: str | None = None) -> Answer:
        """Summarise one article (by title or URL) or a topic across articles of `scopes`, with citations, in
        `language` (the default when None)."""
        target = clean_question(target, what="summary topic")
        since_day = published_day(since.isoformat()) if since else None
        snapshot = self.lexical.snapshot()  # one read of the pointer for the title match and the coverage check
        article = find_article(snapshot, target, scopes)
        if article is not None:
            passages = article_passages(self.store.chunks, article)
            return self.writer.summary(SummaryRequest(f"the article “{article.title}”", target, passages, None,
                                                      language=language))
        query = self.retriever.embed_query(target, since_day, tuple(scopes))
        passages = without_repeats(self.retriever.retrieve(query, 8))
        if not extractive.topic_covered(target, passages, snapshot.idf):
            return localized(extractive.refusal(passages, target), phrases_for(default_phrases(), language), False)
        return self.writer.summary(SummaryRequest(f"news about {target}", target, passages, query.vector,
                                                  language=language))

    def digest(self, since: date | None = None, until: date | None = None, sources: Sequence[str] | None = None,
               scopes: tuple[Scope, ...] = (Scope.SHARED,), limit: int = 10, language: str | None = None) -> Digest:
        """The stories of the window, newest and most covered first, each with a short cited summary (in
        `language`: quoted with a note offline, written in it by a model)."""
        return self.digests.digest(since, until, sources, scopes, limit, language)

    def phrases(self, language: str | None) -> dict[str, str]:
        """What newsbot says in `language` (prompts/phrases/; the default language's when it has none), with
        its month names as `month_1`…`month_12` (`index.text.written_day` writes a date with them)."""
        return phrases_for(default_phrases(), language).words

    def stories_of(self, article_ids: Sequence[str], scopes: tuple[Scope, ...] = (Scope.SHARED,)) -> dict[str, Story]:
        """The story (index/news/) of each indexed article of `scopes` among `article_ids`; the others are left out."""
        return self.digests.stories_of(article_ids, scopes)

    def titles(self, prefix: str, limit: int = 25, scopes: tuple[Scope, ...] = (Scope.SHARED,)) -> list[ArticleRef]:
        """Indexed article titles of `scopes` matching `prefix` (start of title first, then anywhere)."""
        needle = prefix.strip().lower()
        seen: dict[str, ArticleRef] = {}
        for metadata in self.lexical.snapshot().metadatas:
            article_id = str(metadata.get("article_id", ""))
            if str(metadata.get("scope") or Scope.SHARED) not in scopes:
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

    # -- sources and their indexing (index/indexing/) -----------------------------------------------
    def is_empty(self) -> bool:
        """True when nothing has been indexed into the collection yet."""
        return self.store.chunks.count() == 0

    def indexed_by_other_models(self) -> list[str]:
        """The collections beside this one that other embedding models filled (`<collection>-<model>`)."""
        return self.store.others_with_chunks(f"{self.settings.collection}-")

    def index(self, source: str | None = None, full: bool = False, progress: Progress | None = None,
              show_progress: bool = False, scopes: Sequence[Scope] | None = None) -> IndexReport:
        """Index the sources of `scopes` (default: every scope), or only the source named `source` in the first
        of `scopes` that has one (default: the shared scope), incrementally unless `full`. One at a time."""
        return self.runs.index(source, full, progress, show_progress, scopes)

    def sources(self, scopes: Sequence[Scope] | None = None) -> list[SourceStatus]:
        """Each configured source of `scopes` (default: every scope) with what is indexed of it."""
        return self.status.sources(scopes)

    def find_source(self, name: str, scopes: Sequence[Scope]) -> tuple[Scope, str] | None:
        """(scope, name) of the source called `name` in the first of `scopes` that configures one, None when none
        does: the one lookup the adapters make before they act on a source a member named."""
        wanted = name.strip()
        for scope in scopes:
            if any(Scope.split(spec.name)[1] == wanted for spec, _ in self.catalog.specs([scope])):
                return scope, wanted
        return None

    def source_health(self, scopes: Sequence[Scope] | None = None) -> list[SourceHealth]:
        """The health of each configured source of `scopes` (default: every scope): ok, failing or stale."""
        return self.status.source_health(scopes)

    def add_source(self, location: str, name: str | None = None, scope: Scope = Scope.SHARED) -> str:
        """Add a URL or feed to the sources of `scope` (its kind found by fetching it); returns its name."""
        return self.catalog.add(location, name, scope)

    def remove_source(self, name: str, scope: Scope = Scope.SHARED) -> None:
        """Remove a source (named within `scope`) from its config and its articles from the index."""
        self.runs.remove_source(name, scope)

    def forget_scope(self, scope: Scope) -> list[str]:
        """Forget a Discord server's sources config and their chunks; returns the sources dropped."""
        return self.runs.forget_scope(scope)

    def watch_new_articles(self, listener: Callable[[list[NewArticle]], None]) -> None:
        """Call `listener(list[NewArticle])`, in the indexing thread, after each incremental index run that
        added articles."""
        self.push.watch_new_articles(listener)

    def matches(self, topic: str, article_ids: Sequence[str], scopes: tuple[Scope, ...]) -> list[Citation]:
        """Which of `article_ids` (among the sources of `scopes`) match `topic`: one citation each, best first."""
        return self.push.matches(topic, article_ids, scopes)

    def doctor(self, repair: bool = False) -> tuple[list[Problem], list[Problem]]:
        """(problems found, problems left) between sources, docstores and the vector store; repaired (by
        deletions only) when `repair`."""
        return self.status.doctor(repair)
