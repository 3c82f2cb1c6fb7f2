"""bot/discord/rules.py and index/service/guild_settings.py: who is answered where, and what is kept per server."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.discord.rules import NO_DMS, NOT_ENABLED, Access, describe_rules, where_to_ask
from index.port import ChannelRules
from index.service.guild_settings import GuildSettings


def test_allow_list_dms_and_operators():
    everywhere = Access()
    assert everywhere.refusal(1) is None and everywhere.refusal(None) == NO_DMS
    listed = Access(guild_ids=frozenset({1}), operator_ids=frozenset({9}), allow_dms=True)
    assert listed.refusal(1) is None and listed.refusal(2) == NOT_ENABLED and listed.refusal(None) is None
    assert listed.is_operator(9) and not listed.is_operator(1)


def test_channel_rules():
    assert ChannelRules().permits(5)
    rules = ChannelRules(allowed=frozenset({5}), denied=frozenset({6}))
    assert rules.permits(5) and not rules.permits(7) and not rules.permits(6)
    assert rules.permits(99, parent_id=5)  # a thread follows its channel
    assert not ChannelRules(denied=frozenset({6})).permits(99, parent_id=6)
    assert where_to_ask(rules) == "I only answer in <#5> in this server."
    assert describe_rules(ChannelRules(denied=frozenset({6}))) == "I answer in every channel except <#6>."


def test_settings_persist_and_are_forgotten(tmp_path):
    path = tmp_path / "guilds.sqlite3"
    store = GuildSettings(path)
    store.set_channel(1, 5, "allow")
    store.set_channel(1, 5, "deny")  # replaces the earlier rule
    store.set_channel(2, 8, "allow")
    removed = datetime(2026, 1, 1, tzinfo=timezone.utc)
    store.mark_removed(1, removed)
    assert store.first_notice(3) and not store.first_notice(3)
    store.close()

    again = GuildSettings(path)
    assert again.channel_rules(1) == ChannelRules(denied=frozenset({5}))
    assert again.removed_before(removed + timedelta(seconds=1)) == [1] and again.removed_before(removed) == []
    again.mark_present(1)
    assert again.removed_before(removed + timedelta(days=30)) == []
    again.forget(2)
    assert again.channel_rules(2) == ChannelRules() and again.channel_rules(1).denied == frozenset({5})
    assert not again.first_notice(3)
