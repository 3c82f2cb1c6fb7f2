"""The port of the core: the typed interface the adapters (CLI, Discord) call, and nothing else.

The adapters (`bot/`) import from `index` only this module, `types`, `errors`, `settings` and `app` (the
composition root, which builds what implements these protocols); tests/test_boundaries.py checks it.

- `NewsPort`, implemented by `index.service.facade.NewsService`: questions, summaries, sources, indexing.
- `FeedbackPort` (`index.service.feedback.FeedbackStore`): 👍/👎 on answers.
- `GuildSettingsPort` (`index.service.guild_settings.GuildSettings`): what each Discord server chose.
- `SubscriptionsPort`, `PostLedgerPort` (`index.service.subscriptions`, `index.service.post_ledger`): the feed
  channels and follows of each server, and what the bot posted unprompted (in the same `guilds.sqlite3`).
- `AlertSettingsPort`, `DigestSchedulesPort` (`index.service.push_store`, protocols in `index/push_ports.py`):
  each server's alert channel and digest schedules, in the same file.
- The pure text hygiene the adapters apply to what users type and what articles say (`index/text.py`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Iterator, Protocol, Sequence

from index.push_ports import AlertSettingsPort, DigestSchedule, DigestSchedulesPort
from index.text import clean_question, one_line, without_controls
from index.types import (Answer, ArticleRef, Citation, Digest, IndexReport, NewArticle, Passage, Problem, Scope,
                         SourceHealth, SourceStatus, Story, Turn)

__all__ = ["NewsPort", "FeedbackPort", "GuildSettingsPort", "Feedback", "FeedbackTally", "ChannelRules",
           "SubscriptionsPort", "FeedPost", "Follow", "PostLedgerPort", "Pending", "Progress", "clean_question",
           "one_line", "without_controls", "AlertSettingsPort", "DigestSchedule", "DigestSchedulesPort"]
Progress = Callable[[int, int], None]


class NewsPort(Protocol):
    """What newsbot's core offers its adapters: questions, summaries, sources and their indexing."""

    def ask(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
            scopes: tuple[Scope, ...] = ..., as_of: date | None = None, since: date | None = None,
            article: str | None = None) -> Answer:
        """A cited answer to `question` (or a plain refusal) from the articles of `scopes`; with `article`
        (an article id), that article's passages come first."""

    def ask_stream(self, question: str, history: Sequence[Turn] = (), k: int | None = None,
                   scopes: tuple[Scope, ...] = ..., as_of: date | None = None,
                   since: date | None = None) -> Iterator[str | Answer]:
        """Draft text as the model writes it, then the checked Answer, last."""

    def streams(self) -> bool:
        """True when answers are written by a model (so `ask_stream` yields drafts before the answer)."""

    def summarize(self, target: str, since: date | None = None, scopes: tuple[Scope, ...] = ...) -> Answer:
        """A cited summary of one article (title or URL) or of a topic."""

    def digest(self, since: date | None = None, until: date | None = None,
               sources: Sequence[str] | None = None, scopes: tuple[Scope, ...] = ..., limit: int = 10) -> Digest:
        """The stories of the window, newest and most covered first, each with a short cited summary."""

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

    def index(self, source: str | None = None, full: bool = False, progress: Progress | None = None,
              show_progress: bool = False, scopes: Sequence[Scope] | None = None) -> IndexReport:
        """Index the sources of `scopes` (default: every scope), or only the source named `source` in the first
        of `scopes` that has one (default: the shared scope), incrementally unless `full`; one run at a time."""

    def sources(self, scopes: Sequence[Scope] | None = None) -> list[SourceStatus]:
        """Each configured source of `scopes` with what is indexed of it."""

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


@dataclass(frozen=True)
class FeedPost:
    """A source's new articles posted to a channel of a server (Discord's /feed post)."""

    id: int
    guild_id: int
    channel_id: int
    scope: Scope
    source: str  # the source's name within its scope
    include: str
    exclude: str
    owner_id: int  # the admin who set it up


@dataclass(frozen=True)
class Follow:
    """A topic followed in a server: by a member (notices by DM) or by a channel (/follow)."""

    id: int
    guild_id: int
    topic: str
    user_id: int | None
    channel_id: int | None
    owner_id: int


class SubscriptionsPort(Protocol):
    """Feed channels and follows of each server (`index.service.subscriptions.Subscriptions`)."""

    def add_feed(self, guild_id: int, channel_id: int, scope: Scope, source: str, include: str, exclude: str,
                 owner_id: int) -> None:
        """Post a source's new articles to a channel (its filters replaced when it is already posted there)."""

    def feeds(self, guild_id: int) -> list[FeedPost]:
        """The feed channels of one server."""

    def feeds_of(self, scope: Scope, source: str) -> list[FeedPost]:
        """Every feed channel that posts this source."""

    def remove_feed(self, guild_id: int, feed_id: int) -> bool:
        """Stop a feed channel of this server; False when it has none with that id."""

    def add_follow(self, guild_id: int, topic: str, owner_id: int, user_id: int | None = None,
                   channel_id: int | None = None) -> None:
        """Follow a topic in a server, for a member (DMs) or a channel."""

    def follows(self, guild_id: int | None = None) -> list[Follow]:
        """The follows of one server (every server's when None)."""

    def remove_follow(self, guild_id: int, follow_id: int, user_id: int | None) -> bool:
        """Stop a member's own follow (user_id), or a channel's (None)."""


@dataclass(frozen=True)
class Pending:
    """A post claimed in the ledger but not confirmed by Discord: sent again at start-up."""

    guild_id: int
    channel: str  # a channel id, or @<user id> for a DM
    key: str
    payload: dict
    owner_id: int | None


class PostLedgerPort(Protocol):
    """What the bot posted unprompted, so that nothing is posted twice (`index.service.post_ledger`)."""

    def claim(self, guild_id: int, channel: str, key: str, payload: dict, owner_id: int | None = None,
              article_id: str = "") -> bool:
        """Record a post as pending; False when it was posted already."""

    def state(self, guild_id: int, channel: str, key: str) -> str | None:
        """'pending', 'posted' or None (never claimed)."""

    def confirm(self, guild_id: int, channel: str, key: str, message_id: int) -> None:
        """Discord created the message: the post is done."""

    def set_thread(self, guild_id: int, channel: str, key: str, thread_id: int) -> None:
        """The thread opened on the post."""

    def article_of_thread(self, thread_id: int) -> str | None:
        """The article a thread of the bot's posts is about, None for any other thread."""

    def thread_of(self, guild_id: int, channel: str, article_ids: Sequence[str]) -> int | None:
        """The thread of the earliest post to this channel about one of `article_ids` (None when none has one)."""

    def pending(self, now: datetime | None = None) -> list[Pending]:
        """Posts claimed and not confirmed, oldest first (old ones dropped)."""
