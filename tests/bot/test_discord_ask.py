"""End to end: the real bot, over a socket, against FakeDiscord, with the real service (offline answers)."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.discord.limits import Limits
from tests.support.discord_helpers import (assert_acknowledged_in_time, assert_never_pings, buttons, finished,
                                       is_ephemeral, text_of)
from tests.support.fake_discord import FakeDiscord

SEED_TITLE = "After call with Trump, Putin agrees to pause attacks on Ukraine’s energy and infrastructure targets"
SEED_TEXT = next((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt")).read_text()
DEFERRED, MESSAGE, AUTOCOMPLETE = 5, 4, 8


def test_ask_defers_then_answers_with_citations_from_the_seed(run_bot_scenario):
    async def scenario(fake: FakeDiscord, bot):
        inter = await fake.slash("ask", {"question": "What did Putin agree to?"})
        await finished(fake, inter)
        assert_acknowledged_in_time(inter, DEFERRED)
        answer = inter.followups[0]
        first_webhook = next(r for r in fake.requests if r.path.startswith("/webhooks/"))
        assert inter.acks[0][0] <= first_webhook.at  # deferred before anything else was sent
        main, sources = answer["embeds"]
        assert main["title"] == "What did Putin agree to?"
        assert "agreed to temporarily halt attacks on energy and infrastructure targets" in main["description"]
        assert "[1]" in main["description"]
        assert sources["title"] == "Sources"
        assert sources["description"].startswith(f"**[1]** **{SEED_TITLE}** — CNN, 2025-03-19")
        assert buttons(answer) == ["newsbot:quotes", "newsbot:up", "newsbot:down"]
        assert not is_ephemeral(answer)
        assert_never_pings(fake)
    run_bot_scenario(scenario)


def test_mention_reply_and_follow_ups_in_the_thread_and_by_reply(run_bot_scenario):
    async def scenario(fake: FakeDiscord, bot):
        asked = await fake.say(f"<@{fake.bot_user['id']}> what did Putin agree to?", mention_bot=True)
        await fake.wait_for(lambda: fake.bot_messages() and fake.threads)
        reply = fake.bot_messages()[0]
        assert reply["message_reference"]["message_id"] == int(asked["id"])
        assert "halt attacks on energy and infrastructure targets" in text_of(reply)
        [thread_id] = fake.threads
        assert fake.threads[thread_id]["parent_id"] == fake.channel_id
        assert fake.threads[thread_id]["name"] == "what did Putin agree to?"

        # A plain message in the bot's thread is a follow-up: the earlier turn travels with it.
        await fake.say("and how long?", channel_id=thread_id)
        await fake.wait_for(lambda: fake.bot_messages(thread_id))
        follow = fake.bot_messages(thread_id)[0]
        assert follow["embeds"][0]["title"] == "what did Putin agree to? and how long?"
        assert "[1]" in follow["embeds"][0]["description"]

        # A reply to the bot's answer in the channel is a follow-up too; unrelated chatter is ignored.
        await fake.say("nice weather today", user="bob")
        await fake.say("and what did Ukraine say?", user="bob", reply_to=reply)
        await fake.wait_for(lambda: len(fake.bot_messages(fake.channel_id)) >= 2)
        second = fake.bot_messages(fake.channel_id)[1]
        assert second["embeds"][0]["title"].startswith("what did Putin agree to?")
        assert len(fake.bot_messages()) == 3 and len(fake.threads) == 1
        assert_never_pings(fake)
    run_bot_scenario(scenario)


def test_show_quotes_and_votes(run_bot_scenario, feedback):
    async def scenario(fake: FakeDiscord, bot):
        inter = await fake.slash("ask", {"question": "What did Putin agree to?"})
        await finished(fake, inter)
        answer = inter.followups[0]

        quotes = await fake.click(answer, "newsbot:quotes", user="bob")
        await fake.wait_for(lambda: quotes.acks)
        assert_acknowledged_in_time(quotes, MESSAGE)
        data = quotes.acks[0][2]
        assert is_ephemeral(data)
        [embed] = data["embeds"]
        assert embed["title"] == f"[1] {SEED_TITLE}"
        assert "Putin agreed to temporarily halt attacks" in embed["description"]
        assert embed["description"] in SEED_TEXT  # the exact passage from the article

        up = await fake.click(answer, "newsbot:up", user="bob")
        await finished(fake, up)
        assert_acknowledged_in_time(up, DEFERRED)
        assert text_of(up.followups[0]) == "Thanks for the feedback!"
        again = await fake.click(answer, "newsbot:down", user="bob")
        await fake.wait_for(lambda: again.acks)
        assert "already rated" in again.acks[0][2]["content"]
        [vote] = feedback.list(10)
        assert (vote.vote, vote.user_id, vote.question) == (1, fake.users["bob"]["id"], "What did Putin agree to?")
        assert "halt attacks" in vote.answer

        # After a restart the answers are forgotten: the buttons still answer, votes read the message.
        bot.deps.answers.clear()
        gone = await fake.click(answer, "newsbot:quotes")
        await fake.wait_for(lambda: gone.acks)
        assert is_ephemeral(gone.acks[0][2]) and "no longer have the passages" in gone.acks[0][2]["content"]
        down = await fake.click(answer, "newsbot:down")
        await finished(fake, down)
        latest = feedback.list(1)[0]
        assert (latest.vote, latest.user_id, latest.question) == (-1, fake.users["alice"]["id"],
                                                                  "What did Putin agree to?")
        assert latest.answer == answer["embeds"][0]["description"]
    run_bot_scenario(scenario)


def test_summary_with_autocomplete_and_since(run_bot_scenario):
    async def scenario(fake: FakeDiscord, bot):
        complete = await fake.autocomplete("summary", {"target": "putin agrees"}, focused="target")
        await fake.wait_for(lambda: complete.acks)
        assert_acknowledged_in_time(complete, AUTOCOMPLETE)
        choices = complete.acks[0][2]["choices"]
        assert [c["name"] for c in choices] == [SEED_TITLE]

        summary = await fake.slash("summary", {"target": choices[0]["value"], "since": "2025-03-01"})
        await finished(fake, summary)
        assert_acknowledged_in_time(summary, DEFERRED)
        text = text_of(summary.followups[0])
        assert "energy" in text and "[1]" in text and SEED_TITLE in text

        bad = await fake.slash("summary", {"target": "Putin", "since": "next tuesday"})
        await fake.wait_for(lambda: bad.acks)
        assert_acknowledged_in_time(bad, MESSAGE)  # refused at once, no defer
        assert is_ephemeral(bad.acks[0][2]) and "next tuesday" in bad.acks[0][2]["content"]
    run_bot_scenario(scenario)


def test_sources_lists_article_counts(run_bot_scenario):
    async def scenario(fake: FakeDiscord, bot):
        inter = await fake.slash("sources")
        await finished(fake, inter)
        assert_acknowledged_in_time(inter, DEFERRED)
        text = text_of(inter.followups[0])
        assert "**news** (folder) — 2 articles" in text and "last indexed <t:" in text
    run_bot_scenario(scenario)


def test_article_with_everyone_is_quoted_without_pinging(run_bot_scenario):
    async def scenario(fake: FakeDiscord, bot):
        inter = await fake.slash("ask", {"question": "What did the lighthouse keepers' union notice say?"})
        await finished(fake, inter)
        assert "\\@everyone and \\@here" in text_of(inter.followups[0])  # escaped: shown as text, not a mention
        await fake.say(f"<@{fake.bot_user['id']}> @everyone what did the union notice say?", mention_bot=True)
        await fake.wait_for(lambda: fake.bot_messages())
        assert "@everyone" in text_of(fake.bot_messages()[0])
        assert_never_pings(fake)  # and the fake rejected nothing (checked by the fixture)
    run_bot_scenario(scenario)


@pytest.mark.slow
def test_twenty_concurrent_asks_are_all_acknowledged_in_time(run_bot_scenario):
    async def scenario(fake: FakeDiscord, bot):
        inters = await asyncio.gather(*(fake.slash("ask", {"question": "What did Putin agree to?"}, user=f"user{i}")
                                        for i in range(20)))
        await fake.wait_for(lambda: all(i.followups for i in inters), 60)
        for inter in inters:
            assert_acknowledged_in_time(inter, DEFERRED)
            assert "halt attacks" in text_of(inter.followups[0])
    run_bot_scenario(scenario, limits=Limits(max_concurrent=2, max_waiting=30, progress_interval=0))


def test_one_user_flooding_is_told_to_slow_down(run_bot_scenario):
    async def scenario(fake: FakeDiscord, bot):
        inters = await asyncio.gather(*(fake.slash("ask", {"question": "What did Putin agree to?"}) for _ in range(8)))
        await fake.wait_for(lambda: all(i.acks for i in inters))
        answered = [i for i in inters if i.ack_type == DEFERRED]
        refused = [i for i in inters if i.ack_type == MESSAGE]
        assert len(answered) == 3 and len(refused) == 5
        for inter in refused:
            assert_acknowledged_in_time(inter, MESSAGE)
            assert is_ephemeral(inter.acks[0][2]) and inter.acks[0][2]["content"].startswith("Slow down")
        await fake.wait_for(lambda: all(i.followups for i in answered), 30)
    run_bot_scenario(scenario, limits=Limits(per_user=3, progress_interval=0))


def test_a_question_the_articles_cannot_answer_is_refused_with_the_closest_articles(run_bot_scenario):
    async def scenario(fake: FakeDiscord, bot):
        inter = await fake.slash("ask", {"question": "Who won the 1966 football world cup?"})
        await finished(fake, inter)
        main, closest = inter.followups[0]["embeds"]
        assert main["title"] == "Not found in the indexed articles"
        assert "couldn't find" in main["description"]
        assert closest["title"] == "Closest articles" and SEED_TITLE in closest["description"]
        assert "newsbot:quotes" not in buttons(inter.followups[0])  # nothing to quote
        assert buttons(inter.followups[0]) == ["newsbot:up", "newsbot:down"]
    run_bot_scenario(scenario)
