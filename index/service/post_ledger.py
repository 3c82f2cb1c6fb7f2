"""The idempotency ledger of the bot's own posts, in `guilds.sqlite3`: nothing is posted twice after a crash.

A post is keyed by (server, channel, item key): an article posted to a feed channel is `article:<id>`, a
digest `digest:<date>`, and so on. `claim` records the post as *pending*, with everything needed to send it
again (JSON), before anything is sent; `confirm` marks it *posted* once Discord has answered with the
message. Knows nothing of Discord (`index.port.PostLedgerPort`; the bot's poster, bot/discord/poster.py, uses it).

What a crash does, at each point (the choice: at most one duplicate, never a silent loss):
- before `claim`: the item was not recorded; the caller's source of items decides (a feed's new articles
  reach the poster a moment after the refresh that found them: a kill in that moment loses them);
- between `claim` and Discord's answer, or between Discord's answer and `confirm`: the post stays *pending*
  and is sent again when the bot starts (`ChannelPoster.replay`). It is sent with the same nonce
  (`bot.discord.poster.nonce_of`), and Discord returns the message created earlier with that nonce instead of a new one when
  the retry comes within its nonce window (a few minutes); a later retry can post it a second time, once.
A lost post is silent (nobody knows what they did not see); a duplicate is visible and bounded, and a
quick restart (systemd) avoids even that. Writing the ledger before posting would make it the other way
round: never a duplicate, but a post lost for good whenever the process dies mid-send.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Sequence

from index.port import Pending
from index.store.sqlite_file import SharedConnection

_SCHEMA = """
CREATE TABLE IF NOT EXISTS posts (
    guild_id TEXT NOT NULL,
    channel TEXT NOT NULL,        -- a channel id, or @<user id> for a DM
    item_key TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'posted')),
    payload TEXT NOT NULL,        -- the message, as JSON, to send it again after a crash
    owner_id TEXT,                -- who set up what this post belongs to (told about missing permissions)
    message_id TEXT,
    thread_id TEXT,
    article_id TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, channel, item_key)
);
CREATE INDEX IF NOT EXISTS posts_by_thread ON posts (thread_id);
"""
PENDING_DAYS = 2  # a pending post older than this is not sent again (the news is stale)
POSTED_DAYS = 180  # a posted entry older than this is dropped (its article will not come back as new)


class PostLedger:
    """The posts table of `guilds.sqlite3`; safe to call from several threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._db = SharedConnection(self.path, "post ledger", _SCHEMA)

    def claim(self, guild_id: int, channel: str, key: str, payload: dict, owner_id: int | None = None,
              article_id: str = "") -> bool:
        """Record a post as pending; False when it was posted already (then it must not be sent again)."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self._db.execute("INSERT OR IGNORE INTO posts (guild_id, channel, item_key, state, payload, owner_id, article_id,"
                    " created_at) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)", str(guild_id), channel, key,
                    json.dumps(payload), None if owner_id is None else str(owner_id), article_id or None, now)
        return self.state(guild_id, channel, key) == "pending"

    def state(self, guild_id: int, channel: str, key: str) -> str | None:
        """'pending', 'posted' or None (never claimed)."""
        rows = self._db.query("SELECT state FROM posts WHERE guild_id = ? AND channel = ? AND item_key = ?",
                          str(guild_id), channel, key)
        return rows[0][0] if rows else None

    def confirm(self, guild_id: int, channel: str, key: str, message_id: int) -> None:
        """Discord created the message: the post is done."""
        self._db.execute("UPDATE posts SET state = 'posted', message_id = ? WHERE guild_id = ? AND channel = ? "
                    "AND item_key = ?", str(message_id), str(guild_id), channel, key)

    def set_thread(self, guild_id: int, channel: str, key: str, thread_id: int) -> None:
        """The thread opened on the post (questions there are about its article first)."""
        self._db.execute("UPDATE posts SET thread_id = ? WHERE guild_id = ? AND channel = ? AND item_key = ?",
                    str(thread_id), str(guild_id), channel, key)

    def article_of_thread(self, thread_id: int) -> str | None:
        """The article a thread of the bot's posts is about, None for any other thread."""
        rows = self._db.query("SELECT article_id FROM posts WHERE thread_id = ? AND article_id IS NOT NULL",
                          str(thread_id))
        return rows[0][0] if rows else None

    def thread_of(self, guild_id: int, channel: str, article_ids: Sequence[str]) -> int | None:
        """The thread of the earliest post to this channel about one of `article_ids` (None when none has one):
        where a forum channel's later article of a story goes."""
        if not article_ids:
            return None
        marks = ", ".join("?" * len(article_ids))
        rows = self._db.query(f"SELECT thread_id FROM posts WHERE guild_id = ? AND channel = ? AND article_id IN ({marks})"
                          " AND thread_id IS NOT NULL ORDER BY rowid LIMIT 1", str(guild_id), channel, *article_ids)
        return int(rows[0][0]) if rows else None

    def pending(self, now: datetime | None = None) -> list[Pending]:
        """Posts claimed and not confirmed, oldest first; pending ones older than PENDING_DAYS and posted ones
        older than POSTED_DAYS are dropped (the bot calls it once at start-up)."""
        now = now or datetime.now(timezone.utc)
        cutoff = (now - timedelta(days=PENDING_DAYS)).isoformat(timespec="seconds")
        self._db.execute("DELETE FROM posts WHERE state = 'pending' AND created_at < ?", cutoff)
        self._db.execute("DELETE FROM posts WHERE state = 'posted' AND created_at < ?",
                    (now - timedelta(days=POSTED_DAYS)).isoformat(timespec="seconds"))
        rows = self._db.query("SELECT guild_id, channel, item_key, payload, owner_id FROM posts "
                          "WHERE state = 'pending' ORDER BY created_at, rowid")
        return [Pending(int(g), c, k, json.loads(p), None if o is None else int(o)) for g, c, k, p, o in rows]

    def count(self, guild_id: int) -> int:
        """How many posts of a server the ledger holds (either state)."""
        return self._db.query("SELECT COUNT(*) FROM posts WHERE guild_id = ?", str(guild_id))[0][0]

    def close(self) -> None:
        """Close the database."""
        self._db.close()
