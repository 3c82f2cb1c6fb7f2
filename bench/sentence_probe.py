"""A probe (not a lever newsbot ships): reorder the top of the second stage by MiniLM at sentence level.

    python bench/sentence_probe.py --home DIR --first-articles 576 [--top 10]

For each answerable question, the "all together" configuration of bench/retrieval_ablation.py ranks the
candidates; the sentences of its `--top` best passages are embedded and each passage gets the cosine of
its best sentence to the question; those passages are re-sorted by (second-stage score + w x that cosine)
for each w of a grid. Prints Recall@2000c/4000c/8000c per half, and how often the candidate pool holds the
answer at all (the ceiling of any reranking). Embedding every sentence of the top passages costs far more
than the 3x latency budget allows at query time; the probe asks whether it would be worth that.
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

from retrieval_ablation import DATA, chosen_config, first_articles, open_service  # noqa: E402
from index.evaluation import scoring as evaluation  # noqa: E402
from index.retrieval import rerank  # noqa: E402
from index.text import jaccard, sentence_spans, shingles  # noqa: E402


def ranked_pools(service, gold: list[dict]) -> tuple[dict, dict]:
    """(question -> [(text, second-stage score)] best first, question -> query vector)."""
    pools, vectors, real = {}, {}, rerank.rerank

    def capture(question, candidates, idf, weights):
        matrix = rerank.features(rerank.profile(question), candidates, idf, rerank.worth_reading(candidates, weights))
        scores = rerank.scores(matrix, [c.passage.article_id for c in candidates], weights)
        order = np.argsort(-scores, kind="stable")
        pools[question] = [(candidates[i].passage.text, float(scores[i])) for i in order]
        return [candidates[i].passage for i in order]

    service.retriever.config = chosen_config()
    rerank.rerank = capture
    try:
        for q in gold:
            query = service.retriever.embed_query(q["question"])
            service.retriever.retrieve(query, 10)
            vectors[q["question"]] = query.vector
    finally:
        rerank.rerank = real
    return pools, vectors


def best_sentence_cosines(service, texts: list[str], vector) -> list[float]:
    """For each text, the cosine of its best sentence (of 4 words or more) to the question."""
    sentences = [[t[a:b] for a, b in sentence_spans(t) if len(t[a:b].split()) >= 4] or [t] for t in texts]
    cosines = service.embedder.embed([s for group in sentences for s in group]) @ vector
    out, start = [], 0
    for group in sentences:
        out.append(float(cosines[start : start + len(group)].max()))
        start += len(group)
    return out


def recalls(pool: list[tuple[str, float]], cosines: list[float], weight: float, answer: str) -> list[bool]:
    """Recall at 2000/4000/8000 characters after re-sorting the head of the pool."""
    head = sorted(((t, s + weight * c) for (t, s), c in zip(pool, cosines)), key=lambda pair: -pair[1])
    ranked = [t for t, _ in head] + [t for t, _ in pool[len(cosines):]]
    kept: list[tuple[str, frozenset]] = []
    for text in ranked:
        signature = shingles(text)
        if all(jaccard(signature, other) < 0.6 for _, other in kept):
            kept.append((text, signature))
        if len(kept) == 10:
            break
    return [evaluation.recall_at_chars([t for t, _ in kept], answer, c) for c in (2000, 4000, 8000)]


def main() -> int:
    """Print the probe's table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--first-articles", type=int, default=None)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    service = open_service(args.home, None)
    rows, questions = first_articles(evaluation.load_articles(DATA / "articles.jsonl"),
                                     evaluation.load_questions(DATA / "questions.jsonl"), args.first_articles)
    gold = evaluation.answerable(questions, rows)
    halves = dict(zip(("tune", "report"), evaluation.split_weeks(q["week"] for q in questions)))
    pools, vectors = ranked_pools(service, gold)
    cosines = {q["question"]: best_sentence_cosines(service, [t for t, _ in pools[q["question"]][: args.top]],
                                                    vectors[q["question"]]) for q in gold}
    for half, weeks in halves.items():
        chosen = [q for q in gold if q["week"] in weeks]
        ceiling = np.mean([any(evaluation.contains(t, q["answer"]) for t, _ in pools[q["question"]]) for q in chosen])
        print(f"{half}: {len(chosen)} questions, answer in the candidate pool {ceiling:.3f}")
    for weight in (0, 0.5, 1, 2, 3, 5, 8):
        cells = []
        for half, weeks in halves.items():
            hits = np.mean([recalls(pools[q["question"]], cosines[q["question"]], weight, q["answer"])
                            for q in gold if q["week"] in weeks], axis=0)
            cells.append(f"{half} " + " / ".join(f"{h:.3f}" for h in hits))
        print(f"top {args.top}, w {weight}: " + "; ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
