"""The cost of issue 14's retrieval and answers, as ratios to today's measured in one run.

    python bench/rerank_latency.py --home DIR [--rounds 3]

DIR holds the full eval index (28,535 chunks) that `newsbot eval` built. Warm: every answerable
question is asked offline (retrieval + extractive answer, as `newsbot ask` does) with today's
configuration and with the chosen one, alternating A/B per question, in one process. Cold: a fresh
`newsbot ask` on the same index, run from `--today-tree` (a checkout of today's main) and from this
tree, alternating A/B for `--rounds` rounds (process start to the printed answer). Indexing is
not timed here: issue 14 changes nothing that runs at index time (chunking, embedding, the BM25 build).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from retrieval_ablation import DATA, chosen_config, first_articles, open_service  # noqa: E402
from index.evaluation import scoring as evaluation  # noqa: E402
from index.answering import extractive  # noqa: E402
from index.retrieval.second_stage import RetrievalConfig  # noqa: E402

TODAY_SENTENCES = extractive.SentenceWeights(similarity=0.5, lexical=0.5, names=0.0, kind=0.0, rank=0.05,
                                             embedded=12, sentences=3, floor=0.8)


def ask_ms(service, config: RetrievalConfig, weights, question: str) -> float:
    """Milliseconds of one offline ask: embed, retrieve, answer."""
    service.retriever.config = config
    begun = time.perf_counter()
    query = service.retriever.embed_query(question)
    passages = service.retriever.retrieve(query, service.settings.top_k)
    extractive.answer(question, query.vector, passages, service.embedder.embed, service.lexical.snapshot().idf, weights)
    return (time.perf_counter() - begun) * 1000


def cold_seconds(home: Path, tree: Path, question: str) -> float:
    """Seconds from the start of a fresh `newsbot ask` (the code in `tree`) to its answer."""
    from index.evaluation.run import eval_collection_name

    env = dict(os.environ, NEWSBOT_HOME=str(home), PYTHONPATH=str(tree),
               NEWSBOT_COLLECTION=eval_collection_name(DATA / "articles.jsonl", None))
    begun = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot.cli", "ask", question], check=True, stdout=subprocess.DEVNULL,
                   env=env, cwd=tree)
    return time.perf_counter() - begun


def main() -> int:
    """Warm and cold ratios, new / today."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--today-tree", type=Path, default=ROOT.parent / "main")
    parser.add_argument("--first-articles", type=int, default=None,
                        help="ask only the questions of the first N articles (an index stopped early)")
    args = parser.parse_args()
    service = open_service(args.home, None)
    rows, asked = first_articles(evaluation.load_articles(DATA / "articles.jsonl"),
                                 evaluation.load_questions(DATA / "questions.jsonl"), args.first_articles)
    questions = evaluation.answerable(asked, rows)
    new, today = chosen_config(), RetrievalConfig()
    tuned_sentences = ROOT / "bench" / "out" / "sentence_weights.json"
    new_sentences = (extractive.SentenceWeights(**json.loads(tuned_sentences.read_text()))
                     if tuned_sentences.exists() else extractive.DEFAULT_WEIGHTS)
    ask_ms(service, new, new_sentences, questions[0]["question"])  # build caches outside the timing
    times: dict[str, list[float]] = {"today": [], "new": []}
    for q in questions:
        times["today"].append(ask_ms(service, today, TODAY_SENTENCES, q["question"]))
        times["new"].append(ask_ms(service, new, new_sentences, q["question"]))
    cold: dict[str, list[float]] = {"today": [], "new": []}
    for _ in range(args.rounds):
        cold["today"].append(cold_seconds(args.home, args.today_tree, questions[0]["question"]))
        cold["new"].append(cold_seconds(args.home, ROOT, questions[0]["question"]))
    result = {
        "chunks": service.store.chunks.count(),
        "ask_p50_ms": {k: evaluation.percentile(v, 50) for k, v in times.items()},
        "ask_p95_ms": {k: evaluation.percentile(v, 95) for k, v in times.items()},
        "cold_start_s_median": {k: evaluation.percentile(v, 50) for k, v in cold.items()},
    }
    result["ask_p50_ratio"] = result["ask_p50_ms"]["new"] / result["ask_p50_ms"]["today"]
    if args.rounds:
        result["cold_start_ratio"] = result["cold_start_s_median"]["new"] / result["cold_start_s_median"]["today"]
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
