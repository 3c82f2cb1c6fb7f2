"""When each source was last indexed: one small record per logical index (`state/<collection>.json` under the
home folder, or a row of the database), written in one step."""
from __future__ import annotations

from index.store.records import Records


class RunState:
    """Source name (inside the index) -> ISO 8601 time it was last indexed."""

    def __init__(self, records: Records, collection: str) -> None:
        self.records = records
        self.collection = collection

    def load(self) -> dict[str, str]:
        """What the record holds ({} when it is missing or unreadable)."""
        try:
            found = self.records.get("state", self.collection)
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def save(self, state: dict[str, str]) -> None:
        """Replace the record with `state`."""
        self.records.put("state", self.collection, state)
