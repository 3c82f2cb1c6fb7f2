"""Offline answers alone: sentence selection on the passages retrieval gives (issue 14).

    python bench/answer_tuning.py --home DIR            # today's sentence scoring against the tuned one
    python bench/answer_tuning.py --home DIR --tune     # choose SentenceWeights on the tune half only

DIR is a NEWSBOT_HOME indexed by `newsbot eval` (see bench/retrieval_ablation.py). The passages are
retrieved once per question with the retrieval configuration in bench/out/rerank_weights.json (or
`--today` for today's retrieval); every sentence vector is computed once and cached, so each scoring
variant costs no model time. Measures, per half: answer accuracy (the data README's rule); `selection`,
of the questions whose given passages hold the answer, the share whose answer quotes it; refusals.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from retrieval_ablation import add_index_arguments, chosen_config, open_scored  # noqa: E402
from index.evaluation import scoring as evaluation  # noqa: E402
from index.answering import extractive  # noqa: E402
from index.retrieval.second_stage import RetrievalConfig  # noqa: E402

GRIDS = {
    "similarity": (0.0, 0.25, 0.5, 0.75, 1.0),
    "lexical": (0.0, 0.25, 0.5, 0.75, 1.0),
    "names": (0.0, 0.1, 0.2, 0.3, 0.5),
    "kind": (0.0, 0.05, 0.1, 0.2, 0.3),
    "rank": (0.0, 0.05, 0.1, 0.2),
    "embedded": (8, 12, 16, 24),
    "sentences": (1, 2, 3),
    "floor": (0.6, 0.7, 0.8, 0.9),
}


class CachedEmbed:
    """The service's embedder with every text's vector kept."""

    def __init__(self, embed) -> None:
        self.embed, self.cache = embed, {}

    def __call__(self, texts: list[str]):
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.embed(missing)))
        import numpy as np

        return np.array([self.cache[t] for t in texts])


def gather(service, config: RetrievalConfig, questions: list[dict], rows: list[dict]) -> list[tuple]:
    """(question dict, query vector, the passages an answer is written from) per answerable question."""
    service.retriever.config = config
    by_id = {q["id"]: q for q in questions}
    out = []
    for gold in evaluation.answerable(questions, rows):
        query = service.retriever.embed_query(gold["question"])
        passages = service.retriever.retrieve(query, service.settings.top_k)
        out.append((by_id[gold["id"]], query.vector, passages))
    return out


def measure(items: list[tuple], weights: extractive.SentenceWeights, embed, idf, weeks: set[str] | None) -> dict:
    """Accuracy, selection and refusals over the items of `weeks` (all when None)."""
    correct = held = quoted = refused = n = 0
    for q, vector, passages in items:
        if weeks is not None and q["week"] not in weeks:
            continue
        n += 1
        answer = extractive.answer(q["question"], vector, passages, embed, idf, weights)
        text = None if answer.refused else answer.text
        refused += answer.refused
        correct += evaluation.answer_correct(text, q["answer"], q["choices"])
        if any(evaluation.contains(p.text, q["answer"]) for p in passages):
            held += 1
            quoted += text is not None and evaluation.contains(text, q["answer"])
    n = n or 1  # an empty half scores 0
    return {"n": n, "answer_accuracy": correct / n, "selection": quoted / held if held else None,
            "passages_hold_answer": held / n, "refused": refused / n}


def tune(items, embed, idf, tune_weeks: set[str]) -> extractive.SentenceWeights:
    """Coordinate ascent over GRIDS on the tune half's accuracy (ties keep the earlier value)."""
    best = extractive.DEFAULT_WEIGHTS
    best_value = measure(items, best, embed, idf, tune_weeks)["answer_accuracy"]
    for _ in range(2):
        for name, grid in GRIDS.items():
            for value in grid:
                trial = dataclasses.replace(best, **{name: value})
                got = measure(items, trial, embed, idf, tune_weeks)["answer_accuracy"]
                if got > best_value + 1e-9:
                    best, best_value = trial, got
            print(f"{name}: {best_value:.4f} {best}", file=sys.stderr, flush=True)
    return best


def main() -> int:
    """Tune, or compare today's sentence scoring with the tuned one on every half."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_index_arguments(parser)
    parser.add_argument("--today", action="store_true", help="today's retrieval instead of the chosen one")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "sentence_weights.json")
    args = parser.parse_args()
    service, rows, questions = open_scored(args)
    items = gather(service, RetrievalConfig() if args.today else chosen_config(), questions, rows)
    embed, idf = CachedEmbed(service.embedder.embed), service.lexical.snapshot().idf
    tune_weeks, report_weeks = evaluation.split_weeks(q["week"] for q in questions)
    if args.tune:
        best = tune(items, embed, idf, tune_weeks)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(dataclasses.asdict(best), indent=2))
    variants = {"today's sentence scoring": extractive.SentenceWeights(), "default now": extractive.DEFAULT_WEIGHTS}
    if args.out.exists():
        variants["tuned"] = extractive.SentenceWeights(**json.loads(args.out.read_text()))
    print("| sentence scoring | weeks | answer accuracy | selection | passages hold the answer | refused |")
    print("|---|---|---|---|---|---|")
    for name, weights in variants.items():
        for half, chosen in (("tune", tune_weeks), ("report", report_weeks), ("all", None)):
            m = measure(items, weights, embed, idf, chosen)
            sel = "–" if m["selection"] is None else f"{m['selection']:.3f}"
            print(f"| {name} | {half} ({m['n']}) | {m['answer_accuracy']:.3f} | {sel} | "
                  f"{m['passages_hold_answer']:.3f} | {m['refused']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
