"""A cog's background round (digest schedules, source alerts, the sweep of removed servers): it waits
for the client to be ready, then runs every `seconds`; a round that fails is logged, and the next one
runs as usual."""
from __future__ import annotations

import logging
from typing import Awaitable, Callable

from discord.ext import commands, tasks

log = logging.getLogger("newsbot.discord")


def every(seconds: float, bot: commands.Bot, round_: Callable[[], Awaitable[object]], failure: str) -> tasks.Loop:
    """A discord.py loop (`.start()` in cog_load, `.cancel()` in cog_unload) running `round_` after READY.

    Before READY the client's server list is empty, so no round may look at it earlier; `failure` is the
    log line when a round raises.
    """

    async def run() -> None:
        try:
            await round_()
        except Exception:
            log.exception(failure)

    loop = tasks.loop(seconds=seconds)(run)
    loop.before_loop(bot.wait_until_ready)
    return loop
