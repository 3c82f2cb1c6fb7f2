"""End to end: admin commands (/reindex, /source) and how failures reach the user."""
from __future__ import annotations

import asyncio
import re

import pytest

from index.store.locking import exclusive
from tests.support.discord_helpers import assert_acknowledged_in_time, buttons, is_ephemeral
from tests.support.fake_discord import MANAGE_GUILD, MEMBER_PERMISSIONS, FakeDiscord

DEFERRED, MESSAGE, UPDATE = 5, 4, 7
ADMIN = MEMBER_PERMISSIONS | MANAGE_GUILD
# The shared sources are re-indexed from Discord by the bot's operators only (NEWSBOT_OPERATOR_IDS).
OPERATORS = tuple(int(FakeDiscord().user(name)["id"]) for name in ("alice", "bob"))


@pytest.mark.slow
def test_reindex_is_for_admins_and_shows_progress(run_bot_scenario):
    async def scenario(fake: FakeDiscord, bot):
        refused = await fake.slash("reindex", user="bob")
        await fake.wait_for(lambda: refused.acks)
        assert_acknowledged_in_time(refused, MESSAGE)
        assert is_ephemeral(refused.acks[0][2]) and "Only server admins" in refused.acks[0][2]["content"]

        run = await fake.slash("reindex", permissions=ADMIN)
        await fake.wait_for(lambda: any("finished" in (e.get("content") or "") for e in run.edits))
        assert_acknowledged_in_time(run, DEFERRED)
        contents = [e["content"] for e in run.edits]
        progress = [c for c in contents if c.startswith("Re-indexing: indexed")]
        assert progress and re.fullmatch(r"Re-indexing: indexed (\d+)/\1 articles…", progress[-1]), contents
        assert contents[-1].startswith("Re-index finished in")
        assert re.search(r"0 added, 0 updated, [23] unchanged, 0 deleted\.$", contents[-1]), contents[-1]

        # Through an admin role (NEWSBOT_ADMIN_ROLE_IDS) instead of Manage Server, for one source.
        by_role = await fake.slash("reindex", {"source": "news"}, roles=[fake.admin_role_id])
        await fake.wait_for(lambda: by_role.edits and "finished" in by_role.edits[-1]["content"])
        assert "Re-index of **news** finished" in by_role.edits[-1]["content"]
        assert "2 unchanged" in by_role.edits[-1]["content"]
    run_bot_scenario(scenario, admin_role_ids=(int(FakeDiscord().admin_role_id),), operator_ids=OPERATORS)


def test_a_second_reindex_is_refused_politely(run_bot_scenario, service):
    async def scenario(fake: FakeDiscord, bot):
        first, second = await asyncio.gather(fake.slash("reindex", permissions=ADMIN),
                                             fake.slash("reindex", permissions=ADMIN, user="bob"))
        await fake.wait_for(lambda: second.acks and first.edits and "finished" in first.edits[-1]["content"])
        assert_acknowledged_in_time(second, MESSAGE)
        assert is_ephemeral(second.acks[0][2])
        assert second.acks[0][2]["content"] == "A re-index is already running; please wait for it to finish."

        # Another process (e.g. `newsbot index` from the CLI) holding the core's lock: the same, politely.
        with exclusive(service.paths.lock):
            third = await fake.slash("reindex", permissions=ADMIN)
            await fake.wait_for(lambda: third.followups)
        assert_acknowledged_in_time(third, DEFERRED)
        [message] = third.followups
        assert is_ephemeral(message) and message["content"].startswith("a re-index is already running")
        assert third.original_deleted  # the public "thinking…" placeholder is gone
    run_bot_scenario(scenario, operator_ids=OPERATORS)


def test_source_add_refuses_a_private_address_with_a_short_message(run_bot_scenario):
    async def scenario(fake: FakeDiscord, bot):
        inter = await fake.slash("source", {"location": "http://127.0.0.1:9/feed.xml"}, sub="add",
                                 permissions=ADMIN)
        await fake.wait_for(lambda: inter.followups)
        assert_acknowledged_in_time(inter, DEFERRED)
        [message] = inter.followups
        assert is_ephemeral(message) and message["content"].startswith("cannot add <http://127.0.0.1:9/feed.xml>")
        assert "Traceback" not in message["content"] and len(message["content"]) < 400
    run_bot_scenario(scenario)


def test_source_remove_asks_for_confirmation(run_bot_scenario, service):
    scope = f"g{FakeDiscord().guild_id}"
    config = service.settings.home / "guilds" / scope[1:] / "sources.toml"  # as `/source add` writes it
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[[source]]\nname = "notes"\nkind = "folder"\nlocation = "{service.settings.home / "scratch"}"\n')

    async def scenario(fake: FakeDiscord, bot):
        denied = await fake.slash("source", {"name": "notes"}, sub="remove")
        shared = await fake.slash("source", {"name": "scratch"}, sub="remove", permissions=ADMIN)
        await fake.wait_for(lambda: denied.acks and shared.acks)
        assert "Only server admins" in denied.acks[0][2]["content"]
        # The shared sources change only from the CLI and the config file.
        assert shared.acks[0][2]["content"] == "There is no source named 'scratch' in this server; see /sources."

        inter = await fake.slash("source", {"name": "notes"}, sub="remove", permissions=ADMIN)
        await fake.wait_for(lambda: inter.acks)
        assert_acknowledged_in_time(inter, MESSAGE)
        prompt = inter.original
        assert is_ephemeral(prompt) and buttons(prompt) == ["newsbot:confirm", "newsbot:cancel"]
        assert "notes" in {s.name for s in service.sources([scope])}

        intruder = await fake.click(prompt, "newsbot:confirm", user="bob")
        await fake.wait_for(lambda: intruder.acks)
        assert "Only the admin who ran the command" in intruder.acks[0][2]["content"]
        assert "notes" in {s.name for s in service.sources([scope])}

        confirm = await fake.click(prompt, "newsbot:confirm")
        await fake.wait_for(lambda: inter.edits)
        assert_acknowledged_in_time(confirm, UPDATE)
        assert inter.edits[-1]["content"] == "Removed the source **notes**."
        assert inter.edits[-1]["components"] == []
        assert service.sources([scope]) == []
        assert "scratch" in {s.name for s in service.sources()}
    run_bot_scenario(scenario)
