"""The pace of the bot's unprompted posts: at most 5 messages per 5 s in a channel (Discord's per-channel
limit). Pure: the caller brings the time (bot/discord/push/poster.py waits)."""
from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

BURST, WINDOW = 5, 5.0  # messages per channel per window of seconds


@dataclass
class Pace:
    """At most `burst` sends per `window` seconds per channel. Pure: the caller brings the time."""

    burst: int = BURST
    window: float = WINDOW
    sent: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))

    def delay(self, channel: str, now: float) -> float:
        """Seconds to wait before the next send to `channel` (0: send now)."""
        recent = self.sent[channel]
        while recent and now - recent[0] >= self.window:
            recent.popleft()
        return 0.0 if len(recent) < self.burst else self.window - (now - recent[0])

    def record(self, channel: str, now: float) -> None:
        """A message was sent to `channel` at `now`."""
        self.sent[channel].append(now)
