"""The recency prior's strength against Recall@4000c, each question asked as of its own date.

Choose on the odd weeks (1st, 3rd, … in date order), report on the even ones. Uses the collection that
`newsbot eval` builds for the same article file (same NEWSBOT_HOME), indexing it first if needed.

    NEWSBOT_HOME=/tmp/eval-home python bench/recency_prior.py \
        --articles ../shared/data/realtimeqa-2025q1/articles.jsonl \
        --questions ../shared/data/realtimeqa-2025q1/questions.jsonl --weights 0,0.25,0.5,1,2
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from index.evaluation import scoring as evaluation
from index.app import build_service
from index.evaluation.run import eval_collection_name, question_date, to_articles
from index.retrieval.timed import place_in_time, retrieve_timed

CHARS = 4000
FINER = (("recall@2000c", lambda texts, answer: evaluation.recall_at_chars(texts, answer, 2000)),
         ("mrr@10", lambda texts, answer: 1.0 / rank if (rank := evaluation.hit_rank(texts, answer, 10)) else 0.0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--weights", default="0,0.25,0.5,1,2")
    parser.add_argument("--weeks", help="a subset of weeks, as for `newsbot eval --weeks`")
    parser.add_argument("-k", type=int, default=10)
    args = parser.parse_args()
    weights = [float(w) for w in args.weights.split(",")]
    selected = evaluation.parse_weeks(args.weeks)
    service = build_service(collection=eval_collection_name(args.articles, selected))
    rows = evaluation.load_articles(args.articles, selected)
    report = service.indexer.index("eval", to_articles(rows))
    if report.added or report.updated or report.deleted:
        service.store.bump_generation()
    questions = evaluation.answerable(evaluation.load_questions(args.questions, selected), rows)
    every_week = sorted({q["week"] for q in evaluation.load_questions(args.questions)})
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
