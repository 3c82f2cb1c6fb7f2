"""Retrieval levers, each alone and together, on the tune and report halves (issue 14).

    python bench/retrieval_ablation.py --home DIR                # the ablation table (retrieval + offline answers)
    python bench/retrieval_ablation.py --home DIR --tune         # choose the rerank weights on the tune half only
    python bench/retrieval_ablation.py --home DIR --only all     # one configuration

DIR is a NEWSBOT_HOME in which `newsbot eval --split` (or bench/retrieval_vs_peer.py --split --home DIR)
has indexed all of ../shared/data/realtimeqa-2025q1; nothing is re-indexed here. Every configuration is
run through newsbot's real retrieval and offline answerer (index/evaluation/run.py `answer_all`) and scored by
index/evaluation/scoring.py `score_split`: odd weeks tune, even weeks report, all weeks.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from index.evaluation import scoring as evaluation  # noqa: E402
from index.retrieval import rerank  # noqa: E402
from index.retrieval.second_stage import RetrievalConfig  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "realtimeqa-2025q1"
COLUMNS = ("recall@2000c", "recall@4000c", "recall@8000c", "hit@10", "answer_accuracy")
GRID = (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0)
FIRST_STAGE_ONLY = rerank.Weights(fused=1.0, dense=0.0, bm25=0.0, sentence=0.0, entity=0.0, phrase=0.0,
                                  title=0.0, lead=0.0, article=0.0)


def configs(tuned: rerank.Weights) -> dict[str, RetrievalConfig]:
    """Every configuration of the table: today's, each lever alone, then all of them."""
    article_only = dataclasses.replace(FIRST_STAGE_ONLY, dense=tuned.dense, bm25=tuned.bm25, article=tuned.article)
    rerank_only = dataclasses.replace(tuned, article=0.0)
    return {
        "today (40 fused, RRF order)": RetrievalConfig(),
        "80 fused candidates": RetrievalConfig(candidates=80),
        "RM3 on the BM25 side": RetrievalConfig(rm3_terms=10),
        "article evidence (+ chunks of the top 3 articles)": RetrievalConfig(expand_articles=3, weights=article_only),
        "second stage (sentence, names, phrases, title, lead)": RetrievalConfig(weights=rerank_only),
        "all together": RetrievalConfig(candidates=80, rm3_terms=10, expand_articles=3, weights=tuned),
    }


def chosen_config(weights: Path | None = None) -> RetrievalConfig:
    """The configuration kept: every lever, with the weights tuned on the tune half."""
    path = weights or ROOT / "bench" / "out" / "rerank_weights.json"
    tuned = rerank.Weights(**json.loads(path.read_text())) if path.exists() else rerank.Weights()
    return configs(tuned)["all together"]


def first_articles(rows: list[dict], questions: list[dict], n: int | None) -> tuple[list[dict], list[dict]]:
    """The first `n` articles in file order (what an interrupted `newsbot eval` indexed) and the questions
    of their weeks; everything for None."""
    if n is None:
        return rows, questions
    rows = rows[:n]
    weeks = {row["week"] for row in rows}
    return rows, [q for q in questions if q["week"] in weeks]


def add_index_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments that say which eval index to open and which of its articles to score."""
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--weeks", default=None, help="a smoke run on an index of these weeks only")
    parser.add_argument("--first-articles", type=int, default=None,
                        help="score on the first N articles only (an all-weeks index that was stopped early)")


def open_scored(args: argparse.Namespace):
    """(service, article rows, questions) for the index and articles that `args` name."""
    weeks = evaluation.parse_weeks(args.weeks)
    service = open_service(args.home, weeks)
    rows, questions = first_articles(evaluation.load_articles(DATA / "articles.jsonl", weeks),
                                     evaluation.load_questions(DATA / "questions.jsonl", weeks), args.first_articles)
    return service, rows, questions


def open_service(home: Path, weeks: set[str] | None):
    """The service on the eval collection `newsbot eval` built in `home` (all weeks unless `weeks`)."""
    os.environ["NEWSBOT_HOME"] = str(home)
    from index.app import build_service
    from index.evaluation.run import eval_collection_name

    return build_service(collection=eval_collection_name(DATA / "articles.jsonl", weeks))


def run_config(service, config: RetrievalConfig, questions: list[dict], rows: list[dict], answers: bool) -> dict:
    """Scores of one configuration, three rows."""
    from index.evaluation.run import answer_all

    service.retriever.config = config
    if answers:
        run, _ = answer_all(service, questions, rows, 10, 0.0)
    else:
        run = retrieval_only(service, questions, rows)
    return evaluation.score_split(run, questions)


def retrieval_only(service, questions: list[dict], rows: list[dict]) -> evaluation.Run:
    """A run of retrieval alone (no answers), for tuning."""
    gold = evaluation.gold_from_questions(evaluation.answerable(questions, rows))
    by_id = {q["id"]: q for q in questions}
    results = []
    for item in gold:
        query = service.retriever.embed_query(by_id[item.id]["question"])
        passages = service.retriever.retrieve(query, 10)
        results.append(evaluation.QuestionResult(item.id, tuple(p.text for p in passages), 0.0))
    return evaluation.Run(gold, tuple(results), 0.0)


def captured_pools(service, config: RetrievalConfig, questions: list[dict], rows: list[dict]) -> dict:
    """Per answerable question: the second stage's feature matrix, articles and texts (captured once)."""
    pools, real = {}, rerank.rerank

    def capture(question, candidates, idf, weights):
        matrix = rerank.features(rerank.profile(question), candidates, idf)  # every text read: weights vary
        pools[question] = (matrix, [c.passage.article_id for c in candidates], [c.passage.text for c in candidates])
        return [c.passage for c in candidates]

    rerank.rerank = capture
    service.retriever.config = config
    try:
        retrieval_only(service, questions, rows)
    finally:
        rerank.rerank = real
    return pools


def read_only_the_best(matrix: np.ndarray, weights: rerank.Weights) -> np.ndarray:
    """The matrix rerank.rerank would see: text features kept only for rerank.worth_reading's choice."""
    cheap = matrix[:, :3] @ np.array([weights.fused, weights.dense, weights.bm25])
    keep = np.argsort(-cheap, kind="stable")[: rerank.TEXT_FEATURES_FOR]
    out = np.zeros_like(matrix)
    out[:, :3] = matrix[:, :3]
    out[keep] = matrix[keep]
    return out


def objective(weights: rerank.Weights, pools: dict, gold: list[dict]) -> float:
    """Mean of Recall@2000c, @4000c and @8000c over `gold` with the pools reordered by `weights`."""
    from index.text import jaccard, shingles

    total = 0.0
    for q in gold:
        matrix, articles, texts = pools[q["question"]]
        matrix = read_only_the_best(matrix, weights)
        order = np.argsort(-rerank.scores(matrix, articles, weights), kind="stable")
        kept: list[tuple[str, frozenset]] = []
        for i in order:
            signature = shingles(texts[i])
            if all(jaccard(signature, s) < 0.6 for _, s in kept):
                kept.append((texts[i], signature))
            if len(kept) == 10:
                break
        ranked = [t for t, _ in kept]
        total += sum(evaluation.recall_at_chars(ranked, q["answer"], c) for c in (2000, 4000, 8000)) / 3
    return total / len(gold)


def tune(service, questions: list[dict], rows: list[dict]) -> rerank.Weights:
    """Coordinate ascent of the rerank weights over GRID, on the tune half's questions only."""
    tune_weeks, _ = evaluation.split_weeks(q["week"] for q in questions)
    gold = [q for q in evaluation.answerable(questions, rows) if q["week"] in tune_weeks]
    start = rerank.Weights()
    pools = captured_pools(service, RetrievalConfig(candidates=80, rm3_terms=10, expand_articles=3, weights=start),
                           questions, rows)
    best, best_value = start, objective(start, pools, gold)
    print(f"start {best_value:.4f} {best}", file=sys.stderr)
    for _ in range(3):
        improved = False
        for name in [f.name for f in dataclasses.fields(rerank.Weights)]:
            for value in GRID:
                trial = dataclasses.replace(best, **{name: value})
                got = objective(trial, pools, gold)
                if got > best_value + 1e-9:
                    best, best_value, improved = trial, got, True
            print(f"{name}: {best_value:.4f} {best}", file=sys.stderr, flush=True)
        if not improved:
            break
    return best


def table(results: dict[str, dict]) -> str:
    """Markdown: one line per configuration and half."""
    lines = ["| configuration | weeks | " + " | ".join(COLUMNS) + " |", "|---|---|" + "---|" * len(COLUMNS)]
    for name, rows in results.items():
        for half in evaluation.SPLITS:
            row = rows[half]
            cells = " | ".join("–" if row.get(c) is None else f"{row[c]:.3f}" for c in COLUMNS)
            lines.append(f"| {name} | {half} ({row['answerable']}) | {cells} |")
    return "\n".join(lines)


def main() -> int:
    """Tune, or print the ablation table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_index_arguments(parser)
    parser.add_argument("--weights", type=Path, default=ROOT / "bench" / "out" / "rerank_weights.json")
    parser.add_argument("--only", default="", help="run only the configurations whose name contains this")
    parser.add_argument("--no-answers", action="store_true", help="retrieval only (faster)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "ablation.json")
    args = parser.parse_args()
    service, rows, questions = open_scored(args)
    if args.tune:
        best = tune(service, questions, rows)
        args.weights.parent.mkdir(parents=True, exist_ok=True)
        args.weights.write_text(json.dumps(dataclasses.asdict(best), indent=2))
        print(json.dumps(dataclasses.asdict(best)))
        return 0
    tuned = rerank.Weights(**json.loads(args.weights.read_text())) if args.weights.exists() else rerank.Weights()
    results = {}
    for name, config in configs(tuned).items():
        if args.only in name:
            results[name] = run_config(service, config, questions, rows, not args.no_answers)
            print(f"{name}: done", file=sys.stderr, flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({n: {h: {k: v for k, v in r.items() if k != "questions"} for h, r in rows_.items()}
                                    for n, rows_ in results.items()}, indent=2))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
