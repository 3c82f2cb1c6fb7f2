"""Sentences a summary never quotes: an outlet's boilerplate and questions (index/answering/boilerplate.py)."""
from index.answering.boilerplate import is_boilerplate, is_question, summary_worthy


def test_an_outlets_notes_and_calls_to_act_are_boilerplate():
    for sentence in ("AI-assisted summary: the council voted to close the bridge.",
                     "Editor's note: This page summarizes the latest reporting on the storm.",
                     "This page summarizes news about the Masters.", "Sign up for our morning newsletter.",
                     "Click here to read the full report.", "The Associated Press contributed to this report.",
                     "© 2025 Example News. All rights reserved."):
        assert is_boilerplate(sentence) and not summary_worthy(sentence), sentence


def test_news_sentences_are_not_boilerplate_and_questions_are_not_quoted():
    for sentence in ("The council voted 7-2 on Monday to close the bridge for repairs.",
                     "Girl Scout cookies will cost $1 more this year, the organisation said.",
                     "Scheffler leads the Masters by three strokes after Friday's round."):
        assert not is_boilerplate(sentence) and summary_worthy(sentence), sentence
    assert is_question("When does the Masters start?") and is_question("“Who will pay for it?”")
    assert not summary_worthy("When does the Masters start?")
    assert not is_question("He asked why. Nobody knew.")
