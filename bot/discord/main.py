"""`newsbot run`, the composition root of the Discord adapter: with the settings the CLI read once, fail fast
without a token, build the service, the feedback store, the adapter's state and the bot's configuration,
inject them into the bot, and run it (the refresh schedule beside it)."""
from __future__ import annotations

import sys
from datetime import timedelta
from typing import TYPE_CHECKING

from index.settings import Settings

if TYPE_CHECKING:
    from bot.discord.app import BotConfig, NewsBot
    from index.port import NewsPort


def config_from_settings(settings: Settings) -> "BotConfig":
    """The bot's configuration from Settings; a malformed id list or shard setting is BadInput (one line)."""
    from bot.discord.app import BotConfig
    from bot.discord.limits import limits_from_settings
    from bot.discord.parsing import parse_id_list
    from bot.discord.push.shards import parse_shards

    return BotConfig(guild_ids=tuple(parse_id_list(settings.guild_ids)),
                     admin_role_ids=frozenset(parse_id_list(settings.admin_role_ids)),
                     operator_ids=frozenset(parse_id_list(settings.operator_ids)), allow_dms=settings.allow_dms,
                     limits=limits_from_settings(settings), forget_after=timedelta(days=settings.forget_after_days),
                     shards=parse_shards(settings.shard_count, settings.shard_ids))


def build_bot(service: "NewsPort", settings: Settings) -> "NewsBot":
    """The bot with everything injected: its configuration, the feedback store and the adapter's state (on
    PostgreSQL with NEWSBOT_DATABASE_URL, else in the data folder), each built once, here."""
    from bot.discord.app import NewsBot, ShardedNewsBot
    from bot.phrases import check_phrases
    from bot.state import open_state
    from bot.state.feedback_columns import FEEDBACK_COLUMNS_BEFORE_SCOPES
    from index.app import build_feedback, build_state_database
    from index.port import LANGUAGES

    config = config_from_settings(settings)
    check_phrases({code: service.phrases(code) for code in LANGUAGES})  # the adapter's own phrases, in one line
    state = open_state(build_state_database(settings))
    bot_class = ShardedNewsBot if settings.sharded or config.shards.count is not None else NewsBot
    return bot_class(service, feedback=build_feedback(settings, FEEDBACK_COLUMNS_BEFORE_SCOPES), state=state, config=config)


def main(settings: Settings) -> int:
    """Run the Discord bot until interrupted; returns 0; any failure is a NewsbotError, translated by the CLI."""
    from bot.discord.app import require_token, run_bot
    from index.app import build_service, preload_lazy_modules, refresh_in_background

    token = require_token(settings.discord_token.get_secret_value() if settings.discord_token else None)
    config_from_settings(settings)  # a malformed setting fails before any model loads
    from bot.run_logging import setup_run_logging

    setup_run_logging(settings.home)  # INFO to stderr and to newsbot.log in the data folder (rotated)
    preload_lazy_modules()  # before any thread: two threads' first imports of llama-index can deadlock
    service = build_service(settings)
    bot = build_bot(service, settings)  # a database that cannot be reached fails here, in one line
    if service.is_empty():
        print("newsbot: warning: the index is empty; run `newsbot index` (or /reindex as an admin) first.", file=sys.stderr)
    with refresh_in_background(service):  # sources with a `refresh` interval are refreshed while the bot runs
        return run_bot(bot, token)
