"""The SQL database that holds newsbot's shared state: a sqlite file on one machine (the default), or
PostgreSQL (`NEWSBOT_DATABASE_URL=postgresql://…`) when several processes on several machines share it.

Both backends offer the same small surface, so a store is written once:
- SQL is written with `?` placeholders and the syntax both engines accept (`INSERT … ON CONFLICT … DO …`,
  `RETURNING`); a schema names its auto-increment key `{serial}` and its JSON column `{json}`;
- every statement commits on its own (autocommit); `transaction()` groups several into one;
- `try_lock(name)` is an exclusive lock across processes, held for a block (PostgreSQL's session advisory
  lock, released by the server when the holder's connection dies, kill -9 included; on sqlite, a flock
  beside the file);
- a failure of the engine (unreachable, refused, a broken connection) is `StoreUnavailable` naming what
  was being done; the next call connects again, so an outage ends by itself.

psycopg is imported only by the PostgreSQL backend (the `postgres` extra); the default never needs it.
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

from index.errors import BadInput, IndexBusy, StoreUnavailable
from index.port import Database

CONNECT_TIMEOUT = 5  # seconds; an unreachable server fails a call in this long, not a minute
_DDL = {"sqlite": {"serial": "INTEGER PRIMARY KEY AUTOINCREMENT", "json": "TEXT"},
        "postgresql": {"serial": "BIGSERIAL PRIMARY KEY", "json": "TEXT"}}


def open_database(location: str | Path, what: str = "database") -> Database:
    """The database at `location`: a postgresql:// URL, or a sqlite file path (":memory:" for none)."""
    text = str(location)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresDatabase(text, what)
    if "://" in text:
        raise BadInput(f"NEWSBOT_DATABASE_URL must start with postgresql:// (got {redact(text)!r})")
    return SqliteDatabase(text, what)


def redact(url: str) -> str:
    """A database URL without its password, fit for a message or a log."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()


class SqliteDatabase:
    """A sqlite file shared by the threads of one process behind one lock (autocommit)."""

    dialect = "sqlite"

    def __init__(self, path: str | Path, what: str = "database") -> None:
        self.path = str(path)
        self.where = self.path
        self._what = what
        self._lock = threading.RLock()
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        except sqlite3.Error as e:
            raise StoreUnavailable(f"cannot open the {what} {self.path}: {e}") from e
        self._depth = 0

    def prepare(self, schema: str) -> None:
        with self._guard("prepare"):
            self._db.executescript(schema.format(**_DDL["sqlite"]))

    def execute(self, sql: str, *params: object) -> int:
        with self._guard("write"):
            return self._db.execute(sql, params).rowcount

    def query(self, sql: str, *params: object) -> list[tuple]:
        with self._guard("read"):
            return self._db.execute(sql, params).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._guard("write"):
            outer = self._depth == 0
            if outer:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outer:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self._db.execute("COMMIT")

    @contextmanager
    def try_lock(self, name: str, what: str = "a re-index") -> Iterator[None]:
        from index.store.locking import exclusive

        folder = Path(self.path).parent if self.path != ":memory:" else Path(".")
        with exclusive(folder / "locks" / f"{_slug(name)}.lock", what):
            yield

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        with self._lock:
            try:
                yield
            except sqlite3.Error as e:
                raise StoreUnavailable(f"cannot {doing} the {self._what} {self.path}: {e}") from e

    def close(self) -> None:
        with self._lock:
            self._db.close()


class PostgresDatabase:
    """A PostgreSQL database: one connection shared by the threads of a process behind a lock (autocommit),
    made again on the call after a failure; advisory locks on a connection of their own."""

    dialect = "postgresql"

    def __init__(self, url: str, what: str = "database") -> None:
        try:
            import psycopg  # noqa: F401  (the postgres extra)
        except ImportError:
            raise StartupProblem("NEWSBOT_DATABASE_URL needs the postgres extra: pip install 'newsbot[postgres]'")
        self.url = url
        self.where = redact(url)
        self._what = what
        self._lock = threading.RLock()
        self._conn: Any = None
        self._depth = 0

    def connect(self) -> Any:
        """A new autocommit connection (StoreUnavailable in one line when the server cannot be reached)."""
        import psycopg

        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT,
                                   application_name="newsbot")
        except psycopg.Error as e:
            raise StoreUnavailable(f"cannot reach the {self._what} at {self.where}: {_first_line(e)}") from e

    def prepare(self, schema: str) -> None:
        # several processes starting at once would race on CREATE TABLE IF NOT EXISTS: one at a time
        with self.transaction():
            self.query("SELECT pg_advisory_xact_lock(?)", _lock_key("newsbot:schema"))
            for statement in (s.strip() for s in schema.format(**_DDL["postgresql"]).split(";")):
                if statement:
                    self.execute(statement)

    def execute(self, sql: str, *params: object) -> int:
        with self._cursor("write", sql, params) as cursor:
            return cursor.rowcount

    def query(self, sql: str, *params: object) -> list[tuple]:
        with self._cursor("read", sql, params) as cursor:
            return cursor.fetchall() if cursor.description else []

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            conn = self._connection()
            self._depth += 1
            try:
                with conn.transaction():
                    yield
            except _psycopg_error() as e:
                self._drop()
                raise StoreUnavailable(f"cannot write the {self._what} at {self.where}: {_first_line(e)}") from e
            finally:
                self._depth -= 1

    @contextmanager
    def try_lock(self, name: str, what: str = "a re-index") -> Iterator[None]:
        conn = self.connect()  # a session of its own: the lock lives and dies with it
        try:
            held = conn.execute("SELECT pg_try_advisory_lock(%s)", (_lock_key(name),)).fetchone()[0]
            if not held:
                raise IndexBusy(f"{what} is already running in another process; try again when it has finished")
            yield
        finally:
            conn.close()  # ends the session, and with it the lock

    @contextmanager
    def _cursor(self, doing: str, sql: str, params: tuple) -> Iterator[Any]:
        with self._lock:
            conn = self._connection()
            try:
                with conn.cursor() as cursor:
                    cursor.execute(_to_format(sql), params)
                    yield cursor
            except _psycopg_error() as e:
                if self._depth:
                    raise  # the transaction reports it
                self._drop()
                raise StoreUnavailable(f"cannot {doing} the {self._what} at {self.where}: {_first_line(e)}") from e

    def _connection(self) -> Any:
        if self._conn is None or self._conn.closed:
            self._conn = self.connect()
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # already broken: nothing more to release
                pass
        self._conn = None

    def close(self) -> None:
        with self._lock:
            self._drop()


class StartupProblem(BadInput):
    """A database setting that cannot work (a missing driver, a wrong URL)."""


def _psycopg_error() -> type[Exception]:
    import psycopg

    return psycopg.Error


def _to_format(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (a literal % doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _lock_key(name: str) -> int:
    """A stable signed 64-bit key for an advisory lock."""
    return int.from_bytes(hashlib.sha1(name.encode()).digest()[:8], "big", signed=True)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "lock"


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def table_columns(db: Database, table: str) -> list[str]:
    """The columns of `table` in `db` (empty when it has no such table)."""
    if db.dialect == "sqlite":
        return [row[1] for row in db.query(f'PRAGMA table_info("{table}")')]
    return [name for (name,) in db.query("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                         "AND table_schema = current_schema() ORDER BY ordinal_position", table)]


@contextmanager
def changing_table(db: Database, table: str) -> Iterator[list[str]]:
    """A transaction to change `table`'s columns in, given the columns it has at its start; one process at a
    time (PostgreSQL: the table locked; sqlite: the write lock), so several starting at once change it once."""
    with db.transaction():
        if db.dialect == "postgresql":
            db.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        yield table_columns(db, table)


def copy_table(source: Database, target: Database, table: str, batch: int = 500) -> tuple[int, int]:
    """Copy the rows of `table` from `source` into the same table of `target` (created there already), keeping
    their keys: a row `target` has already is left as it is, so a copy stopped half way is finished by running
    it again. Auto-increment keys go on after the copied ones. Returns (rows in source, rows in target)."""
    columns = [c for c in table_columns(source, table) if c in set(table_columns(target, table))]
    if not columns:
        return 0, 0
    names, marks = ", ".join(columns), ", ".join("?" * len(columns))
    rows = source.query(f"SELECT {names} FROM {table}")
    for start in range(0, len(rows), batch):
        with target.transaction():
            for row in rows[start:start + batch]:
                target.execute(f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING", *row)
    if target.dialect == "postgresql" and "id" in columns:
        target.query(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                     f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))")
    return len(rows), target.query(f"SELECT COUNT(*) FROM {table}")[0][0]
