"""A small sqlite store of 👍/👎 feedback on answers. Pure core: knows nothing of Discord."""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from index.errors import BadInput, StoreUnavailable

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


def feedback_path(home: Path) -> Path:
    """Where the bot stores votes and `newsbot feedback` reads them: one file in the home folder."""
    return home / "feedback.sqlite3"


@dataclass(frozen=True)
class Feedback:
    """One vote on one answer."""

    id: int
    created: str  # ISO 8601, UTC
    user_id: str
    vote: int  # +1 (👍) or -1 (👎)
    question: str
    answer: str


class FeedbackStore:
    """Feedback kept in one sqlite file; safe to call from several threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.execute(_SCHEMA)
            self._db.commit()
        except sqlite3.Error as e:
            raise StoreUnavailable(f"cannot open the feedback database {self.path}: {e}") from e

    def add(self, question: str, answer: str, user_id: str | int, vote: int) -> Feedback:
        """Record a vote (+1 or -1) by `user_id` on an answer; returns what was stored."""
        if vote not in (-1, 1):
            raise BadInput(f"vote must be +1 or -1, got {vote}")
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._lock:
            try:
                cur = self._db.execute(
                    "INSERT INTO feedback (created, user_id, vote, question, answer) VALUES (?, ?, ?, ?, ?)",
                    (created, str(user_id), vote, question, answer))
                self._db.commit()
            except sqlite3.Error as e:
                raise StoreUnavailable(f"cannot write feedback to {self.path}: {e}") from e
        return Feedback(int(cur.lastrowid or 0), created, str(user_id), vote, question, answer)

    def list(self, limit: int = 50) -> list[Feedback]:
        """The most recent votes first, at most `limit` of them."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, created, user_id, vote, question, answer FROM feedback ORDER BY id DESC LIMIT ?",
                (limit,)).fetchall()
        return [Feedback(*row) for row in rows]

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
