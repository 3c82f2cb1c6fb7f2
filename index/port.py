"""The port of the core: the typed interface the adapters (CLI, Discord) call, and nothing else.

The adapters (`bot/`) import from `index` only this module, `types`, `errors`, `settings` and `app` (the
composition root, which builds what implements these protocols); tests/test_boundaries.py checks it.

- `NewsPort`, implemented by `index.service.facade.NewsService`: questions, summaries, sources, indexing.
- `FeedbackPort` (`index.service.feedback.FeedbackStore`): 👍/👎 on answers.
- `GuildSettingsPort` (`index.service.guild_settings.GuildSettings`): what each Discord server chose.
- The pure text hygiene the adapters apply to what users type and what articles say (`index/text.py`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Iterator, Protocol, Sequence

from index.text import clean_question, one_line, without_controls
from index.types import (Answer, ArticleRef, Citation, IndexReport, Passage, Problem, Scope, SourceStatus,
                         Turn)

__all__ = ["NewsPort", "FeedbackPort", "GuildSettingsPort", "Feedback", "FeedbackTally", "ChannelRules",
           "Progress", "clean_question", "one_line", "without_controls"]
Progress = Callable[[int, int], None]


class NewsPort(Protocol):
    """What newsbot's core offers its adapters: questions, summaries, sources and their indexing."""

    def ask(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
            scopes: tuple[Scope, ...] = ..., as_of: date | None = None, since: date | None = None) -> Answer:
        """A cited answer to `question` (or a plain refusal) from the articles of `scopes`."""

    def ask_stream(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
                   scopes: tuple[Scope, ...] = ..., as_of: date | None = None,
                   since: date | None = None) -> Iterator[str | Answer]:
        """Draft text as the model writes it, then the checked Answer, last."""

    def streams(self) -> bool:
        """True when answers are written by a model (so `ask_stream` yields drafts before the answer)."""

    def summarize(self, target: str, since: date | None = None, scopes: tuple[Scope, ...] = ...) -> Answer:
        """A cited summary of one article (title or URL) or of a topic."""

    def search(self, query: str, k: int = 10, scopes: tuple[Scope, ...] = ...) -> list[Passage]:
        """The k best passages for `query`, best first."""

    def titles(self, prefix: str, limit: int = 25, scopes: tuple[Scope, ...] = ...) -> list[ArticleRef]:
        """Indexed article titles matching `prefix` (for autocomplete)."""

    def citation_records(self, citations: Sequence[Citation]) -> tuple[dict, ...]:
        """What feedback keeps of an answer's citations, their sources included."""

    def is_empty(self) -> bool:
        """True when nothing is indexed yet."""

    def index(self, source: str | None = None, full: bool = False, progress: Progress | None = None,
              show_progress: bool = False, scopes: Sequence[Scope] | None = None) -> IndexReport:
        """Index the sources of `scopes` (default: every scope), or only the source named `source` in the first
        of `scopes` that has one (default: the shared scope), incrementally unless `full`; one run at a time."""

    def sources(self, scopes: Sequence[Scope] | None = None) -> list[SourceStatus]:
        """Each configured source of `scopes` with what is indexed of it."""

    def add_source(self, location: str, name: str | None = None, scope: Scope = ...) -> str:
        """Add a feed or page to the sources of `scope`; returns its name."""

    def remove_source(self, name: str, scope: Scope = ...) -> None:
        """Remove a source of `scope` and its articles from the index."""

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
    guild_id: str = ""  # the Discord server ("" for a DM)
    channel_id: str = ""
    citations: tuple[dict, ...] = ()  # {"n", "title", "url", "source", "scope"} of each cited passage


@dataclass(frozen=True)
class FeedbackTally:
    """Votes summed for one source or one server."""

    key: str
    up: int
    down: int


class FeedbackPort(Protocol):
    """Where votes on answers are kept (the Discord buttons write, `newsbot feedback` reads)."""

    def add(self, question: str, answer: str, user_id: str | int, vote: int, *, guild_id: int | str | None = None,
            channel_id: int | str | None = None, citations: tuple[dict, ...] = ()) -> Feedback:
        """Record a vote (+1 or -1) by `user_id` on an answer, where it was given and what it cited."""

    def list(self, limit: int = 50) -> list[Feedback]:
        """The most recent votes first, at most `limit` of them."""

    def tally(self, by: str) -> list[FeedbackTally]:
        """Votes per cited source (`by="source"`) or per server (`by="server"`), most votes first."""

    def close(self) -> None:
        """Close the store."""


@dataclass(frozen=True)
class ChannelRules:
    """Where the bot answers in one server: nowhere in `denied`; only in `allowed` when it is not empty."""

    allowed: frozenset[int] = frozenset()
    denied: frozenset[int] = frozenset()

    def permits(self, channel_id: int | None, parent_id: int | None = None) -> bool:
        """True when the bot answers in this channel (a thread follows its parent channel's rule)."""
        ids = {i for i in (channel_id, parent_id) if i is not None}
        if ids & self.denied:
            return False
        return not self.allowed or bool(ids & self.allowed)


class GuildSettingsPort(Protocol):
    """What each Discord server's admins chose, and the bot's presence in each server."""

    def set_channel(self, guild_id: int, channel_id: int, rule: str) -> None:
        """Record `allow` or `deny` for one channel of a server (replacing any earlier rule)."""

    def clear_channels(self, guild_id: int) -> None:
        """Forget every channel rule of a server: it answers everywhere again."""

    def channel_rules(self, guild_id: int) -> ChannelRules:
        """The channel rules of one server."""

    def mark_removed(self, guild_id: int, when: datetime | None = None) -> None:
        """Record that the bot left (or was removed from) a server."""

    def mark_present(self, guild_id: int) -> None:
        """The bot is in this server (again): nothing is to be forgotten."""

    def removed_before(self, cutoff: datetime) -> list[int]:
        """Servers the bot was removed from before `cutoff`."""

    def first_notice(self, guild_id: int) -> bool:
        """True the first time it is asked for a server (then it was told it is not enabled)."""

    def forget(self, guild_id: int) -> None:
        """Delete everything stored about a server."""

    def close(self) -> None:
        """Close the store."""
