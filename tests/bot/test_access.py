"""bot/discord/rules.py: who is answered where (what is kept per server: tests/state/test_servers.py)."""
from __future__ import annotations

from bot.discord.rules import NO_DMS, NOT_ENABLED, Access, describe_rules, where_to_ask
from bot.state.servers import ChannelRules


def test_allow_list_dms_and_operators():
    everywhere = Access()
    assert everywhere.refusal(1) is None and everywhere.refusal(None) == NO_DMS
    listed = Access(guild_ids=frozenset({1}), operator_ids=frozenset({9}), allow_dms=True)
    assert listed.refusal(1) is None and listed.refusal(2) == NOT_ENABLED and listed.refusal(None) is None
    assert listed.is_operator(9) and not listed.is_operator(1)
    assert everywhere.refusal_phrase(None) == "no_dms" and listed.refusal_phrase(2) == "not_enabled"
    assert listed.refusal_phrase(1) is None and listed.refusal_phrase(None) is None


def test_channel_rules():
    assert ChannelRules().permits(5)
    rules = ChannelRules(allowed=frozenset({5}), denied=frozenset({6}))
    assert rules.permits(5) and not rules.permits(7) and not rules.permits(6)
    assert rules.permits(99, parent_id=5)  # a thread follows its channel
    assert not ChannelRules(denied=frozenset({6})).permits(99, parent_id=6)
    assert where_to_ask(rules) == "I only answer in <#5> in this server."
    assert describe_rules(ChannelRules(denied=frozenset({6}))) == "I answer in every channel except <#6>."
