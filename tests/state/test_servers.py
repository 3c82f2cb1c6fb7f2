"""bot/state/servers.py on both engines: what each server chose, kept and forgotten."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.state.servers import ChannelRules, ServerSettings
from index.store.database import open_database


def test_settings_persist_and_are_forgotten(database_url):
    store = ServerSettings(open_database(database_url))
    store.set_channel(1, 5, "allow")
    store.set_channel(1, 5, "deny")  # replaces the earlier rule
    store.set_channel(2, 8, "allow")
    removed = datetime(2026, 1, 1, tzinfo=timezone.utc)
    store.mark_removed(1, removed)
    assert store.first_notice(3) and not store.first_notice(3)

    again = ServerSettings(open_database(database_url))  # another process on the same database
    assert again.channel_rules(1) == ChannelRules(denied=frozenset({5}))
    assert again.removed_before(removed + timedelta(seconds=1)) == [1] and again.removed_before(removed) == []
    again.mark_present(1)
    assert again.removed_before(removed + timedelta(days=30)) == []
    assert again.forget(2) == 1
    assert again.channel_rules(2) == ChannelRules() and again.channel_rules(1).denied == frozenset({5})
    assert not again.first_notice(3)


def test_a_server_removed_before_it_was_told_is_told_once(database_url):
    store = ServerSettings(open_database(database_url))
    store.mark_removed(7)  # the row exists, not yet told
    assert store.first_notice(7) and not store.first_notice(7)


def test_a_servers_language_is_set_replaced_cleared_and_forgotten(database_url):
    store = ServerSettings(open_database(database_url))
    assert store.language(1) is None
    store.set_language(1, "es")
    store.set_language(1, "de")  # replaces the earlier choice
    store.set_language(2, "fr")
    again = ServerSettings(open_database(database_url))  # another process on the same database
    assert (again.language(1), again.language(2)) == ("de", "fr")
    again.set_language(2, None)
    assert again.language(2) is None
    assert again.forget(1) == 1 and again.language(1) is None
