"""The CLI for a bot in many servers: `invite`, `forget-server`, `feedback --by`."""
from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlparse

import pytest

from tests.support.cli_process import newsbot

pytestmark = pytest.mark.slow  # each test runs `newsbot` processes

SEEDS = __import__("pathlib").Path(__file__).resolve().parents[2] / "seeds"


def test_invite_prints_the_url_with_scopes_and_the_smallest_permissions(tmp_path):
    import discord

    token = base64.b64encode(b"123456789012345678").decode().rstrip("=") + ".GhIjKl.secret-part"
    for args, env in ((("--client-id", "123456789012345678"), {}), ((), {"DISCORD_TOKEN": token})):
        result = newsbot("invite", *args, home=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        url = urlparse(result.stdout.strip())
        query = parse_qs(url.query)
        assert (url.netloc, url.path) == ("discord.com", "/oauth2/authorize")
        assert query["client_id"] == ["123456789012345678"] and query["scope"] == ["bot applications.commands"]
        granted = discord.Permissions(int(query["permissions"][0]))
        assert {name for name, on in granted if on} == {  # read_messages is View Channel
            "read_messages", "send_messages", "send_messages_in_threads", "embed_links", "read_message_history",
            "create_public_threads"}
        assert "secret-part" not in result.stdout + result.stderr
    missing = newsbot("invite", home=tmp_path)
    assert missing.returncode == 1 and missing.stderr.startswith("newsbot: error: pass --client-id")


def test_forget_server_removes_its_sources_chunks_and_settings(tmp_path):
    from tests.support.discord_bot import state_at

    home = tmp_path / "home"
    server = home / "guilds" / "42"
    server.mkdir(parents=True)
    (server / "sources.toml").write_text(f'[[source]]\nname = "club"\nkind = "folder"\nlocation = "{SEEDS}"\n')
    state_at(home / "guilds.sqlite3").servers.set_channel(42, 7, "deny")
    state_at(home / "guilds.sqlite3").subscriptions.add_follow(42, "chess", owner_id=5, channel_id=7)
    env = {"NEWSBOT_SOURCES": str(SEEDS / "sources.toml")}
    assert newsbot("index", home=home, env=env).returncode == 0
    listed = {(s["name"], s["scope"], s["articles"]) for s in json.loads(newsbot("sources", "--json", home=home,
                                                                                  env=env).stdout)}
    assert listed == {("seeds", "shared", 1), ("club", "g42", 1)}
    assert "club (server 42)" in newsbot("sources", home=home, env=env).stdout

    result = newsbot("forget-server", "42", home=home, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "forgot server 42: sources club removed; its settings removed"
    listed = [(s["name"], s["scope"], s["chunks"] > 0) for s in json.loads(newsbot("sources", "--json", home=home,
                                                                                   env=env).stdout)]
    assert listed == [("seeds", "shared", True)] and not server.exists()
    state = state_at(home / "guilds.sqlite3")
    assert state.servers.channel_rules(42).denied == frozenset() and state.subscriptions.follows(42) == []
    doctor = newsbot("doctor", home=home, env=env)
    assert doctor.returncode == 0, doctor.stdout  # nothing of the server is left behind


def test_feedback_by_source_and_by_server(tmp_path):
    """The store files votes under scopes; the CLI shows them per Discord server, never one's in another's."""
    from index.service.feedback import FeedbackStore
    from index.types import Scope

    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    chess = {"n": 1, "title": "Chess", "url": "", "source": "club", "scope": "g42"}
    seeds = {"n": 2, "title": "Putin", "url": "", "source": "seeds", "scope": "shared"}
    other = {"n": 1, "title": "Chess", "url": "", "source": "club", "scope": "g43"}
    store.add("q1", "a1", 1, 1, scope=Scope.server(42), place="7", citations=(chess, seeds))
    store.add("q2", "a2", 2, -1, scope=Scope.server(42), place="7", citations=(chess,))
    store.add("q3", "a3", 3, 1, citations=(seeds,))
    store.add("q4", "a4", 4, -1, scope=Scope.server(43), place="7", citations=(other,))
    store.close()
    by_source = json.loads(newsbot("feedback", "--by", "source", "--json", home=tmp_path).stdout)
    assert [(r["key"], r["up"], r["down"]) for r in by_source] == [("club (server 42)", 1, 1), ("seeds", 2, 0),
                                                                   ("club (server 43)", 0, 1)]
    listed = newsbot("feedback", home=tmp_path).stdout
    assert "👎  user 2  server 42" in listed and "👎  user 4  server 43" in listed and "👍  user 3\n" in listed
    text = newsbot("feedback", "--by", "server", home=tmp_path).stdout.splitlines()
    assert text[0].split() == ["SERVER", "👍", "👎"]
    assert [line.rsplit(None, 2) for line in text[1:]] == [["42", "1", "1"], ["43", "0", "1"],
                                                           ["direct messages", "1", "0"]]
    by_server = json.loads(newsbot("feedback", "--by", "server", "--json", home=tmp_path).stdout)
    assert by_server == [{"key": "42", "up": 1, "down": 1}, {"key": "43", "up": 0, "down": 1},
                         {"key": "direct messages", "up": 1, "down": 0}]
    rows = json.loads(newsbot("feedback", "--json", home=tmp_path).stdout)
    assert [(r["user_id"], r["guild_id"], r["channel_id"]) for r in rows] == [("4", "43", "7"), ("3", "", ""),
                                                                             ("2", "42", "7"), ("1", "42", "7")]
    assert "scope" not in rows[0] and "place" not in rows[0]  # the JSON users had: a server and a channel
