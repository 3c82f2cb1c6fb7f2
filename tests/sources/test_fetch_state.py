"""The fetch state of a source survives a restart whole; a file that cannot be read costs a re-fetch, never a
crash (index/sources/fetch_state.py over index/store/atomic_files.py)."""
from __future__ import annotations

import json

import pytest

from index.sources import fetch_state as fs
from index.store.records import FileRecords, Shelf


def test_the_state_and_its_pages_survive_a_restart(tmp_path):
    shelf = Shelf(FileRecords(tmp_path), "fetch")
    state = fs.SourceState(etag='"v1"', last_refresh="2025-03-19T10:00:00+00:00", failures=2,
                           pages={"https://example.com/a": fs.PageState(article_id="a1", guid="g1", not_found=1)})
    fs.save_state(shelf, "g1::feed", state)
    loaded = fs.load_state(shelf, "g1::feed")
    assert loaded == state
    assert isinstance(loaded.pages["https://example.com/a"], fs.PageState)
    assert loaded.validators() == {"If-None-Match": '"v1"'}
    assert (tmp_path / "fetch" / "g1::feed.json").exists() and not list(tmp_path.rglob("*.tmp"))  # written through a temporary file, moved into place

    fs.forget_state(shelf, "g1::feed")
    assert fs.load_state(shelf, "g1::feed") == fs.SourceState()


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", json.dumps({"etag": "x", "unknown": 1}).encode(),
                                     json.dumps({"pages": {"u": {"no_such_field": 1}}}).encode(), b"\xff\xfe{}"])
def test_an_unreadable_state_is_an_empty_one_and_says_so(tmp_path, caplog, content):
    shelf = Shelf(FileRecords(tmp_path), "fetch")
    shelf.records.path("fetch", "broken").parent.mkdir()
    shelf.records.path("fetch", "broken").write_bytes(content)
    assert fs.load_state(shelf, "broken") == fs.SourceState()
    assert "its pages will be fetched again" in caplog.text
