"""index/service/feedback.py: votes are stored with question, answer and user id, newest first."""
import pytest

from index.errors import BadInput
from index.service.feedback import FeedbackStore


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
