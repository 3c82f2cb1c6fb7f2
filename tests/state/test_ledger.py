"""bot/state/ledger.py on both engines: one claim per post across processes, pending posts and their age,
dropped posts, missing permissions noted once, and where a forum channel's later article of a story goes."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from bot.state.ledger import PENDING_HOURS, PostLedger
from index.store.database import open_database


def test_the_thread_of_a_story_is_its_earliest_post_in_that_channel_only(database_url):
    ledger = PostLedger(open_database(database_url))
    for key, article, thread in (("article:a", "a", 100), ("article:b", "b", 200), ("article:c", "c", None)):
        assert ledger.claim(1, "10", key, {"content": key}, owner_id=5, article_id=article)
        ledger.confirm(1, "10", key, 1000 + len(key))
        if thread is not None:
            ledger.set_thread(1, "10", key, thread)
    assert ledger.thread_of(1, "10", ["b", "a"]) == 100  # the earliest post of the story
    assert ledger.thread_of(1, "10", ["c"]) is None  # posted, but without a thread
    assert ledger.thread_of(1, "10", []) is None and ledger.thread_of(1, "10", ["z"]) is None
    assert ledger.thread_of(1, "11", ["a"]) is None and ledger.thread_of(2, "10", ["a"]) is None  # another channel
    assert ledger.article_of_thread(100) == "a" and ledger.article_of_thread(5) is None


def test_two_processes_claiming_the_same_post_at_once_get_one_row(database_url):
    ledgers = [PostLedger(open_database(database_url)) for _ in range(4)]
    start = threading.Barrier(len(ledgers))
    won: list[bool] = []

    def claim(ledger: PostLedger) -> None:
        start.wait()
        if ledger.claim(1, "10", "article:x", {"content": "x"}):
            ledger.confirm(1, "10", "article:x", 42)
            won.append(True)

    threads = [threading.Thread(target=claim, args=(ledger,)) for ledger in ledgers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ledgers[0].count(1) == 1 and ledgers[0].state(1, "10", "article:x") == "posted"
    assert not ledgers[1].claim(1, "10", "article:x", {"content": "x"})  # posted: never again


def test_pending_posts_are_sent_again_until_they_are_stale_and_dropped_posts_never(database_url):
    ledger = PostLedger(open_database(database_url))
    assert ledger.claim(1, "10", "article:a", {"content": "a"}, owner_id=5)
    assert ledger.claim(1, "10", "article:b", {"content": "b"})
    ledger.drop(1, "10", "article:b")  # refused for a missing permission
    assert not ledger.claim(1, "10", "article:b", {"content": "b"})
    now = datetime.now(timezone.utc)
    [pending] = ledger.pending(now)
    assert (pending.key, pending.payload, pending.owner_id) == ("article:a", {"content": "a"}, 5)
    assert ledger.claim(1, "10", "article:a", {"content": "a"})  # still pending: the caller sends it again
    assert ledger.pending(now + timedelta(hours=PENDING_HOURS, minutes=1)) == []  # stale: not sent any more


def test_a_missing_permission_is_noted_once_until_a_post_there_succeeds(database_url):
    one, two = PostLedger(open_database(database_url)), PostLedger(open_database(database_url))
    assert one.note_problem(1, 10, "Send Messages")
    assert not two.note_problem(1, 10, "Send Messages")  # another process, or after a restart
    assert two.note_problem(1, 10, "Embed Links") and two.note_problem(2, 10, "Send Messages")
    one.clear_problems(1, 10)
    assert one.note_problem(1, 10, "Send Messages")
    assert one.forget(2) == 1 and one.note_problem(2, 10, "Send Messages")
