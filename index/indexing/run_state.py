"""When each source was last indexed: one small JSON file per logical index, written atomically."""
from __future__ import annotations

import json
from pathlib import Path

from index.store.atomic_files import write_text_atomic


class RunState:
    """Source name (inside the index) -> ISO 8601 time it was last indexed."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, str]:
        """What the file holds ({} when it is missing or unreadable)."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def save(self, state: dict[str, str]) -> None:
        """Replace the file with `state`."""
        write_text_atomic(self.path, json.dumps(state, indent=2, sort_keys=True))
