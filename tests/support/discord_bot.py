"""The real bot (discord.py's client, unmodified) started against FakeDiscord on 127.0.0.1."""
from __future__ import annotations

import asyncio
import contextlib
from typing import Any, AsyncIterator

import discord
import yarl

from bot.discord.app import NewsBot
from bot.discord.limits import Limits
from index.service.feedback import FeedbackStore
from tests.support.fake_discord import FakeDiscord


@contextlib.asynccontextmanager
async def running_bot(service: Any, feedback: FeedbackStore, *, limits: Limits | None = None,
                      admin_role_ids: tuple[int, ...] = (), guild_sync: bool = True,
                      token: str = "fake-token", second_guild: bool = False, guild_ids: list[int] | None = None,
                      bot_class: type = NewsBot, **bot_options: Any) -> AsyncIterator[tuple[FakeDiscord, NewsBot]]:
    """Start FakeDiscord and the unmodified discord.py client against it; always close both.

    `second_guild` adds a second server; `guild_ids` (default: every server of the fake) is what
    NEWSBOT_GUILD_IDS would be; other `bot_options` go to NewsBot (operator_ids, allow_dms, guild_settings…).
    """
    fake = FakeDiscord(token="fake-token", second_guild=second_guild)
    port = await fake.start()
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = f"http://127.0.0.1:{port}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/gateway")
    if guild_ids is None:
        guild_ids = [int(g) for g in fake.guild_ids] if guild_sync else []
    bot = bot_class(service, feedback=feedback, guild_ids=guild_ids,
                    admin_role_ids=admin_role_ids, limits=limits or Limits(progress_interval=0.0),
                    guild_ready_timeout=0.05, **bot_options)
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
