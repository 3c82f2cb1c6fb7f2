"""Opening the small sqlite files of the data folder (feedback, per-server settings) the same way."""
from __future__ import annotations

import sqlite3
import threading
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


class SharedConnection:
    """One connection to a sqlite file (its schema created) that several threads share behind a lock: one
    statement a call, each write committed; a failed write is StoreUnavailable naming `what`."""

    def __init__(self, path: str | Path, what: str, schema: str) -> None:
        self.path = str(path)
        self._what = what
        self._lock = threading.Lock()
        self._db = open_database(self.path, what, lambda db: db.executescript(schema))

    def execute(self, sql: str, *params: object) -> int:
        """Run one write statement and commit it; returns the rows it changed."""
        with self._lock:
            try:
                changed = self._db.execute(sql, params).rowcount
                self._db.commit()
                return changed
            except sqlite3.Error as e:
                raise StoreUnavailable(f"cannot write the {self._what} {self.path}: {e}") from e

    def query(self, sql: str, *params: object) -> list[tuple]:
        """Run one read statement; its rows."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()
