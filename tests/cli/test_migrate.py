"""`newsbot migrate --to postgresql://…` (bot/cli_migrate.py, index/service/migration.py) as a user runs it: a
home's state moved into a real PostgreSQL, the counts printed and checked, a second run changing nothing, and the
home then used on the database with nothing lost (no article re-embedded, the server's settings and sources there)."""
from __future__ import annotations

import json
import sqlite3

import pytest

from index.types import Scope
from tests.support.cli_process import assert_clean_error, newsbot
from tests.support.discord_bot import state_at
from tests.support.paths import SEEDS

pytestmark = pytest.mark.slow


def _home_with_state(tmp_path):
    home = tmp_path / "home"
    server = home / "guilds" / "42"
    server.mkdir(parents=True)
    (server / "sources.toml").write_text(f'[[source]]\nname = "club"\nkind = "folder"\nlocation = "{SEEDS}"\n')
    env = {"NEWSBOT_SOURCES": str(SEEDS / "sources.toml")}
    assert newsbot("index", home=home, env=env).returncode == 0
    state = state_at(home / "guilds.sqlite3")
    state.servers.set_channel(42, 7, "deny")
    state.schedules.add(42, 7, "08:00", "day", 0, "UTC", (), "2025-03-19T09:00:00+00:00")
    state.subscriptions.add_feed(42, 7, Scope.server(42), "club", "", "", 5)

    _old_feedback(home / "feedback.sqlite3")
    return home, env


def _old_feedback(path) -> None:
    """Votes as a version that kept their Discord server and channel in columns of their own wrote them."""
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL, user_id TEXT "
                "NOT NULL, vote INTEGER NOT NULL CHECK (vote IN (-1, 1)), question TEXT NOT NULL, answer TEXT NOT "
                "NULL, guild_id TEXT NOT NULL DEFAULT '', channel_id TEXT NOT NULL DEFAULT '', citations TEXT NOT "
                "NULL DEFAULT '[]')")
    old.execute("INSERT INTO feedback (created, user_id, vote, question, answer, guild_id, channel_id) VALUES "
                "('2025-03-19T09:00:00+00:00', '5', 1, 'q?', 'a.', '42', '7'), "
                "('2025-03-19T10:00:00+00:00', '6', -1, 'dm?', 'b.', '', '')")
    old.commit()
    old.close()


def test_a_home_moves_into_postgresql_and_loses_nothing(tmp_path, postgres):
    home, env = _home_with_state(tmp_path)
    url = postgres.new_database()
    first = newsbot("migrate", "--to", url, home=home, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    lines = first.stdout.splitlines()
    assert "feedback: 2 in the home, 2 in PostgreSQL" in lines
    assert "bot: channel_rules: 1 in the home, 1 in PostgreSQL" in lines
    assert "bot: digest_schedules: 1 in the home, 1 in PostgreSQL" in lines
    assert any(line.startswith("records guild-sources: 1 in the home, 1") for line in lines)
    assert any(line.startswith("docstores ") and "MISSING" not in line for line in lines)
    assert lines[-1].startswith("done: set NEWSBOT_DATABASE_URL=")
    again = newsbot("migrate", "--to", url, home=home, env=env)
    assert again.returncode == 0 and again.stdout == first.stdout  # resumable: a second run changes nothing

    on_db = env | {"NEWSBOT_DATABASE_URL": url}
    report = newsbot("index", home=home, env=on_db)
    assert report.returncode == 0, report.stderr
    assert "unchanged 2" in report.stdout and "0 chunks embedded" in report.stdout  # the hashes came along
    listed = {(s["name"], s["scope"], s["articles"]) for s in
              json.loads(newsbot("sources", "--json", home=home, env=on_db).stdout)}
    assert listed == {("seeds", "shared", 1), ("club", "g42", 1)}
    state = state_at(url)
    assert state.servers.channel_rules(42).denied == frozenset({7})
    assert [s.at for s in state.schedules.of_guild(42)] == ["08:00"]
    new_id = state.schedules.add(42, 7, "09:00", "day", 0, "UTC", (), "2025-03-19T09:00:00+00:00")
    assert new_id > state.schedules.of_guild(42)[0].id  # keys go on after the copied ones
    votes = newsbot("feedback", "--json", home=home, env=on_db)
    assert [(v["question"], v["guild_id"], v["channel_id"]) for v in json.loads(votes.stdout)] == [
        ("dm?", "", ""), ("q?", "42", "7")]
    by_server = newsbot("feedback", "--by", "server", home=home, env=on_db).stdout.splitlines()
    assert [line.rsplit(None, 2) for line in by_server[1:]] == [["42", "1", "0"], ["direct messages", "0", "1"]]


def test_a_database_that_cannot_be_reached_is_one_line(tmp_path):
    result = newsbot("migrate", "--to", "postgresql://newsbot:secret@127.0.0.1:1/none", home=tmp_path / "home")
    assert_clean_error(result, "cannot reach")
    assert "secret" not in result.stderr
    wrong = newsbot("migrate", "--to", "mysql://x", home=tmp_path / "home")
    assert wrong.returncode != 0 and "postgresql://" in wrong.stderr and "Traceback" not in wrong.stderr
