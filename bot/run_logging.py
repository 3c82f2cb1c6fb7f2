"""Logging of `newsbot run`: INFO to stderr and to a rotating file in the data folder."""
from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES = 5_000_000
BACKUPS = 3


def log_file(home: Path) -> Path:
    """The bot's log file (the CLI writes unexpected errors to the same file)."""
    return home / "newsbot.log"


def setup_run_logging(home: Path) -> Path:
    """Send INFO and above to stderr and to `newsbot.log` (5 MB, 3 old files kept); returns the file's path."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    if not any(isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler) for h in root.handlers):
        root.addHandler(logging.StreamHandler())
    for handler in root.handlers:
        handler.setLevel(logging.INFO)
        handler.setFormatter(logging.Formatter(FORMAT))
    path = log_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    rotating = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    rotating.setLevel(logging.INFO)
    rotating.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(rotating)
    return path
