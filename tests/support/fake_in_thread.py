"""FakeDiscord on an event loop of its own, in a thread, for tests whose bots are other processes: the test
drives it and reads it from its own (synchronous) thread, always through the fake's loop."""
from __future__ import annotations

import asyncio
import threading
from typing import Any, Awaitable, Callable, TypeVar

from tests.support.fake_discord import FakeDiscord

T = TypeVar("T")


class FakeInThread:
    """`with FakeInThread(FakeDiscord(...)) as fake:` — `fake.run(coro)`, `fake.read(fn)`, `fake.wait(pred)`."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="fake-discord", daemon=True)
        self.port = 0

    def __enter__(self) -> "FakeInThread":
        self.thread.start()
        self.port = self.run(self.fake.start())
        return self

    def __exit__(self, *exc: object) -> None:
        self.run(self.fake.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def run(self, coro: Awaitable[T], timeout: float = 120) -> T:
        """Run a coroutine on the fake's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)  # type: ignore[arg-type]

    def read(self, fn: Callable[[FakeDiscord], T]) -> T:
        """Call `fn(fake)` on the fake's loop (its dicts change there) and return what it returns."""
        async def call() -> T:
            return fn(self.fake)
        return self.run(call())

    def wait(self, predicate: Callable[[FakeDiscord], Any], timeout: float = 60) -> Any:
        """Wait until `predicate(fake)` is truthy (checked on the fake's loop after every request)."""
        return self.run(self.fake.wait_for(lambda: predicate(self.fake), timeout), timeout + 5)
