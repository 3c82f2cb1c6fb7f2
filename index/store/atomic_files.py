"""Files of the data folder written atomically (a kill mid-write leaves the previous file whole), and the
one-JSON-file-per-source records kept that way (fetch state, source health)."""
from __future__ import annotations

import json
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, TypeVar

log = logging.getLogger(__name__)
Record = TypeVar("Record")


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then move it over `path` in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def save_json_record(path: Path, record: Any) -> None:
    """Write a dataclass `record` to `path` as indented JSON with sorted keys, atomically."""
    write_text_atomic(path, json.dumps(asdict(record), indent=1, sort_keys=True))


def load_json_record(path: Path, decode: Callable[[dict], Record], fresh: Callable[[], Record],
                     if_unreadable: str) -> Record:
    """`decode` of the JSON object at `path`; `fresh()` when there is none, and when it cannot be read or
    decoded (logged as a warning that ends with `if_unreadable`, what losing it costs)."""
    try:
        return decode(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return fresh()
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        log.warning("%s unreadable (%s); %s", path, exc, if_unreadable)
        return fresh()
