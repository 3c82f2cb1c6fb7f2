"""What each server asked the bot to post unprompted: feed channels (`/feed post`: a source's new articles into
a channel, with filters) and follows (`/follow`: notices of new articles on a topic, to a member by DM or to a
channel)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from index.errors import BadInput
from index.port import Database
from index.types import Scope

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feed_posts (
    id {serial},
    guild_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    scope TEXT NOT NULL,          -- "shared" or "g<server id>": whose source it is
    source TEXT NOT NULL,         -- the source's name within its scope
    include TEXT NOT NULL DEFAULT '',
    exclude TEXT NOT NULL DEFAULT '',
    owner_id TEXT NOT NULL,       -- the admin who set it up (told about missing permissions)
    created_at TEXT NOT NULL,
    UNIQUE (guild_id, channel_id, scope, source)
);
CREATE TABLE IF NOT EXISTS follows (
    id {serial},
    guild_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    user_id TEXT NOT NULL DEFAULT '',     -- notices by DM to this member, or
    channel_id TEXT NOT NULL DEFAULT '',  -- in this channel (set up by an admin)
    owner_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (guild_id, topic, user_id, channel_id)
)
"""
MAX_FEEDS = 25  # feed channels per server
MAX_FOLLOWS = 10  # follows per member, and channel follows per server


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


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Subscriptions:
    """The feed channels and follows of every server; safe to call from several threads."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.prepare(_SCHEMA)

    def add_feed(self, guild_id: int, channel_id: int, scope: Scope, source: str, include: str, exclude: str,
                 owner_id: int) -> None:
        """Post a source's new articles to a channel (its filters replaced when it is already posted there)."""
        known = {(f.channel_id, f.scope, f.source) for f in self.feeds(guild_id)}
        if (channel_id, scope, source) not in known and len(known) >= MAX_FEEDS:
            raise BadInput(f"This server already has {MAX_FEEDS} feed channels; remove one with /feed remove.")
        self.db.execute("INSERT INTO feed_posts (guild_id, channel_id, scope, source, include, exclude, owner_id, "
                        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, channel_id, scope, source) "
                        "DO UPDATE SET include = excluded.include, exclude = excluded.exclude, "
                        "owner_id = excluded.owner_id",
                        str(guild_id), str(channel_id), str(scope), source, include, exclude, str(owner_id), _now())

    def feeds(self, guild_id: int) -> list[FeedPost]:
        """The feed channels of one server."""
        return self._feeds("WHERE guild_id = ?", str(guild_id))

    def feeds_of(self, scope: Scope, source: str) -> list[FeedPost]:
        """Every feed channel (of any server allowed to see it) that posts this source."""
        return self._feeds("WHERE scope = ? AND source = ?", str(scope), source)

    def _feeds(self, where: str, *params: object) -> list[FeedPost]:
        rows = self.db.query("SELECT id, guild_id, channel_id, scope, source, include, exclude, owner_id "
                             f"FROM feed_posts {where} ORDER BY id", *params)
        return [FeedPost(i, int(g), int(c), Scope(sc), so, inc, exc, int(o)) for i, g, c, sc, so, inc, exc, o in rows]

    def remove_feed(self, guild_id: int, feed_id: int) -> bool:
        """Stop a feed channel of this server; False when it has none with that id."""
        return self.db.execute("DELETE FROM feed_posts WHERE guild_id = ? AND id = ?", str(guild_id), feed_id) > 0

    def add_follow(self, guild_id: int, topic: str, owner_id: int, user_id: int | None = None,
                   channel_id: int | None = None) -> None:
        """Follow a topic in a server, for a member (DMs) or a channel."""
        mine = [f for f in self.follows(guild_id) if f.user_id == user_id]  # a member's, or the channels'
        if len(mine) >= MAX_FOLLOWS:
            raise BadInput(f"At most {MAX_FOLLOWS} follows; stop one with /follow stop.")
        self.db.execute("INSERT INTO follows (guild_id, topic, user_id, channel_id, owner_id, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", str(guild_id), topic,
                        "" if user_id is None else str(user_id), "" if channel_id is None else str(channel_id),
                        str(owner_id), _now())

    def follows(self, guild_id: int | None = None) -> list[Follow]:
        """The follows of one server (every server's when None)."""
        where, params = ("WHERE guild_id = ?", (str(guild_id),)) if guild_id is not None else ("", ())
        rows = self.db.query(f"SELECT id, guild_id, topic, user_id, channel_id, owner_id FROM follows {where} "
                             "ORDER BY id", *params)
        return [Follow(i, int(g), t, int(u) if u else None, int(c) if c else None, int(o))
                for i, g, t, u, c, o in rows]

    def remove_follow(self, guild_id: int, follow_id: int, user_id: int | None) -> bool:
        """Stop a follow: a member's own (user_id), or a channel's (user_id None: an admin)."""
        return self.db.execute("DELETE FROM follows WHERE guild_id = ? AND id = ? AND user_id = ?", str(guild_id),
                               follow_id, "" if user_id is None else str(user_id)) > 0

    def forget(self, server_id: int) -> int:
        """Delete the server's feed channels and follows."""
        return sum(self.db.execute(f"DELETE FROM {table} WHERE guild_id = ?", str(server_id))
                   for table in ("feed_posts", "follows"))
