"""What the bot pushes to servers on its own: each server's alert channel and the source-health episodes
reported there, and the digest schedules with the last slot each fired."""
from __future__ import annotations

from dataclasses import dataclass

from index.errors import BadInput
from index.port import Database
from index.types import Scope

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alert_channels (
    guild_id TEXT PRIMARY KEY, channel_id TEXT NOT NULL, owner_id TEXT);
CREATE TABLE IF NOT EXISTS alert_reports (
    guild_id TEXT NOT NULL, source TEXT NOT NULL, episode TEXT NOT NULL,
    recovered INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (guild_id, source, episode));
CREATE TABLE IF NOT EXISTS digest_schedules (
    id {serial}, guild_id TEXT NOT NULL, channel_id TEXT NOT NULL,
    at TEXT NOT NULL, every TEXT NOT NULL, weekday INTEGER NOT NULL, tz TEXT NOT NULL,
    sources TEXT NOT NULL, created TEXT NOT NULL, last_slot TEXT NOT NULL DEFAULT '', owner_id TEXT)
"""
MAX_SCHEDULES = 10  # per server


def alert_key(scope: Scope, source: str) -> str:
    """How a source is named in the alert records: its scope's name and its own (`shared/feed`, `g1/feed`)."""
    return f"{scope}/{source}"


@dataclass(frozen=True)
class DigestSchedule:
    """One server's digest schedule: every day (or week, on `weekday`, Monday = 0) at `at` (HH:MM) in `tz`."""

    id: int
    guild_id: int
    channel_id: int
    at: str
    every: str  # "day" or "week"
    weekday: int
    tz: str
    sources: tuple[str, ...]  # empty: every source the server sees
    created: str  # ISO 8601 UTC: slots before it never fire
    last_slot: str  # ISO 8601 UTC of the last slot claimed ("" when none)
    owner_id: int | None = None  # the admin who set it up (told if the bot cannot post there)


class AlertRecords:
    """Where each server wants source alerts, and the episodes already reported there."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.prepare(_SCHEMA)

    def set_channel(self, guild_id: int, channel_id: int, owner_id: int | None = None) -> None:
        """Send this server's source alerts to `channel_id` (set up by member `owner_id`)."""
        self.db.execute("INSERT INTO alert_channels (guild_id, channel_id, owner_id) VALUES (?, ?, ?) "
                        "ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, "
                        "owner_id = excluded.owner_id", str(guild_id), str(channel_id),
                        None if owner_id is None else str(owner_id))

    def turn_off(self, guild_id: int) -> bool:
        """Stop sending alerts to this server; False when they were not on."""
        return self.db.execute("DELETE FROM alert_channels WHERE guild_id = ?", str(guild_id)) > 0

    def channels(self) -> dict[int, tuple[int, int | None]]:
        """Server id -> (alert channel id, who set it up), for every server with alerts on."""
        rows = self.db.query("SELECT guild_id, channel_id, owner_id FROM alert_channels")
        return {int(g): (int(c), int(o) if o else None) for g, c, o in rows}

    def open_reports(self, guild_id: int) -> dict[str, str]:
        """alert_key -> episode reported to this server and not yet reported as over."""
        rows = self.db.query("SELECT source, episode FROM alert_reports WHERE guild_id = ? AND recovered = 0",
                             str(guild_id))
        return {source: episode for source, episode in rows}

    def claim_failure(self, guild_id: int, key: str, episode: str) -> bool:
        """Record that `episode` of the source `key` is reported to this server; False when it already was."""
        return self.db.execute("INSERT INTO alert_reports (guild_id, source, episode) VALUES (?, ?, ?) "
                               "ON CONFLICT DO NOTHING", str(guild_id), key, episode) > 0

    def claim_recovery(self, guild_id: int, key: str, episode: str) -> bool:
        """Record that the end of `episode` is reported; False when it already was."""
        return self.db.execute("UPDATE alert_reports SET recovered = 1 WHERE guild_id = ? AND source = ? "
                               "AND episode = ? AND recovered = 0", str(guild_id), key, episode) > 0

    def forget(self, server_id: int) -> int:
        """Delete the server's alert channel and reports."""
        return sum(self.db.execute(f"DELETE FROM {table} WHERE guild_id = ?", str(server_id))
                   for table in ("alert_channels", "alert_reports"))


class DigestSchedules:
    """The digest schedules of every server."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.prepare(_SCHEMA)

    def add(self, guild_id: int, channel_id: int, at: str, every: str, weekday: int, tz: str,
            sources: tuple[str, ...], created: str, owner_id: int | None = None) -> int:
        """Add a schedule; returns its id. BadInput when the server has MAX_SCHEDULES already."""
        if len(self.of_guild(guild_id)) >= MAX_SCHEDULES:
            raise BadInput(f"This server already has {MAX_SCHEDULES} digest schedules; remove one with /digest remove.")
        rows = self.db.query("INSERT INTO digest_schedules (guild_id, channel_id, at, every, weekday, tz, sources, "
                             "created, owner_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", str(guild_id),
                             str(channel_id), at, every, weekday, tz, "\n".join(sources), created,
                             None if owner_id is None else str(owner_id))
        return int(rows[0][0])

    def of_guild(self, guild_id: int) -> list[DigestSchedule]:
        """One server's schedules, oldest first."""
        return self._select("WHERE guild_id = ? ORDER BY id", str(guild_id))

    def all(self) -> list[DigestSchedule]:
        """Every server's schedules."""
        return self._select("ORDER BY id")

    def remove(self, guild_id: int, schedule_id: int) -> bool:
        """Remove one of this server's schedules; False when it has none with that id."""
        return self.db.execute("DELETE FROM digest_schedules WHERE guild_id = ? AND id = ?",
                               str(guild_id), schedule_id) > 0

    def claim(self, schedule_id: int, slot: str) -> bool:
        """Mark `slot` as fired, once: False when this slot (or a later one) was already claimed, so a
        digest is never posted twice, even by two processes or one restarted after a crash."""
        return self.db.execute("UPDATE digest_schedules SET last_slot = ? WHERE id = ? AND last_slot < ?",
                               slot, schedule_id, slot) > 0

    def _select(self, where: str, *params: object) -> list[DigestSchedule]:
        rows = self.db.query("SELECT id, guild_id, channel_id, at, every, weekday, tz, sources, created, last_slot, "
                             f"owner_id FROM digest_schedules {where}", *params)
        return [DigestSchedule(int(i), int(g), int(c), at, every, int(w), tz, tuple(s for s in src.split("\n") if s),
                               created, last, int(o) if o else None)
                for i, g, c, at, every, w, tz, src, created, last, o in rows]

    def forget(self, server_id: int) -> int:
        """Delete the server's schedules."""
        return self.db.execute("DELETE FROM digest_schedules WHERE guild_id = ?", str(server_id))
