"""The Discord bot: the `NewsBot` client (dependencies injected) and `run_bot`, called by `newsbot run`."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable

import aiohttp
import discord
from discord.ext import commands

from bot.discord.rules import Access
from bot.discord.access import ScopedTree
from bot.discord.admin import AdminCommands
from bot.discord.alerts import AlertCommands
from bot.discord.digests import DigestCommands
from bot.discord.channels import ChannelCommands
from bot.discord.guilds import GuildEvents
from bot.discord.lifecycle import install_signal_handlers
from bot.discord.ask import AskCommands
from bot.discord.conversations import AnswerCache, Conversations
from bot.discord.errors import NO_MENTIONS
from bot.discord.deps import Deps
from bot.discord.limits import Admission, Limits, limits_from_settings
from bot.discord.mentions import MentionListener
from bot.discord.views import AnswerButtons
from bot.discord.parsing import parse_id_list
from bot.discord.feeds import FeedCommands
from bot.discord.follows import FollowCommands
from bot.discord.news_relay import NewsRelay
from bot.discord.poster import ChannelPoster
from index.errors import StartupError
from index.port import FeedbackPort, GuildSettingsPort, NewsPort
from index.settings import Settings

log = logging.getLogger("newsbot.discord")


def intents() -> discord.Intents:
    """Guilds and messages, plus the privileged message content intent (mentions and follow-ups)."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.dm_messages = True
    wanted.message_content = True
    return wanted


class NewsBot(commands.Bot):
    """The bot. Everything it needs (service, feedback store, limits) is built outside and passed in, and
    handed to the cogs as one frozen `Deps` (bot/discord/deps.py)."""

    def __init__(self, service: NewsPort, *, feedback: FeedbackPort, guild_ids: Iterable[int] = (),
                 admin_role_ids: Iterable[int] = (), limits: Limits | None = None, start_threads: bool = True,
                 operator_ids: Iterable[int] = (), allow_dms: bool = False,
                 guild_settings: GuildSettingsPort | None = None, forget_after: timedelta = timedelta(days=7),
                 clock: Callable[[], datetime] | None = None, **options: Any) -> None:
        super().__init__(command_prefix=commands.when_mentioned, intents=intents(), help_command=None,
                         allowed_mentions=NO_MENTIONS, tree_cls=ScopedTree, **options)
        self.guild_ids = list(guild_ids)
        limits = limits or Limits()
        from index.app import build_guild_settings, build_post_stores, build_push_stores

        if guild_settings is None:  # kept in memory, for this process only
            guild_settings = build_guild_settings()
        ledger, subscriptions = build_post_stores(guild_settings)  # beside the settings: forgotten with them
        alerts, schedules = build_push_stores(guild_settings)
        poster = ChannelPoster(self, ledger)
        self.deps = Deps(service=service, feedback=feedback,
                         access=Access(frozenset(self.guild_ids), frozenset(operator_ids), allow_dms),
                         guild_settings=guild_settings, limits=limits,
                         admission=Admission(limits), conversations=Conversations(), answers=AnswerCache(),
                         admin_role_ids=frozenset(admin_role_ids), start_threads=start_threads,
                         forget_after=forget_after, poster=poster, subscriptions=subscriptions,
                         relay=NewsRelay(service, subscriptions, poster, limits.posts_per_refresh),
                         alerts=alerts, schedules=schedules,
                         **({"clock": clock} if clock else {}))

    async def setup_hook(self) -> None:
        """Add the cogs and sync the slash commands (to NEWSBOT_GUILD_IDS when given, else globally)."""
        for cog in (AskCommands, AdminCommands, ChannelCommands, GuildEvents, MentionListener, FeedCommands,
                    FollowCommands, AlertCommands, DigestCommands):
            await self.add_cog(cog(self, self.deps))
        self.add_view(AnswerButtons(self.deps))  # persistent: serves the buttons of every answer message
        if self.guild_ids:
            for guild_id in self.guild_ids:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
                log.info("synced %d commands to guild %s", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands (they can take a while to appear)", len(synced))

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: questions in messages are handled by the MentionListener cog."""

    async def on_ready(self) -> None:
        """Log who we are once connected."""
        log.info("connected as %s (%s) to %d guild(s)", self.user, getattr(self.user, "id", "?"), len(self.guilds))


class ShardedNewsBot(NewsBot, commands.AutoShardedBot):
    """The bot on discord.py's AutoShardedBot (NEWSBOT_SHARDED=1): one process, as many gateway shards as
    Discord recommends (needed from 2,500 servers on)."""


async def _serve(bot: NewsBot, token: str) -> None:
    async with bot:
        install_signal_handlers(bot, bot.deps.admission)
        await bot.start(token)


TOKEN_MISSING = "DISCORD_TOKEN is not set; create a bot token in the Discord developer portal."


def require_token(token: str | None) -> str:
    """The token, stripped; StartupError (exit 2) when it is missing."""
    if not token or not token.strip():
        raise StartupError(TOKEN_MISSING, exit_code=2)
    return token.strip()


def run_bot(service: NewsPort, token: str, guild_ids: list[int], admin_role_ids: list[int], *,
            feedback: FeedbackPort, limits: Limits | None = None, settings: Settings | None = None,
            guild_settings: GuildSettingsPort | None = None) -> int:
    """Run the bot until interrupted; returns 0. A start-up failure (a missing or rejected token, Discord
    unreachable or refusing) is a StartupError, translated by the CLI (bot/cli.py) like every error."""
    token = require_token(token)
    if not logging.getLogger().handlers:
        discord.utils.setup_logging(level=logging.INFO)
    settings = settings or Settings()
    bot_class = ShardedNewsBot if settings.sharded else NewsBot
    bot = bot_class(service, feedback=feedback, guild_ids=guild_ids, admin_role_ids=admin_role_ids, limits=limits,
                    operator_ids=parse_id_list(settings.operator_ids), allow_dms=settings.allow_dms,
                    guild_settings=guild_settings, forget_after=timedelta(days=settings.forget_after_days))
    try:
        asyncio.run(_serve(bot, token))
    except KeyboardInterrupt:
        pass
    except Exception as exc:
        raise _startup_error(exc, bool(guild_ids)) from None
    return 0


def _startup_error(exc: Exception, with_guild_ids: bool) -> Exception:
    """What a failure of the gateway or of Discord's API at start-up means, in one line; anything else as is."""
    if isinstance(exc, discord.LoginFailure):
        return StartupError("Discord rejected the token (DISCORD_TOKEN); reset it in the developer portal.", 2)
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return StartupError("enable the Message Content intent for the bot in the developer portal (Bot tab).", 2)
    if isinstance(exc, discord.Forbidden):
        hint = "; is the bot in NEWSBOT_GUILD_IDS, invited with the applications.commands scope?" if with_guild_ids else ""
        return StartupError(f"Discord refused a request at start-up ({exc.status} {exc.text}){hint}")
    if isinstance(exc, discord.HTTPException):
        return StartupError(f"Discord refused a request at start-up ({exc.status} {exc.text})")
    if isinstance(exc, (OSError, aiohttp.ClientError, discord.GatewayNotFound, discord.ConnectionClosed)):
        return StartupError(f"cannot reach Discord ({type(exc).__name__}: {exc})")
    return exc


def run_from_settings(service: NewsPort, settings: Settings) -> int:
    """Run the bot from Settings: DISCORD_TOKEN, NEWSBOT_GUILD_IDS, NEWSBOT_ADMIN_ROLE_IDS, the limits."""
    token = settings.discord_token.get_secret_value() if settings.discord_token else ""
    guild_ids = parse_id_list(settings.guild_ids)  # a malformed list is BadInput, translated by the CLI
    admin_role_ids = parse_id_list(settings.admin_role_ids)
    parse_id_list(settings.operator_ids)
    limits = limits_from_settings(settings)
    from index.app import build_feedback, build_guild_settings

    feedback = build_feedback(settings)
    guild_settings = build_guild_settings(settings)
    return run_bot(service, token, guild_ids, admin_role_ids, feedback=feedback, limits=limits, settings=settings,
                   guild_settings=guild_settings)
