"""The oldest and newest article of each source (index/sources/source_dates.py): pure."""
from __future__ import annotations

from index.sources.source_dates import source_dates


def test_oldest_and_newest_per_source_from_dated_chunks_only():
    metadatas = [{"source": "a", "published": "2025-03-12T10:00:00"}, {"source": "a", "published": "2025-01-02"},
                 {"source": "b", "published": ""}, {"source": "b", "published": "2025-02-02"}, None,
                 {"source": "c"}]
    assert source_dates(metadatas) == {"a": ("2025-01-02", "2025-03-12"), "b": ("2025-02-02", "2025-02-02")}
