"""The recency prior's strength against Recall@4000c, each question asked as of its own date.

The calibration of the shipped default `NEWSBOT_RECENCY_PRIOR` (0.5, index/retrieval/timed.py). Choose on
the odd weeks (1st, 3rd, … in date order), report on the even ones. Uses the collection that `newsbot eval`
builds for the same article file in --home (default: NEWSBOT_HOME), indexing it first if needed.

    python -m bench.recency_prior --home /tmp/eval-home --weights 0,0.25,0.5,1,2 [--weeks W,...]
    python -m bench.recency_prior --quick      # a slice (6 articles of each of two weeks), in a temporary home,
                                               # weights 0 and 0.5 only (unless --weights)
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from bench.common import add_common_arguments, data_set, eval_service, quick_slice
from index.evaluation import scoring as evaluation
from index.evaluation.run import question_date, to_articles
from index.retrieval.timed import place_in_time, retrieve_timed

CHARS = 4000
WEIGHTS = "0,0.25,0.5,1,2"
QUICK_WEIGHTS = "0,0.5"  # --quick: off and the shipped default (each weight re-runs every question's retrieval)
FINER = (("recall@2000c", lambda texts, answer: evaluation.recall_at_chars(texts, answer, 2000)),
         ("mrr@10", lambda texts, answer: 1.0 / rank if (rank := evaluation.hit_rank(texts, answer, 10)) else 0.0))


def main() -> None:
    """Parse the arguments, and measure in --home or a temporary one."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(parser, home=True)
    parser.add_argument("--weights", default=None, help=f"default {WEIGHTS} ({QUICK_WEIGHTS} with --quick)")
    parser.add_argument("--weeks", help="a subset of weeks, as for `newsbot eval --weeks`")
    parser.add_argument("-k", type=int, default=10)
    args = parser.parse_args()
    args.weights = args.weights or (QUICK_WEIGHTS if args.quick else WEIGHTS)
    with tempfile.TemporaryDirectory(prefix="recency-") as scratch:
        data = quick_slice(data_set(args.data), Path(scratch) / "data") if args.quick else data_set(args.data)
        home = args.home or (Path(scratch) / "home" if args.quick else Path(os.environ.get("NEWSBOT_HOME") or scratch))
        measure(args, data, home)


def measure(args: argparse.Namespace, data, home: Path) -> None:
    """Recall@4000c (and finer metrics) of each prior weight, per half; printed as JSON."""
    weights = [float(w) for w in args.weights.split(",")]
    selected = evaluation.parse_weeks(args.weeks)
    service = eval_service(home, data, selected)
    rows = evaluation.load_articles(data.articles, selected)
    report = service.indexer.index("eval", to_articles(rows))
    if report.added or report.updated or report.deleted:
        service.store.bump_generation()
    questions = evaluation.answerable(evaluation.load_questions(data.questions, selected), rows)
    every_week = sorted({q["week"] for q in evaluation.load_questions(data.questions)})
    odd = set(every_week[0::2])  # the 1st, 3rd, … week of the whole set, whatever subset is selected
    hits: dict[str, dict[str, list[float]]] = {}

    def add(mode: str, split: str, texts: list[str], answer: str) -> None:
        hits.setdefault(mode, {}).setdefault(split, []).append(float(evaluation.recall_at_chars(texts, answer, CHARS)))
        for name, metric in FINER:  # finer than Recall@4000c: they move when the prior reorders passages
            hits.setdefault(mode, {}).setdefault(f"{split} {name}", []).append(float(metric(texts, answer)))

    for q in questions:
        split = "odd" if q["week"] in odd else "even"
        query = service.retriever.embed_query(q["question"])
        timeless = service.retriever.retrieve(query, args.k)
        add("timeless", split, [p.text for p in timeless], q["answer"])
        timed = place_in_time(service.retriever, q["question"], question_date(q))
        for weight in weights:
            passages = retrieve_timed(service.retriever, timed, args.k, weight)
            add(f"as-of, prior {weight:g}", split, [p.text for p in passages], q["answer"])
    table = {mode: {split: round(sum(v) / len(v), 4) for split, v in splits.items()} | {
        "n_odd": len(splits.get("odd", [])), "n_even": len(splits.get("even", []))} for mode, splits in hits.items()}
    print(json.dumps({"odd_weeks": sorted(odd & {q["week"] for q in questions}), "recall_at": CHARS, "k": args.k, "modes": table}, indent=2))


if __name__ == "__main__":
    main()
