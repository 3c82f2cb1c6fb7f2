"""`newsbot run`: with the settings the CLI read, fail fast without a token, build the service, run the Discord bot."""
from __future__ import annotations

import sys

from index.settings import Settings


def main(settings: Settings) -> int:
    """Run the Discord bot until interrupted; returns 0; any failure is a NewsbotError, translated by the CLI."""
    from bot.discord.app import require_token, run_from_settings
    from index.app import build_service, refresh_in_background

    require_token(settings.discord_token.get_secret_value() if settings.discord_token else None)  # before any model loads
    from bot.run_logging import setup_run_logging

    setup_run_logging(settings.home)  # INFO to stderr and to newsbot.log in the data folder (rotated)
    service = build_service(settings)
    if service.is_empty():
        print("newsbot: warning: the index is empty; run `newsbot index` (or /reindex as an admin) first.", file=sys.stderr)
    with refresh_in_background(service):  # sources with a `refresh` interval are refreshed while the bot runs
        return run_from_settings(service, settings)
