"""How often the injection guard (index/answering/injection.py) fires on real news sentences, and on injections.

    python -m bench.injection_guard [--data DIR]
    python -m bench.injection_guard --quick      # the first 200 articles

Every sentence of every article (index/text.py's splitter) is checked; a real article is expected to
address no AI model, so every match is a false positive that an offline answer would no longer quote.
"""
from __future__ import annotations

import argparse

from bench.common import add_common_arguments, data_set, read_jsonl
from index.answering.injection import addresses_the_model
from index.text import sentence_spans
from tests.support.injections import INJECTIONS

QUICK_ARTICLES = 200


def main() -> None:
    """Count the guard's matches on the articles and on the injections; list the first 20 matches."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(parser)
    args = parser.parse_args()
    articles = read_jsonl(data_set(args.data).articles)[: QUICK_ARTICLES if args.quick else None]
    total, matched = 0, []
    for article in articles:
        text = article.get("text") or ""
        for start, end in sentence_spans(text):
            total += 1
            if addresses_the_model(text[start:end]):
                matched.append(text[start:end][:160])
    caught = sum(addresses_the_model(s) for s in INJECTIONS)
    print(f"news sentences: {total}, matched (false positives): {len(matched)}")
    print(f"injections: {len(INJECTIONS)}, injections caught: {caught}")
    for sentence in matched[:20]:
        print("  -", sentence)


if __name__ == "__main__":
    main()
