"""The health of each source: last success, last error (with its kind), and whether the feed went quiet.

A source is in one of three states:
- `ok`: its last refreshes read it;
- `failing`: `FAILURES_TO_FAIL` refreshes in a row could not read it as a whole (an HTTP error status such as
  403, a feed that does not parse, a host that cannot be reached, a timeout…);
- `stale`: a feed that reads fine but has had no new item for `STALE_FACTOR` × its usual interval.

The usual interval is learned from when new items appeared: the times of the last `HISTORY` refreshes that
added articles are kept, and the usual interval is the median gap between consecutive ones (at least
`MIN_GAPS` gaps are needed; until then a feed is never called stale). A feed that usually gets an item an
hour is stale after 5 hours without one; one with a weekly column after 5 weeks.

Each time a source leaves `ok` it starts an *episode* with a stable id (the state and when it began), so an
adapter can report each episode once and its end once, across restarts, by remembering episode ids.
State is one record per source (`health/<collection>/<source>.json`, or a row of the database). Pure logic is
separated from the two small I/O functions at the end.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from statistics import median

from index.store.records import Shelf


FAILURES_TO_FAIL = 2  # one failed refresh is often a blip; two in a row is a failing source
STALE_FACTOR = 5
HISTORY = 20  # times of new items kept per source
MIN_GAPS = 3  # gaps between new items needed before a usual interval is trusted
MIN_INTERVAL = timedelta(minutes=10)  # a feed refreshed every minute still is not stale after 5 minutes

OK, FAILING, STALE = "ok", "failing", "stale"


@dataclass
class HealthRecord:
    """What is remembered about the health of one source (times are ISO 8601 UTC, "" when never)."""

    last_success: str = ""
    last_error: str = ""
    last_error_kind: str = ""
    last_error_at: str = ""
    failures: int = 0  # refreshes in a row that failed as a whole
    failing_since: str = ""  # when the source crossed FAILURES_TO_FAIL ("" while it is not failing)
    new_items: list[str] = field(default_factory=list)  # when refreshes added articles, oldest first


def error_kind(exc: BaseException) -> str:
    """A short kind for the failure of a whole source: "HTTP 403", "parse error", "unreachable", "timeout",
    "too large" or "error"."""
    status = getattr(exc, "status", None)
    if isinstance(status, int):
        return f"HTTP {status}"
    text = str(exc)
    if match := re.search(r"\bHTTP (\d{3})\b", text):  # a status named in the message of a failed page
        return f"HTTP {match.group(1)}"
    if "malformed feed" in text or "not an RSS or Atom feed" in text or "unreadable (" in text:
        return "parse error"
    if "timed out" in text or "Timeout" in text:
        return "timeout"
    if re.search(r"cannot resolve|Connect|Network|refused|unreachable|RemoteProtocol", text):
        return "unreachable"
    if "limit" in text and "bytes" in text:
        return "too large"
    return "error"


def record_success(record: HealthRecord, now: datetime, added: int) -> HealthRecord:
    """The record after a refresh that read the source (`added` new articles)."""
    stamp = _iso(now)
    record.last_success = stamp
    record.failures = 0
    record.failing_since = ""
    if added > 0:
        record.new_items = (record.new_items + [stamp])[-HISTORY:]
    return record


def record_failure(record: HealthRecord, now: datetime, kind: str, message: str) -> HealthRecord:
    """The record after a refresh that could not read the source as a whole; nothing indexed is touched."""
    stamp = _iso(now)
    record.failures += 1
    record.last_error, record.last_error_kind, record.last_error_at = message, kind, stamp
    if record.failures >= FAILURES_TO_FAIL and not record.failing_since:
        record.failing_since = stamp
    return record


def usual_interval(new_items: list[str]) -> timedelta | None:
    """The median gap between consecutive new items, or None with fewer than MIN_GAPS gaps."""
    times = sorted(t for t in (_parse(s) for s in new_items) if t is not None)
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:]) if b > a]
    if len(gaps) < MIN_GAPS:
        return None
    return max(MIN_INTERVAL, timedelta(seconds=median(gaps)))


def stale_since(record: HealthRecord, now: datetime) -> str:
    """When the source's silence became stale (the last new item's time), "" when it is not stale."""
    interval = usual_interval(record.new_items)
    last = _parse(record.new_items[-1]) if record.new_items else None
    if interval is None or last is None or not record.last_success:
        return ""
    return record.new_items[-1] if now - last > STALE_FACTOR * interval else ""


def state_of(record: HealthRecord, now: datetime, can_go_stale: bool = True) -> tuple[str, str]:
    """(state, episode id): ("ok", "") or ("failing"|"stale", an id stable for the whole episode)."""
    if record.failing_since:
        return FAILING, f"failing@{record.failing_since}"
    quiet = stale_since(record, now) if can_go_stale else ""
    if quiet:
        return STALE, f"stale@{quiet}"
    return OK, ""


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def _parse(stamp: str) -> datetime | None:
    try:
        return datetime.fromisoformat(stamp)
    except ValueError:
        return None


# ----------------------------------------------------------------------------- persistence
def load_health(shelf: Shelf, source: str) -> HealthRecord:
    """The saved health of `source`, or a fresh record (also when it is unreadable)."""
    return shelf.load(source, lambda data: HealthRecord(**data), HealthRecord, "its health starts afresh")


def save_health(shelf: Shelf, source: str, record: HealthRecord) -> None:
    """Write the health of `source` (atomically)."""
    shelf.put(source, asdict(record))


def forget_health(shelf: Shelf, source: str) -> None:
    """Delete the health of a removed source."""
    shelf.delete(source)
