"""What the bot pushes to servers, kept beside the server settings in `guilds.sqlite3`: each server's alert
channel and which source-health episodes were reported there (`index.port.AlertSettingsPort`), and the
digest schedules (`index.port.DigestSchedulesPort`).

Every table has a `guild_id`, so `GuildSettings.forget` (forget-server) deletes a server's rows with its
other settings. Knows nothing of Discord.
"""
from __future__ import annotations

from pathlib import Path

from index.errors import BadInput
from index.port import DigestSchedule
from index.store.sqlite_file import SharedConnection

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alert_channels (
    guild_id TEXT PRIMARY KEY, channel_id TEXT NOT NULL, owner_id TEXT);
CREATE TABLE IF NOT EXISTS alert_reports (
    guild_id TEXT NOT NULL, source TEXT NOT NULL, episode TEXT NOT NULL,
    recovered INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (guild_id, source, episode));
CREATE TABLE IF NOT EXISTS digest_schedules (
    id INTEGER PRIMARY KEY AUTOINCREMENT, guild_id TEXT NOT NULL, channel_id TEXT NOT NULL,
    at TEXT NOT NULL, every TEXT NOT NULL, weekday INTEGER NOT NULL, tz TEXT NOT NULL,
    sources TEXT NOT NULL, created TEXT NOT NULL, last_slot TEXT NOT NULL DEFAULT '', owner_id TEXT);
"""
MAX_SCHEDULES = 10  # per server


class AlertSettings:
    """Where each server wants source alerts, and the episodes already reported there."""

    def __init__(self, path: str | Path) -> None:
        self.db = SharedConnection(path, "push database", _SCHEMA)

    def set_channel(self, guild_id: int, channel_id: int, owner_id: int | None = None) -> None:
        """Send this server's source alerts to `channel_id` (set up by member `owner_id`)."""
        self.db.execute("INSERT OR REPLACE INTO alert_channels (guild_id, channel_id, owner_id) VALUES (?, ?, ?)",
                        str(guild_id), str(channel_id), None if owner_id is None else str(owner_id))

    def turn_off(self, guild_id: int) -> bool:
        """Stop sending alerts to this server; False when they were not on."""
        return self.db.execute("DELETE FROM alert_channels WHERE guild_id = ?", str(guild_id)) > 0

    def channels(self) -> dict[int, tuple[int, int | None]]:
        """Server id -> (alert channel id, who set it up), for every server with alerts on."""
        rows = self.db.query("SELECT guild_id, channel_id, owner_id FROM alert_channels")
        return {int(g): (int(c), int(o) if o else None) for g, c, o in rows}

    def open_reports(self, guild_id: int) -> dict[str, str]:
        """Source (scope/name) -> episode reported to this server and not yet reported as over."""
        rows = self.db.query("SELECT source, episode FROM alert_reports WHERE guild_id = ? AND recovered = 0",
                             str(guild_id))
        return {source: episode for source, episode in rows}

    def claim_failure(self, guild_id: int, source: str, episode: str) -> bool:
        """Record that `episode` of `source` is reported to this server; False when it already was."""
        return self.db.execute("INSERT OR IGNORE INTO alert_reports (guild_id, source, episode) VALUES (?, ?, ?)",
                               str(guild_id), source, episode) > 0

    def claim_recovery(self, guild_id: int, source: str, episode: str) -> bool:
        """Record that the end of `episode` is reported; False when it already was."""
        return self.db.execute("UPDATE alert_reports SET recovered = 1 WHERE guild_id = ? AND source = ? "
                               "AND episode = ? AND recovered = 0", str(guild_id), source, episode) > 0


class DigestSchedules:
    """The digest schedules of every server."""

    def __init__(self, path: str | Path) -> None:
        self.db = SharedConnection(path, "push database", _SCHEMA)

    def add(self, guild_id: int, channel_id: int, at: str, every: str, weekday: int, tz: str,
            sources: tuple[str, ...], created: str, owner_id: int | None = None) -> int:
        """Add a schedule; returns its id. BadInput when the server has MAX_SCHEDULES already."""
        if len(self.of_guild(guild_id)) >= MAX_SCHEDULES:
            raise BadInput(f"This server already has {MAX_SCHEDULES} digest schedules; remove one with /digest remove.")
        self.db.execute("INSERT INTO digest_schedules (guild_id, channel_id, at, every, weekday, tz, sources, created,"
                        " owner_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", str(guild_id), str(channel_id), at, every,
                        weekday, tz, "\n".join(sources), created, None if owner_id is None else str(owner_id))
        return int(self.db.query("SELECT MAX(id) FROM digest_schedules WHERE guild_id = ?", str(guild_id))[0][0])

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
        digest is never posted twice, even by a process restarted after a crash."""
        return self.db.execute("UPDATE digest_schedules SET last_slot = ? WHERE id = ? AND last_slot < ?",
                               slot, schedule_id, slot) > 0

    def _select(self, where: str, *params: object) -> list[DigestSchedule]:
        rows = self.db.query("SELECT id, guild_id, channel_id, at, every, weekday, tz, sources, created, last_slot, "
                             f"owner_id FROM digest_schedules {where}", *params)
        return [DigestSchedule(int(i), int(g), int(c), at, every, int(w), tz, tuple(s for s in src.split("\n") if s),
                               created, last, int(o) if o else None)
                for i, g, c, at, every, w, tz, src, created, last, o in rows]
