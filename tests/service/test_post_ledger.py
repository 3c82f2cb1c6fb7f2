"""The post ledger (index/service/post_ledger.py): where a forum channel's later article of a story goes."""
from __future__ import annotations

from index.service.post_ledger import PostLedger


def test_the_thread_of_a_story_is_its_earliest_post_in_that_channel_only(tmp_path):
    ledger = PostLedger(tmp_path / "guilds.sqlite3")
    for key, article, thread in (("article:a", "a", 100), ("article:b", "b", 200), ("article:c", "c", None)):
        assert ledger.claim(1, "10", key, {"content": key}, owner_id=5, article_id=article)
        ledger.confirm(1, "10", key, 1000 + len(key))
        if thread is not None:
            ledger.set_thread(1, "10", key, thread)
    assert ledger.thread_of(1, "10", ["b", "a"]) == 100  # the earliest post of the story
    assert ledger.thread_of(1, "10", ["c"]) is None  # posted, but without a thread
    assert ledger.thread_of(1, "10", []) is None and ledger.thread_of(1, "10", ["z"]) is None
    assert ledger.thread_of(1, "11", ["a"]) is None and ledger.thread_of(2, "10", ["a"]) is None  # another channel
