"""The lexical levers of issue 14 and the fusion constants, chosen on the tune half only.

    python bench/lexical_levers.py --home DIR [--out FILE]
    python bench/lexical_levers.py --home DIR --bm25-parameters     # BM25's k1 and b instead (fourth pass)

DIR is the eval home of bench/retrieval_ablation.py (nothing is re-embedded; the BM25 indexes of the
variants are built in memory from the lexical snapshot's texts, never written). For every answerable
question the dense side's 40 candidates are taken once (they do not depend on any lever here), then each
variant's BM25 ranking is fused with them as hybrid.py does (RRF, top 40, near-duplicates collapsed, 10
passages) and scored like `newsbot eval` (Recall@chars of the joined passages). The variants:

- fields: title terms counted w times (w in 2, 3, 4), the lead chunk's terms w times, a third RRF list
  ranking chunks by their title's BM25 (ties by the body's);
- phrase terms: adjacent-term bigrams added to chunks and questions;
- fusion: RRF constant k and the dense / BM25 weights (a small grid).

Choice rule, fixed before reading any report row: a variant is chosen when it gains Recall@4000c on the
tune half (ties broken by the mean of Recall@2000c/4000c/8000c); the report row is printed beside it.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.retrieval_ablation import add_index_arguments, open_scored, run_config  # noqa: E402
from index.evaluation import scoring as evaluation  # noqa: E402
from index.retrieval.field_index import title_scores  # noqa: E402
from index.retrieval.lexical_fields import LexicalFields, field_tokens, question_terms  # noqa: E402
from index.retrieval.second_stage import RetrievalConfig  # noqa: E402
from index.store import bm25_postings  # noqa: E402
from index.store.bm25_postings import PostingsBM25  # noqa: E402
from index.store.lexical import top_rows  # noqa: E402
from index.text import jaccard, shingles  # noqa: E402

CANDIDATES = 40
FIELD_VARIANTS = {"today (title + text once)": LexicalFields(),
                  **{f"title x{w}": LexicalFields(title_weight=w) for w in (2, 3, 4)},
                  **{f"lead chunk x{w}": LexicalFields(lead_weight=w) for w in (2, 3)},
                  "bigrams (phrase terms)": LexicalFields(bigrams=True)}
RRF_KS = (5, 10, 20, 30, 60, 100)
BM25_PARAMETERS = [(k1, b) for k1 in (0.6, 0.9, 1.2, 1.5, 2.0) for b in (0.3, 0.5, 0.75, 0.9)]  # today: 1.5, 0.75
BM25_WEIGHTS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)  # the dense side's weight is 1


def fuse(rankings: list[list[int]], weights: list[float], k: int) -> list[int]:
    """Reciprocal rank fusion of row rankings (hybrid.fuse with its constant as a parameter)."""
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, row in enumerate(ranking, start=1):
            scores[row] = scores.get(row, 0.0) + weight / (k + rank)
    return [row for row, _ in sorted(scores.items(), key=lambda pair: -pair[1])][:CANDIDATES]


def ranked_texts(rows: list[int], texts: list[str], limit: int = 10) -> list[str]:
    """The first `limit` passages after collapsing near-duplicates (hybrid.collapse_duplicates)."""
    kept: list[tuple[str, frozenset]] = []
    for row in rows:
        signature = shingles(texts[row])
        if all(jaccard(signature, other) < 0.6 for _, other in kept):
            kept.append((texts[row], signature))
        if len(kept) == limit:
            break
    return [t for t, _ in kept]


def score_rows(gold: list[dict], fused: dict[str, list[int]], texts: list[str], halves: dict[str, set]) -> dict:
    """Recall@2000c/4000c/8000c per half for one variant's fused rows of each question."""
    out = {}
    for half, weeks in halves.items():
        picked = [q for q in gold if weeks is None or evaluation.normalize_week(q["week"]) in weeks]
        row = {"answerable": len(picked)}
        for chars in evaluation.RECALL_CHARS:
            hits = sum(evaluation.recall_at_chars(ranked_texts(fused[q["id"]], texts), q["answer"], chars) for q in picked)
            row[f"recall@{chars}c"] = hits / len(picked)
        out[half] = row
    return out


def dense_rankings(service, gold: list[dict], row_of: dict[str, int]) -> dict[str, list[int]]:
    """The dense side's 40 candidate rows of every question (retrieval without date bounds, as eval)."""
    retriever = service.retriever
    out = {}
    for q in gold:
        query = retriever.embed_query(q["question"])
        out[q["id"]] = [row_of[i] for i in retriever._dense(query, {}, {}) if i in row_of]
    return out


def bm25_rankings(snapshot, gold: list[dict], fields: LexicalFields, timing: dict) -> dict[str, list[int]]:
    """Each question's top 40 BM25 rows with an index whose chunk terms follow `fields`; the seconds of
    the build and of the questions' scoring go to `timing`."""
    begun = time.perf_counter()
    index = field_index(snapshot, fields)
    built = time.perf_counter()
    out = ranked_rows(index, gold, fields)
    timing.update(build_s=built - begun, query_s=time.perf_counter() - built)
    return out


def field_index(snapshot, fields: LexicalFields) -> PostingsBM25:
    """A BM25 index of the snapshot's chunks whose terms follow `fields` (in memory, never written)."""
    return PostingsBM25.build([field_tokens(t, m, fields) for t, m in zip(snapshot.texts, snapshot.metadatas)])


def ranked_rows(index: PostingsBM25, gold: list[dict], fields: LexicalFields,
                k1: float = bm25_postings.K1, b: float = bm25_postings.B) -> dict[str, list[int]]:
    """Each question's top 40 rows of `index` with BM25's constants `k1` and `b`."""
    return {q["id"]: [r for r, _ in top_rows(index.get_scores(question_terms(q["question"], fields), k1, b),
                                             CANDIDATES)] for q in gold}


def title_rankings(snapshot, gold: list[dict]) -> dict[str, list[int]]:
    """Each question's top 40 rows of the title list (index/retrieval/field_index.py `title_scores`)."""
    out = {}
    for q in gold:
        body = snapshot.bm25.get_scores(question_terms(q["question"], LexicalFields()))
        out[q["id"]] = [r for r, _ in top_rows(title_scores(snapshot, q["question"], body), CANDIDATES)]
    return out


def main() -> int:
    """Print every variant's rows (tune, report, all) and the choice on tune."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_index_arguments(parser)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "lexical_levers.json")
    parser.add_argument("--check-production", action="store_true",
                        help="also run some variants through newsbot's retriever (slower)")
    parser.add_argument("--bm25-parameters", action="store_true",
                        help="only BM25's k1 and b over a grid (today's fusion and fields), chosen on tune")
    parser.add_argument("--timing", type=int, default=0, metavar="N",
                        help="also time N offline asks per lever against today's (ratios, one run)")
    args = parser.parse_args()
    service, rows, questions = open_scored(args)
    snapshot = service.retriever._snapshot()
    gold = evaluation.answerable(questions, rows)
    tune, report = evaluation.split_weeks(q["week"] for q in questions)
    halves = {"tune": tune, "report": report, "all": None}
    row_of = {chunk_id: row for row, chunk_id in enumerate(snapshot.ids)}
    dense = dense_rankings(service, gold, row_of)
    if args.bm25_parameters:
        print(bm25_parameter_rows(snapshot, gold, dense, halves))
        return 0
    results = run_variants(snapshot, gold, dense, halves)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(table(results))
    print("\n" + costs(results))
    if args.check_production:
        print("\n" + production_rows(service, questions, rows))
    if args.timing:
        print("\n" + ask_ratios(service, gold[: args.timing]))
    return 0


def ask_ratios(service, gold: list[dict]) -> str:
    """Markdown: ask p50 (embed, retrieve, offline answer) with each checked lever on / with today's,
    alternating per question in one process; each lever's index is built before the timing."""
    from bench.rerank_latency import ask_ms
    from index.answering.extractive import DEFAULT_WEIGHTS

    configs = {"today": RetrievalConfig(), **CHECKED}
    for config in configs.values():
        ask_ms(service, config, DEFAULT_WEIGHTS, gold[0]["question"])
    times: dict[str, list[float]] = {name: [] for name in configs}
    for q in gold:
        for name, config in configs.items():
            times[name].append(ask_ms(service, config, DEFAULT_WEIGHTS, q["question"]))
    service.retriever.config = RetrievalConfig()
    base = float(np.median(times["today"]))
    lines = [f"| lever on | ask p50 / today's ({len(gold)} questions, today {base:.0f} ms) |", "|---|---|"]
    lines += [f"| {name} | {float(np.median(t)) / base:.2f} |" for name, t in times.items()]
    return "\n".join(lines)


CHECKED = {"RRF k 5, BM25 weight 1.25": RetrievalConfig(rrf_k=5, bm25_weight=1.25),
           "third list: title BM25 (weight 0.5)": RetrievalConfig(title_list=0.5),
           "title x2": RetrievalConfig(fields=LexicalFields(title_weight=2)),
           "bigrams (phrase terms)": RetrievalConfig(fields=LexicalFields(bigrams=True))}


def production_rows(service, questions: list[dict], rows: list[dict]) -> str:
    """Some variants again through newsbot's retriever (`RetrievalConfig`), as `newsbot eval` retrieves:
    their rows must equal the ones above."""
    results = {}
    for name, config in CHECKED.items():
        results[f"{name} (RetrievalConfig)"] = run_config(service, config, questions, rows, False)
    return table(results)


def costs(results: dict[str, dict]) -> str:
    """Markdown: the BM25 build and query time of each field variant as a ratio to today's, one run."""
    lines = ["| variant | BM25 build / today's | BM25 scoring of the questions / today's |", "|---|---|---|"]
    for name, rows in results.items():
        if "cost" in rows:
            cost = rows["cost"]
            lines.append(f"| {name} | {cost['bm25_build_ratio']:.2f} | {cost['bm25_query_ratio']:.2f} |")
    return "\n".join(lines)


def bm25_parameter_rows(snapshot, gold: list[dict], dense: dict, halves: dict) -> str:
    """Tune Recall@4000c of every (k1, b) of the grid with today's fields and fusion; then today's and the
    chosen pair's rows on every half (chosen: the best tune Recall@4000c, ties by the mean of the three
    recalls, then the nearer to today's)."""
    today, index = (bm25_postings.K1, bm25_postings.B), field_index(snapshot, LexicalFields())
    results, lines = {}, ["| k1, b | tune Recall@4000c |", "|---|---|"]
    for k1, b in BM25_PARAMETERS:
        lexical = ranked_rows(index, gold, LexicalFields(), k1, b)
        fused = {q["id"]: fuse([dense[q["id"]], lexical[q["id"]]], [1.0, 1.0], 60) for q in gold}
        results[(k1, b)] = score_rows(gold, fused, snapshot.texts, halves)
        lines.append(f"| {k1}, {b} | {results[(k1, b)]['tune']['recall@4000c']:.3f} |")

    def key(pair: tuple[float, float]) -> tuple:
        tune = results[pair]["tune"]
        return (tune["recall@4000c"], np.mean([tune[f"recall@{c}c"] for c in evaluation.RECALL_CHARS]),
                -abs(pair[0] - today[0]) - abs(pair[1] - today[1]))

    chosen = max(results, key=key)
    return "\n".join(lines) + "\n\n" + table({f"today (k1 {today[0]}, b {today[1]})": results[today],
                                               f"chosen (k1 {chosen[0]}, b {chosen[1]})": results[chosen]})


def run_variants(snapshot, gold: list[dict], dense: dict, halves: dict) -> dict[str, dict]:
    """Every variant's rows; the fusion grid on today's BM25 ranking."""
    results: dict[str, dict] = {}
    texts = snapshot.texts
    today, base = None, None
    for name, fields in FIELD_VARIANTS.items():
        timing: dict = {}
        lexical = bm25_rankings(snapshot, gold, fields, timing)
        today, base = (today, base) if today else (lexical, timing)
        fused = {q["id"]: fuse([dense[q["id"]], lexical[q["id"]]], [1.0, 1.0], 60) for q in gold}
        results[name] = score_rows(gold, fused, texts, halves)
        results[name]["cost"] = {"bm25_build_ratio": timing["build_s"] / base["build_s"],
                                 "bm25_query_ratio": timing["query_s"] / base["query_s"], **timing}
        print(f"{name}: {results[name]['tune']} {results[name]['cost']}", file=sys.stderr, flush=True)
    titles = title_rankings(snapshot, gold)
    for weight in (0.25, 0.5, 1.0):
        fused = {q["id"]: fuse([dense[q["id"]], today[q["id"]], titles[q["id"]]], [1.0, 1.0, weight], 60) for q in gold}
        results[f"third list: title BM25 (weight {weight})"] = score_rows(gold, fused, texts, halves)
    for k in RRF_KS:
        for weight in BM25_WEIGHTS:
            fused = {q["id"]: fuse([dense[q["id"]], today[q["id"]]], [1.0, weight], k) for q in gold}
            results[f"RRF k {k}, BM25 weight {weight}"] = score_rows(gold, fused, texts, halves)
    return results


halves_order = evaluation.SPLITS


def table(results: dict[str, dict]) -> str:
    """Markdown: one line per variant and half."""
    columns = [f"recall@{c}c" for c in evaluation.RECALL_CHARS]
    lines = ["| variant | weeks | " + " | ".join(columns) + " |", "|---|---|" + "---|" * len(columns)]
    for name, rows in results.items():
        for half, row in ((h, r) for h, r in rows.items() if h in halves_order):
            lines.append(f"| {name} | {half} ({row['answerable']}) | " + " | ".join(f"{row[c]:.3f}" for c in columns) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
