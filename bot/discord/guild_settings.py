"""Per-server settings of the bot, kept in one sqlite file in the data folder (`guilds.sqlite3`).

What each server's admins chose (the channels the bot answers in), when the bot was removed from a
server (its scope is forgotten after a grace period), and whether a server outside NEWSBOT_GUILD_IDS
was already told that the bot does not answer there. Knows nothing of Discord.
"""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from index.errors import StoreUnavailable
from index.store.sqlite_file import open_database

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
"""


def guild_settings_path(home: Path) -> Path:
    """Where the per-server settings live."""
    return home / "guilds.sqlite3"


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


class GuildSettings:
    """The per-server settings store; safe to call from several threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._db = open_database(self.path, "server settings database", lambda db: db.executescript(_SCHEMA))

    def _write(self, sql: str, *params: object) -> None:
        with self._lock:
            try:
                self._db.execute(sql, params)
                self._db.commit()
            except sqlite3.Error as e:
                raise StoreUnavailable(f"cannot write server settings to {self.path}: {e}") from e

    def _read(self, sql: str, *params: object) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def execute(self, sql: str, *params: object) -> int:
        """Run one write statement for a store that keeps its own table in this file; returns rows changed."""
        with self._lock:
            try:
                changed = self._db.execute(sql, params).rowcount
                self._db.commit()
                return changed
            except sqlite3.Error as e:
                raise StoreUnavailable(f"cannot write server settings to {self.path}: {e}") from e

    def query(self, sql: str, *params: object) -> list[tuple]:
        """Run one read statement (for the stores that keep their own table in this file)."""
        return self._read(sql, *params)

    # -- channels --------------------------------------------------------------------------------
    def set_channel(self, guild_id: int, channel_id: int, rule: str) -> None:
        """Record `allow` or `deny` for one channel of a server (replacing any earlier rule)."""
        self._write("INSERT OR REPLACE INTO channel_rules (guild_id, channel_id, rule) VALUES (?, ?, ?)",
                    str(guild_id), str(channel_id), rule)

    def clear_channels(self, guild_id: int) -> None:
        """Forget every channel rule of a server: it answers everywhere again."""
        self._write("DELETE FROM channel_rules WHERE guild_id = ?", str(guild_id))

    def channel_rules(self, guild_id: int) -> ChannelRules:
        """The channel rules of one server."""
        rows = self._read("SELECT channel_id, rule FROM channel_rules WHERE guild_id = ?", str(guild_id))
        return ChannelRules(frozenset(int(c) for c, r in rows if r == "allow"),
                            frozenset(int(c) for c, r in rows if r == "deny"))

    # -- presence ----------------------------------------------------------------------------------
    def mark_removed(self, guild_id: int, when: datetime | None = None) -> None:
        """Record that the bot left (or was removed from) a server."""
        at = (when or datetime.now(timezone.utc)).isoformat(timespec="seconds")
        self._write("INSERT INTO guilds (guild_id, removed_at) VALUES (?, ?) "
                    "ON CONFLICT(guild_id) DO UPDATE SET removed_at = excluded.removed_at", str(guild_id), at)

    def mark_present(self, guild_id: int) -> None:
        """The bot is in this server (again): nothing is to be forgotten."""
        self._write("UPDATE guilds SET removed_at = NULL WHERE guild_id = ?", str(guild_id))

    def removed_before(self, cutoff: datetime) -> list[int]:
        """Servers the bot was removed from before `cutoff`."""
        rows = self._read("SELECT guild_id, removed_at FROM guilds WHERE removed_at IS NOT NULL")
        return [int(g) for g, at in rows if datetime.fromisoformat(at) < cutoff]

    def first_notice(self, guild_id: int) -> bool:
        """True the first time it is asked for a server (then it was told it is not enabled)."""
        with self._lock:
            told = self._db.execute("SELECT told_not_enabled FROM guilds WHERE guild_id = ?",
                                    (str(guild_id),)).fetchone()
        if told and told[0]:
            return False
        self._write("INSERT INTO guilds (guild_id, told_not_enabled) VALUES (?, 1) "
                    "ON CONFLICT(guild_id) DO UPDATE SET told_not_enabled = 1", str(guild_id))
        return True

    def forget(self, guild_id: int) -> None:
        """Delete everything stored about a server: its rows in every table of the file that has a `guild_id`
        (channel rules, presence, and the posts, feeds and follows that other modules keep here)."""
        for table in self._guild_tables():
            self._write(f'DELETE FROM "{table}" WHERE guild_id = ?', str(guild_id))

    def _guild_tables(self) -> list[str]:
        tables = [t for (t,) in self._read("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [t for t in tables if any(c[1] == "guild_id" for c in self._read(f'PRAGMA table_info("{t}")'))]

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
