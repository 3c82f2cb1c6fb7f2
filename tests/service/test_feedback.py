"""index/service/feedback.py: votes are stored with question, answer and user id, newest first."""
import pytest

from index.errors import BadInput
from index.service.feedback import FeedbackStore
from index.types import Scope


def test_add_and_list_persist(tmp_path):
    path = tmp_path / "sub" / "feedback.sqlite"
    store = FeedbackStore(path)
    store.add("what did Putin agree to?", "to pause attacks [1]", 42, 1)
    store.add("and Ukraine?", "it agreed [2]", "43", -1)
    store.close()
    again = FeedbackStore(path)
    newest, oldest = again.list(10)
    assert (newest.question, newest.answer, newest.user_id, newest.vote) == ("and Ukraine?", "it agreed [2]", "43", -1)
    assert (oldest.user_id, oldest.vote) == ("42", 1)
    assert [f.id for f in again.list(1)] == [newest.id]


def test_vote_must_be_plus_or_minus_one(tmp_path):
    with pytest.raises(BadInput):
        FeedbackStore(tmp_path / "f.sqlite").add("q", "a", 1, 0)


def test_the_same_store_on_both_engines(database_url):
    """One class for sqlite and PostgreSQL: votes, their citations, the tallies, newest first."""
    from index.store.database import open_database

    store = FeedbackStore(open_database(database_url))
    cited = ({"n": 1, "title": "t", "url": "u", "source": "wire", "scope": "g7"},)
    first = store.add("q1", "a1 [1]", 1, 1, guild_id=7, channel_id=8, citations=cited)
    second = store.add("q2", "a2", "2", -1)
    assert second.id > first.id and first.citations == cited and first.guild_id == "7"
    again = FeedbackStore(open_database(database_url))  # another process's view
    assert [f.question for f in again.list()] == ["q2", "q1"]
    assert [(t.key, t.up, t.down) for t in again.tally("server")] == [("7", 1, 0), ("direct messages", 0, 1)]
    assert [(t.key, t.up, t.down) for t in again.tally("source")] == [("(no citation)", 0, 1),
                                                                      (Scope("g7").label("wire"), 1, 0)]


def test_a_file_from_before_the_added_columns_still_reads(tmp_path):
    import sqlite3

    path = tmp_path / "feedback.sqlite3"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL, user_id TEXT "
                "NOT NULL, vote INTEGER NOT NULL CHECK (vote IN (-1, 1)), question TEXT NOT NULL, answer TEXT NOT NULL)")
    old.execute("INSERT INTO feedback (created, user_id, vote, question, answer) VALUES ('2025-01-01', '5', 1, 'q', 'a')")
    old.commit()
    old.close()
    store = FeedbackStore(path)
    store.add("new", "answer", 6, -1, guild_id=9)
    newest, oldest = store.list()
    assert (oldest.question, oldest.guild_id, oldest.citations) == ("q", "", ())
    assert (newest.question, newest.guild_id) == ("new", "9")
