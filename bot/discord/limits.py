"""Admission control for the Discord adapter: a per-user rate limit and a bounded queue of service calls.

Requests are admitted synchronously (before the interaction is deferred), so a refusal can be the
interaction's first and only response; admitted work then waits for one of a few worker slots and
runs off the event loop.
"""
from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from index.errors import NewsbotError
from index.settings import Settings

T = TypeVar("T")


class SlowDown(NewsbotError):
    """The user asks too often, or too many questions are already waiting."""


@dataclass(frozen=True)
class Limits:
    """Tunable limits of the bot; the defaults suit a small server."""

    per_user: int = 5  # questions a user may ask...
    per_seconds: float = 60.0  # ...within this window
    max_concurrent: int = 4  # service calls running at once (each holds a worker thread)
    max_waiting: int = 32  # admitted requests waiting for a worker before new ones are refused
    progress_interval: float = 1.5  # seconds between edits of the /reindex progress message
    token_seconds: float = 14 * 60.0  # after this, a /reindex reports in a new message (tokens last 15 min)
    posts_per_refresh: int = 5  # new articles posted per feed channel per refresh; the rest in one line


def limits_from_settings(settings: Settings) -> Limits:
    """Limits with NEWSBOT_RATE_PER_USER, _RATE_WINDOW, _MAX_CONCURRENT, _MAX_WAITING and
    _FEED_POSTS_PER_REFRESH applied when set
    (checked by Settings: positive numbers; _MAX_WAITING may be 0)."""
    given = {"per_user": settings.rate_per_user, "per_seconds": settings.rate_window,
             "max_concurrent": settings.max_concurrent, "max_waiting": settings.max_waiting,
             "posts_per_refresh": settings.feed_posts_per_refresh}
    return Limits(**{name: value for name, value in given.items() if value is not None})


class Ticket:
    """An admitted request: `run` calls the service off the loop; leaving `async with` frees its place."""

    def __init__(self, admission: "Admission") -> None:
        self._admission = admission

    async def __aenter__(self) -> "Ticket":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self._admission._pending -= 1

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Wait for a worker slot, then run the blocking `fn` in a thread."""
        async with self._admission._slots:
            return await asyncio.to_thread(fn, *args, **kwargs)


class Admission:
    """Admits or refuses requests; use one per bot, on its event loop."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._recent: dict[int, deque[float]] = defaultdict(deque)
        self._pending = 0
        self._slots = asyncio.Semaphore(limits.max_concurrent)
        self.closing = False  # set on shutdown (bot/discord/lifecycle.py): nothing new is admitted

    @property
    def pending(self) -> int:
        """Admitted requests not finished yet."""
        return self._pending

    def admit(self, user_id: int) -> Ticket:
        """Admit one request of `user_id` or raise SlowDown with a message for the user."""
        if self.closing:
            raise SlowDown("I'm restarting; please ask again in a minute.", phrase="restarting")
        now = self._clock()
        recent = self._recent[user_id]
        while recent and now - recent[0] >= self.limits.per_seconds:
            recent.popleft()
        if len(recent) >= self.limits.per_user:
            wait = int(self.limits.per_seconds - (now - recent[0])) + 1
            raise SlowDown(f"Slow down: at most {self.limits.per_user} questions every "
                           f"{self.limits.per_seconds:g} s. Try again in {wait} s.", phrase="slow_down",
                           count=self.limits.per_user, seconds=f"{self.limits.per_seconds:g}", wait=wait)
        if self._pending >= self.limits.max_concurrent + self.limits.max_waiting:
            raise SlowDown("I'm busy answering other questions right now; please try again in a minute.",
                           phrase="busy")
        recent.append(now)
        self._pending += 1
        return Ticket(self)
