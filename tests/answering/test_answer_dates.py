"""How old an answer's articles are (index/answering/answer_dates.py): pure, at a fixed time of asking, in
the answer's language."""
from __future__ import annotations

from datetime import date

import pytest

from index.answering.answer_dates import OLD_AFTER_DAYS, age_note, dated, newest_cited
from index.answering.phrases import load_phrases
from index.settings import PROMPTS_DIR
from index.text import LANGUAGES
from index.types import Answer, Citation


def _answer(*published: str, refused: bool = False, language: str = "") -> Answer:
    citations = tuple(Citation(n, f"t{n}", "s", "u", day, "q") for n, day in enumerate(published, 1))
    return Answer("text [1]", refused, citations, language=language)


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


@pytest.mark.parametrize("language, this_year, last_year", [
    ("en", "The newest article on this is from 12 March.", "The newest article on this is from 30 December 2024."),
    ("de", "Der neueste Artikel dazu ist vom 12. März.", "Der neueste Artikel dazu ist vom 30. Dezember 2024."),
    ("es", "El artículo más reciente sobre esto es del 12 de marzo.",
     "El artículo más reciente sobre esto es del 30 de diciembre de 2024."),
    ("zh", "关于此事的最新文章发布于3月12日。", "关于此事的最新文章发布于2024年12月30日。"),
])
def test_the_note_is_in_the_answers_language_with_its_date_written_in_it(language, this_year, last_year):
    as_of = date(2025, 3, 30)
    assert age_note(_answer("2025-03-12", language=language), as_of) == this_year
    assert age_note(_answer("2024-12-30", language=language), as_of) == last_year
    assert age_note(_answer("2025-03-29", language=language), as_of) == ""


def test_the_note_uses_the_phrases_given_and_english_for_an_unknown_language(tmp_path):
    for code in LANGUAGES:
        text = (PROMPTS_DIR / "phrases" / f"{code}.toml").read_text(encoding="utf-8")
        text = text.replace('"Der neueste Artikel dazu ist vom {when}."', '"Stand: {when}."')
        (tmp_path / f"{code}.toml").write_text(text, encoding="utf-8")
    german = dated(_answer("2025-03-01", language="de"), date(2025, 3, 30), load_phrases(tmp_path))
    assert german.age_note == "Stand: 1. März."
    assert age_note(_answer("2025-03-12", language="ru"), date(2025, 3, 30)).startswith("The newest article")
