"""What each server's admins chose (the channels the bot answers in, its language), when the bot was removed from a server
(its scope is forgotten after a grace period), and whether a server outside NEWSBOT_GUILD_IDS was already told
that the bot does not answer there.

The channel rules are read on every question; when the database cannot be reached (PostgreSQL down), the
last rules read for that server are used (logged once per outage and server), so questions are still
answered where the admins said, and a server never read yet answers everywhere until the database is back."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from index.errors import StoreUnavailable
from index.port import Database

log = logging.getLogger("newsbot.state")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS channel_rules (
    guild_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    rule TEXT NOT NULL CHECK (rule IN ('allow', 'deny')),
    PRIMARY KEY (guild_id, channel_id)
);
CREATE TABLE IF NOT EXISTS guilds (
    guild_id TEXT PRIMARY KEY,
    removed_at TEXT,
    told_not_enabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS server_languages (
    guild_id TEXT PRIMARY KEY,
    language TEXT NOT NULL
)
"""


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


class ServerSettings:
    """The per-server settings; safe to call from several threads."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.prepare(_SCHEMA)
        self._last_rules: dict[int, ChannelRules] = {}  # the last rules read per server, for an outage
        self._stale: set[int] = set()  # servers answered from memory since the outage began (logged once)
        self._lock = threading.Lock()

    def set_channel(self, guild_id: int, channel_id: int, rule: str) -> None:
        """Record `allow` or `deny` for one channel of a server (replacing any earlier rule)."""
        self.db.execute("INSERT INTO channel_rules (guild_id, channel_id, rule) VALUES (?, ?, ?) "
                        "ON CONFLICT (guild_id, channel_id) DO UPDATE SET rule = excluded.rule",
                        str(guild_id), str(channel_id), rule)

    def clear_channels(self, guild_id: int) -> None:
        """Forget every channel rule of a server: it answers everywhere again."""
        self.db.execute("DELETE FROM channel_rules WHERE guild_id = ?", str(guild_id))

    def channel_rules(self, guild_id: int) -> ChannelRules:
        """The channel rules of one server; the last ones read when the database cannot be reached."""
        try:
            rows = self.db.query("SELECT channel_id, rule FROM channel_rules WHERE guild_id = ?", str(guild_id))
        except StoreUnavailable as exc:
            return self._remembered(guild_id, exc)
        rules = ChannelRules(frozenset(int(c) for c, r in rows if r == "allow"),
                             frozenset(int(c) for c, r in rows if r == "deny"))
        with self._lock:
            self._last_rules[guild_id] = rules
            self._stale.discard(guild_id)
        return rules

    def _remembered(self, guild_id: int, exc: StoreUnavailable) -> ChannelRules:
        with self._lock:
            rules = self._last_rules.get(guild_id, ChannelRules())
            first = guild_id not in self._stale
            self._stale.add(guild_id)
        if first:
            known = "the last ones read" if guild_id in self._last_rules else "none known yet: every channel"
            log.warning("channel rules of server %s unreadable (%s); using %s until the database is back",
                        guild_id, exc, known)
        return rules

    def set_language(self, guild_id: int, language: str | None) -> None:
        """The language the server's digests and summaries are written in (None: the default again)."""
        if language is None:
            self.db.execute("DELETE FROM server_languages WHERE guild_id = ?", str(guild_id))
            return
        self.db.execute("INSERT INTO server_languages (guild_id, language) VALUES (?, ?) "
                        "ON CONFLICT (guild_id) DO UPDATE SET language = excluded.language", str(guild_id), language)

    def language(self, guild_id: int) -> str | None:
        """The server's language, None when its admins chose none (or the database cannot be reached)."""
        try:
            rows = self.db.query("SELECT language FROM server_languages WHERE guild_id = ?", str(guild_id))
        except StoreUnavailable as exc:
            log.warning("language of server %s unreadable (%s); the default is used", guild_id, exc)
            return None
        return str(rows[0][0]) if rows else None

    def mark_removed(self, guild_id: int, when: datetime | None = None) -> None:
        """Record that the bot left (or was removed from) a server."""
        at = (when or datetime.now(timezone.utc)).isoformat(timespec="seconds")
        self.db.execute("INSERT INTO guilds (guild_id, removed_at) VALUES (?, ?) "
                        "ON CONFLICT (guild_id) DO UPDATE SET removed_at = excluded.removed_at", str(guild_id), at)

    def mark_present(self, guild_id: int) -> None:
        """The bot is in this server (again): nothing is to be forgotten."""
        self.db.execute("UPDATE guilds SET removed_at = NULL WHERE guild_id = ?", str(guild_id))

    def removed_before(self, cutoff: datetime) -> list[int]:
        """Servers the bot was removed from before `cutoff`."""
        rows = self.db.query("SELECT guild_id, removed_at FROM guilds WHERE removed_at IS NOT NULL")
        return [int(g) for g, at in rows if datetime.fromisoformat(at) < cutoff]

    def first_notice(self, guild_id: int) -> bool:
        """True the first time it is asked for a server, in any process (then it was told it is not enabled)."""
        inserted = self.db.execute("INSERT INTO guilds (guild_id, told_not_enabled) VALUES (?, 1) "
                                   "ON CONFLICT (guild_id) DO NOTHING", str(guild_id))
        if inserted:
            return True
        return self.db.execute("UPDATE guilds SET told_not_enabled = 1 WHERE guild_id = ? AND told_not_enabled = 0",
                               str(guild_id)) > 0

    def forget(self, server_id: int) -> int:
        """Delete the server's channel rules, language and presence."""
        return sum(self.db.execute(f"DELETE FROM {table} WHERE guild_id = ?", str(server_id))
                   for table in ("channel_rules", "server_languages", "guilds"))
