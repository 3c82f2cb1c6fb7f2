"""Offline answers alone: sentence selection on the passages retrieval gives (issue 14), the calibration
of `SentenceWeights` (index/answering/extractive.py) and of how many passages an answer reads.

    python -m bench.answer_tuning --home DIR            # the scoring before issue 14, the default, the tuned one
    python -m bench.answer_tuning --home DIR --tune     # choose SentenceWeights on the tune half only
    python -m bench.answer_tuning --home DIR --passages 4,5,6,8,10,12 [--honesty]
                                                        # how many passages the answer is written from
    python -m bench.answer_tuning --home DIR --sweep kind   # one weight of GRIDS, the others today's
    python -m bench.answer_tuning --quick               # all of it on a slice, in a fresh index (the honesty
                                                        # check on its first QUICK_UNANSWERABLE questions)

DIR is a NEWSBOT_HOME in which `newsbot eval` indexed the whole set (without --home, the set is indexed
first, into a temporary home). The passages are retrieved once per question with today's retrieval;
every sentence vector is computed once and cached, so each scoring variant costs no model time.
Measures, per half: answer accuracy (the data README's rule); `selection`, of the questions whose given
passages hold the answer, the share whose answer quotes it; refusals.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from bench.common import (OUT, add_common_arguments, alternate, build_eval_index, data_set, eval_service, halves,
                          load_set, quick_slice)
from index.answering import extractive
from index.evaluation import scoring as evaluation

BEFORE = extractive.SentenceWeights(similarity=0.5, lexical=0.5, names=0.0, kind=0.0, rank=0.05, novelty=0.0,
                                    embedded=12, sentences=3, floor=0.8)  # the sentence scoring before issue 14
QUICK_UNANSWERABLE = 6  # --quick: questions no article answers, of the slice's 25 (each costs a retrieval)
GRIDS = {
    "similarity": (0.0, 0.25, 0.5, 0.75, 1.0),
    "lexical": (0.0, 0.25, 0.5, 0.75, 1.0),
    "names": (0.0, 0.1, 0.2, 0.3, 0.5),
    "kind": (0.0, 0.05, 0.1, 0.2, 0.3),
    "rank": (0.0, 0.05, 0.1, 0.2),
    "novelty": (0.0, 0.05, 0.1, 0.2, 0.3),
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
        return np.array([self.cache[t] for t in texts])


def gather(service, questions: list[dict], rows: list[dict], k: int | None = None) -> list[tuple]:
    """(question dict, query vector, the passages an answer is written from: `k`, or the setting `top_k`)
    per answerable question."""
    by_id = {q["id"]: q for q in questions}
    out = []
    for gold in evaluation.answerable(questions, rows):
        query = service.retriever.embed_query(gold["question"])
        passages = service.retriever.retrieve(query, k or service.settings.top_k)
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
    best = BEFORE  # the start of the run that chose today's defaults
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


def answer_ms(items: list[tuple], variants: dict, embed, idf) -> dict[str, dict[str, float]]:
    """Median milliseconds of one offline answer per variant and its ratio to the first (the real
    embedder, no cache), alternating variants per question in one run."""
    runs = {name: (lambda item, w=weights: extractive.answer(item[0]["question"], item[1], item[2], embed, idf, w))
            for name, weights in variants.items()}
    return alternate(runs, items)


def table_row(label: object, half: str, m: dict) -> str:
    """One markdown row of `measure`'s figures."""
    sel = "–" if m["selection"] is None else f"{m['selection']:.3f}"
    return (f"| {label} | {half} ({m['n']}) | {m['answer_accuracy']:.3f} | {sel} | "
            f"{m['passages_hold_answer']:.3f} | {m['refused']:.3f} |")


def sweep(items: list[tuple], name: str, embed, idf, halves: dict) -> None:
    """Print today's sentence scoring with one weight set to each value of its grid."""
    print(f"| {name} | weeks | answer accuracy | selection | passages hold the answer | refused |")
    print("|---|---|---|---|---|---|")
    for value in GRIDS[name]:
        weights = dataclasses.replace(extractive.DEFAULT_WEIGHTS, **{name: value})
        for half, weeks in halves.items():
            m = measure(items, weights, embed, idf, weeks)
            print(table_row(value, half, m))


def passage_counts(items: list[tuple], counts: list[int], embed, idf, halves: dict) -> None:
    """Print today's sentence scoring on the first n passages of each item, for each n of `counts`
    (the items were gathered with the largest n)."""
    print("| passages the answer is written from | weeks | answer accuracy | selection | passages hold the answer "
          "| refused |")
    print("|---|---|---|---|---|---|")
    for n in counts:
        cut = [(q, vector, passages[:n]) for q, vector, passages in items]
        for half, weeks in halves.items():
            m = measure(cut, extractive.DEFAULT_WEIGHTS, embed, idf, weeks)
            print(table_row(n, half, m))


def refusals_elsewhere(service, questions: list[dict], rows: list[dict], variants: dict,
                       counts: list[int] | None = None, limit: int | None = None) -> str:
    """How each variant answers the questions whose answer is in no article: refusals, and whether the
    variants refuse the same questions (the refusal rules are shared; this checks they stay so). With
    `counts`, the variants are today's scoring on that many passages instead; `limit`: only the first so many."""
    answerable = {q["id"] for q in evaluation.answerable(questions, rows)}
    others = [q for q in questions if q["id"] not in answerable and q["answer"].strip()][:limit]
    idf, decisions = service.lexical.snapshot().idf, []
    cuts = {f"{n} passages": (n, extractive.DEFAULT_WEIGHTS) for n in counts} if counts else \
        {name: (service.settings.top_k, w) for name, w in variants.items()}
    for q in others:
        query = service.retriever.embed_query(q["question"])
        passages = service.retriever.retrieve(query, max(n for n, _ in cuts.values()))
        decisions.append(tuple(extractive.answer(q["question"], query.vector, passages[:n], service.embedder.embed,
                                                 idf, w).refused for n, w in cuts.values()))
    counts = ", ".join(f"{name} {sum(d[i] for d in decisions)}" for i, name in enumerate(cuts))
    same = sum(len(set(d)) == 1 for d in decisions)
    return f"questions whose answer is in no article: {len(others)}; refused: {counts}; same decision: {same}"


def open_scored(args: argparse.Namespace, scratch: Path):
    """(service, article rows, questions): the eval index in --home, or a fresh one (a slice with --quick)."""
    data = data_set(args.data)
    weeks = evaluation.parse_weeks(args.weeks)
    if args.quick:
        data = quick_slice(data, scratch / "data")
    if args.home is not None:
        service = eval_service(args.home, data, weeks)
    else:
        service, _ = build_eval_index(scratch / "home", data, weeks)
    rows, questions = load_set(data, weeks)
    return service, rows, questions


def main() -> int:
    """Tune, or compare today's sentence scoring with the tuned one on every half."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(parser, home=True)
    parser.add_argument("--weeks", default=None, help="only these weeks (an index `newsbot eval --weeks` built)")
    parser.add_argument("--tune", action="store_true", help="choose the weights on the tune half (written to --out)")
    parser.add_argument("--out", type=Path, default=OUT / "sentence_weights.json")
    parser.add_argument("--timing", action="store_true", help="also the median time of one answer per variant")
    parser.add_argument("--honesty", action="store_true", help="also the refusals of questions no article answers")
    parser.add_argument("--passages", type=lambda text: [int(n) for n in text.split(",")], default=None,
                        help="compare answers written from this many passages (today's scoring), e.g. 4,6,10")
    parser.add_argument("--sweep", choices=sorted(GRIDS), default=None, help="one weight over its grid")
    args = parser.parse_args()
    if args.quick:
        args.tune, args.timing, args.honesty = True, True, True
        args.out = OUT / "answer_tuning-quick" / "sentence_weights.json"
    with tempfile.TemporaryDirectory(prefix="answer-tuning-") as scratch:
        service, rows, questions = open_scored(args, Path(scratch))
        return report(args, service, rows, questions)


def report(args: argparse.Namespace, service, rows: list[dict], questions: list[dict]) -> int:
    """Print what `args` ask for."""
    items = gather(service, questions, rows, max(args.passages) if args.passages else None)
    embed, idf = CachedEmbed(service.embedder.embed), service.lexical.snapshot().idf
    split = halves(questions)
    limit = QUICK_UNANSWERABLE if args.quick else None
    if args.sweep:
        sweep(items, args.sweep, embed, idf, split)
        return 0
    if args.passages:
        passage_counts(items, args.passages, embed, idf, split)
        if args.honesty:
            print(refusals_elsewhere(service, questions, rows, {}, args.passages, limit))
        return 0
    if args.tune:
        best = tune(items, embed, idf, split["tune"])
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(dataclasses.asdict(best), indent=2))
    variants = {"before issue 14": BEFORE, "default now": extractive.DEFAULT_WEIGHTS}
    if args.out.exists():
        variants["tuned"] = extractive.SentenceWeights(**json.loads(args.out.read_text()))
    print("| sentence scoring | weeks | answer accuracy | selection | passages hold the answer | refused |")
    print("|---|---|---|---|---|---|")
    for name, weights in variants.items():
        for half, chosen in split.items():
            m = measure(items, weights, embed, idf, chosen)
            print(table_row(name, half, m))
    if args.timing:
        timings = answer_ms(items, variants, service.embedder.embed, idf)
        print("median ms per answer: " + ", ".join(f"{n} {t['median_ms']:.1f} ({t['ratio']:.2f}x)"
                                                   for n, t in timings.items()))
    if args.honesty:
        print(refusals_elsewhere(service, questions, rows, variants, limit=limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
