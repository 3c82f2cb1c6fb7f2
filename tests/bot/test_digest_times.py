"""When a digest schedule fires (bot/discord/push/digest_times.py): pure, on given times."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.discord.push import digest_times as dt
from index.errors import BadInput


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_times_and_zones_are_parsed_or_refused_in_one_line():
    assert [dt.parse_time(t) for t in ("8:00", "08:05", "23h59", " 7.30 ")] == ["08:00", "08:05", "23:59", "07:30"]
    for bad in ("24:00", "8", "noon", "", "08:60"):
        with pytest.raises(BadInput, match="HH:MM"):
            dt.parse_time(bad)
    assert dt.parse_zone("") == "UTC" and dt.parse_zone("Europe/Paris") == "Europe/Paris"
    with pytest.raises(BadInput, match="not a time zone"):
        dt.parse_zone("Mars/Olympus")


def test_next_fire_daily_weekly_and_across_a_time_zone():
    now = utc(2026, 3, 4, 9, 0)  # a Wednesday
    assert dt.next_fire("08:00", "day", 0, "UTC", now) == utc(2026, 3, 5, 8, 0)
    assert dt.next_fire("10:00", "day", 0, "UTC", now) == utc(2026, 3, 4, 10, 0)
    assert dt.next_fire("08:00", "week", 0, "UTC", now) == utc(2026, 3, 9, 8, 0)  # next Monday
    assert dt.next_fire("09:30", "week", 2, "UTC", now) == utc(2026, 3, 4, 9, 30)  # later today, a Wednesday
    assert dt.next_fire("09:00", "week", 2, "UTC", now) == utc(2026, 3, 11, 9, 0)  # exactly now: next week
    assert dt.next_fire("08:00", "day", 0, "Europe/Paris", now) == utc(2026, 3, 5, 7, 0)  # UTC+1 in March
    # Paris moves to summer time on 29 March 2026: 08:00 is then 06:00 UTC.
    assert dt.next_fire("08:00", "day", 0, "Europe/Paris", utc(2026, 3, 28, 12, 0)) == utc(2026, 3, 29, 6, 0)


def test_a_schedule_is_due_once_per_slot_and_once_after_missing_several():
    created = "2026-03-04T09:00:00+00:00"
    assert dt.due_slot("08:00", "day", 0, "UTC", created, "", utc(2026, 3, 4, 12)) is None  # before creation
    slot = dt.due_slot("08:00", "day", 0, "UTC", created, "", utc(2026, 3, 5, 8, 0))
    assert slot == utc(2026, 3, 5, 8, 0)
    assert dt.due_slot("08:00", "day", 0, "UTC", created, dt.slot_key(slot), utc(2026, 3, 5, 20)) is None
    # Down from the 5th to the 8th: on coming back, only the latest slot is due.
    assert dt.due_slot("08:00", "day", 0, "UTC", created, dt.slot_key(slot), utc(2026, 3, 8, 9)) == utc(2026, 3, 8, 8)


def test_describe_says_when_in_words():
    assert dt.describe("08:00", "day", 0, "UTC") == "every day at 08:00 UTC"
    assert dt.describe("18:30", "week", 4, "Europe/Paris") == "every Friday at 18:30 Europe/Paris"
