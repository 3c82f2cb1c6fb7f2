"""index/store/records.py: the same records in files (the home's layout) and in a database (both engines)."""
from __future__ import annotations

import json

import pytest

from index.store.database import open_database
from index.store.records import DatabaseRecords, FileRecords, Shelf


@pytest.fixture(params=["files", "sqlite", "postgresql"])
def records(request, tmp_path):
    if request.param == "files":
        return FileRecords(tmp_path / "home")
    if request.param == "sqlite":
        return DatabaseRecords(open_database(tmp_path / "state.sqlite3"))
    return DatabaseRecords(open_database(request.getfixturevalue("postgres").new_database()))


def test_get_put_delete_keys(records):
    assert records.get("fetch/news", "a") is None
    records.put("fetch/news", "a", {"etag": "x", "pages": {"u": {"n": 1}}})
    records.put("fetch/news", "g1~b", {"etag": "y"})
    records.put("fetch/other", "c", {})
    records.put("fetch/news", "a", {"etag": "z"})  # replaced
    assert records.get("fetch/news", "a") == {"etag": "z"}
    assert records.keys("fetch/news") == ["a", "g1~b"]
    records.delete("fetch/news", "a")
    records.delete("fetch/news", "never")
    assert records.keys("fetch/news") == ["g1~b"]
    assert records.get("fetch/news", "a") is None


def test_text_records_such_as_a_servers_sources_config(records):
    toml = '[[source]]\nname = "club"  # ünïcode\n'
    records.put("guild-sources", "42", toml)
    records.put("guild-sources", "7", "")
    assert records.get("guild-sources", "42") == toml
    assert records.keys("guild-sources") == ["42", "7"]
    records.delete("guild-sources", "42")
    assert records.keys("guild-sources") == ["7"]


def test_files_keep_the_homes_layout(tmp_path):
    records = FileRecords(tmp_path)
    records.put("fetch/news", "a", {"etag": "x"})
    records.put("state", "news", {"a": "2026-01-01"})
    records.put("guild-sources", "42", "[[source]]\n")
    records.put("scoped", "news-v2", "1\n")
    assert json.loads((tmp_path / "fetch/news/a.json").read_text()) == {"etag": "x"}
    assert json.loads((tmp_path / "state/news.json").read_text()) == {"a": "2026-01-01"}
    assert (tmp_path / "guilds/42/sources.toml").read_text() == "[[source]]\n"
    assert (tmp_path / "state/news-v2.scoped").exists()
    records.delete("guild-sources", "42")
    assert not (tmp_path / "guilds/42").exists()
    records.delete("guild-sources", "42")  # again, and of a server that never had one: nothing
    records.delete("guild-sources", "7")
    with pytest.raises(ValueError):
        records.put("fetch/news", "../x", {})


def test_an_unreadable_record_loads_fresh_with_a_warning(tmp_path, caplog):
    records = FileRecords(tmp_path)
    (tmp_path / "health").mkdir()
    (tmp_path / "health/a.json").write_text("{not json")
    shelf = Shelf(records, "health")
    assert shelf.load("a", dict, lambda: {"fresh": True}, "it starts afresh") == {"fresh": True}
    assert "it starts afresh" in caplog.text
    assert shelf.load("b", dict, lambda: {"fresh": True}, "") == {"fresh": True}
