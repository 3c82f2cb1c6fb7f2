"""index/store/database.py on both engines: the same SQL, transactions, locks across processes, outages."""
from __future__ import annotations

import threading

import pytest

from index.errors import BadInput, IndexBusy, StoreUnavailable
from index.store.database import open_database, redact

SCHEMA = """
CREATE TABLE IF NOT EXISTS things (id {serial}, name TEXT NOT NULL UNIQUE, body {json});
CREATE TABLE IF NOT EXISTS counts (k TEXT PRIMARY KEY, n INTEGER NOT NULL)
"""


def test_the_same_sql_runs_on_both_engines(database_url):
    db = open_database(database_url)
    db.prepare(SCHEMA)
    db.prepare(SCHEMA)  # twice: nothing changes
    first = db.query("INSERT INTO things (name, body) VALUES (?, ?) RETURNING id", "a", '{"x": 1}')[0][0]
    second = db.query("INSERT INTO things (name, body) VALUES (?, ?) RETURNING id", "b", "100%")[0][0]
    assert second > first
    assert db.execute("INSERT INTO things (name) VALUES (?) ON CONFLICT (name) DO NOTHING", "a") == 0
    assert db.query("SELECT name, body FROM things ORDER BY id") == [("a", '{"x": 1}'), ("b", "100%")]
    assert db.execute("DELETE FROM things WHERE name = ?", "a") == 1
    db.close()


def test_a_transaction_commits_together_or_not_at_all(database_url):
    db = open_database(database_url)
    db.prepare(SCHEMA)
    with pytest.raises(RuntimeError):
        with db.transaction():
            db.execute("INSERT INTO counts (k, n) VALUES (?, ?)", "x", 1)
            raise RuntimeError("half way")
    assert db.query("SELECT COUNT(*) FROM counts") == [(0,)]
    with db.transaction():
        db.execute("INSERT INTO counts (k, n) VALUES (?, ?)", "x", 1)
        db.execute("UPDATE counts SET n = n + 1 WHERE k = ?", "x")
    assert db.query("SELECT n FROM counts WHERE k = ?", "x") == [(2,)]


def test_concurrent_increments_from_threads_are_not_lost(database_url):
    db = open_database(database_url)
    db.prepare(SCHEMA)
    db.execute("INSERT INTO counts (k, n) VALUES (?, 0)", "hits")

    def hit() -> None:
        for _ in range(25):
            db.execute("UPDATE counts SET n = n + 1 WHERE k = ?", "hits")

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert db.query("SELECT n FROM counts WHERE k = ?", "hits") == [(100,)]


def test_a_lock_is_held_by_one_holder_at_a_time(database_url):
    one, two = open_database(database_url), open_database(database_url)
    with one.try_lock("refresh:feed", "a refresh"):
        with pytest.raises(IndexBusy, match="a refresh is already running"):
            with two.try_lock("refresh:feed", "a refresh"):
                pass
        with two.try_lock("refresh:other"):
            pass  # another name is another lock
    with two.try_lock("refresh:feed"):
        pass  # released with the block


def test_an_unreachable_server_is_one_line_and_the_next_call_connects_again(postgres):
    url = postgres.new_database()
    db = open_database(url)
    db.prepare(SCHEMA)
    postgres.stop()
    try:
        with pytest.raises(StoreUnavailable) as failure:
            db.query("SELECT COUNT(*) FROM things")
        assert "\n" not in str(failure.value) and "127.0.0.1" in str(failure.value)
    finally:
        postgres.start()
    assert db.query("SELECT COUNT(*) FROM things") == [(0,)]


def test_a_url_that_is_not_postgresql_is_refused_and_passwords_never_shown():
    with pytest.raises(BadInput, match="postgresql://"):
        open_database("mysql://u:secret@h/db")
    assert redact("postgresql://u:secret@h:5432/db") == "postgresql://u:***@h:5432/db"
    db = open_database("postgresql://u:secret@127.0.0.1:1/db")
    with pytest.raises(StoreUnavailable) as failure:
        db.query("SELECT 1")
    assert "secret" not in str(failure.value)


def test_a_table_is_copied_to_postgresql_resumably_and_its_keys_go_on(tmp_path, postgres):
    from index.store.database import copy_table

    source = open_database(tmp_path / "home.sqlite3")
    source.prepare(SCHEMA)
    for name in ("a", "b", "c"):
        source.execute("INSERT INTO things (name, body) VALUES (?, ?)", name, "{}")
    target = open_database(postgres.new_database())
    target.prepare(SCHEMA)
    target.execute("INSERT INTO things (id, name, body) VALUES (1, 'a', '{}')")  # a copy stopped half way
    assert copy_table(source, target, "things") == (3, 3)
    assert copy_table(source, target, "things") == (3, 3)  # again: nothing doubled
    assert target.query("SELECT id, name FROM things ORDER BY id") == [(1, "a"), (2, "b"), (3, "c")]
    new = target.query("INSERT INTO things (name, body) VALUES (?, ?) RETURNING id", "d", "{}")[0][0]
    assert new == 4  # the sequence goes on after the copied keys


def test_a_missing_database_and_a_refused_login_are_one_line_each(postgres):
    missing = open_database(postgres.url("no_such_database"))
    with pytest.raises(StoreUnavailable) as failure:
        missing.query("SELECT 1")
    assert "no_such_database" in str(failure.value) and "does not exist" in str(failure.value)
    assert "\n" not in str(failure.value)
    refused = open_database(postgres.url().replace(f"{postgres.user}@", "nobody:pw@"))
    with pytest.raises(StoreUnavailable) as failure:
        refused.query("SELECT 1")
    assert "\n" not in str(failure.value) and "pw@" not in str(failure.value)
