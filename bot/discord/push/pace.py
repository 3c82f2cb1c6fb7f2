"""The pace of the bot's unprompted posts: at most 5 messages per 5 s in a channel (Discord's per-channel limit),
and at most `per_second` in all channels of this process, its share of Discord's global limit (50 requests per
second per bot token, shared by every process: `share_of_global`). Pure: the caller brings the time
(bot/discord/push/poster.py waits)."""
from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

BURST, WINDOW = 5, 5.0  # messages per channel per window of seconds
GLOBAL_POSTS_PER_SECOND = 40  # of Discord's 50 requests/s per token: the rest is left to answers and lookups


def share_of_global(shard_ids: int, shard_count: int | None) -> int:
    """Unprompted posts per second for a process holding `shard_ids` of `shard_count` shards (all of them when
    the count is None): its servers' share of GLOBAL_POSTS_PER_SECOND, at least 1."""
    if not shard_count:
        return GLOBAL_POSTS_PER_SECOND
    return max(1, GLOBAL_POSTS_PER_SECOND * shard_ids // shard_count)


@dataclass
class Pace:
    """At most `burst` sends per `window` seconds per channel, and `per_second` in all (None: no bound)."""

    burst: int = BURST
    window: float = WINDOW
    per_second: int | None = GLOBAL_POSTS_PER_SECOND
    sent: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))
    everywhere: deque = field(default_factory=deque)

    def delay(self, channel: str, now: float) -> float:
        """Seconds to wait before the next send to `channel` (0: send now)."""
        recent = self.sent[channel]
        while recent and now - recent[0] >= self.window:
            recent.popleft()
        wait = 0.0 if len(recent) < self.burst else self.window - (now - recent[0])
        while self.everywhere and now - self.everywhere[0] >= 1.0:
            self.everywhere.popleft()
        if self.per_second is not None and len(self.everywhere) >= self.per_second:
            wait = max(wait, 1.0 - (now - self.everywhere[0]))
        return wait

    def reserve(self, channel: str, now: float) -> float:
        """The delay before a send to `channel`; when it is 0 the send is recorded now, before it goes out, so
        that posts to other channels made meanwhile count it."""
        wait = self.delay(channel, now)
        if wait <= 0:
            self.record(channel, now)
        return wait

    def record(self, channel: str, now: float) -> None:
        """A message was sent to `channel` at `now`."""
        self.sent[channel].append(now)
        self.everywhere.append(now)
