"""How often the injection guard (index/answering/injection.py) fires on real news sentences, and on injections.

    python bench/injection_guard.py /work/shared/data/realtimeqa-2025q1/articles.jsonl

Every sentence of every article (index/text.py's splitter) is checked; a real article is expected to
address no AI model, so every match is a false positive that an offline answer would no longer quote.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.answering.injection import addresses_the_model  # noqa: E402
from index.text import sentence_spans  # noqa: E402
from tests.answering.test_injection import INJECTIONS  # noqa: E402


def main(path: str) -> None:
    total, matched = 0, []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["text"]
            for start, end in sentence_spans(text):
                total += 1
                if addresses_the_model(text[start:end]):
                    matched.append(text[start:end][:160])
    caught = sum(addresses_the_model(s) for s in INJECTIONS)
    print(f"news sentences: {total}, matched (false positives): {len(matched)}")
    print(f"injections: {len(INJECTIONS)}, caught: {caught}")
    for sentence in matched[:20]:
        print("  -", sentence)


if __name__ == "__main__":
    main(sys.argv[1])
