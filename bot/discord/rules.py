"""Who may use the bot where: pure rules, no Discord objects.

- NEWSBOT_GUILD_IDS, when set, is an allow-list: in any other server the bot answers nothing.
- Direct messages only with NEWSBOT_ALLOW_DMS; a DM sees the shared sources only.
- NEWSBOT_OPERATOR_IDS: users who may re-index the shared sources from Discord.
- Per server, the channel rules its admins chose (bot/state/servers.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.state.servers import ChannelRules

NO_DMS = "I don't answer direct messages here; ask me in a server."
NOT_ENABLED = "newsbot is not enabled in this server."
REFUSALS = {"no_dms": NO_DMS, "not_enabled": NOT_ENABLED}  # each refusal's phrase and its English line


@dataclass(frozen=True)
class Access:
    """The bot-wide access settings."""

    guild_ids: frozenset[int] = field(default_factory=frozenset)  # empty: every server
    operator_ids: frozenset[int] = field(default_factory=frozenset)
    allow_dms: bool = False

    def guild_enabled(self, guild_id: int) -> bool:
        """True when the bot answers in this server at all."""
        return not self.guild_ids or guild_id in self.guild_ids

    def refusal(self, guild_id: int | None) -> str | None:
        """Why the bot does not answer in this server (None: a DM), or None when it does."""
        phrase = self.refusal_phrase(guild_id)
        return None if phrase is None else REFUSALS[phrase]

    def refusal_phrase(self, guild_id: int | None) -> str | None:
        """`refusal` as its phrase in prompts/phrases/ ("no_dms", "not_enabled"), to say it in the member's
        language; None when the bot answers here."""
        if guild_id is None:
            return None if self.allow_dms else "no_dms"
        return None if self.guild_enabled(guild_id) else "not_enabled"

    def is_operator(self, user_id: int) -> bool:
        """True for the bot's operators (they may re-index the shared sources from Discord)."""
        return user_id in self.operator_ids


def _allowed_channels(rules: ChannelRules) -> str:
    return ", ".join(f"<#{c}>" for c in sorted(rules.allowed)[:20])


def where_to_ask(rules: ChannelRules) -> str:
    """What to tell someone who asked in a channel where the bot does not answer (in English)."""
    if rules.allowed:
        return f"I only answer in {_allowed_channels(rules)} in this server."
    return "I don't answer in this channel; please ask in another one."


def where_to_ask_phrase(rules: ChannelRules) -> tuple[str, dict[str, str]]:
    """The same, as its phrase in prompts/phrases/ and that phrase's values, to say it in the member's language."""
    return ("ask_only_in", {"places": _allowed_channels(rules)}) if rules.allowed else ("ask_elsewhere", {})


def describe_rules(rules: ChannelRules) -> str:
    """The channel rules of a server in one line, for /channels list."""
    if rules.allowed:
        text = "I answer only in " + ", ".join(f"<#{c}>" for c in sorted(rules.allowed)[:40]) + "."
    else:
        text = "I answer in every channel"
        text += (" except " + ", ".join(f"<#{c}>" for c in sorted(rules.denied)[:40]) + ".") if rules.denied else "."
    return text
