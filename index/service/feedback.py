"""A small sqlite store of 👍/👎 feedback on answers (`index.port.FeedbackPort`). Knows nothing of Discord."""
from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from index.errors import BadInput, StoreUnavailable
from index.port import Feedback, FeedbackTally
from index.store.chunks import Chunks
from index.store.sqlite_file import open_database
from index.types import Scope

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    user_id TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    question TEXT NOT NULL,
    answer TEXT NOT NULL
)
"""
# Columns added later; an older database gets them on open (its old rows: no server, no citations).
_ADDED_COLUMNS = {"guild_id": "TEXT NOT NULL DEFAULT ''", "channel_id": "TEXT NOT NULL DEFAULT ''",
                  "citations": "TEXT NOT NULL DEFAULT '[]'"}
_COLUMNS = "id, created, user_id, vote, question, answer, guild_id, channel_id, citations"


def feedback_path(home: Path) -> Path:
    """Where the bot stores votes and `newsbot feedback` reads them: one file in the home folder."""
    return home / "feedback.sqlite3"


def _prepare(db: sqlite3.Connection) -> None:
    """The table, and the columns later versions added to it."""
    db.execute(_SCHEMA)
    present = {row[1] for row in db.execute("PRAGMA table_info(feedback)")}
    for column, declaration in _ADDED_COLUMNS.items():
        if column not in present:
            db.execute(f"ALTER TABLE feedback ADD COLUMN {column} {declaration}")


class FeedbackStore:
    """Feedback kept in one sqlite file; safe to call from several threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._db = open_database(self.path, "feedback database", _prepare)

    def add(self, question: str, answer: str, user_id: str | int, vote: int, *, guild_id: int | str | None = None,
            channel_id: int | str | None = None, citations: tuple[dict, ...] = ()) -> Feedback:
        """Record a vote (+1 or -1) by `user_id` on an answer, where it was given and what it cited."""
        if vote not in (-1, 1):
            raise BadInput(f"vote must be +1 or -1, got {vote}")
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        row = (created, str(user_id), vote, question, answer, str(guild_id or ""), str(channel_id or ""),
               json.dumps(list(citations), ensure_ascii=False))
        with self._lock:
            try:
                cur = self._db.execute(
                    "INSERT INTO feedback (created, user_id, vote, question, answer, guild_id, channel_id, citations) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
                self._db.commit()
            except sqlite3.Error as e:
                raise StoreUnavailable(f"cannot write feedback to {self.path}: {e}") from e
        return _feedback((int(cur.lastrowid or 0), *row))

    def list(self, limit: int = 50) -> list[Feedback]:
        """The most recent votes first, at most `limit` of them."""
        with self._lock:
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM feedback ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [_feedback(row) for row in rows]

    def tally(self, by: str) -> list[FeedbackTally]:
        """Votes per cited source (`by="source"`: an answer counts once for each source it cites) or per
        server (`by="server"`), most votes first."""
        if by not in ("source", "server"):
            raise BadInput(f"--by takes source or server, not {by!r}")
        with self._lock:
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM feedback").fetchall()
        up: Counter = Counter()
        down: Counter = Counter()
        for row in map(_feedback, rows):
            keys = _source_keys(row) if by == "source" else [row.guild_id or "direct messages"]
            for key in keys:
                (up if row.vote > 0 else down)[key] += 1
        keys = sorted(set(up) | set(down), key=lambda k: (-(up[k] + down[k]), k))
        return [FeedbackTally(k, up[k], down[k]) for k in keys]

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()


def _feedback(row: tuple) -> Feedback:
    try:
        citations = tuple(json.loads(row[8] or "[]"))
    except ValueError:
        citations = ()
    return Feedback(*row[:8], citations=citations)


def _source_keys(row: Feedback) -> list[str]:
    """The sources an answer cited, each once: `name` for a shared one, `name (server ID)` for a server's."""
    keys = []
    for citation in row.citations:
        key = _scope_of_record(citation).label(str(citation.get("source") or "?"))
        if key not in keys:
            keys.append(key)
    return keys or ["(no citation)"]


def _scope_of_record(citation: dict) -> Scope:
    """The scope a feedback row recorded for a citation (shared when none, or one this version cannot read)."""
    try:
        return Scope(str(citation.get("scope") or Scope.SHARED))
    except ValueError:
        return Scope.SHARED


def citation_records(citations, chunks: Chunks | None = None) -> tuple[dict, ...]:
    """What feedback keeps of an answer's citations: number, title, URL, and the source (with its scope)
    of the cited chunk, read from `chunks` (a Citation names the outlet, not the source)."""
    citations = list(citations)
    sources: dict[str, str] = {}
    if chunks is not None and citations:
        try:
            found = chunks.get([c.chunk_id for c in citations])
            sources = {c.id: str(c.metadata.get("source") or "") for c in found}
        except Exception:  # a vote is still worth keeping without its sources
            sources = {}
    records = []
    for c in citations:
        qualified = sources.get(c.chunk_id, "")
        scope = Scope.split(qualified)[0] if qualified else Scope.split(c.article_id)[0]
        records.append({"n": c.n, "title": c.title, "url": c.url, "source": Scope.split(qualified)[1] or "?",
                        "scope": str(scope)})
    return tuple(records)
