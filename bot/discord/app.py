"""The Discord bot: the `NewsBot` client (dependencies injected) and `run_bot`, called by `newsbot run`."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

import aiohttp
import discord
from discord.ext import commands

from bot.discord.rules import Access
from bot.discord.access import ScopedTree
from bot.discord.admin import AdminCommands
from bot.discord.push.alerts import AlertCommands
from bot.discord.push.digests import DigestCommands
from bot.discord.channels import ChannelCommands
from bot.discord.guilds import GuildEvents
from bot.discord.language import LanguageCommands
from bot.discord.lifecycle import install_signal_handlers
from bot.discord.ask import AskCommands
from bot.discord.conversations import AnswerCache, Conversations
from bot.discord.errors import NO_MENTIONS
from bot.discord.deps import Deps
from bot.discord.limits import Admission, Limits
from bot.discord.mentions import MentionListener
from bot.discord.views import AnswerButtons
from bot.discord.push.feeds import FeedCommands
from bot.discord.push.follows import FollowCommands
from bot.discord.push.news_relay import NewsRelay
from bot.discord.push.pace import share_of_global
from bot.discord.push.poster import ChannelPoster
from bot.discord.push.shards import Shards
from bot.state import AdapterState
from index.errors import StartupError
from index.port import FeedbackPort, NewsPort

log = logging.getLogger("newsbot.discord")


def intents() -> discord.Intents:
    """Guilds and messages, plus the privileged message content intent (mentions and follow-ups)."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.dm_messages = True
    wanted.message_content = True
    return wanted


@dataclass(frozen=True)
class BotConfig:
    """How the bot behaves, read from Settings once by the composition root (`build_bot`)."""

    guild_ids: tuple[int, ...] = ()  # NEWSBOT_GUILD_IDS: empty, every server
    admin_role_ids: frozenset[int] = frozenset()
    operator_ids: frozenset[int] = frozenset()
    allow_dms: bool = False
    limits: Limits = field(default_factory=Limits)
    start_threads: bool = True
    forget_after: timedelta = timedelta(days=7)
    shards: Shards = field(default_factory=Shards)  # NEWSBOT_SHARD_COUNT / NEWSBOT_SHARD_IDS
    clock: Callable[[], datetime] | None = None  # aware UTC; tests inject their own


def build_deps(client: discord.Client, service: NewsPort, feedback: FeedbackPort, state: AdapterState,
               config: BotConfig) -> Deps:
    """Everything the cogs use, built once: the poster (reporting to the alert channels of `state`) and the
    relay need the client they post through; the rest is what the composition root was given."""
    clock = {"clock": config.clock} if config.clock else {}
    share = share_of_global(len(config.shards.ids or ()), config.shards.count)
    poster = ChannelPoster(client, state.ledger, state.alerts, per_second=share, **clock)
    relay = NewsRelay(service, state.subscriptions, state.outbox, poster, config.limits.posts_per_refresh,
                      config.shards)
    return Deps(service=service, feedback=feedback,
                access=Access(frozenset(config.guild_ids), config.operator_ids, config.allow_dms),
                state=state, limits=config.limits, admission=Admission(config.limits), conversations=Conversations(),
                answers=AnswerCache(), admin_role_ids=config.admin_role_ids, start_threads=config.start_threads,
                forget_after=config.forget_after, poster=poster, relay=relay, shards=config.shards, **clock)


class NewsBot(commands.Bot):
    """The bot. The service, the feedback store and the adapter's state are built outside (`build_bot`) and
    passed in; the cogs get them as one frozen `Deps` (bot/discord/deps.py)."""

    def __init__(self, service: NewsPort, *, feedback: FeedbackPort, state: AdapterState,
                 config: BotConfig | None = None, **options: Any) -> None:
        config = config or BotConfig()
        if config.shards.count is not None and isinstance(self, commands.AutoShardedBot):  # these shards only
            options |= {"shard_count": config.shards.count, "shard_ids": sorted(config.shards.ids or ())}
        super().__init__(command_prefix=commands.when_mentioned, intents=intents(), help_command=None,
                         allowed_mentions=NO_MENTIONS, tree_cls=ScopedTree, **options)
        self.guild_ids = list(config.guild_ids)
        self.deps = build_deps(self, service, feedback, state, config)

    async def setup_hook(self) -> None:
        """Add the cogs and sync the slash commands (to NEWSBOT_GUILD_IDS when given, else globally)."""
        for cog in (AskCommands, AdminCommands, ChannelCommands, GuildEvents, MentionListener, FeedCommands,
                    FollowCommands, AlertCommands, DigestCommands, LanguageCommands):
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
    """The bot on discord.py's AutoShardedBot: several gateway shards in one process (NEWSBOT_SHARDED=1: as many
    as Discord recommends; NEWSBOT_SHARD_COUNT/NEWSBOT_SHARD_IDS: the given ones, the others in other processes)."""


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


def run_bot(bot: NewsBot, token: str) -> int:
    """Run the bot until interrupted; returns 0. A start-up failure (a missing or rejected token, Discord
    unreachable or refusing) is a StartupError, translated by the CLI (bot/cli.py) like every error."""
    token = require_token(token)
    if not logging.getLogger().handlers:
        discord.utils.setup_logging(level=logging.INFO)
    try:
        asyncio.run(_serve(bot, token))
    except KeyboardInterrupt:
        pass
    except Exception as exc:
        raise _startup_error(exc, bool(bot.guild_ids)) from None
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
