"""When a digest schedule fires: pure functions of the schedule and the time, no clock and no I/O.

A schedule fires at its time of day (HH:MM) in its time zone, every day, or every week on its weekday.
A *slot* is one such moment. A schedule is due at `now` when the latest slot at or before `now` came after
the schedule was created and after the last slot it fired for: so a bot that was down for three days
fires once when it comes back (for the latest slot), not three times.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from index.errors import BadInput

EVERY = ("day", "week")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:h.]([0-5]\d)\s*$")


def parse_time(text: str) -> str:
    """"8:00", "08:00", "8h00" -> "08:00"; BadInput otherwise."""
    match = _TIME.match(text or "")
    if not match:
        raise BadInput(f"{text!r} is not a time of day; use HH:MM in 24-hour time, e.g. 08:00 or 18:30.")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_zone(name: str | None) -> str:
    """A time zone name ("UTC", "Europe/Paris"); an empty one is UTC; BadInput when unknown."""
    name = (name or "").strip() or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(f"{name[:60]!r} is not a time zone; use a name such as UTC, Europe/Paris or "
                       "America/New_York.") from None
    return name


def _slots(at: str, every: str, weekday: int, tz: str, around: datetime, days: range) -> list[datetime]:
    """The schedule's moments on the local days `around`'s date + each of `days`, in UTC, in order."""
    hour, minute = (int(x) for x in at.split(":"))
    zone = ZoneInfo(tz)
    base = around.astimezone(zone).date()
    out = []
    for offset in days:
        day = base + timedelta(days=offset)
        slot = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
        if every == "day" or slot.weekday() == weekday:
            out.append(slot.astimezone(timezone.utc))
    return out


def latest_slot(at: str, every: str, weekday: int, tz: str, now: datetime) -> datetime:
    """The latest moment at or before `now` (aware) when the schedule fires, in UTC."""
    return max(s for s in _slots(at, every, weekday, tz, now, range(-8, 1)) if s <= now)


def next_fire(at: str, every: str, weekday: int, tz: str, now: datetime) -> datetime:
    """The first moment after `now` when the schedule fires, in UTC."""
    return min(s for s in _slots(at, every, weekday, tz, now, range(0, 9)) if s > now)


def due_slot(at: str, every: str, weekday: int, tz: str, created: str, last_slot: str,
             now: datetime) -> datetime | None:
    """The slot to fire for at `now`, or None: the latest slot, if it is after creation and the last slot fired."""
    slot = latest_slot(at, every, weekday, tz, now)
    if slot <= datetime.fromisoformat(created):
        return None
    if last_slot and slot <= datetime.fromisoformat(last_slot):
        return None
    return slot


def slot_key(slot: datetime) -> str:
    """The slot as stored and compared (ISO 8601, UTC, seconds)."""
    return slot.astimezone(timezone.utc).isoformat(timespec="seconds")


def describe(at: str, every: str, weekday: int, tz: str) -> str:
    """"every day at 08:00 UTC", "every Monday at 18:30 Europe/Paris"."""
    when = "every day" if every == "day" else f"every {WEEKDAYS[weekday]}"
    return f"{when} at {at} {tz}"
