"""English questions against the articles of tests/support/foreign_news.py (German, Chinese): can an embedding's
cosine tell an English question's article when no word is shared (issue 30)? For each question, the best cosine
between it and the title or a sentence of each article, the three best articles shown.

Run by hand from the repository's root (the multilingual extra for e5):
    PYTHONPATH=. python docs/benchmarks/cross_language_cosines.py all-MiniLM-L6-v2 multilingual-e5-small
"""
from __future__ import annotations

import sys
import tempfile

from index.app import build_embedder
from index.embedding.embedders import embed_queries
from index.settings import Settings
from index.text import sentence_spans
from tests.support.foreign_news import CHINESE, GERMAN

QUESTIONS = [  # (question, the article that answers it; None: none does)
    ("When will the West Lake tunnel open?", "suidao"), ("How long is the West Lake tunnel?", "suidao"),
    ("How much did the West Lake tunnel cost?", "suidao"), ("How much did the panda cubs weigh?", "xiongmao"),
    ("How many cubs has the Chengdu panda base had this year?", "xiongmao"),
    ("How heavy is the weather satellite?", "weixing"), ("Where was the weather satellite launched?", "weixing"),
    ("How much did the new container terminal in Hamburg cost?", "hafen"), ("Why did the Isar flood Munich?", "isar"),
    ("What do the train drivers demand?", "streik"), ("Who won the Champions League final?", None),
    ("What did the ECB decide on interest rates?", None), ("How many people died in the earthquake in Turkey?", None),
    ("What did Apple announce at its conference?", None),
]


def main() -> None:
    units = {slug: [title] + [text[a:b].strip() for a, b in sentence_spans(text)]
             for slug, (title, text) in {**GERMAN, **CHINESE}.items()}
    for model in sys.argv[1:]:
        embedder = build_embedder(Settings(home=tempfile.mkdtemp(), embed_model=model))
        print("==", model)
        for question, wanted in QUESTIONS:
            vector = embed_queries(embedder, [question])[0]
            best = sorted(((float((embedder.embed(us) @ vector).max()), slug) for slug, us in units.items()),
                          reverse=True)
            print(f"{question[:50]:50} want={wanted} " + " ".join(f"{s}:{c:.2f}" for c, s in best[:3]))


if __name__ == "__main__":
    main()
