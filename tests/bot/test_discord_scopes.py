"""End to end with two servers: each server's sources answer there and nowhere else; admins manage only
their own server's sources; the shared sources answer everywhere and change only from the CLI/config."""
from __future__ import annotations

import pytest

from tests.support.discord_helpers import assert_never_pings, finished, is_ephemeral, text_of
from tests.support.scoped_sources import (ADMIN, BAKERY, CHESS, MANY, ROWING, SEED_TITLE, add_and_index, admin, ask,
                                         pages_server)
from tests.support.fake_discord import MANAGE_GUILD, FakeDiscord

AUTOCOMPLETE = 8



async def _sources(fake: FakeDiscord, channel: str) -> str:
    inter = await fake.slash("sources", channel_id=channel)
    await finished(fake, inter)
    return text_of(inter.followups[0])


@pytest.mark.slow
def test_a_servers_sources_answer_there_and_never_in_another(run_bot_scenario, scoped_service):
    with pages_server() as web:
        async def scenario(fake: FakeDiscord, bot):
            a, b = fake.channel_id, fake.other_channel_id
            reports = await add_and_index(fake, web, [(a, "/chess", "chess"), (a, "/bakery", "club"),
                                                       (b, "/rowing", "club")])
            # A plain admin re-indexes their server's sources only: the shared one is not touched.
            assert "2 added, 0 updated, 0 unchanged" in reports[a] and "1 added, 0 updated, 0 unchanged" in reports[b]

            chess_question = "Where does the Riverside chess club meet?"
            in_a, in_b = await ask(fake, chess_question, a), await ask(fake, chess_question, b)
            assert CHESS[0] in in_a and "reading room of the old library" in in_a
            assert CHESS[0] not in in_b and "Ingrid" not in in_b and "/chess" not in in_b
            assert ROWING[0] in await ask(fake, "Who won the autumn regatta?", b)
            assert ROWING[0] not in await ask(fake, "Who won the autumn regatta?", a)
            # Same-named sources are two sources: "club" is the bakery in A and the rowing team in B.
            assert BAKERY[0] in await ask(fake, "Which bakery sells rye bread again?", a)
            assert BAKERY[0] not in await ask(fake, "Which bakery sells rye bread again?", b)
            for channel in (a, b):  # the shared sources answer everywhere
                assert SEED_TITLE in await ask(fake, "What did Putin agree to?", channel)

            # A mention, and a follow-up in the thread it opens, in B: still B's scope only.
            await fake.say(f"<@{fake.bot_user['id']}> where does the riverside chess club meet?",
                           mention_bot=True, channel_id=b)
            await fake.wait_for(lambda: fake.bot_messages(b) and fake.threads)
            assert CHESS[0] not in text_of(fake.bot_messages(b)[0])
            [thread] = fake.threads
            await fake.say("and who is the chess club's treasurer?", channel_id=thread)
            await fake.wait_for(lambda: fake.bot_messages(thread))
            assert "Ingrid" not in text_of(fake.bot_messages(thread)[0])

            listing_a, listing_b = await _sources(fake, a), await _sources(fake, b)
            assert "**chess** (url, this server)" in listing_a and "**club** (url, this server)" in listing_a
            assert "**news** (folder)" in listing_a and "**news** (folder)" in listing_b
            assert "chess" not in listing_b and "**club** (url, this server) — 1 article" in listing_b

            # /summary: its autocomplete and a summary by title see B's scope only.
            seen = {}
            for channel in (a, b):
                auto = await fake.autocomplete("summary", {"target": "Riverside"}, "target", channel_id=channel)
                await fake.wait_for(lambda: auto.acks)
                assert auto.ack_type == AUTOCOMPLETE
                seen[channel] = [c["name"] for c in auto.acks[0][2]["choices"]]
            assert seen == {a: [CHESS[0]], b: []}
            summary = await fake.slash("summary", {"target": CHESS[0]}, channel_id=b)
            await finished(fake, summary)
            assert "Ingrid" not in text_of(summary.followups[0]) and "old library" not in text_of(summary.followups[0])
            assert_never_pings(fake)
        run_bot_scenario(scenario, svc=scoped_service, second_guild=True, limits=MANY)


@pytest.mark.slow
def test_another_servers_admin_can_neither_see_nor_touch_its_sources(run_bot_scenario, scoped_service):
    with pages_server() as web:
        async def scenario(fake: FakeDiscord, bot):
            a, b = fake.channel_id, fake.other_channel_id
            await add_and_index(fake, web, [(a, "/chess", "chess"), (b, "/rowing", "club")])

            remove = await admin(fake, "source", {"name": "chess"}, b, sub="remove", user="bob")
            reindex = await admin(fake, "reindex", {"source": "chess"}, b, user="bob")
            shared = await admin(fake, "source", {"name": "news"}, b, sub="remove", user="bob")
            await fake.wait_for(lambda: remove.acks and reindex.followups and shared.acks)
            assert remove.acks[0][2]["content"] == "There is no source named 'chess' in this server; see /sources."
            assert shared.acks[0][2]["content"] == "There is no source named 'news' in this server; see /sources."
            assert is_ephemeral(remove.acks[0][2])
            assert reindex.followups[0]["content"] == "There is no source named 'chess' in this server; see /sources."
            assert not any("finished" in (e.get("content") or "") for e in reindex.edits)

            auto = await fake.autocomplete("source", {"name": ""}, "name", sub="remove", channel_id=b,
                                           permissions=ADMIN)
            auto_a = await fake.autocomplete("reindex", {"source": ""}, "source", channel_id=a, permissions=ADMIN)
            member = await fake.autocomplete("reindex", {"source": ""}, "source", channel_id=a)
            await fake.wait_for(lambda: auto.acks and auto_a.acks and member.acks)
            assert [c["value"] for c in auto.acks[0][2]["choices"]] == ["club"]
            assert [c["value"] for c in auto_a.acks[0][2]["choices"]] == ["chess"]  # no shared source: not an operator
            assert member.acks[0][2]["choices"] == []

            # Nothing of A's was touched: its source is configured, indexed, and answers in A.
            assert [(s.name, s.articles) for s in scoped_service.sources([f"g{fake.guild_id}"])] == [("chess", 1)]
            assert CHESS[0] in await ask(fake, "Where does the Riverside chess club meet?", a)

            # Admin commands are hidden from plain members in the synced payload (Manage Server = 32).
            for guild in fake.guild_ids:
                permissions = {c["name"]: None if c.get("default_member_permissions") is None
                               else str(c["default_member_permissions"]) for c in fake.commands[guild]}
                assert permissions == {"ask": None, "summary": None, "sources": None,
                                       "reindex": str(MANAGE_GUILD), "source": str(MANAGE_GUILD),
                                       "channels": str(MANAGE_GUILD), "alerts": str(MANAGE_GUILD),
                                       "feed": str(MANAGE_GUILD), "follow": None,
                                       "digest": None, "language": None}  # /digest now, /follow and
                # showing the server's /language are for everyone (setting it is checked as an admin's)
        run_bot_scenario(scenario, svc=scoped_service, second_guild=True, limits=MANY)


@pytest.mark.slow
def test_operators_reindex_the_shared_sources_and_admins_remove_only_their_own(run_bot_scenario, scoped_service):
    operator = int(FakeDiscord().user("bob")["id"])
    with pages_server() as web:
        async def scenario(fake: FakeDiscord, bot):
            a, b = fake.channel_id, fake.other_channel_id
            await add_and_index(fake, web, [(a, "/bakery", "club"), (b, "/rowing", "club")])
            run = await admin(fake, "reindex", None, b, user="bob")
            await fake.wait_for(lambda: run.edits and "finished" in run.edits[-1]["content"])
            assert "0 added, 0 updated, 2 unchanged" in run.edits[-1]["content"]  # B's club and the shared news

            inter = await admin(fake, "source", {"name": "club"}, b, sub="remove", user="bob")
            await fake.wait_for(lambda: inter.acks)
            confirm = await fake.click(inter.original, "newsbot:confirm", user="bob")
            await fake.wait_for(lambda: confirm.acks and inter.edits)
            assert inter.edits[-1]["content"] == "Removed the source **club**."
            assert ROWING[0] not in await ask(fake, "Who won the autumn regatta?", b)
            assert BAKERY[0] in await ask(fake, "Which bakery sells rye bread again?", a)
        run_bot_scenario(scenario, svc=scoped_service, second_guild=True, limits=MANY, operator_ids=(operator,))
