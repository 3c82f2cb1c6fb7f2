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
    first = store.add("q1", "a1 [1]", 1, 1, scope=Scope.server(7), place="8", citations=cited)
    second = store.add("q2", "a2", "2", -1)
    assert second.id > first.id and first.citations == cited and (first.scope, first.place) == ("g7", "8")
    again = FeedbackStore(open_database(database_url))  # another process's view
    assert [f.question for f in again.list()] == ["q2", "q1"]
    assert [(f.scope, f.place) for f in again.list()] == [(Scope.SHARED, ""), ("g7", "8")]
    assert [(t.key, t.up, t.down) for t in again.tally("scope")] == [("g7", 1, 0), (Scope.SHARED, 0, 1)]
    assert [(t.key, t.up, t.down) for t in again.tally("source")] == [("(no citation)", 0, 1),
                                                                      (Scope("g7").label("wire"), 1, 0)]


def test_one_scopes_votes_never_count_in_anothers(tmp_path):
    """Two servers citing sources of one name, and a DM: each scope's votes in its own row, and each server's
    source apart from the other's."""
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    club = {"n": 1, "title": "t", "url": "", "source": "club"}
    store.add("q", "a", 1, 1, scope=Scope.server(7), place="70", citations=(club | {"scope": "g7"},))
    store.add("q", "a", 2, 1, scope=Scope.server(7), place="71", citations=(club | {"scope": "g7"},))
    store.add("q", "a", 3, -1, scope=Scope.server(8), place="70", citations=(club | {"scope": "g8"},))
    store.add("q", "a", 4, -1, place="70")
    assert [(t.key, t.up, t.down) for t in store.tally("scope")] == [("g7", 2, 0), ("g8", 0, 1),
                                                                     (Scope.SHARED, 0, 1)]
    assert [(t.key, t.up, t.down) for t in store.tally("source")] == [(Scope("g7").label("club"), 2, 0),
                                                                      ("(no citation)", 0, 1),
                                                                      (Scope("g8").label("club"), 0, 1)]


def test_a_vote_needs_a_scope_and_votes_are_summed_by_source_or_scope(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite")
    with pytest.raises(BadInput):
        store.add("q", "a", 1, 1, scope="#general")
    with pytest.raises(BadInput):
        store.tally("server")  # the core knows scopes; the CLI reads a server out of one
    assert store.list() == []


def _old_table(db, columns: str, rows: list[tuple]) -> None:
    """A feedback table as an older version made it, with `rows` (created, user_id, vote, question, answer,
    then the values of the later columns)."""
    db.prepare("CREATE TABLE feedback (id {serial}, created TEXT NOT NULL, user_id TEXT NOT NULL, vote INTEGER "
               "NOT NULL CHECK (vote IN (-1, 1)), question TEXT NOT NULL, answer TEXT NOT NULL" + columns + ")")
    for row in rows:
        names = "created, user_id, vote, question, answer" + ", guild_id, channel_id, citations" * (len(row) > 5)
        db.execute(f"INSERT INTO feedback ({names}) VALUES ({', '.join('?' * len(row))})", *row)


def test_a_table_of_the_server_and_channel_columns_keeps_its_votes(database_url):
    """A table written with `guild_id`/`channel_id` (sqlite in a home, or PostgreSQL) is changed in place on
    open: each vote under its server's scope (the shared one when it had none), the channel as its place."""
    from bot.state.feedback_columns import FEEDBACK_COLUMNS_BEFORE_SCOPES
    from index.store.database import open_database, table_columns

    cited = '[{"n": 1, "title": "t", "url": "", "source": "club", "scope": "g42"}]'
    old = open_database(database_url)
    _old_table(old, ", guild_id TEXT NOT NULL DEFAULT '', channel_id TEXT NOT NULL DEFAULT '', citations {json} "
                    "NOT NULL DEFAULT '[]'",
               [("2025-01-01", "5", 1, "q1", "a1", "42", "7", cited), ("2025-01-02", "6", -1, "q2", "a2", "", "", "[]"),
                ("2025-01-03", "7", -1, "q3", "a3", "43", "9", "[]")])
    old.close()
    store = FeedbackStore(open_database(database_url), FEEDBACK_COLUMNS_BEFORE_SCOPES)  # as the adapter opens it
    assert [(f.id, f.user_id, f.scope, f.place) for f in store.list()] == [(3, "7", "g43", "9"), (2, "6", "shared", ""),
                                                                           (1, "5", "g42", "7")]
    assert store.list()[-1].citations[0]["source"] == "club"
    assert [(t.key, t.up, t.down) for t in store.tally("scope")] == [("g42", 1, 0), ("g43", 0, 1), ("shared", 0, 1)]
    assert store.add("q4", "a4", 8, 1, scope=Scope.server(42), place="7").id == 4  # ids go on after the old ones
    columns = table_columns(open_database(database_url), "feedback")
    assert not {"guild_id", "channel_id"} & set(columns) and {"scope", "place", "citations"} <= set(columns)
    FeedbackStore(open_database(database_url), FEEDBACK_COLUMNS_BEFORE_SCOPES)  # again: nothing left to change
    assert [f.scope for f in store.list()] == ["g42", "g43", "shared", "g42"]


def test_a_file_from_before_the_added_columns_still_reads(tmp_path):
    from index.store.database import open_database

    path = tmp_path / "feedback.sqlite3"
    _old_table(open_database(path), "", [("2025-01-01", "5", 1, "q", "a")])
    store = FeedbackStore(path)
    store.add("new", "answer", 6, -1, scope=Scope.server(9))
    newest, oldest = store.list()
    assert (oldest.question, oldest.scope, oldest.place, oldest.citations) == ("q", Scope.SHARED, "", ())
    assert (newest.question, newest.scope) == ("new", "g9")
