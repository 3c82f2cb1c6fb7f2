"""The Discord adapter's own state: what each server chose, what the bot posted, the feed channels and follows,
alert channels and digest schedules, and the outbox of new articles (several processes share it).

Every store is written once over the core's SQL seam (`index.port.Database`): a sqlite file in the home by
default (`guilds.sqlite3`, as before), PostgreSQL with `NEWSBOT_DATABASE_URL`, so that several `newsbot run`
processes holding different gateway shards share one truth. Each store forgets a server with its own
`forget(server_id)`; `AdapterState.forget` calls them all. The core (`index/`) knows none of this.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Protocol

from bot.state.ledger import PostLedger
from bot.state.outbox import NewsOutbox
from bot.state.push import AlertRecords, DigestSchedules
from bot.state.servers import ServerSettings
from bot.state.subscriptions import Subscriptions
from index.port import Database


class ServerStore(Protocol):
    """What every store of the adapter's state offers besides its own methods."""

    def forget(self, server_id: int) -> int:
        """Delete everything this store holds about a server; the rows removed."""


@dataclass(frozen=True)
class AdapterState:
    """The adapter's stores, on one database."""

    servers: ServerSettings
    ledger: PostLedger
    subscriptions: Subscriptions
    alerts: AlertRecords
    schedules: DigestSchedules
    outbox: NewsOutbox

    def forget(self, server_id: int) -> int:
        """Delete everything stored about a server, in every store; the rows removed."""
        return sum(getattr(self, f.name).forget(server_id) for f in fields(self))


# every table of the adapter's state, in the order `newsbot migrate` copies them
TABLES = ("guilds", "channel_rules", "server_languages", "posts", "post_problems", "feed_posts", "follows", "alert_channels",
          "alert_reports", "digest_schedules", "news_outbox")


def open_state(database: Database) -> AdapterState:
    """The adapter's stores on `database`, their tables created where missing."""
    return AdapterState(servers=ServerSettings(database), ledger=PostLedger(database),
                        subscriptions=Subscriptions(database), alerts=AlertRecords(database),
                        schedules=DigestSchedules(database), outbox=NewsOutbox(database))
