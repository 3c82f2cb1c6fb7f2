"""Small records of newsbot's shared state (fetch state, source health, last-indexed times, servers' sources
configs), each a JSON value kept under a (kind, key): in files under the home folder (one machine, the
default) or in one table of the database (`NEWSBOT_DATABASE_URL`), so that several processes on several
machines read and write the same ones.

The files backend keeps the layout newsbot always had: `<kind>/<key>.json`, written atomically, except the
kinds of `FILE_LAYOUT` (a server's `guilds/<id>/sources.toml` is its TOML text, as written by hand).
A `Shelf` is one kind of records, for code that keeps one kind: `Shelf(records, "fetch/<collection>")`.
"""
from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any, Callable, Protocol, TypeVar

from index.store.atomic_files import write_text_atomic
from index.store.database import Database

log = logging.getLogger(__name__)
Record = TypeVar("Record")

# kinds kept elsewhere than `<kind>/<key>.json` by the files backend; a value of a kind not stored as .json
# is a str written as it is
FILE_LAYOUT = {"guild-sources": "guilds/{key}/sources.toml", "scoped": "state/{key}.scoped"}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value {json} NOT NULL,
    PRIMARY KEY (kind, key)
)
"""


class Records(Protocol):
    """JSON values by (kind, key)."""

    def get(self, kind: str, key: str) -> Any:
        """The value, None when there is none; ValueError or OSError when it cannot be read."""

    def put(self, kind: str, key: str, value: Any) -> None:
        """Write the value (replacing any), in one step."""

    def delete(self, kind: str, key: str) -> None:
        """Delete the record (nothing when there is none)."""

    def keys(self, kind: str) -> list[str]:
        """The keys of every record of `kind`, sorted."""


class FileRecords:
    """Records as files under `root` (the home folder), each written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, kind: str, key: str) -> Path:
        """The file of one record."""
        if "/" in key or key in ("", ".", ".."):
            raise ValueError(f"not a record key: {key!r}")
        return self.root / _template(kind).format(key=key)

    def get(self, kind: str, key: str) -> Any:
        try:
            text = self.path(kind, key).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return json.loads(text) if _is_json(kind) else text

    def put(self, kind: str, key: str, value: Any) -> None:
        text = json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) if _is_json(kind) else str(value)
        write_text_atomic(self.path(kind, key), text)

    def delete(self, kind: str, key: str) -> None:
        path = self.path(kind, key)
        path.unlink(missing_ok=True)
        folder = path.parent
        if kind in FILE_LAYOUT and folder != self.root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # a server's folder goes with its config

    def keys(self, kind: str) -> list[str]:
        template = _template(kind)
        pattern = re.compile(re.escape(template).replace(re.escape("{key}"), "([^/]+)") + "$")
        found = (pattern.match(p.relative_to(self.root).as_posix())
                 for p in self.root.glob(template.replace("{key}", "*")))
        return sorted(m.group(1) for m in found if m and not m.group(1).endswith(".tmp"))


class DatabaseRecords:
    """Records as rows of one table (`records`) of a `Database`."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.prepare(_SCHEMA)

    def get(self, kind: str, key: str) -> Any:
        rows = self.db.query("SELECT value FROM records WHERE kind = ? AND key = ?", kind, key)
        return json.loads(rows[0][0]) if rows else None

    def put(self, kind: str, key: str, value: Any) -> None:
        self.db.execute("INSERT INTO records (kind, key, value) VALUES (?, ?, ?) "
                        "ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value",
                        kind, key, json.dumps(value, sort_keys=True, ensure_ascii=False))

    def delete(self, kind: str, key: str) -> None:
        self.db.execute("DELETE FROM records WHERE kind = ? AND key = ?", kind, key)

    def keys(self, kind: str) -> list[str]:
        return sorted(row[0] for row in self.db.query("SELECT key FROM records WHERE kind = ?", kind))


class Shelf:
    """The records of one kind."""

    def __init__(self, records: Records, kind: str) -> None:
        self.records = records
        self.kind = kind

    def get(self, key: str) -> Any:
        """The value under `key`, None when there is none."""
        return self.records.get(self.kind, key)

    def put(self, key: str, value: Any) -> None:
        """Write the value under `key`."""
        self.records.put(self.kind, key, value)

    def delete(self, key: str) -> None:
        """Delete the record under `key`."""
        self.records.delete(self.kind, key)

    def keys(self) -> list[str]:
        """Every key of this kind."""
        return self.records.keys(self.kind)

    def load(self, key: str, decode: Callable[[Any], Record], fresh: Callable[[], Record],
             if_unreadable: str) -> Record:
        """`decode` of the record under `key`; `fresh()` when there is none, and when it cannot be read or
        decoded (logged as a warning that ends with `if_unreadable`, what losing it costs)."""
        try:
            value = self.get(key)
            return fresh() if value is None else decode(value)
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            log.warning("%s/%s unreadable (%s); %s", self.kind, key, exc, if_unreadable)
            return fresh()


def _template(kind: str) -> str:
    return FILE_LAYOUT.get(kind) or f"{kind}/{{key}}.json"


def _is_json(kind: str) -> bool:
    return _template(kind).endswith(".json")
