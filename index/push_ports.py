"""The port's protocols for what the bot pushes to servers unprompted besides feeds and follows: source
alerts and digest schedules (`index.service.push_store`, built by `index.app.build_push_stores`).
Offered to the adapters by `index.port`, their only door."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


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


class AlertSettingsPort(Protocol):
    """Where each server wants source alerts (/alerts), and the failing or stale spells reported there."""

    def set_channel(self, guild_id: int, channel_id: int, owner_id: int | None = None) -> None:
        """Send this server's source alerts to `channel_id` (set up by member `owner_id`)."""

    def turn_off(self, guild_id: int) -> bool:
        """Stop sending alerts to this server; False when they were not on."""

    def channels(self) -> dict[int, tuple[int, int | None]]:
        """Server id -> (alert channel id, who set it up), for every server with alerts on."""

    def open_reports(self, guild_id: int) -> dict[str, str]:
        """Source -> episode reported to this server and not yet reported as over."""

    def claim_failure(self, guild_id: int, source: str, episode: str) -> bool:
        """Record that `episode` of `source` is reported to this server; False when it already was."""

    def claim_recovery(self, guild_id: int, source: str, episode: str) -> bool:
        """Record that the end of `episode` is reported; False when it already was."""


class DigestSchedulesPort(Protocol):
    """The digest schedules of every server (/digest schedule)."""

    def add(self, guild_id: int, channel_id: int, at: str, every: str, weekday: int, tz: str,
            sources: tuple[str, ...], created: str, owner_id: int | None = None) -> int:
        """Add a schedule; returns its id (BadInput when the server has too many)."""

    def of_guild(self, guild_id: int) -> list[DigestSchedule]:
        """One server's schedules, oldest first."""

    def all(self) -> list[DigestSchedule]:
        """Every server's schedules."""

    def remove(self, guild_id: int, schedule_id: int) -> bool:
        """Remove one of this server's schedules; False when it has none with that id."""

    def claim(self, schedule_id: int, slot: str) -> bool:
        """Mark `slot` as fired, once: False when this slot (or a later one) was already claimed."""
