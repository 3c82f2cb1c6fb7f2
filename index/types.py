"""The shared vocabulary of newsbot: frozen dataclasses passed between the core and its adapters."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

_SHARED_WORD = "shared"
_SERVER_SCOPE = re.compile(r"^g\d{1,20}$")
SCOPE_SEPARATOR = "~"  # inside the index, a server's source is `g<id>~<name>` (never in a configured name)


class Scope(str):
    """Whose sources something belongs to: the operator's shared sources (`Scope.SHARED`) or one Discord
    server's (`Scope.server(id)`).

    A scope is a `str` whose value, `"shared"` or `"g<server id>"`, is what every chunk's `scope` metadata
    holds, so it compares equal to what the store returns and is written unchanged. A question is answered
    from the scopes it may see (`Scope.visible_from`): a server sees the shared scope and its own.
    """

    __slots__ = ()
    SHARED: ClassVar["Scope"]

    def __new__(cls, value: str) -> "Scope":
        if value != _SHARED_WORD and not _SERVER_SCOPE.match(str(value)):
            raise ValueError(f"not a scope: {value!r}")
        return super().__new__(cls, value)

    def __repr__(self) -> str:
        return f"Scope({str(self)!r})"

    @classmethod
    def shared(cls) -> "Scope":
        """The operator's shared sources (`sources.toml`), seen from everywhere."""
        return cls.SHARED

    @classmethod
    def server(cls, server_id: int) -> "Scope":
        """The sources one Discord server's admins added."""
        return cls(f"g{int(server_id)}")

    @classmethod
    def visible_from(cls, server_id: int | None) -> tuple["Scope", ...]:
        """What a question asked in server `server_id` (None: a DM or the CLI) may be answered from."""
        return (cls.SHARED,) if server_id is None else (cls.SHARED, cls.server(server_id))

    @property
    def is_shared(self) -> bool:
        """True for the shared scope."""
        return str(self) == _SHARED_WORD

    @property
    def server_id(self) -> int | None:
        """The Discord server of a server's scope; None for the shared one."""
        return None if self.is_shared else int(self[1:])

    def label(self, name: str) -> str:
        """How a user is shown a source of this scope: `name`, or `name (server <id>)` for a server's."""
        return name if self.is_shared else f"{name} (server {self.server_id})"

    def qualify(self, name: str) -> str:
        """The name inside the index of a source (or the id of an article) of this scope: unchanged when
        shared, `g<id>~name` for a server's, so two servers' sources of one name never overwrite each other."""
        return name if self.is_shared else f"{self}{SCOPE_SEPARATOR}{name}"

    @classmethod
    def split(cls, qualified: str) -> tuple["Scope", str]:
        """(scope, name as its scope knows it) of a source named (or an article id made) by `qualify`."""
        head, sep, name = qualified.partition(SCOPE_SEPARATOR)
        return (cls(head), name) if sep and _SERVER_SCOPE.match(head) else (cls.SHARED, qualified)


Scope.SHARED = Scope(_SHARED_WORD)


@dataclass(frozen=True)
class Article:
    """One news article as read from a source, before chunking."""

    id: str  # stable: derived from the URL, or from the path inside a folder source
    source: str  # name of the source in sources.toml
    title: str
    text: str
    url: str = ""
    outlet: str = ""  # publisher, e.g. "CNN"
    authors: tuple[str, ...] = ()
    published: str = ""  # ISO 8601 date or datetime, "" when unknown


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk of an article, with what a citation needs to quote and locate it."""

    chunk_id: str
    article_id: str
    text: str
    title: str
    source: str
    outlet: str = ""
    url: str = ""
    published: str = ""
    position: int = 0  # index of the chunk inside its article
    start: int = 0  # character offsets of the chunk inside the article text
    end: int = 0
    score: float = 0.0


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: `n` is the number used in the answer's `[n]` markers."""

    n: int
    title: str
    source: str
    url: str
    published: str
    quote: str  # the exact passage text the claim comes from
    outlet: str = ""
    article_id: str = ""
    chunk_id: str = ""

    @property
    def source_name(self) -> str:
        """The cited source's name within its scope (`source` is its name inside the index)."""
        return Scope.split(self.source)[1]


@dataclass(frozen=True)
class ArticleRef:
    """A pointer to an article, used to list the closest articles when nothing answers a question."""

    title: str
    url: str
    outlet: str = ""
    published: str = ""
    article_id: str = ""


@dataclass(frozen=True)
class AnswerChecks:
    """How often each check on a generated answer fired (all zero for an extractive answer)."""

    citations: int = 0  # citation markers the model wrote (one per sentence and number)
    invalid_citations: int = 0  # markers naming a passage the model was not given: removed
    unsupported_citations: int = 0  # valid markers whose passage does not support their sentence: removed
    unsupported_sentences: int = 0  # cited sentences no cited passage supports: dropped
    uncited_sentences: int = 0  # factual sentences with no citation to check them against: dropped
    refused: bool = False  # nothing supported was left, so the answer became a refusal

    @property
    def supported_citations(self) -> int:
        """Markers that were valid and supported: the ones the user sees."""
        return self.citations - self.invalid_citations - self.unsupported_citations


@dataclass(frozen=True)
class Answer:
    """An answer with inline `[n]` markers; `citations` holds exactly the numbers used in `text`."""

    text: str
    refused: bool
    citations: tuple[Citation, ...] = ()
    closest: tuple[ArticleRef, ...] = ()
    note: str = ""  # one-line remark for the user in its language, e.g. "the language model was unavailable"
    question: str = ""  # the standalone question that was answered (after follow-up rewriting)
    checks: AnswerChecks | None = None  # set when an LLM wrote the answer: what its checks removed
    age_note: str = ""  # "The newest article on this is from 12 March." (in `language`) when all cited are old
    language: str = ""  # the language it is written in (index/answering/phrases.py), "" when not set


@dataclass(frozen=True)
class SourceStatus:
    """A configured source and what the index holds of it."""

    name: str
    kind: str
    location: str
    articles: int
    chunks: int
    last_indexed: str = ""  # ISO 8601, "" when never indexed (the last refresh)
    newest: str = ""  # the newest and oldest published date of its articles, "" when none is dated
    oldest: str = ""
    last_error: str = ""  # the last refresh's error, "" when it had none
    scope: Scope = Scope.SHARED  # `name` is the name within it
    last_success: str = ""  # ISO 8601 of the last refresh that read the source as a whole, "" when none
    last_error_kind: str = ""  # "HTTP 403", "parse error", "unreachable"… of the last whole-source failure
    last_error_at: str = ""
    health: str = "ok"  # "ok", "failing" or "stale" (index/sources/feed_health.py)
    refresh_seconds: int | None = None  # between scheduled refreshes (`index --watch`, the bot); None: never


@dataclass(frozen=True)
class SourceHealth:
    """The health of one source (index/sources/feed_health.py): `episode` names the current failing or
    stale spell ("" while ok), stable across restarts, so each spell can be reported once."""

    name: str  # the name within its scope
    scope: Scope
    state: str  # "ok", "failing" or "stale"
    episode: str
    last_success: str = ""
    last_error: str = ""
    last_error_kind: str = ""
    last_error_at: str = ""
    usual_interval_seconds: float | None = None  # between new items, learned; None until known


@dataclass(frozen=True)
class ItemError:
    """One article or item of a source that could not be read; the rest of the source still indexes."""

    source: str
    item: str
    reason: str


@dataclass(frozen=True)
class Problem:
    """One inconsistency between sources, docstores and the vector store (`newsbot doctor`), in one line."""

    kind: str
    source: str
    item: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.source or '-'}: {self.item}: {self.detail}"


@dataclass(frozen=True)
class NewArticle:
    """An article indexing added to its source, for the adapters that post new ones (Discord's /feed and /follow)."""

    article_id: str
    source: str  # the source's name within its scope (as the server that added it knows it)
    scope: Scope  # whose source it is
    title: str
    url: str = ""
    outlet: str = ""
    published: str = ""  # ISO 8601, "" when unknown
    lead: str = ""  # the beginning of its text (filters look at the title and this)


@dataclass
class IndexReport:
    """What one run of indexing did, per source and in total."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    errors: list[ItemError] = field(default_factory=list)
    chunks_embedded: int = 0
    seconds: float = 0.0
    new_articles: list[NewArticle] = field(default_factory=list)  # the `added` ones, as refs


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation (as an adapter keeps it), for follow-up questions."""

    question: str
    answer: str


@dataclass(frozen=True)
class StoryArticle:
    """One article of a story, as a digest lists it."""

    article_id: str
    title: str
    url: str
    source: str  # the source's name (as the user knows it, not an internal scoped name)
    outlet: str  # the outlet shown to users (e.g. "CNN"), derived as answers' citations do
    published: date | None


@dataclass(frozen=True)
class Story:
    """Articles that tell the same event, from one outlet or several (index/news/stories.py)."""

    story_id: str  # stable: derived from its earliest article's id
    title: str
    summary: str  # one or two sentences with [n] markers
    first: date | None
    last: date | None
    outlets: tuple[str, ...]  # distinct, first coverage first: a story is "covered by len(outlets) outlets"
    articles: tuple[StoryArticle, ...]
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Digest:
    """The stories of a window of days, newest and most covered first."""

    stories: tuple[Story, ...]
    since: date | None
    until: date | None
