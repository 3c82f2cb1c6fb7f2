"""`newsbot run`: with the settings the CLI read, fail fast without a token, build the service, run the Discord bot."""
from __future__ import annotations

import sys

from index.settings import Settings


def main(settings: Settings) -> int:
    """Run the Discord bot until interrupted; returns the exit status (NewsbotError propagates to the CLI)."""
    from bot.discord.app import run_from_settings
    from index.app import build_service

    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        print("newsbot: DISCORD_TOKEN is not set; create a bot token in the Discord developer portal.",
              file=sys.stderr)
        return 2
    from bot.run_logging import setup_run_logging

    setup_run_logging(settings.home)  # INFO to stderr and to newsbot.log in the data folder (rotated)
    service = build_service(settings)
    if service.is_empty():
        print("newsbot: the index is empty; run `newsbot index` (or /reindex as an admin) first.", file=sys.stderr)
    from index.indexing.refresh import background_refresh

    with background_refresh(service):  # sources with a `refresh` interval are refreshed while the bot runs
        return run_from_settings(service, settings)
