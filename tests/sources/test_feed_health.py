"""The health state machine of a source (index/sources/feed_health.py): pure logic, and its file."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from index.errors import SourceError
from index.sources import feed_health as fh
from index.sources.fetch import HTTPStatusError
from index.store.records import FileRecords, Shelf

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def test_ok_then_failing_after_two_failures_in_a_row_then_recovered():
    record = fh.HealthRecord()
    fh.record_success(record, T0, added=3)
    assert fh.state_of(record, T0) == (fh.OK, "")
    fh.record_failure(record, T0 + timedelta(hours=1), "HTTP 403", "http://x/feed: HTTP 403")
    assert fh.state_of(record, T0 + timedelta(hours=1)) == (fh.OK, "")  # one failure is a blip
    fh.record_failure(record, T0 + timedelta(hours=2), "HTTP 403", "http://x/feed: HTTP 403")
    state, episode = fh.state_of(record, T0 + timedelta(hours=2))
    assert state == fh.FAILING and episode == f"failing@{(T0 + timedelta(hours=2)).isoformat()}"
    fh.record_failure(record, T0 + timedelta(hours=3), "HTTP 403", "again")
    assert fh.state_of(record, T0 + timedelta(hours=3)) == (state, episode)  # the same episode: reported once
    assert (record.last_error_kind, record.last_error, record.failures) == ("HTTP 403", "again", 3)
    fh.record_success(record, T0 + timedelta(hours=4), added=0)
    assert fh.state_of(record, T0 + timedelta(hours=4)) == (fh.OK, "")
    assert record.last_success == (T0 + timedelta(hours=4)).isoformat() and record.last_error == "again"


def test_the_usual_interval_is_the_median_gap_between_new_items_and_needs_three_gaps():
    hours = [0, 1, 2]
    times = [(T0 + timedelta(hours=h)).isoformat() for h in hours]
    assert fh.usual_interval(times) is None
    times.append((T0 + timedelta(hours=9)).isoformat())  # gaps 1, 1, 7 h: the median is 1 h
    assert fh.usual_interval(times) == timedelta(hours=1)
    minutes = [(T0 + timedelta(minutes=m)).isoformat() for m in range(4)]
    assert fh.usual_interval(minutes) == fh.MIN_INTERVAL


def test_a_feed_that_stops_changing_for_five_usual_intervals_is_stale_until_a_new_item():
    record = fh.HealthRecord()
    for h in range(5):  # a new item every hour
        fh.record_success(record, T0 + timedelta(hours=h), added=1)
    last = T0 + timedelta(hours=4)
    for h in range(5, 9):  # read fine, nothing new
        fh.record_success(record, T0 + timedelta(hours=h), added=0)
    assert fh.state_of(record, last + timedelta(hours=5)) == (fh.OK, "")
    state, episode = fh.state_of(record, last + timedelta(hours=5, minutes=1))
    assert state == fh.STALE and episode == f"stale@{last.isoformat()}"
    assert fh.state_of(record, last + timedelta(hours=50)) == (state, episode)
    assert fh.state_of(record, last + timedelta(hours=50), can_go_stale=False) == (fh.OK, "")
    fh.record_success(record, last + timedelta(hours=51), added=1)
    assert fh.state_of(record, last + timedelta(hours=51)) == (fh.OK, "")
    assert len(record.new_items) == 6


def test_error_kinds_name_the_failure():
    assert fh.error_kind(HTTPStatusError("http://x/feed: HTTP 403", 403)) == "HTTP 403"
    assert fh.error_kind(SourceError("source 'x': malformed feed: not well-formed")) == "parse error"
    assert fh.error_kind(SourceError("source 'x': http://x is not an RSS or Atom feed")) == "parse error"
    assert fh.error_kind(SourceError("http://x/feed: ConnectError: [Errno 111] Connection refused")) == "unreachable"
    assert fh.error_kind(SourceError("http://x/feed: timed out after 10 s")) == "timeout"
    assert fh.error_kind(SourceError("something else")) == "error"


def test_the_record_survives_a_restart_and_an_unreadable_file_starts_afresh(tmp_path):
    shelf = Shelf(FileRecords(tmp_path), "health")
    record = fh.record_failure(fh.HealthRecord(), T0, "HTTP 500", "boom")
    fh.save_health(shelf, "g1::feed", record)
    assert fh.load_health(shelf, "g1::feed") == record
    (tmp_path / "health" / "broken.json").write_text("{not json")
    assert fh.load_health(shelf, "broken") == fh.HealthRecord()
    fh.forget_health(shelf, "g1::feed")
    assert fh.load_health(shelf, "g1::feed") == fh.HealthRecord()
