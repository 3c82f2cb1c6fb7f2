"""A small store of 👍/👎 feedback on answers (`index.port.FeedbackPort`) over the SQL seam
(index/store/database.py): `feedback.sqlite3` in the home folder by default, or the shared database
(`NEWSBOT_DATABASE_URL`). Knows nothing of Discord: a vote is filed under the scope it was given in
(`index.types.Scope`, as the adapter names it) and a place inside it that the adapter labels and reads back;
the store keeps both as they are and sums votes per scope."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping

from index.errors import BadInput
from index.port import Feedback, FeedbackTally
from index.store.chunks import Chunks
from index.store.database import Database, changing_table, open_database, table_columns
from index.types import Scope

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id {serial},
    created TEXT NOT NULL,
    user_id TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    scope TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    citations {json} NOT NULL DEFAULT '[]'
)
"""
# Tables of older versions, changed in place on open with their rows kept: the oldest have none of these
# columns (their votes: the shared scope, no place, no citations); later ones kept the adapter's own words for
# where a vote was given, which the adapter names when it opens the store (`renamed`: old column -> "scope" or
# "place").
_ADDED = {"scope": "TEXT NOT NULL DEFAULT ''", "place": "TEXT NOT NULL DEFAULT ''",
          "citations": "TEXT NOT NULL DEFAULT '[]'"}
_COLUMNS = "id, created, user_id, vote, question, answer, scope, place, citations"


def feedback_path(home: Path) -> Path:
    """Where the bot stores votes and `newsbot feedback` reads them: one file in the home folder."""
    return home / "feedback.sqlite3"


def _prepare(db: Database, renamed: Mapping[str, str]) -> None:
    """The table, and a table of an older version brought to this one (`renamed`, `_ADDED`), in one step."""
    db.prepare(_SCHEMA)
    if set(_ADDED) <= set(table_columns(db, "feedback")):
        return
    with changing_table(db, "feedback") as present:
        olds = [old for old, new in renamed.items() if old in present and new not in present]
        for old in olds:
            db.execute(f"ALTER TABLE feedback RENAME COLUMN {old} TO {renamed[old]}")
        have = set(present) | {renamed[old] for old in olds}
        for column, declaration in _ADDED.items():
            if column not in have:
                db.execute(f"ALTER TABLE feedback ADD COLUMN {column} {declaration}")
        if "scope" not in present:
            _scopes_of_old_rows(db)


def _scopes_of_old_rows(db: Database) -> None:
    """The scope of each vote an older version kept: its server's when it had one, else the shared one."""
    for (old,) in db.query("SELECT DISTINCT scope FROM feedback"):
        scope = Scope.server(int(old)) if old.isdigit() and len(old) <= 20 else Scope.SHARED
        db.execute("UPDATE feedback SET scope = ? WHERE scope = ?", str(scope), old)


class FeedbackStore:
    """Feedback kept in a `Database` (a sqlite file's path opens one); safe to call from several threads."""

    def __init__(self, where: str | Path | Database, renamed: Mapping[str, str] | None = None) -> None:
        """`renamed`: the columns an older version of the caller named otherwise, and their names now."""
        self._db = where if hasattr(where, "dialect") else open_database(Path(where), "feedback database")
        self.path = self._db.where
        _prepare(self._db, renamed or {})

    def add(self, question: str, answer: str, user_id: str | int, vote: int, *, scope: Scope = Scope.SHARED,
            place: str = "", citations: tuple[dict, ...] = ()) -> Feedback:
        """Record a vote (+1 or -1) by `user_id` on an answer: the scope it was given in, the place there (the
        adapter's label, kept as it is) and what it cited."""
        if vote not in (-1, 1):
            raise BadInput(f"vote must be +1 or -1, got {vote}")
        try:
            scope = Scope(scope)
        except ValueError as e:
            raise BadInput(f"a vote's scope must be a scope: {e}") from e
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        row = (created, str(user_id), vote, question, answer, str(scope), str(place or ""),
               json.dumps(list(citations), ensure_ascii=False))
        [(new_id,)] = self._db.query(
            "INSERT INTO feedback (created, user_id, vote, question, answer, scope, place, citations) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", *row)
        return _feedback((int(new_id), *row))

    def list(self, limit: int = 50) -> list[Feedback]:
        """The most recent votes first, at most `limit` of them."""
        rows = self._db.query(f"SELECT {_COLUMNS} FROM feedback ORDER BY id DESC LIMIT ?", limit)
        return [_feedback(row) for row in rows]

    def tally(self, by: str) -> list[FeedbackTally]:
        """Votes per cited source (`by="source"`: an answer counts once for each source it cites) or per
        scope the votes were given in (`by="scope"`: the scope as stored), most votes first."""
        if by not in ("source", "scope"):
            raise BadInput(f"votes are summed by source or by scope, not {by!r}")
        rows = self._db.query(f"SELECT {_COLUMNS} FROM feedback")
        up: Counter = Counter()
        down: Counter = Counter()
        for row in map(_feedback, rows):
            keys = _source_keys(row) if by == "source" else [row.scope]
            for key in keys:
                (up if row.vote > 0 else down)[key] += 1
        keys = sorted(set(up) | set(down), key=lambda k: (-(up[k] + down[k]), k))
        return [FeedbackTally(k, up[k], down[k]) for k in keys]

    def close(self) -> None:
        """Close the database."""
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
