"""Every sentence embedded on its own, in the first stage (issue 14, sixth pass): a probe.

    python bench/sentence_first_stage.py --home DIR [--vectors /tmp/sentence_vectors.npz]          # a third list
    python bench/sentence_first_stage.py --home DIR --mix [--vectors /tmp/sentence_vectors.npz]    # in the dense score
    python bench/sentence_first_stage.py --home DIR --cost     # the sentences' embedding time over the chunks'

A chunk's MiniLM vector averages all of its ~6 sentences; a question usually matches one of them
("proposition" retrieval, Chen et al. 2023, "Dense X Retrieval"). Every sentence of every chunk (3 words
or more) is embedded by today's model, searched exactly, and chunks are ranked by their best sentence; the
top 40 distinct chunks join today's dense and BM25 lists in the reciprocal rank fusion with weight w (the
slot `RetrievalConfig.title_list` fuses, so the fusion code is today's). w is chosen on the tune half
from a grid (w = 0 is today); the report and full rows are printed for the chosen w and for today.

With --mix the dense list itself changes instead: every chunk is scored exactly by (1 - a) x its own
cosine + a x its best sentence's cosine, a chosen on the tune half the same way (a = 0 is exact dense
search, one tune question below today's HNSW: BENCHMARKS.md, fourth pass).

When the chosen value is not 0, the script then prints, per half, the questions it gains and loses at
4,000 characters against 0, how many of those are on topic (bench/halves_agreement.py) and McNemar's exact
p. The vectors are kept in a file: building them takes longer than embedding the chunks.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from context_levers import CHARS, add_records, half_row, ranked_dense, stored_vectors  # noqa: E402
from exact_tests import mcnemar_exact  # noqa: E402
from halves_agreement import counts, on_topic  # noqa: E402
from retrieval_ablation import DATA, open_service  # noqa: E402
from index.evaluation import scoring as evaluation  # noqa: E402
from index.retrieval.second_stage import RetrievalConfig  # noqa: E402
from index.text import sentence_spans  # noqa: E402

GRID = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)
MIX_GRID = (0.0, 0.25, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0)
MIN_WORDS = 3
BATCH = 256


def sentences_of(text: str) -> list[str]:
    """The sentences of a chunk that are embedded: MIN_WORDS words or more."""
    found = (text[start:end].strip() for start, end in sentence_spans(text))
    return [sentence for sentence in found if len(sentence.split()) >= MIN_WORDS]


def chunk_sentences(service) -> tuple[list[str], list[str], np.ndarray]:
    """(chunk ids, sentence texts, each sentence's chunk row) over every stored chunk."""
    ids, sentences, rows = [], [], []
    for page in service.store.chunks.pages(text=True, metadata=False):
        for chunk in page:
            own = sentences_of(chunk.text)
            sentences += own
            rows += [len(ids)] * len(own)
            ids.append(chunk.id)
    return ids, sentences, np.array(rows, dtype=np.int32)


def sentence_cost(service, count: int = 300, rounds: int = 3) -> list[float]:
    """Per round, the time to embed the sentences of the first `count` stored chunks over the time to embed
    those chunks as indexing does ("title: …" and the text), the two alternating in one process."""
    chunks: list[str] = []
    sentences: list[str] = []
    for page in service.store.chunks.pages(text=True, metadata=True):
        for chunk in page[: count - len(chunks)]:
            chunks.append(f"title: {chunk.metadata.get('title', '')}\n\n{chunk.text}")
            sentences += sentences_of(chunk.text)
        if len(chunks) == count:
            break
    ratios = []
    for _ in range(rounds):
        begun = time.perf_counter()
        service.embedder.embed(chunks)
        middle = time.perf_counter()
        service.embedder.embed(sentences)
        ratios.append((time.perf_counter() - middle) / (middle - begun))
    print(f"{count} chunks, {len(sentences)} sentences", file=sys.stderr)
    return ratios


def sentence_vectors(service, sentences: list[str], path: Path) -> np.ndarray:
    """The sentences' MiniLM vectors, from `path` when it holds them (checked by count)."""
    if path.exists():
        kept = np.load(path)["vectors"]
        if len(kept) == len(sentences):
            return kept
    begun = time.perf_counter()
    matrix = np.concatenate([service.embedder.embed(sentences[i:i + BATCH]) for i in range(0, len(sentences), BATCH)])
    print(f"embedded {len(sentences)} sentences in {time.perf_counter() - begun:.0f} s", file=sys.stderr)
    np.savez(path, vectors=matrix.astype(np.float32))
    return matrix


def best_sentence_chunks(matrix: np.ndarray, rows: np.ndarray, vector: np.ndarray, count: int) -> list[int]:
    """Chunk rows ranked by their best sentence's cosine to `vector`, the first `count` distinct."""
    cosines = matrix @ vector
    order = np.argsort(-cosines)
    found: list[int] = []
    seen: set[int] = set()
    for i in order[: count * 20]:
        row = int(rows[i])
        if row not in seen:
            seen.add(row)
            found.append(row)
            if len(found) == count:
                break
    return found


def mixed_dense(service, ids: list[str], matrix: np.ndarray, rows: np.ndarray):
    """A dense side that ranks every chunk exactly by (1 - mix) x its cosine + mix x its best sentence's;
    `mix` is set on the returned function. The similarity handed on is the chunk's own cosine."""
    stored_ids, own = stored_vectors(service)
    assert stored_ids == ids, "the chunks changed while their sentences were read"

    def score(vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        best = np.full(len(ids), -1.0, dtype=np.float32)
        np.maximum.at(best, rows, matrix @ vector)
        cosines = own @ vector
        return (1 - dense.mix) * cosines + dense.mix * best, cosines
    dense = ranked_dense(service, ids, score)
    dense.mix = 0.0
    return dense


def main() -> int:
    """Print the tune rows of the grid, then today's and the chosen w's rows on every half."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--vectors", type=Path, default=Path("/tmp/sentence_vectors.npz"))
    parser.add_argument("--mix", action="store_true", help="the best sentence's cosine in the dense score")
    parser.add_argument("--cost", action="store_true", help="only the sentences' embedding time over the chunks'")
    args = parser.parse_args()
    service = open_service(args.home, None)
    if args.cost:
        ratios = sentence_cost(service)
        print(f"embedding a chunk's sentences / embedding the chunk, per round: {[round(r, 2) for r in ratios]}")
        return 0
    ids, sentences, rows = chunk_sentences(service)
    print(f"{len(ids)} chunks, {len(sentences)} sentences", file=sys.stderr)
    matrix = sentence_vectors(service, sentences, args.vectors)
    retriever, chunks = service.retriever, service.store.chunks

    def sentence_list(query, records: dict, snapshot, bm25) -> list[str]:
        top = [ids[r] for r in best_sentence_chunks(matrix, rows, query.vector, retriever.candidates)]
        add_records(chunks, top, records)
        return top

    if args.mix:
        retriever._dense = mixed_dense(service, ids, matrix, rows)
    else:
        retriever._titles = sentence_list  # the third list's slot
    grid, label = (MIX_GRID, "mix") if args.mix else (GRID, "weight")
    articles = evaluation.load_articles(DATA / "articles.jsonl")
    questions = evaluation.load_questions(DATA / "questions.jsonl")
    tune_weeks, _ = evaluation.split_weeks(q["week"] for q in questions)
    gold = evaluation.answerable(questions, articles)
    queries = {q["id"]: retriever.embed_query(q["question"]) for q in gold}

    idf = service.lexical.snapshot().idf

    def hits(weight: float) -> dict[str, list[bool]]:
        """Per answerable question, Recall@2000c/4000c/8000c with the third list (or the mix) at `weight`, and
        whether the answer found at 4,000 characters is on topic."""
        if args.mix:
            retriever._dense.mix = weight
        else:
            retriever.config = dataclasses.replace(RetrievalConfig(), title_list=weight)
        out = {}
        for q in gold:
            ranked = [p.text for p in retriever.retrieve(queries[q["id"]], 10)]
            out[q["id"]] = [evaluation.recall_at_chars(ranked, q["answer"], c) for c in CHARS] + [
                on_topic(ranked, ranked, q["question"], q["answer"], idf)]
        return out

    title = "the best sentence in the dense score" if args.mix else "sentences as a third list"
    print(f"| {title} | weeks | Recall@2000c | Recall@4000c | Recall@8000c | found at 4000c |")
    print("|---|---|---|---|---|---|")
    found = {w: hits(w) for w in grid}  # every question once per weight; the tune rows alone choose
    for w in grid:
        print(half_row(f"{label} {w}", found[w], gold, tune_weeks, "tune"), flush=True)
    tune_key = {w: (sum(found[w][q["id"]][1] for q in gold if q["week"] in tune_weeks), -w) for w in grid}
    best = max(grid, key=tune_key.get)
    for w in sorted({0.0, best}):
        for half in ("report", "all"):
            zero = "exact dense" if args.mix else "today"
            print(half_row(f"{label} {w}{f' ({zero})' if w == 0 else ' (chosen)'}", found[w], gold, tune_weeks, half))
    if best == 0.0:
        return 0
    # question id -> (found at 4000c, there on topic), as bench/halves_agreement.py counts them
    at_4000 = {w: {i: (hit[1], hit[1] and hit[3]) for i, hit in found[w].items()} for w in (0.0, best)}
    print(f"\n| {label} {best} against 0 | weeks | gained (on topic) | lost (on topic) | McNemar exact p |")
    print("|---|---|---|---|---|")
    for half in ("tune", "report"):
        asked = [q["id"] for q in gold if (q["week"] in tune_weeks) == (half == "tune")]
        gained, gained_on_topic, lost, lost_on_topic = counts(at_4000[0.0], at_4000[best], asked)
        print(f"| | {half} ({len(asked)}) | {gained} ({gained_on_topic}) | {lost} ({lost_on_topic}) | "
              f"{mcnemar_exact(gained, lost):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
