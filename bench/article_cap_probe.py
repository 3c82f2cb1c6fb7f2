"""A probe (not a lever newsbot ships): at most `cap` passages per article at the head of today's ranking.

    python bench/article_cap_probe.py --home DIR [--caps 1,2,3]

Today's retrieval (`RetrievalConfig()`, RRF order) gives its top 20 passages per answerable question; the
first `cap` passages of each article keep their order and the others move behind them (one event is often
told by several articles; a wrong article's several chunks can fill the head). The first 10 are scored as
`newsbot eval` scores them. Prints Recall@2000c/4000c/8000c per half for today's order and each cap; the
cap is to be chosen on the tune half.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from retrieval_ablation import add_index_arguments, open_scored  # noqa: E402
from index.evaluation import scoring as evaluation  # noqa: E402
from index.retrieval.second_stage import RetrievalConfig  # noqa: E402


def capped(pool: list[tuple[str, str]], cap: int | None) -> list[str]:
    """The first 10 texts with at most `cap` per article ahead of the rest (today's order for None)."""
    if cap is None:
        return [text for text, _ in pool][:10]
    seen: dict[str, int] = {}
    head, tail = [], []
    for text, article in pool:
        seen[article] = seen.get(article, 0) + 1
        (head if seen[article] <= cap else tail).append(text)
    return (head + tail)[:10]


def main() -> int:
    """Print the probe's rows."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_index_arguments(parser)
    parser.add_argument("--caps", default="1,2,3")
    args = parser.parse_args()
    service, rows, questions = open_scored(args)
    service.retriever.config = RetrievalConfig()
    tune, report = evaluation.split_weeks(q["week"] for q in questions)
    pools = []
    for q in evaluation.answerable(questions, rows):
        passages = service.retriever.retrieve(service.retriever.embed_query(q["question"]), 20)
        pools.append((q, [(p.text, p.article_id) for p in passages]))
    print("| order | weeks | Recall@2000c | Recall@4000c | Recall@8000c |\n|---|---|---|---|---|")
    for cap in [None] + [int(c) for c in args.caps.split(",")]:
        for half, weeks in (("tune", tune), ("report", report)):
            chosen = [(q, pool) for q, pool in pools if q["week"] in weeks]
            hits = np.mean([[evaluation.recall_at_chars(capped(pool, cap), q["answer"], c) for c in (2000, 4000, 8000)]
                            for q, pool in chosen], axis=0)
            name = "today" if cap is None else f"at most {cap} per article first"
            print(f"| {name} | {half} ({len(chosen)}) | " + " | ".join(f"{h:.3f}" for h in hits) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
