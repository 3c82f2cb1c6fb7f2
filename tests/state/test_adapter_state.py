"""bot/state/__init__.py: the adapter's stores on one database, a server forgotten from every one of them
(in memory too: the stores share the one database), and the outbox of new articles."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.state import open_state
from index.app import build_state_database
from index.store.database import open_database
from index.types import NewArticle, Scope


def _fill(state, server: int) -> None:
    state.servers.set_channel(server, 5, "deny")
    state.servers.mark_removed(server)
    state.subscriptions.add_feed(server, 5, Scope.server(server), "club", "", "", owner_id=9)
    state.subscriptions.add_follow(server, "chess", owner_id=9, user_id=9)
    state.ledger.claim(server, "5", "article:1", {"content": "x"})
    state.ledger.note_problem(server, 5, "Send Messages")
    state.alerts.set_channel(server, 5, owner_id=9)
    state.alerts.claim_failure(server, "shared/wire", "failing@t")
    state.schedules.add(server, 5, "08:00", "day", 0, "UTC", (), "2025-03-19T09:00:00+00:00")
    state.outbox.publish([NewArticle("g%d~a" % server, "club", Scope.server(server), "A title")])


def _held(state, server: int) -> list:
    return [state.servers.channel_rules(server).denied, state.subscriptions.feeds(server),
            state.subscriptions.follows(server), state.ledger.count(server), state.alerts.open_reports(server),
            state.schedules.of_guild(server), server in state.alerts.channels()]


def test_forgetting_a_server_in_memory_leaves_nothing_of_it_in_any_store():
    state = open_state(build_state_database())  # the bot without settings: one database in memory
    _fill(state, 1)
    _fill(state, 2)
    assert state.forget(1) >= 10
    assert not any(_held(state, 1))
    assert all(_held(state, 2))
    _, batches = state.outbox.after(0)
    assert [a.scope for batch in batches for a in batch] == [Scope.server(2)]


def test_the_outbox_gives_every_process_each_batch_in_order(database_url):
    writer, reader = open_state(open_database(database_url)), open_state(open_database(database_url))
    articles = [NewArticle(f"a{i}", "wire", Scope.shared(), f"Title {i}", published=f"2025-03-1{i}") for i in range(3)]
    writer.outbox.publish(articles[:2])
    writer.outbox.publish(articles[2:])
    start = reader.outbox.start_after(hours=6)
    last, batches = reader.outbox.after(start)
    assert batches == [articles[:2], articles[2:]]
    assert reader.outbox.after(last) == (last, [])
    old = datetime.now(timezone.utc) + timedelta(hours=7)  # a process starting 7 hours later reads none again
    assert reader.outbox.after(reader.outbox.start_after(hours=6, now=old))[1] == []
