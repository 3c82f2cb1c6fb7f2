"""Stopping the bot cleanly: on SIGTERM (systemd, `docker stop`) or SIGINT, new questions are told the bot
is restarting, the answers in flight get up to `grace` seconds to be posted, then the gateway is closed."""
from __future__ import annotations

import asyncio
import logging
import signal

from discord.ext import commands

from bot.discord.limits import Admission

log = logging.getLogger("newsbot.discord")
GRACE_SECONDS = 30.0
# discord.py runs each slash command, event listener and button click in a task named like this.
_WORK_TASKS = ("CommandTree-invoker", "discord.py: on_message", "discord-ui-view-dispatch")


def in_flight() -> list[asyncio.Task]:
    """The tasks of the running loop that are answering someone."""
    current = asyncio.current_task()
    return [t for t in asyncio.all_tasks() if t is not current and not t.done()
            and t.get_name().startswith(_WORK_TASKS)]


async def shutdown(bot: commands.Bot, admission: Admission, reason: str, grace: float = GRACE_SECONDS) -> None:
    """Refuse new work, let the work in flight finish (at most `grace` seconds), then close the bot."""
    if admission.closing:
        return
    admission.closing = True
    pending = in_flight()
    log.info("%s: closing after %d answer(s) in flight", reason, len(pending))
    if pending:
        _, late = await asyncio.wait(pending, timeout=grace)
        if late:
            log.warning("%d answer(s) did not finish within %.0f s", len(late), grace)
    await bot.close()
    log.info("closed the gateway")


def install_signal_handlers(bot: commands.Bot, admission: Admission, grace: float = GRACE_SECONDS) -> bool:
    """Close the bot cleanly on SIGTERM and SIGINT; False where signals cannot be handled (not the main thread)."""
    loop = asyncio.get_running_loop()
    try:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda s=sig: asyncio.ensure_future(shutdown(bot, admission, s.name, grace)))
    except (RuntimeError, ValueError, NotImplementedError):  # not the main thread, or no signals here
        return False
    return True
