"""The names and numbers a question writes, and how much of them a text repeats. Pure.

The offline answer counts them in a sentence's score (`SentenceWeights.names`, index/answering/extractive.py).
"""
from __future__ import annotations

import re
from typing import Sequence

from index.text import STOPWORDS, words

_NAME = re.compile(r"[A-Z][\w'’&.-]*(?:\s+(?:of\s+|the\s+|de\s+)?[A-Z][\w'’&.-]*)*")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def question_names(question: str) -> tuple[str, ...]:
    """The question's names (capitalised runs that are not question words), case-folded, then its
    numbers; each once, in order."""
    names = [m.group().casefold() for m in _NAME.finditer(question)]
    names = [n for n in names if n.split()[0] not in STOPWORDS or len(n.split()) > 1]
    names = [" ".join(w for w in n.split() if w not in STOPWORDS) if n.split()[0] in STOPWORDS else n for n in names]
    names += [m.group() for m in _NUMBER.finditer(question)]
    return tuple(dict.fromkeys(n for n in names if n))


def _share(found: Sequence[float]) -> float:
    return sum(found) / len(found) if found else 0.0


def name_overlap(names: Sequence[str], text_words: set[str]) -> float:
    """Mean over the question's names of the share of each name's words the text has (0 for no names):
    "President Trump" half-matches a passage that only says "Trump"."""
    return _share([_share([w in text_words for w in words(name)]) for name in names])
