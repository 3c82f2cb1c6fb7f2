"""Which language a question or a passage is in: the chosen identifier on short questions of every
language newsbot answers in, and what it must call unknown."""
import pytest

from index.language import language_of
from tests.support.language_questions import EDGE, MIXED, QUESTIONS


@pytest.mark.parametrize("language", sorted(QUESTIONS))
def test_short_questions_are_told_in_each_language(language):
    found = [language_of(q) for q in QUESTIONS[language]]
    assert found.count(language) >= len(found) - 1, list(zip(QUESTIONS[language], found))


@pytest.mark.parametrize("text", EDGE)
def test_too_short_emoji_numbers_and_other_scripts_are_unknown(text):
    assert language_of(text) is None


@pytest.mark.parametrize("text", MIXED)
def test_mixed_languages_give_one_of_them_or_unknown(text):
    assert language_of(text) in {None, "en", "de", "es", "fr", "it", "pt", "zh"}


def test_a_passage_is_told_by_its_text():
    passage = ("Russian President Vladimir Putin agreed to temporarily halt attacks on energy and infrastructure "
               "targets in Ukraine after a lengthy telephone call with President Donald Trump on Tuesday.")
    spanish = "El presidente ruso aceptó suspender los ataques contra la infraestructura energética de Ucrania."
    assert (language_of(passage), language_of(spanish)) == ("en", "es")
