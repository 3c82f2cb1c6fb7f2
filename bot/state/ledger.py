"""The idempotency ledger of the bot's own posts: nothing is posted twice, after a crash or across processes.

A post is keyed by (server, channel, item key): an article posted to a feed channel is `article:<id>`, a
digest `digest:<date>`, and so on. `claim` records the post as *pending*, with everything needed to send it
again (JSON), before anything is sent; `confirm` marks it *posted* once Discord has answered with the
message. The primary key is the unique claim: on PostgreSQL two processes that claim the same post at once
get one row, and only the process holding the server's shard posts it.

What a crash does, at each point (the choice: at most one duplicate, never a silent loss):
- before `claim`: the item was not recorded; the outbox (bot/state/outbox.py) still has the new article, and
  the relay goes through it again at start;
- between `claim` and Discord's answer, or between Discord's answer and `confirm`: the post stays *pending*
  and is sent again when the bot starts (`ChannelPoster.replay`). It is sent with the same nonce
  (`bot.discord.push.poster.nonce_of`), and Discord returns the message created earlier with that nonce instead
  of a new one when the retry comes within its nonce window (a few minutes).

A post that Discord refused for a missing permission is *dropped* (done, unsent), not left pending: when the permission is
granted, the channel does not get days of stale posts. The missing permission is reported once per channel
and permission, in all processes and across restarts (`note_problem`), until a post there succeeds again.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Sequence

from index.port import Database

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
CREATE TABLE IF NOT EXISTS post_problems (
    guild_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    permission TEXT NOT NULL,
    noted_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, channel_id, permission)
)
"""
PENDING_HOURS = 6  # a pending post older than this is not sent again (the news is stale)
POSTED_DAYS = 180  # a posted entry older than this is dropped (its article will not come back as new)


@dataclass(frozen=True)
class Pending:
    """A post claimed in the ledger but not confirmed by Discord: sent again at start-up."""

    guild_id: int
    channel: str  # a channel id, or @<user id> for a DM
    key: str
    payload: dict
    owner_id: int | None


def _stamp(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


class PostLedger:
    """The posts table; safe to call from several threads and processes."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.prepare(_SCHEMA)

    def claim(self, guild_id: int, channel: str, key: str, payload: dict, owner_id: int | None = None,
              article_id: str = "") -> bool:
        """Record a post as pending; False when it was posted (or dropped) already: then it is not sent."""
        self.db.execute("INSERT INTO posts (guild_id, channel, item_key, state, payload, owner_id, article_id, "
                        "created_at) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        str(guild_id), channel, key, json.dumps(payload), None if owner_id is None else str(owner_id),
                        article_id or None, datetime.now(timezone.utc).isoformat(timespec="microseconds"))
        return self.state(guild_id, channel, key) == "pending"

    def state(self, guild_id: int, channel: str, key: str) -> str | None:
        """'pending', 'posted' (or dropped) or None (never claimed)."""
        rows = self.db.query("SELECT state FROM posts WHERE guild_id = ? AND channel = ? AND item_key = ?",
                             str(guild_id), channel, key)
        return rows[0][0] if rows else None

    def confirm(self, guild_id: int, channel: str, key: str, message_id: int) -> None:
        """Discord created the message: the post is done."""
        self.db.execute("UPDATE posts SET state = 'posted', message_id = ? WHERE guild_id = ? AND channel = ? "
                        "AND item_key = ?", str(message_id), str(guild_id), channel, key)

    def drop(self, guild_id: int, channel: str, key: str) -> None:
        """Discord refused the post (a missing permission, a member's closed DMs): it is done, unsent (message 0),
        and never sent again."""
        self.confirm(guild_id, channel, key, 0)

    def set_thread(self, guild_id: int, channel: str, key: str, thread_id: int) -> None:
        """The thread opened on the post (questions there are about its article first)."""
        self.db.execute("UPDATE posts SET thread_id = ? WHERE guild_id = ? AND channel = ? AND item_key = ?",
                        str(thread_id), str(guild_id), channel, key)

    def article_of_thread(self, thread_id: int) -> str | None:
        """The article a thread of the bot's posts is about, None for any other thread."""
        rows = self.db.query("SELECT article_id FROM posts WHERE thread_id = ? AND article_id IS NOT NULL",
                             str(thread_id))
        return rows[0][0] if rows else None

    def thread_of(self, guild_id: int, channel: str, article_ids: Sequence[str]) -> int | None:
        """The thread of the earliest post to this channel about one of `article_ids` (None when none has one):
        where a forum channel's later article of a story goes."""
        if not article_ids:
            return None
        marks = ", ".join("?" * len(article_ids))
        rows = self.db.query(f"SELECT thread_id FROM posts WHERE guild_id = ? AND channel = ? AND article_id IN "
                             f"({marks}) AND thread_id IS NOT NULL ORDER BY created_at LIMIT 1",
                             str(guild_id), channel, *article_ids)
        return int(rows[0][0]) if rows else None

    def pending(self, now: datetime | None = None) -> list[Pending]:
        """Posts claimed and not confirmed, oldest first; pending ones older than PENDING_HOURS and posted ones
        older than POSTED_DAYS are dropped (the bot calls it once at start-up)."""
        now = now or datetime.now(timezone.utc)
        self.db.execute("DELETE FROM posts WHERE state = 'pending' AND created_at < ?",
                        _stamp(now - timedelta(hours=PENDING_HOURS)))
        self.db.execute("DELETE FROM posts WHERE state = 'posted' AND created_at < ?",
                        _stamp(now - timedelta(days=POSTED_DAYS)))
        rows = self.db.query("SELECT guild_id, channel, item_key, payload, owner_id FROM posts "
                             "WHERE state = 'pending' ORDER BY created_at, item_key")
        return [Pending(int(g), c, k, json.loads(p), None if o is None else int(o)) for g, c, k, p, o in rows]

    def note_problem(self, guild_id: int, channel_id: int, permission: str) -> bool:
        """Record that a channel lacks a permission; True the first time (then it is reported), in any process."""
        return self.db.execute("INSERT INTO post_problems (guild_id, channel_id, permission, noted_at) "
                               "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", str(guild_id), str(channel_id),
                               permission, _stamp(datetime.now(timezone.utc))) > 0

    def clear_problems(self, guild_id: int, channel_id: int) -> None:
        """A post in the channel succeeded: a later missing permission there is reported again."""
        self.db.execute("DELETE FROM post_problems WHERE guild_id = ? AND channel_id = ?", str(guild_id),
                        str(channel_id))

    def count(self, guild_id: int) -> int:
        """How many posts of a server the ledger holds (any state)."""
        return self.db.query("SELECT COUNT(*) FROM posts WHERE guild_id = ?", str(guild_id))[0][0]

    def forget(self, server_id: int) -> int:
        """Delete the server's posts and noted problems."""
        return sum(self.db.execute(f"DELETE FROM {table} WHERE guild_id = ?", str(server_id))
                   for table in ("posts", "post_problems"))
