"""Saying how old an answer's articles are, relative to the time of asking, in the answer's language. Pure
but for reading the shipped phrases once (index/answering/phrases.py) when none are given."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Mapping

from index.answering.phrases import Phrases, default_phrases, phrases_for
from index.types import Answer

OLD_AFTER_DAYS = 7  # an answer whose newest cited article is older than this gets a note with its date


def newest_cited(answer: Answer) -> date | None:
    """The newest publication date among the answer's citations (None when none is dated)."""
    days = []
    for citation in answer.citations:
        try:
            days.append(date.fromisoformat(citation.published[:10]))
        except ValueError:
            continue
    return max(days, default=None)


def age_note(answer: Answer, as_of: date, phrases: Mapping[str, Phrases] | None = None) -> str:
    """"The newest article on this is from 12 March." when every cited article is old, else "": in the
    answer's language (`Answer.language`, set when it was written; the default language when unset), its
    date written in that language, with the year when it is not the year of `as_of`."""
    newest = newest_cited(answer)
    if answer.refused or newest is None or (as_of - newest).days <= OLD_AFTER_DAYS:
        return ""
    words = phrases_for(phrases or default_phrases(), answer.language)
    return words.say("age_note", when=words.day(newest, with_year=newest.year != as_of.year))


def dated(answer: Answer, as_of: date | None, phrases: Mapping[str, Phrases] | None = None) -> Answer:
    """The answer with its `age_note` set (when its articles are old), in the answer's language."""
    note = age_note(answer, as_of or date.today(), phrases)
    return replace(answer, age_note=note) if note else answer
