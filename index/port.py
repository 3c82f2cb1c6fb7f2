"""The port of the core: the typed interface the adapters (CLI, Discord) call, and nothing else.

`index.service.facade.NewsService` implements it. Adapters type their service as `NewsPort`, so a reader
can follow any command into the core, and a test can check that nothing reaches past it.
"""
from __future__ import annotations

from datetime import date
from typing import Callable, Iterator, Protocol, Sequence

from index.types import (Answer, ArticleRef, Citation, Digest, IndexReport, NewArticle, Passage, SourceHealth,
                         SourceStatus, Turn)

Progress = Callable[[int, int], None]


class NewsPort(Protocol):
    """What newsbot's core offers its adapters: questions, summaries, sources and their indexing."""

    def ask(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
            scopes: tuple[str, ...] = ..., as_of: date | None = None, since: date | None = None,
            article: str | None = None) -> Answer:
        """A cited answer to `question` (or a plain refusal) from the articles of `scopes`; with `article`
        (an article id), that article's passages come first."""

    def ask_stream(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
                   scopes: tuple[str, ...] = ..., as_of: date | None = None,
                   since: date | None = None) -> Iterator[str | Answer]:
        """Draft text as the model writes it, then the checked Answer, last."""

    def streams(self) -> bool:
        """True when answers are written by a model (so `ask_stream` yields drafts before the answer)."""

    def summarize(self, target: str, since: date | None = None, scopes: tuple[str, ...] = ...) -> Answer:
        """A cited summary of one article (title or URL) or of a topic."""

    def digest(self, since: date | None = None, until: date | None = None,
               sources: Sequence[str] | None = None, scopes: tuple[str, ...] = ..., limit: int = 10) -> Digest:
        """The stories of the window, newest and most covered first, each with a short cited summary."""

    def search(self, query: str, k: int = 10, scopes: tuple[str, ...] = ...) -> list[Passage]:
        """The k best passages for `query`, best first."""

    def titles(self, prefix: str, limit: int = 25, scopes: tuple[str, ...] = ...) -> list[ArticleRef]:
        """Indexed article titles matching `prefix` (for autocomplete)."""

    def citation_records(self, citations: Sequence[Citation]) -> tuple[dict, ...]:
        """What feedback keeps of an answer's citations, their sources included."""

    def is_empty(self) -> bool:
        """True when nothing is indexed yet."""

    def index(self, source: str | None = None, full: bool = False, progress: Progress | None = None,
              show_progress: bool = False, scopes: Sequence[str] | None = None) -> IndexReport:
        """Index the sources of `scopes` (or one source), incrementally unless `full`; one run at a time."""

    def sources(self, scopes: Sequence[str] | None = None) -> list[SourceStatus]:
        """Each configured source of `scopes` with what is indexed of it."""

    def source_health(self, scopes: Sequence[str] | None = None) -> list[SourceHealth]:
        """The health of each configured source of `scopes`: ok, failing or stale, with its last success and error."""

    def add_source(self, location: str, name: str | None = None, scope: str = ...) -> str:
        """Add a feed or page to the sources of `scope`; returns its name."""

    def remove_source(self, name: str, scope: str = ...) -> None:
        """Remove a source of `scope` and its articles from the index."""

    def watch_new_articles(self, listener: Callable[[list[NewArticle]], None]) -> None:
        """Call `listener` (in the indexing thread) with the articles each later incremental index run adds."""

    def matches(self, topic: str, article_ids: Sequence[str], scopes: tuple[str, ...]) -> list[Citation]:
        """The articles among `article_ids` (of `scopes`) that `topic` is supported by, as an answer's
        sentence must be by its citation: one citation each (the sentence closest to the topic quoted)."""

    def forget_scope(self, scope: str) -> list[str]:
        """Forget a Discord server's sources and their chunks; returns the sources dropped."""
