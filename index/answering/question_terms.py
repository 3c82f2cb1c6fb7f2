"""A question's content words in its own language, for the offline answer's checks (issue 30).

`index.text.terms` is the index's vocabulary: English stop words out, the English stemmer. A German question
read that way keeps "der", "wurde", "hat" as content words (the IDF of a word the index barely knows is the
highest there is, so they weigh most) and stems "Arbeitsplätze" as if it were English. `Analyzer(language)`
reads a question and the passages it is compared with in the question's language: that language's stop
words (`prompts/stopwords/<code>.txt`, Snowball's lists and the words questions are made of) and its Snowball
stemmer (PyStemmer). English, Chinese and an unknown language are read as `terms` reads them, unchanged.

The weight of a term is the index's IDF of the word it came from (`weight`): the index counts words by
`terms`, so a word's own-language stem is looked up by the English term of the same word.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from index.language import language_of
from index.settings import PROMPTS_DIR
from index.text import terms, words

STEMMERS = {"de": "german", "es": "spanish", "fr": "french", "it": "italian", "pt": "portuguese"}
STOPWORDS_DIR = PROMPTS_DIR / "stopwords"
UNSEEN = "\x00"  # a term no index holds: its IDF is the index's highest
# Words a question must share with a passage in another language to be compared with it: chosen on the tune
# half of bench/answer_languages.py (docs/benchmarks/issue-30-language-id.md): 1 answered 19 right and 54
# wrong of 192 non-English questions, 2: 16 and 34, 2 with a cosine floor of 0.3: 9 and 17.
MIN_SHARED = 2
_lock = threading.Lock()


def read_stop_words(path: Path) -> frozenset[str]:
    """The words of a stop-word file: one a line, lower-cased, '#' starting a comment."""
    lines = (line.split("#", 1)[0].strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line)


@lru_cache(maxsize=None)
def stop_words(language: str) -> frozenset[str]:
    """The stop words of `language` (one of `STEMMERS`), read once."""
    return read_stop_words(STOPWORDS_DIR / f"{language}.txt")


@lru_cache(maxsize=None)
def _stemmer(language: str):
    import Stemmer

    return Stemmer.Stemmer(STEMMERS[language])


def _stem(language: str, found: list[str]) -> list[str]:
    with _lock:  # a PyStemmer object is not safe to share between threads
        return _stemmer(language).stemWords(found)


@dataclass(frozen=True)
class Analyzer:
    """Terms of text read in one language; `language` None (or English, Chinese) is `index.text.terms`."""

    language: str | None = None
    across: bool = True  # compare with text in another language on the words both can share only

    @property
    def own(self) -> bool:
        """Whether this language has its own stop words and stemmer here."""
        return self.language in STEMMERS

    def terms(self, text: str) -> list[str]:
        """The content terms of `text`: its words less the language's stop words, stemmed in that language
        (numbers and Chinese runs as `index.text.terms` gives them)."""
        if not self.own:
            return terms(text)
        assert self.language is not None
        stop = stop_words(self.language)
        kept = [w for w in words(text) if w not in stop]
        latin = [w for w in kept if len(w) > 1 and w.isalpha() and not _han(w)]
        rest = [w for w in kept if not w.isalpha() or _han(w)]
        return _stem(self.language, latin) + [t for w in rest for t in terms(w)]

    def weight(self, question: str, idf: Callable[[str], float]) -> Callable[[str], float]:
        """The IDF of one of this analyzer's terms: the index's IDF of the question's word it came from (the
        index counts words by `index.text.terms`), else of the term itself."""
        if not self.own:
            return idf
        origin: dict[str, str] = {}
        for word in set(words(question)):
            mine, theirs = self.terms(word), terms(word)
            if len(mine) == 1 and theirs:
                origin.setdefault(mine[0], theirs[0])
        return lambda term: idf(origin.get(term, term))

    def asked_of(self, question_terms: list[str], text: str, weight: Callable[[str], float]) -> list[str]:
        """The question's terms that `text` can be compared on: all of them when it is in the question's
        language (or the question is English or of no told language: read as before); when the question is in
        another language than `text`, only the words the index knows (names, numbers, borrowed words: the
        index's IDF of them below that of a word it never saw), since its other words cannot occur there; none
        when fewer than `MIN_SHARED` (a single shared name is weak evidence: many passages share it)."""
        if not self.across or self.language in (None, "en"):
            return question_terms
        written = language_of(text)
        if written is None or written == self.language:
            return question_terms
        ceiling = weight(UNSEEN)
        shared = [t for t in question_terms if weight(t) < ceiling]
        return shared if len(set(shared)) >= MIN_SHARED else []


def _han(word: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in word)
