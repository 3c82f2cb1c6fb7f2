"""Which process serves a server: the one whose gateway shards hold it.

Discord puts a server on shard `(server_id >> 22) % shard_count`; a process started with
NEWSBOT_SHARD_IDS=0,1 of NEWSBOT_SHARD_COUNT=4 receives the events of those shards only, and does the pushed
work (digests, feed posts, follows, alerts) of their servers only, so that with several processes every
server's work is done once. Without sharding settings a process holds every server.
"""
from __future__ import annotations

from dataclasses import dataclass

from index.errors import BadInput


def shard_of(server_id: int, shard_count: int) -> int:
    """The shard Discord puts a server on."""
    return (server_id >> 22) % shard_count


@dataclass(frozen=True)
class Shards:
    """The shards this process holds (`ids` None: all of them)."""

    count: int | None = None
    ids: frozenset[int] | None = None

    def holds(self, server_id: int) -> bool:
        """True when this process serves `server_id`."""
        if self.count is None or self.ids is None:
            return True
        return shard_of(server_id, self.count) in self.ids


def parse_shards(count: int | None, ids: str) -> Shards:
    """Shards from NEWSBOT_SHARD_COUNT and NEWSBOT_SHARD_IDS (`0,1`); BadInput, in one line, when they
    disagree. Ids without a count is refused: Discord needs the count to route servers to shards."""
    text = ids.strip()
    if not text:
        return Shards(count, frozenset(range(count)) if count else None)
    if count is None:
        raise BadInput("NEWSBOT_SHARD_IDS needs NEWSBOT_SHARD_COUNT (the number of shards of all processes)")
    try:
        wanted = frozenset(int(part) for part in text.replace(" ", "").split(",") if part)
    except ValueError:
        raise BadInput(f"NEWSBOT_SHARD_IDS must be shard numbers separated by commas (got {ids!r})") from None
    outside = sorted(i for i in wanted if not 0 <= i < count)
    if outside or not wanted:
        raise BadInput(f"NEWSBOT_SHARD_IDS must be between 0 and {count - 1} (got {ids!r})")
    return Shards(count, wanted)
