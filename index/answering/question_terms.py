"""A question's content words in its own language, for the offline answer's checks (issue 30).

`Analyzer(language)` reads a question and the passages it is compared with in the question's language
(`index.analysis.terms_in`: that language's stop words and Snowball stemmer; English, Chinese and an unknown
language as `index.text.terms` reads them). Read as English, a German question would keep "der", "wurde",
"hat" as content words (the IDF of a word the index barely knows is the highest there is, so they would weigh
most) and stem "Arbeitsplätze" as if it were English.

The weight of a term is the index's IDF of it (`weight`): BM25 indexes each chunk in its own language
(`index.analysis.indexed_terms`), so a German stem is counted over the German chunks. A stem no chunk has
is weighed by the English reading of the word it came from, which is also how the index tells the words a
text in another language can share with the question (names, numbers, borrowed words: `asked_of`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from index.analysis import has_own_reading, terms_in
from index.language import language_of
from index.text import terms, words

UNSEEN = "\x00"  # a term no index holds: its IDF is the index's highest
# Words a question must share with a passage in another language to be compared with it: chosen on the tune
# half of bench/answer_languages.py (docs/benchmarks/issue-30-language-id.md): 1 answered 19 right and 54
# wrong of 192 non-English questions, 2: 16 and 34, 2 with a cosine floor of 0.3: 9 and 17.
MIN_SHARED = 2


@dataclass(frozen=True)
class TermWeight:
    """The IDF of an analyzer's terms: `idf` of the term itself when the index holds it, else of the English
    reading of the question's word it came from (`origin`)."""

    idf: Callable[[str], float]
    origin: dict[str, str]

    def __call__(self, term: str) -> float:
        own = self.idf(term)
        english = self.origin.get(term)
        return own if english is None or own < self.idf(UNSEEN) else self.idf(english)

    def across(self, term: str) -> float:
        """The index's IDF of the term's English reading: below the ceiling for a word a text in another
        language can hold (the English reading of a name is the name)."""
        return self.idf(self.origin.get(term, term))


@dataclass(frozen=True)
class Analyzer:
    """Terms of text read in one language; `language` None (or English, Chinese) is `index.text.terms`."""

    language: str | None = None
    across: bool = True  # compare with text in another language on the words both can share only

    @property
    def own(self) -> bool:
        """Whether this language has its own stop words and stemmer here."""
        return has_own_reading(self.language)

    def terms(self, text: str) -> list[str]:
        """The content terms of `text` read in this analyzer's language (`index.analysis.terms_in`)."""
        return terms_in(self.language, text)

    def weight(self, question: str, idf: Callable[[str], float]) -> TermWeight:
        """The IDF of one of this analyzer's terms (`TermWeight`), with the English reading of each of the
        question's words for the terms no chunk holds."""
        origin: dict[str, str] = {}
        if self.own:
            for word in set(words(question)):
                mine, theirs = self.terms(word), terms(word)
                if len(mine) == 1 and theirs:
                    origin.setdefault(mine[0], theirs[0])
        return TermWeight(idf, origin)

    def asked_of(self, question_terms: list[str], text: str, weight: TermWeight) -> list[str]:
        """The question's terms that `text` can be compared on: all of them when it is in the question's
        language (or the question is English or of no told language: read as before); when the question is in
        another language than `text`, only the words whose English reading the index knows (names, numbers,
        borrowed words: `TermWeight.across` below the IDF of a word it never saw), since its other words cannot
        occur there; none when fewer than `MIN_SHARED` (a single shared name is weak evidence: many passages
        share it)."""
        if not self.across or self.language in (None, "en"):
            return question_terms
        written = language_of(text)
        if written is None or written == self.language:
            return question_terms
        ceiling = weight.idf(UNSEEN)
        shared = [t for t in question_terms if weight.across(t) < ceiling]
        return shared if len(set(shared)) >= MIN_SHARED else []

