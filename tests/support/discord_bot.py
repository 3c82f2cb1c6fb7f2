"""The real bot (discord.py's client, unmodified) started against FakeDiscord on 127.0.0.1."""
from __future__ import annotations

import asyncio
import contextlib
from typing import Any, AsyncIterator

import discord
import yarl

from bot.discord.app import BotConfig, NewsBot
from bot.discord.limits import Limits
from bot.state import AdapterState, open_state
from index.app import build_state_database
from index.service.feedback import FeedbackStore
from tests.support.fake_discord import FakeDiscord


def state_at(path: Any) -> AdapterState:
    """The adapter's state in the sqlite file at `path` (as `guilds.sqlite3` in a home), or at a postgresql:// URL."""
    from index.store.database import open_database

    return open_state(open_database(path))


@contextlib.asynccontextmanager
async def running_bot(service: Any, feedback: FeedbackStore, *, limits: Limits | None = None,
                      admin_role_ids: tuple[int, ...] = (), guild_sync: bool = True,
                      token: str = "fake-token", second_guild: bool = False, guild_ids: list[int] | None = None,
                      bot_class: type = NewsBot, fake: FakeDiscord | None = None, state: AdapterState | None = None,
                      **config: Any) -> AsyncIterator[tuple[FakeDiscord, NewsBot]]:
    """Start FakeDiscord and the unmodified discord.py client against it; always close both.

    `second_guild` adds a second server; `guild_ids` (default: every server of the fake) is what
    NEWSBOT_GUILD_IDS would be; `fake` reuses a FakeDiscord that a bot used before (Discord across a restart
    of the bot); `state` is the adapter's state (default: a new one in memory, as the composition root builds it
    without settings); other `config` goes to BotConfig (operator_ids, allow_dms, clock, shards…).
    """
    fake = fake or FakeDiscord(token="fake-token", second_guild=second_guild)
    port = await fake.start()
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = f"http://127.0.0.1:{port}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/gateway")
    if guild_ids is None:
        guild_ids = [int(g) for g in fake.guild_ids] if guild_sync else []
    if "operator_ids" in config:
        config["operator_ids"] = frozenset(config["operator_ids"])
    options = BotConfig(guild_ids=tuple(guild_ids), admin_role_ids=frozenset(admin_role_ids),
                        limits=limits or Limits(progress_interval=0.0), **config)
    bot = bot_class(service, feedback=feedback, state=state or open_state(build_state_database()), config=options,
                    guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start(token))
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 15
        while not bot.is_ready():
            if task.done():
                task.result()  # re-raise what broke inside bot.start()
                raise AssertionError("bot.start() returned before the bot was ready")
            assert loop.time() < deadline, "the bot did not become ready"
            await asyncio.sleep(0.01)
        yield fake, bot
        if task.done():
            task.result()
    finally:
        await bot.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        await fake.close()
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved
