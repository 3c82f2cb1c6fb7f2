"""What kind of answer a question asks for, and whether a sentence offers one (for the offline answerer).

A sentence that answers "how many…" holds a number the question does not; one that answers "who…" names
someone the question does not name. Cosine and term overlap reward sentences that repeat the question;
this rewards sentences that add what it asks for. Pure functions over text.
"""
from __future__ import annotations

import re

from index.text import STOPWORDS, words

NUMBER, DATE, PERSON, PLACE, NAME, ANY = "number", "date", "person", "place", "name", "any"

_KINDS: tuple[tuple[str, re.Pattern], ...] = (
    (NUMBER, re.compile(r"\bhow (?:many|much|long|old|far|big|large)\b|\bwhat (?:percentage|percent|number|"
                        r"amount|share|fraction|age|price|sum)\b|\bby how\b", re.I)),
    (DATE, re.compile(r"\bwhen\b|\bwhat (?:year|day|date|month|time)\b|\bwhich (?:year|day|date|month)\b", re.I)),
    (PERSON, re.compile(r"\bwho(?:m|se)?\b|\bwhich (?:person|man|woman|player|actor|actress|singer|official|"
                        r"leader|senator|president|ceo|judge|coach|star|artist|author|rapper|musician)\b", re.I)),
    (PLACE, re.compile(r"\bwhere\b|\b(?:which|what) (?:country|city|state|nation|island|region|town|"
                       r"county|continent|province|place|location)\b", re.I)),
    (NAME, re.compile(r"\b(?:which|what) [a-z]+", re.I)),
)
_MONTHS = ("january february march april may june july august september october november december monday "
           "tuesday wednesday thursday friday saturday sunday today yesterday tomorrow").split()
_DATE = re.compile(r"\b(?:1[89]|20)\d\d\b|\b(?:" + "|".join(_MONTHS) + r")\b", re.I)
_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                     r"forty|fifty|hundred|thousand|million|billion|trillion|dozen|half|percent)\b", re.I)
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z'’-]+")


def kind(question: str) -> str:
    """The kind of answer `question` asks for: number, date, person, place, name, or any."""
    for name, pattern in _KINDS:
        if pattern.search(question):
            return name
    return ANY


def _new_names(sentence: str, question_words: set[str]) -> bool:
    """A capitalised word inside the sentence that the question does not use."""
    return any(m.group().lower() not in question_words and m.group().lower() not in STOPWORDS
               for m in _CAPITALISED.finditer(sentence))


def offers(answer_kind: str, sentence: str, question: str) -> float:
    """1.0 when the sentence holds something of the kind asked for that the question does not, else 0.0
    (always 0.0 for questions of no particular kind)."""
    asked = set(words(question))
    if answer_kind == NUMBER:
        found = any(m.group().lower() not in asked for m in _NUMBER.finditer(sentence))
    elif answer_kind == DATE:
        found = any(m.group().lower() not in asked for m in _DATE.finditer(sentence))
    elif answer_kind in (PERSON, PLACE, NAME):
        found = _new_names(sentence, asked)
    else:
        found = False
    return float(found)
