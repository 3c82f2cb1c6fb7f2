"""The port of the core: the typed interface the adapters (CLI, Discord) call, and nothing else.

The adapters (`bot/`) import from `index` only this module, `types`, `errors`, `settings` and `app` (the
composition root, which builds what implements these protocols); tests/test_boundaries.py checks it.

- `NewsPort`, implemented by `index.service.facade.NewsService`: questions, summaries, sources, indexing.
- `FeedbackPort` (`index.service.feedback.FeedbackStore`): 👍/👎 on answers.
- `Database` (`index.store.database`): the SQL seam (a sqlite file, or PostgreSQL with NEWSBOT_DATABASE_URL)
  that an adapter writes its own state on (the Discord adapter's: bot/state/), built by `index.app`.
- The pure text hygiene the adapters apply to what users type and what articles say (`index/text.py`), and
  the language a text is in (`index/language.py`: `language_of`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterator, Protocol, Sequence

from index.text import (DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, clean_question, one_line, without_controls,
                        written_day)
from index.language import language_of
from index.types import (Answer, ArticleRef, Citation, Digest, IndexReport, NewArticle, Passage, Problem, Scope,
                         SourceHealth, SourceStatus, Story, Turn)

__all__ = ["NewsPort", "FeedbackPort", "Feedback", "FeedbackTally", "Database", "Progress", "clean_question",
           "one_line", "without_controls", "LANGUAGES", "LANGUAGE_NAMES", "DEFAULT_LANGUAGE", "language_of",
           "written_day"]
Progress = Callable[[int, int], None]


class NewsPort(Protocol):
    """What newsbot's core offers its adapters: questions, summaries, sources and their indexing."""

    def ask(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
            scopes: tuple[Scope, ...] = ..., as_of: date | None = None, since: date | None = None,
            article: str | None = None, language: str | None = None) -> Answer:
        """A cited answer to `question` (or a plain refusal) from the articles of `scopes`; with `article`
        (an article id), that article's passages come first. In the question's language; in `language` (one of
        `LANGUAGES`) when that cannot be told, and the default language without either."""

    def ask_stream(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
                   scopes: tuple[Scope, ...] = ..., as_of: date | None = None,
                   since: date | None = None, language: str | None = None) -> Iterator[str | Answer]:
        """Draft text as the model writes it, then the checked Answer, last."""

    def streams(self) -> bool:
        """True when answers are written by a model (so `ask_stream` yields drafts before the answer)."""

    def summarize(self, target: str, since: date | None = None, scopes: tuple[Scope, ...] = ...,
                  language: str | None = None) -> Answer:
        """A cited summary of one article (title or URL) or of a topic, in `language` (default: the default)."""

    def digest(self, since: date | None = None, until: date | None = None,
               sources: Sequence[str] | None = None, scopes: tuple[Scope, ...] = ..., limit: int = 10,
               language: str | None = None) -> Digest:
        """The stories of the window, newest and most covered first, each with a short cited summary: in
        `language` when a model writes it, quoted with a note naming the quotes' language offline."""

    def phrases(self, language: str | None) -> dict[str, str]:
        """What newsbot says in `language` (refusals, digest headings…), the default language's when it has none,
        with its month names as `month_1`…`month_12` for `written_day`."""

    def stories_of(self, article_ids: Sequence[str], scopes: tuple[Scope, ...] = ...) -> dict[str, Story]:
        """The story of each indexed article of `scopes` among `article_ids` (their articles, not summarised),
        from one grouping; an article not indexed there is left out."""

    def search(self, query: str, k: int = 10, scopes: tuple[Scope, ...] = ...) -> list[Passage]:
        """The k best passages for `query`, best first."""

    def titles(self, prefix: str, limit: int = 25, scopes: tuple[Scope, ...] = ...) -> list[ArticleRef]:
        """Indexed article titles matching `prefix` (for autocomplete)."""

    def citation_records(self, citations: Sequence[Citation]) -> tuple[dict, ...]:
        """What feedback keeps of an answer's citations, their sources included."""

    def is_empty(self) -> bool:
        """True when nothing is indexed yet."""

    def indexed_by_other_models(self) -> list[str]:
        """The indexes beside this one that other embedding models filled (each model has its own)."""

    def index(self, source: str | None = None, full: bool = False, progress: Progress | None = None,
              show_progress: bool = False, scopes: Sequence[Scope] | None = None) -> IndexReport:
        """Index the sources of `scopes` (default: every scope), or only the source named `source` in the first
        of `scopes` that has one (default: the shared scope), incrementally unless `full`; one run at a time."""

    def sources(self, scopes: Sequence[Scope] | None = None) -> list[SourceStatus]:
        """Each configured source of `scopes` with what is indexed of it."""

    def find_source(self, name: str, scopes: Sequence[Scope]) -> tuple[Scope, str] | None:
        """(scope, name) of the source called `name` in the first of `scopes` that configures one, None when none
        does (a server's own before the shared ones, as the scopes are given)."""

    def source_health(self, scopes: Sequence[Scope] | None = None) -> list[SourceHealth]:
        """The health of each configured source of `scopes`: ok, failing or stale, with its last success and error."""

    def add_source(self, location: str, name: str | None = None, scope: Scope = ...) -> str:
        """Add a feed or page to the sources of `scope`; returns its name."""

    def remove_source(self, name: str, scope: Scope = ...) -> None:
        """Remove a source of `scope` and its articles from the index."""

    def watch_new_articles(self, listener: Callable[[list[NewArticle]], None]) -> None:
        """Call `listener` (in the indexing thread) with the articles each later incremental index run adds."""

    def matches(self, topic: str, article_ids: Sequence[str], scopes: tuple[Scope, ...]) -> list[Citation]:
        """The articles among `article_ids` (of `scopes`) that `topic` is supported by, as an answer's
        sentence must be by its citation: one citation each (the sentence closest to the topic quoted)."""

    def forget_scope(self, scope: Scope) -> list[str]:
        """Forget a Discord server's sources and their chunks; returns the sources dropped."""

    def doctor(self, repair: bool = False) -> tuple[list[Problem], list[Problem]]:
        """(problems found, problems left) between sources, docstores and the vector store; repaired (by
        deletions only) when `repair`."""


@dataclass(frozen=True)
class Feedback:
    """One vote on one answer."""

    id: int
    created: str  # ISO 8601, UTC
    user_id: str
    vote: int  # +1 (👍) or -1 (👎)
    question: str
    answer: str
    scope: str = Scope.SHARED  # the scope it was given in (a `Scope`, as stored), as the adapter files it
    place: str = ""  # where inside that scope, labelled by the adapter and kept as it is ("" for nowhere)
    citations: tuple[dict, ...] = ()  # {"n", "title", "url", "source", "scope"} of each cited passage


@dataclass(frozen=True)
class FeedbackTally:
    """Votes summed for one source or one scope."""

    key: str
    up: int
    down: int


class FeedbackPort(Protocol):
    """Where votes on answers are kept (the Discord buttons write, `newsbot feedback` reads)."""

    def add(self, question: str, answer: str, user_id: str | int, vote: int, *, scope: Scope = Scope.SHARED,
            place: str = "", citations: tuple[dict, ...] = ()) -> Feedback:
        """Record a vote (+1 or -1) by `user_id` on an answer: the scope it was given in, the place there (the
        adapter's label, kept as it is) and what it cited."""

    def list(self, limit: int = 50) -> list[Feedback]:
        """The most recent votes first, at most `limit` of them."""

    def tally(self, by: str) -> list[FeedbackTally]:
        """Votes per cited source (`by="source"`) or per scope they were given in (`by="scope"`: keys are the
        scopes as stored), most votes first; votes of one scope are never counted in another's."""

    def close(self) -> None:
        """Close the store."""


class Database(Protocol):
    """What a store needs of its SQL engine (`SqliteDatabase` or `PostgresDatabase`)."""

    dialect: str  # "sqlite" or "postgresql"
    where: str  # the file or the server, without a password: for messages

    def prepare(self, schema: str) -> None:
        """Create the tables of `schema` if they are missing ({serial}, {json} filled in for this engine)."""

    def execute(self, sql: str, *params: object) -> int:
        """Run one statement (committed unless inside `transaction()`); the rows it changed."""

    def query(self, sql: str, *params: object) -> list[tuple]:
        """Run one statement that returns rows (a SELECT, or a write with RETURNING, committed); its rows."""

    def transaction(self) -> Any:
        """A context manager: the statements of the block (from this thread) commit together or not at all."""

    def try_lock(self, name: str, what: str = "a re-index") -> Any:
        """A context manager holding the lock `name` across processes; IndexBusy at once when it is held."""

    def close(self) -> None:
        """Close the connection."""
