"""The outbox of new articles: the process whose index run added them writes them here, and every `newsbot run`
process reads them and posts them to the feed channels and follows of the servers its shards hold.

Without it, only the process that ran the refresh would know of the new articles, and with several processes
(issue 28: a refresh is done by one process at a time, under the database's lock) the servers of the other
shards would never get their posts. One process alone goes through the same path. An article is a row; a
batch is the rows one run added. What was posted is the ledger's business (bot/state/ledger.py), so reading
an entry twice (a restart reads the last hours again) never posts twice.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from typing import Sequence

from index.port import Database
from index.types import NewArticle, Scope

_SCHEMA = """
CREATE TABLE IF NOT EXISTS news_outbox (
    id {serial},
    batch TEXT NOT NULL,
    scope TEXT NOT NULL,
    article {json} NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS news_outbox_by_time ON news_outbox (created_at)
"""
KEEP_HOURS = 24  # entries older than this are removed (their posts are stale; the ledger keeps what was posted)


def _encode(article: NewArticle) -> str:
    return json.dumps(asdict(article) | {"scope": str(article.scope)})


def _decode(text: str) -> NewArticle:
    data = json.loads(text)
    return NewArticle(**(data | {"scope": Scope(data["scope"])}))


class NewsOutbox:
    """New articles, in the order they were added, for every process to relay."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.prepare(_SCHEMA)

    def publish(self, articles: Sequence[NewArticle], now: datetime | None = None) -> None:
        """Add one run's new articles, as one batch."""
        if not articles:
            return
        batch, stamp = uuid.uuid4().hex, (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
        with self.db.transaction():
            for article in articles:
                self.db.execute("INSERT INTO news_outbox (batch, scope, article, created_at) VALUES (?, ?, ?, ?)",
                                batch, str(article.scope), _encode(article), stamp)

    def after(self, last_id: int, limit: int = 500) -> tuple[int, list[list[NewArticle]]]:
        """The batches of the entries after `last_id` (at most `limit` entries), and the last id read."""
        rows = self.db.query("SELECT id, batch, article FROM news_outbox WHERE id > ? ORDER BY id LIMIT ?",
                             last_id, limit)
        batches: dict[str, list[NewArticle]] = {}
        for _, batch, article in rows:
            batches.setdefault(batch, []).append(_decode(article))
        return (rows[-1][0] if rows else last_id), list(batches.values())

    def start_after(self, hours: float, now: datetime | None = None) -> int:
        """The id to read after, at start: the entries of the last `hours` are read again (the ledger keeps
        what was posted already), older ones are removed."""
        now = now or datetime.now(timezone.utc)
        self.db.execute("DELETE FROM news_outbox WHERE created_at < ?",
                        (now - timedelta(hours=KEEP_HOURS)).isoformat(timespec="seconds"))
        since = (now - timedelta(hours=hours)).isoformat(timespec="seconds")
        before = self.db.query("SELECT MAX(id) FROM news_outbox WHERE created_at < ?", since)[0][0]
        return int(before or 0)

    def forget(self, server_id: int) -> int:
        """Delete the server's own sources' new articles."""
        return self.db.execute("DELETE FROM news_outbox WHERE scope = ?", str(Scope.server(server_id)))
