"""End to end: where the bot answers (channel rules, DMs, NEWSBOT_GUILD_IDS), settings that survive a
restart, a server removed and forgotten after the grace period, and feedback with its server and sources."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from bot.discord.rules import NO_DMS, NOT_ENABLED
from bot.discord.guilds import NOT_ENABLED_NOTICE
from bot.discord.limits import Limits
from index.types import Scope
from tests.support.discord_bot import running_bot, state_at
from tests.support.discord_helpers import finished, is_ephemeral, text_of
from tests.support.scoped_sources import (ADMIN, CHESS, MANY, SEED_TITLE, add_and_index, ask, pages_server)
from tests.support.fake_discord import FakeDiscord
from tests.support.chroma_view import live_chroma

QUESTION = "What did Putin agree to?"



async def _refusal(fake: FakeDiscord, inter) -> str:
    await fake.wait_for(lambda: inter.acks)
    assert is_ephemeral(inter.acks[0][2]), inter.acks
    return inter.acks[0][2]["content"]


def test_channel_rules_are_kept_across_a_restart(service, feedback, tmp_path):
    path = tmp_path / "guilds.sqlite3"

    async def main() -> None:
        async with running_bot(service, feedback, state=state_at(path), limits=MANY) as (fake, bot):
            side, main_channel = fake.side_channel_id, fake.channel_id
            member = await fake.slash("channels", sub="allow", channel_id=side)
            allow = await fake.slash("channels", sub="allow", channel_id=side, permissions=ADMIN)
            assert "Only server admins" in await _refusal(fake, member)
            assert await _refusal(fake, allow) == f"I answer only in <#{side}>."

            refused = await fake.slash("ask", {"question": QUESTION}, channel_id=main_channel)
            assert await _refusal(fake, refused) == f"I only answer in <#{side}> in this server."
            await fake.say(f"<@{fake.bot_user['id']}> {QUESTION}", mention_bot=True, channel_id=main_channel)
            await fake.say(f"<@{fake.bot_user['id']}> {QUESTION}", mention_bot=True, channel_id=side)
            await fake.wait_for(lambda: fake.bot_messages(side))
            assert SEED_TITLE in text_of(fake.bot_messages(side)[0])
            assert fake.bot_messages(main_channel) == []  # the mention elsewhere was ignored

        async with running_bot(service, feedback, state=state_at(path), limits=MANY) as (fake, bot):
            refused = await fake.slash("ask", {"question": QUESTION}, channel_id=fake.channel_id)
            assert await _refusal(fake, refused) == f"I only answer in <#{fake.side_channel_id}> in this server."
            deny = await fake.slash("channels", sub="deny", channel_id=fake.side_channel_id, permissions=ADMIN)
            assert await _refusal(fake, deny) == f"I answer in every channel except <#{fake.side_channel_id}>."
            assert SEED_TITLE in await ask(fake, QUESTION, fake.channel_id)
            reset = await fake.slash("channels", sub="reset", permissions=ADMIN)
            assert await _refusal(fake, reset) == "I answer in every channel."
    asyncio.run(main())


@pytest.mark.slow
def test_direct_messages_only_when_allowed_and_from_the_shared_sources(scoped_service, feedback):
    async def main() -> None:
        with pages_server() as web:
            async with running_bot(scoped_service, feedback, guild_sync=False, limits=MANY) as (fake, bot):
                await add_and_index(fake, web, [(fake.channel_id, "/chess", "chess")])
                refused = await fake.slash("ask", {"question": QUESTION}, channel_id=fake.dm_channel_id)
                assert await _refusal(fake, refused) == NO_DMS
                german = await fake.slash("ask", {"question": "Welchen Angriffen hat Putin eine Pause zugestimmt?"},
                                          channel_id=fake.dm_channel_id)
                assert await _refusal(fake, german) == "Auf Direktnachrichten antworte ich hier nicht; frag mich auf einem Server."
                await fake.say(QUESTION, channel_id=fake.dm_channel_id)
                assert CHESS[0] in await ask(fake, "Where does the Riverside chess club meet?", fake.channel_id)
                assert fake.bot_messages(fake.dm_channel_id) == []

        async with running_bot(scoped_service, feedback, guild_sync=False, limits=MANY,
                               allow_dms=True) as (fake, bot):
            assert SEED_TITLE in await ask(fake, QUESTION, fake.dm_channel_id)
            assert CHESS[0] not in await ask(fake, "Where does the Riverside chess club meet?", fake.dm_channel_id)
            await fake.say("where does the riverside chess club meet?", channel_id=fake.dm_channel_id)
            await fake.wait_for(lambda: fake.bot_messages(fake.dm_channel_id))
            assert "Ingrid" not in text_of(fake.bot_messages(fake.dm_channel_id)[0])
            dm = await fake.slash("ask", {"question": QUESTION}, channel_id=fake.dm_channel_id)
            await finished(fake, dm)
            vote = await fake.click(dm.followups[0], "newsbot:up")
            await fake.wait_for(lambda: vote.followups)
    asyncio.run(main())
    [row] = feedback.list()  # a vote in a DM: the shared scope, the one a DM is answered from
    assert (row.vote, row.scope, row.place) == (1, Scope.SHARED, FakeDiscord().dm_channel_id)


def test_a_server_outside_the_allow_list_gets_no_answer_and_one_notice(service, feedback, tmp_path):
    path = tmp_path / "guilds.sqlite3"
    enabled = [int(FakeDiscord().guild_id)]

    async def once() -> list[str]:
        async with running_bot(service, feedback, second_guild=True, guild_ids=enabled, limits=MANY,
                               state=state_at(path)) as (fake, bot):
            assert fake.other_guild_id not in fake.commands  # no commands registered there
            await fake.say(f"<@{fake.bot_user['id']}> {QUESTION}", mention_bot=True, channel_id=fake.other_channel_id)
            await fake.say(f"<@{fake.bot_user['id']}> {QUESTION}", mention_bot=True)
            await fake.wait_for(lambda: fake.bot_messages(fake.channel_id))
            # Global commands left from a run without NEWSBOT_GUILD_IDS still reach the bot: refused too.
            fake.commands["global"] = fake.commands[fake.guild_id]
            stale = await fake.slash("ask", {"question": QUESTION}, channel_id=fake.other_channel_id)
            assert await _refusal(fake, stale) == NOT_ENABLED
            spanish = await fake.slash("ask", {"question": "¿Qué ataques aceptó pausar Putin?"},
                                       channel_id=fake.other_channel_id)
            assert await _refusal(fake, spanish) == "newsbot no está activado en este servidor."
            await asyncio.sleep(0.2)
            return [m["content"] for m in fake.bot_messages(fake.other_channel_id)]

    assert asyncio.run(once()) == [NOT_ENABLED_NOTICE]
    assert asyncio.run(once()) == []  # told once, not at every start


@pytest.mark.slow
def test_a_removed_server_is_forgotten_after_the_grace_period(scoped_service, feedback, tmp_path):
    state = state_at(tmp_path / "guilds.sqlite3")
    settings = state.servers

    async def main() -> None:
        with pages_server() as web:
            async with running_bot(scoped_service, feedback, second_guild=True, state=state,
                                   limits=MANY) as (fake, bot):
                b = fake.other_guild_id
                await add_and_index(fake, web, [(fake.other_channel_id, "/chess", "chess")])
                await fake.wait_for(lambda: fake.interactions)  # (every admin step above has finished)
                deny = await fake.slash("channels", sub="deny", channel_id=fake.other_channel_id, permissions=ADMIN)
                await fake.wait_for(lambda: deny.acks)
                await fake.remove_guild(b)
                loop = asyncio.get_running_loop()
                deadline = loop.time() + 10
                while not settings.removed_before(datetime.now(timezone.utc) + timedelta(seconds=1)):
                    assert loop.time() < deadline, "the removal was not recorded"
                    await asyncio.sleep(0.02)
                events = bot.get_cog("GuildEvents")
                now = datetime.now(timezone.utc)
                assert await events.forget_removed(now) == []  # within the grace period: kept
                assert [s.name for s in scoped_service.sources([f"g{b}"])] == ["chess"]
                assert await events.forget_removed(now + timedelta(days=8)) == [int(b)]
                assert scoped_service.sources([f"g{b}"]) == []
                assert live_chroma(scoped_service).get(where={"scope": f"g{b}"}, include=[])["ids"] == []
                assert settings.channel_rules(int(b)).denied == frozenset()
                assert not (scoped_service.settings.home / "guilds" / b).exists()
    asyncio.run(main())


@pytest.mark.slow
def test_feedback_records_server_channel_and_cited_sources(scoped_service, feedback):
    async def main() -> None:
        with pages_server() as web:
            async with running_bot(scoped_service, feedback, limits=MANY) as (fake, bot):
                await add_and_index(fake, web, [(fake.channel_id, "/chess", "chess")])
                inter = await fake.slash("ask", {"question": "Where does the Riverside chess club meet?"})
                await finished(fake, inter)
                vote = await fake.click(inter.followups[0], "newsbot:down", user="bob")
                await fake.wait_for(lambda: vote.followups)
    asyncio.run(main())
    [row] = feedback.list()
    guild = FakeDiscord().guild_id
    assert (row.vote, row.scope, row.place) == (-1, f"g{guild}", FakeDiscord().channel_id)  # as the bot files it
    assert row.question == "Where does the Riverside chess club meet?"
    assert [(c["source"], c["scope"], c["title"]) for c in row.citations] == [("chess", f"g{guild}", CHESS[0])]
    assert [(t.key, t.up, t.down) for t in feedback.tally("source")] == [(f"chess (server {guild})", 0, 1)]
    assert [(t.key, t.up, t.down) for t in feedback.tally("scope")] == [(f"g{guild}", 0, 1)]


def test_limits_have_a_token_margin():
    assert Limits().token_seconds < 15 * 60
