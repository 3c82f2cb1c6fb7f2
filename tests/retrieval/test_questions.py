"""Cleaning what users type (index/retrieval/questions.py): pure."""
from __future__ import annotations

import pytest

from index.errors import BadInput
from index.retrieval.questions import MAX_QUESTION_CHARS, clean_question


def test_mentions_invisible_characters_and_spaces_are_cleaned():
    raw = "  What\u200b did <@123> and @everyone\n\nsay about ｆｕｌｌ-width?  "
    assert clean_question(raw) == "What did and say about full-width?"


def test_empty_too_long_and_undecodable_questions_are_one_clear_line():
    for raw, words in [("", "some words"), ("?! ...", "some words"), ("\ud800abc", "UTF-8"),
                       ("a" * (MAX_QUESTION_CHARS + 1), "too long")]:
        with pytest.raises(BadInput, match=words) as failed:
            clean_question(raw)
        assert "\n" not in str(failed.value)
    with pytest.raises(BadInput, match="summary topic"):
        clean_question("   ", what="summary topic")
