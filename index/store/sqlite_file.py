"""Opening the small sqlite files of the data folder (feedback, per-server settings) the same way."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable

from index.errors import StoreUnavailable


def open_database(path: str, what: str, prepare: Callable[[sqlite3.Connection], None]) -> sqlite3.Connection:
    """A connection to the sqlite file at `path` (its folder made; ":memory:" for none) that several threads
    may share behind their own lock, with `prepare` (schema, migrations) run and committed; any sqlite
    failure becomes StoreUnavailable naming `what`."""
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        db = sqlite3.connect(path, check_same_thread=False)
        prepare(db)
        db.commit()
    except sqlite3.Error as e:
        raise StoreUnavailable(f"cannot open the {what} {path}: {e}") from e
    return db
