"""Refreshing sources on a schedule: `newsbot run` in the background, `newsbot index --watch` in front.

Each source with a refresh interval (`refresh = "30m"`; 60 minutes by default for feeds and URLs, none for
folders and JSONL files) is refreshed when due, one source at a time, through the index runs
(`index.indexing.runs.IndexRuns.refresh`, typed here as `Refreshable`), so under the same lock as
`/reindex` and `newsbot index` (a refresh never runs beside one; if one is running, the refresh is tried
again a minute later). Every process of a deployment may run the schedule (several bots on several machines
sharing one database): a source that another process refreshed less than half an interval ago, as read
under the lock, is not refreshed again but planned an interval after that refresh (a debug line, nothing
else). Due times get up to 10 % of random jitter, so that sources (and bot processes) do not all fire
together; a source whose refresh fails as a whole waits twice as long after each failure in a row (at most a
day). The sources file is read again before each round, so sources added from Discord are refreshed too. One
log line per refresh. An unforeseen exception (a bug) is logged with its traceback and counted as a failure of
that source, or, outside any source, pauses the round a minute: the schedule never ends before its process.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterator, Protocol

from index.errors import IndexBusy, NewsbotError
from index.sources.fetch_state import load_state
from index.sources.sources_config import SourceSpec
from index.store.records import Shelf
from index.types import IndexReport

log = logging.getLogger("newsbot.refresh")

JITTER = 0.1  # up to this share of the interval is added to each due time
BUSY_RETRY_SECONDS = 60.0  # a refresh that found a re-index running is tried again this much later
MAX_BACKOFF_SECONDS = 86_400.0
IDLE_SECONDS = 60.0  # how often the sources file is read again when nothing is due sooner


@dataclass
class Schedule:
    """When each source is next due, in `clock` seconds. Pure: no I/O, the caller brings the clock."""

    rng: random.Random = field(default_factory=random.Random)
    due_at: dict[str, float] = field(default_factory=dict)

    def plan(self, specs: list[SourceSpec], now: float, last_refresh_age: Callable[[str], float | None]) -> None:
        """Add sources not yet scheduled (due when their last refresh is an interval old); drop removed ones."""
        names = {s.name for s in specs if s.refresh_seconds}
        for name in list(self.due_at):
            if name not in names:
                del self.due_at[name]
        for spec in specs:
            if spec.refresh_seconds and spec.name not in self.due_at:
                age = last_refresh_age(spec.name)
                wait = 0.0 if age is None else max(0.0, spec.refresh_seconds - age)
                self.due_at[spec.name] = now + wait + self._jitter(spec.refresh_seconds)

    def due(self, now: float) -> list[str]:
        """Sources due at `now`, the most overdue first."""
        return sorted((n for n, t in self.due_at.items() if t <= now), key=lambda n: self.due_at[n])

    def done(self, spec: SourceSpec, now: float, failures: int = 0, busy: bool = False) -> float:
        """Schedule the next refresh of `spec` after one finished (or was skipped as busy); returns the wait."""
        interval = float(spec.refresh_seconds or 0)
        if busy:
            wait = min(BUSY_RETRY_SECONDS, interval)
        else:
            wait = min(MAX_BACKOFF_SECONDS, interval * 2 ** min(failures, 16)) + self._jitter(interval)
        self.due_at[spec.name] = now + wait
        return wait

    def refreshed_elsewhere(self, spec: SourceSpec, now: float, age: float) -> None:
        """Schedule `spec` an interval after a refresh another process made `age` seconds ago."""
        interval = float(spec.refresh_seconds or 0)
        self.due_at[spec.name] = now + max(0.0, interval - age) + self._jitter(interval)

    def next_wake(self, now: float) -> float:
        """Seconds until the next due source (IDLE_SECONDS at most)."""
        return max(0.0, min([IDLE_SECONDS] + [t - now for t in self.due_at.values()]))

    def _jitter(self, interval: float) -> float:
        return self.rng.uniform(0.0, JITTER * interval)


class Refreshable(Protocol):
    """What the schedule drives: the index runs of one logical index."""

    @property
    def fetch_state(self) -> Shelf:
        """Where each source's fetch state (last refresh, failures in a row) is kept."""

    def all_sources(self) -> list[SourceSpec]:
        """Every configured source of every scope, named as inside the index."""

    def refresh(self, qualified: str, fresh_for: float = 0.0) -> IndexReport | None:
        """Index one source (named inside the index) incrementally; None when it was refreshed less than
        `fresh_for` seconds ago; IndexBusy when a run holds the lock."""


class Refresher:
    """Runs the schedule over the index runs until `stop` is set."""

    def __init__(self, runs: Refreshable, stop: threading.Event | None = None, clock: Callable[[], float] = time.monotonic,
                 schedule: Schedule | None = None) -> None:
        self.runs = runs
        self.stop = stop or threading.Event()
        self.clock = clock
        self.schedule = schedule or Schedule()

    def run(self) -> None:
        """Refresh due sources, one at a time, until `stop` is set (checked between refreshes). A round that
        fails in a way nobody foresaw is logged with its traceback, and the schedule goes on after a pause."""
        while not self.stop.is_set():
            try:
                self.run_due()
                wait = self.schedule.next_wake(self.clock())
            except Exception:  # a bug must not end every refresh for the life of the bot
                log.exception("a refresh round failed; trying again in %.0f s", IDLE_SECONDS)
                wait = IDLE_SECONDS
            self.stop.wait(wait)

    def run_due(self) -> list[str]:
        """Plan from the sources file, then refresh every due source once; returns the names refreshed."""
        try:
            specs = {s.name: s for s in self.runs.all_sources()}  # servers' sources too
        except NewsbotError as exc:
            log.warning("cannot read the sources: %s", exc)
            return []
        self.schedule.plan(list(specs.values()), self.clock(), self._last_refresh_age)
        refreshed = []
        for name in self.schedule.due(self.clock()):
            if self.stop.is_set():
                break
            self.refresh(specs[name])
            refreshed.append(name)
        return refreshed

    def refresh(self, spec: SourceSpec) -> None:
        """Refresh one source and log one line about it."""
        started = self.clock()
        try:
            report = self.runs.refresh(spec.name, fresh_for=(spec.refresh_seconds or 0) / 2)
        except IndexBusy:
            wait = self.schedule.done(spec, self.clock(), busy=True)
            log.info("refresh of %s skipped: a re-index is running; trying again in %.0f s", spec.name, wait)
            return
        except NewsbotError as exc:  # e.g. the vector store or the database is down: back off like a failed source
            wait = self.schedule.done(spec, self.clock(), self._failures(spec.name) + 1)
            log.warning("refresh of %s failed: %s; next in %.0f s", spec.name, exc, wait)
            return
        except Exception:  # a bug: backed off like a failure, the traceback logged, the other sources go on
            wait = self.schedule.done(spec, self.clock(), self._failures(spec.name) + 1)
            log.exception("refresh of %s failed unexpectedly; next in %.0f s", spec.name, wait)
            return
        if report is None:
            self._refreshed_elsewhere(spec)
            return
        wait = self.schedule.done(spec, self.clock(), self._failures(spec.name))
        errors = f", {len(report.errors)} error(s): {report.errors[0].reason}" if report.errors else ""
        log.info("refreshed %s: %d added, %d updated, %d deleted%s in %.1f s; next in %.0f s", spec.name,
                 len(report.added), len(report.updated), len(report.deleted), errors, self.clock() - started, wait)

    def _refreshed_elsewhere(self, spec: SourceSpec) -> None:
        """Plan the next refresh of a source that another process has just refreshed from that refresh on."""
        age = self._last_refresh_age(spec.name) or 0.0
        self.schedule.refreshed_elsewhere(spec, self.clock(), age)
        log.debug("refresh of %s skipped: another process refreshed it %.0f s ago", spec.name, age)

    def _failures(self, name: str) -> int:
        """The failed refreshes in a row of a source (0 when its fetch state cannot be read now)."""
        try:
            return load_state(self.runs.fetch_state, name).failures
        except NewsbotError:  # the database is down: its refresh failed already, and is backed off
            return 0

    def _last_refresh_age(self, name: str) -> float | None:
        try:
            stamp = load_state(self.runs.fetch_state, name).last_refresh
            return (datetime.now(timezone.utc) - datetime.fromisoformat(stamp)).total_seconds()
        except (ValueError, NewsbotError):  # never refreshed, or the database is down: due now
            return None


@contextmanager
def background_refresh(runs: Refreshable) -> Iterator[Refresher]:
    """Run the schedule in a daemon thread for the duration of the block (the bot's lifetime)."""
    refresher = Refresher(runs)
    thread = threading.Thread(target=_guarded, args=(refresher,), name="newsbot-refresh", daemon=True)
    thread.start()
    try:
        yield refresher
    finally:
        refresher.stop.set()
        thread.join(timeout=30)


def _guarded(refresher: Refresher) -> None:
    try:
        refresher.run()
    except Exception:  # Refresher.run goes on after any round's failure; this is the last guard of the thread
        log.exception("the refresh schedule stopped")
