"""Pure parts of the adapter: since:, mentions, id lists, conversation memory, admission, admin check."""
import asyncio
from datetime import date

import discord
import pytest

from bot.discord.admin import is_admin
from bot.discord.conversations import AnswerCache, Conversations
from bot.discord.limits import Admission, Limits, SlowDown
from bot.discord.parsing import parse_id_list, parse_since, strip_mentions
from index.errors import BadInput
from index.types import Answer, Turn

TODAY = date(2025, 3, 20)


@pytest.mark.parametrize("text, expected", [
    ("3d", date(2025, 3, 17)), (" 2 weeks ", date(2025, 3, 6)), ("1m", date(2025, 2, 18)),
    ("1y", date(2024, 3, 20)), ("today", TODAY), ("Yesterday", date(2025, 3, 19)),
    ("2025-03-01", date(2025, 3, 1)), ("", None), (None, None),
])
def test_parse_since(text, expected):
    assert parse_since(text, TODAY) == expected


@pytest.mark.parametrize("text", ["soon", "3x", "2025-13-01", "2025-04-01"])
def test_parse_since_rejects_what_it_cannot_use(text):
    with pytest.raises(BadInput) as err:
        parse_since(text, TODAY)
    assert text in str(err.value)


@pytest.mark.parametrize("text", ["740000d", "99999999999w", "3000y"])
def test_parse_since_refuses_what_is_too_far_back_in_one_line(text):
    with pytest.raises(BadInput, match=f"^--since {text} is too far back; give a date like 2025-03-01"):
        parse_since(text, TODAY, "--since ")


def test_parse_since_names_the_cli_option():
    assert parse_since("3d", TODAY, "--since ") == date(2025, 3, 17)
    with pytest.raises(BadInput, match="^I can't read --since 'soon'"):
        parse_since("soon", TODAY, "--since ")


def test_strip_mentions_and_id_lists():
    assert strip_mentions("<@42>  what did <@!42> Putin agree to? <@7>", 42) == "what did Putin agree to? <@7>"
    assert parse_id_list(" 1, 2,,3 ") == [1, 2, 3] and parse_id_list("") == []
    with pytest.raises(BadInput):
        parse_id_list("1,admins")


def test_conversations_follow_threads_and_replies_and_stay_bounded():
    conv = Conversations(max_entries=3, max_turns=2)
    first = conv.record([11], (), Turn("q1", "a1"), thread_id=10)
    assert conv.history(channel_id=99, reference_id=11) == first
    second = conv.record([12], first, Turn("q2", "a2"), thread_id=10)
    third = conv.record([], second, Turn("q3", "a3"), thread_id=10)
    assert conv.history(channel_id=10, reference_id=None) == third == (Turn("q2", "a2"), Turn("q3", "a3"))
    conv.record([13, 14], (), Turn("x", "y"))
    assert conv.of_message(11) is None and conv.of_thread(10) is not None  # least recently used dropped first
    assert conv.history(channel_id=1, reference_id=None) is None


def test_a_thread_with_its_starter_messages_id_keeps_its_own_conversation():
    """On Discord a thread started from the bot's answer has that answer's id: a reply to the answer in the
    channel goes on from the answer, a message in the thread from the thread's later turns."""
    conv = Conversations()
    answer = conv.record([7], (), Turn("q1", "a1"))
    conv.record((), answer[:-1], answer[-1], thread_id=7)  # the thread opened on message 7
    in_thread = conv.record([8], conv.history(channel_id=7, reference_id=None), Turn("q2", "a2"), thread_id=7)
    assert conv.history(channel_id=7, reference_id=None) == in_thread
    assert conv.history(channel_id=1, reference_id=7) == answer == (Turn("q1", "a1"),)


def test_admission_limits_each_user_and_the_queue():
    now = [0.0]
    admission = Admission(Limits(per_user=2, per_seconds=10, max_concurrent=1, max_waiting=2), clock=lambda: now[0])
    admission.admit(1), admission.admit(1)
    with pytest.raises(SlowDown, match="Slow down: at most 2 questions every 10 s. Try again in 11 s"):
        admission.admit(1)
    admission.admit(2)
    with pytest.raises(SlowDown, match="busy"):  # 3 pending = 1 running + 2 waiting
        admission.admit(3)
    now[0] = 10.0
    assert admission.pending == 3


def test_tickets_free_their_place_and_run_off_the_loop():
    async def main():
        admission = Admission(Limits(max_concurrent=2, max_waiting=0))
        tickets = [admission.admit(i) for i in range(2)]

        async def use(ticket):
            async with ticket:
                return await ticket.run(lambda: __import__("threading").current_thread().name)

        names = await asyncio.gather(*(use(t) for t in tickets))
        assert all(n != "MainThread" for n in names)
        assert admission.pending == 0
        admission.admit(5)
    asyncio.run(main())


def test_is_admin():
    manage = discord.Permissions(manage_guild=True)
    plain = discord.Permissions(send_messages=True)
    assert is_admin(manage, [], [])
    assert is_admin(discord.Permissions(administrator=True), [], [])
    assert is_admin(plain, [5, 6], [6])
    assert not is_admin(plain, [5], [6])


def test_limits_from_settings():
    from pydantic import ValidationError

    from bot.discord.limits import limits_from_settings
    from index.settings import Settings

    limits = limits_from_settings(Settings(NEWSBOT_RATE_PER_USER="2", NEWSBOT_RATE_WINDOW="30.5",
                                           NEWSBOT_MAX_WAITING="0"))
    assert (limits.per_user, limits.per_seconds, limits.max_waiting, limits.max_concurrent) == (2, 30.5, 0, 4)
    assert limits_from_settings(Settings()) == Limits()
    for bad in ({"NEWSBOT_MAX_CONCURRENT": "many"}, {"NEWSBOT_RATE_PER_USER": "0"}):
        with pytest.raises(ValidationError, match="NEWSBOT_"):
            Settings(**bad)


def test_answer_cache_remembers_recent_answers_and_first_votes():
    cache = AnswerCache(max_entries=2)
    answers = [Answer(text=f"a{i} [1]", refused=False) for i in range(3)]
    for i, answer in enumerate(answers):
        cache.remember(100 + i, f"q{i}", answer)
    assert cache.get(100) is None and cache.get(102) == ("q2", answers[2])
    assert cache.first_vote(102, 7) and not cache.first_vote(102, 7) and cache.first_vote(102, 8)
