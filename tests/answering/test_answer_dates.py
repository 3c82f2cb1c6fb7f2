"""How old an answer's articles are (index/answering/answer_dates.py): pure, at a fixed time of asking."""
from __future__ import annotations

from datetime import date

from index.answering.answer_dates import OLD_AFTER_DAYS, age_note, dated, newest_cited
from index.types import Answer, Citation


def _answer(*published: str, refused: bool = False) -> Answer:
    citations = tuple(Citation(n, f"t{n}", "s", "u", day, "q") for n, day in enumerate(published, 1))
    return Answer("text [1]", refused, citations)


def test_the_newest_dated_citation_counts_and_undated_ones_are_skipped():
    assert newest_cited(_answer("2025-03-12T08:00:00", "", "2025-03-01")) == date(2025, 3, 12)
    assert newest_cited(_answer("", "not a date")) is None


def test_a_note_only_when_every_cited_article_is_old():
    as_of = date(2025, 3, 30)
    assert age_note(_answer("2025-03-12"), as_of) == "The newest article on this is from 12 March."
    assert age_note(_answer("2025-03-12", f"2025-03-{30 - OLD_AFTER_DAYS}"), as_of) == ""
    assert age_note(_answer("2024-12-30"), as_of) == "The newest article on this is from 30 December 2024."
    assert age_note(_answer("2025-01-01", refused=True), as_of) == "" and age_note(_answer(), as_of) == ""


def test_dated_sets_the_note_and_leaves_a_fresh_answer_as_it_is():
    fresh = _answer("2025-03-29")
    assert dated(fresh, date(2025, 3, 30)) is fresh
    assert dated(_answer("2025-03-01"), date(2025, 3, 30)).age_note.startswith("The newest article")
