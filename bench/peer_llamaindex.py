"""The peer: the plain llama-index recipe on the realtimeqa-2025q1 set, scored by index/evaluation/scoring.py.

Recipe: one Document per article (title + "\\n\\n" + text, metadata title/url), `SentenceSplitter()` with its
defaults (1,024 tokens, overlap 200), `VectorStoreIndex.from_documents` on a `ChromaVectorStore` over an
embedded `chromadb.PersistentClient` in a temporary folder, all-MiniLM-L6-v2 through the project's
`EmbedderAdapter`, and `index.as_retriever(similarity_top_k=k)` per answerable question.

    python -m bench.peer_llamaindex --articles A.jsonl --questions Q.jsonl [--weeks 20250321,...] [-k 10] [--json]
    python -m bench.peer_llamaindex --quick --json     # 6 articles of each of two weeks
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.common import QUICK_ARTICLES, QUICK_WEEKS, data_set, peak_rss_mb

from index.evaluation.scoring import (
    QuestionResult,
    Run,
    answerable,
    gold_from_questions,
    load_articles,
    load_questions,
    parse_weeks,
    score,
    score_split,
)

DATA = data_set().folder


def make_documents(articles: list[dict]) -> list:
    """One llama-index Document per article: title, blank line, text; title and url as metadata."""
    from llama_index.core import Document

    return [
        Document(text=f"{a['title']}\n\n{a['text']}", metadata={"title": a["title"], "url": a["url"]}, id_=a["id"])
        for a in articles
    ]


def make_embed_model(models_dir: Path | None = None):
    """all-MiniLM-L6-v2 behind the project's llama-index adapter, loaded before any timing starts; and the
    token counter inside it.

    With `models_dir`, the derived graph newsbot itself runs (index/embedding/onnx_prepare.py), so that a timing
    comparison is between the two pipelines, not two graphs of the model."""
    from index.embedding.onnx_minilm import OnnxMiniLMEmbedder
    from index.indexing.llama_adapter import EmbedderAdapter

    embedder = TokenCounting(OnnxMiniLMEmbedder(cache_dir=models_dir))  # newsbot's default backend
    embedder.embed(["warm up"])
    embedder.tokens = 0
    return EmbedderAdapter(embedder), embedder


class TokenCounting:
    """An embedder that counts the tokens the model actually reads (after its 256-piece cut)."""

    def __init__(self, inner) -> None:
        self.inner, self.tokens = inner, 0
        self.name, self.dimensions, self.max_tokens = inner.name, inner.dimensions, inner.max_tokens

    def embed(self, texts):
        self.tokens += sum(len(ids) for ids in self.inner.encode_ids(texts))
        return self.inner.embed(texts)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


def build_index(documents: list, embed_model, chroma_dir: str):
    """The plain recipe: default SentenceSplitter, VectorStoreIndex on a fresh Chroma collection."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.vector_stores.chroma import ChromaVectorStore

    client = chromadb.PersistentClient(path=chroma_dir, settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_or_create_collection("peer", embedding_function=None)
    storage_context = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
    return VectorStoreIndex.from_documents(
        documents,
        storage_context=storage_context,
        embed_model=embed_model,
        transformations=[SentenceSplitter()],
    )


def run_queries(index, questions: list[dict], k: int) -> tuple[QuestionResult, ...]:
    """Retrieve the top k passages for each question, timing each call."""
    retriever = index.as_retriever(similarity_top_k=k)
    results = []
    for q in questions:
        start = time.perf_counter()
        nodes = retriever.retrieve(q["question"])
        latency_ms = (time.perf_counter() - start) * 1000.0
        texts = tuple(n.node.get_content() for n in nodes)
        results.append(QuestionResult(id=q["id"], ranked_texts=texts, latency_ms=latency_ms))
    return tuple(results)


def run_peer(articles: list[dict], questions: list[dict], k: int, models_dir: Path | None = None,
             split: bool = False) -> dict:
    """Index the articles, query the answerable questions, return the score dict (with the chunk count and
    this process's peak RSS); with `split`, three such dicts: {"tune", "report", "all"}."""
    gold_questions = answerable(questions, articles)
    embed_model, counter = make_embed_model(models_dir)
    with tempfile.TemporaryDirectory(prefix="peer-chroma-") as chroma_dir:
        start = time.perf_counter()
        index = build_index(make_documents(articles), embed_model, chroma_dir)
        index_seconds = time.perf_counter() - start
        chunks = index.vector_store.client.count()  # ChromaVectorStore.client is the collection
        tokens = counter.tokens
        results = run_queries(index, gold_questions, k)
    run = Run(gold=gold_from_questions(gold_questions), results=results, index_seconds=index_seconds)
    rows = score_split(run, questions) if split else {"all": score(run)}
    for scores in rows.values():
        scores["chunks"] = chunks
        scores["tokens_embedded"] = tokens  # at indexing time (queries excluded)
        scores["peak_rss_mb"] = peak_rss_mb()
    return rows if split else rows["all"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=Path, default=DATA / "articles.jsonl")
    parser.add_argument("--questions", type=Path, default=DATA / "questions.jsonl")
    parser.add_argument("--weeks", default=None, help="comma-separated weeks, e.g. 20250321 or 2025-03-21 (default: all)")
    parser.add_argument("-k", type=int, default=10, help="passages retrieved per question")
    parser.add_argument("--json", action="store_true", help="print the full JSON, per-question rows included")
    parser.add_argument("--first-articles", type=int, default=None,
                        help="only the first N articles (file order) and the questions of their weeks")
    parser.add_argument("--split", action="store_true",
                        help="three rows: odd weeks (tune), even weeks (report), all weeks (index/evaluation/scoring.py)")
    parser.add_argument("--quick", action="store_true",
                        help=f"a smoke run: the first {QUICK_ARTICLES} articles of weeks {', '.join(QUICK_WEEKS)}")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="run newsbot's derived ONNX graph, cached in this folder (default: the shipped graph)")
    return parser.parse_args(argv)


def describe_setup(weeks: set[str] | None, n_articles: int, n_questions: int, k: int) -> str:
    """One line saying what was measured (weeks, sizes, k), for stderr and logs."""
    shown = ",".join(sorted(weeks)) if weeks else "all"
    return f"peer llama-index: weeks={shown} articles={n_articles} questions={n_questions} k={k}"


def format_summary(result: dict) -> str:
    """Human-readable metrics, one per line, without the per-question rows."""
    lines = []
    for key, value in result.items():
        if key == "questions":
            continue
        lines.append(f"{key:>20}: {value:.4f}" if isinstance(value, float) else f"{key:>20}: {value}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the peer and print its scores (JSON with --json, a summary otherwise)."""
    args = parse_args(argv)
    weeks = set(QUICK_WEEKS) if args.quick else parse_weeks(args.weeks)
    articles = load_articles(args.articles, weeks)
    questions = load_questions(args.questions, weeks)
    if args.quick:
        articles = [a for week in QUICK_WEEKS for a in [r for r in articles if r["week"] == week][:QUICK_ARTICLES]]
    if args.first_articles is not None:
        articles = articles[: args.first_articles]
        questions = [q for q in questions if q["week"] in {a["week"] for a in articles}]
    print(describe_setup(weeks, len(articles), len(questions), args.k), file=sys.stderr, flush=True)
    result = run_peer(articles, questions, args.k, args.models_dir, args.split)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        rows = result if args.split else {"all": result}
        print("\n\n".join(f"[{name}]\n{format_summary(row)}" for name, row in rows.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
