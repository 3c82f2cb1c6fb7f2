"""The article's first sentence embedded with every chunk (issue 14, fifth pass): a probe, not a lever
newsbot ships.

    python bench/lead_context.py --home DIR [--vectors /tmp/lead_vectors.npy]

A chunk deep inside an article often never names the event it is about; its title is embedded with it
today ("title: …\\n\\n" + text, as llama-index's metadata template writes it). This re-embeds every chunk
after an article's first one as "title: …\\nlead: <the article's first sentence>\\n\\n" + text. The chunk
texts are unchanged (the lead is at most 40 word pieces, inside MiniLM's 256 with the 200 of a chunk), so
Recall@C compares like with like. Both sides use exact dense search over a matrix, fused with today's BM25
as `newsbot eval` fuses them, so the only difference is the vectors. The vectors are cached in
`--vectors` (about 14 minutes for 28,535 chunks here).
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

from context_levers import CHARS, exact_dense, half_row  # noqa: E402
from retrieval_ablation import DATA, open_service  # noqa: E402
from index.evaluation import scoring as evaluation  # noqa: E402
from index.text import sentence_spans  # noqa: E402

LEAD_PIECES = 40


def first_sentence(text: str, tokenize) -> str:
    """An article's first sentence (two when the first is a dateline such as "CNN —"), at most
    LEAD_PIECES word pieces."""
    spans = sentence_spans(text)
    if not spans:
        return " ".join(text.split()[:28])
    lead = text[spans[0][0]:spans[0][1]].strip()
    if len(lead.split()) < 6 and len(spans) > 1:
        lead = text[spans[0][0]:spans[1][1]].strip()
    return lead if len(tokenize(lead)) <= LEAD_PIECES else " ".join(lead.split()[:28])


def stored(service) -> tuple[list[str], list[str], list[dict], np.ndarray]:
    """Every chunk's id, text, metadata and stored vector."""
    ids, texts, metadata, vectors = [], [], [], []
    for page in service.store.chunks.pages(text=True, metadata=True, embeddings=True):
        for chunk in page:
            ids.append(chunk.id)
            texts.append(chunk.text)
            metadata.append(dict(chunk.metadata))
            vectors.append(chunk.embedding)
    return ids, texts, metadata, np.array(vectors, dtype=np.float32)


def with_leads(service, texts: list[str], metadata: list[dict], vectors: np.ndarray) -> np.ndarray:
    """The vectors with every chunk after an article's first re-embedded with the article's lead."""
    leads = {m["article_id"]: first_sentence(t, service.embedder.tokenize)
             for t, m in zip(texts, metadata) if int(m.get("position", -1)) == 0}
    todo = [i for i, m in enumerate(metadata) if int(m.get("position", -1)) > 0 and m.get("article_id") in leads]
    out = vectors.copy()
    for start in range(0, len(todo), 512):
        rows = todo[start:start + 512]
        out[rows] = service.embedder.embed([f"title: {metadata[i]['title']}\nlead: {leads[metadata[i]['article_id']]}"
                                            f"\n\n{texts[i]}" for i in rows])
    return out


def main() -> int:
    """Print Recall@C per half for today's vectors and the lead's, both searched exactly."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--vectors", type=Path, default=Path("/tmp/lead_vectors.npy"))
    args = parser.parse_args()
    service = open_service(args.home, None)
    ids, texts, metadata, vectors = stored(service)
    if args.vectors.exists():
        leads = np.load(args.vectors)
    else:
        leads = with_leads(service, texts, metadata, vectors)
        np.save(args.vectors, leads)
    rows = evaluation.load_articles(DATA / "articles.jsonl")
    questions = evaluation.load_questions(DATA / "questions.jsonl")
    tune_weeks, _ = evaluation.split_weeks(q["week"] for q in questions)
    gold = evaluation.answerable(questions, rows)
    print("| vectors (exact dense + BM25) | weeks | Recall@2000c | Recall@4000c | Recall@8000c | found at 4000c |")
    print("|---|---|---|---|---|---|")
    for name, matrix in (("today's (title + text)", vectors), ("title + lead + text", leads)):
        service.retriever._dense = exact_dense(service, ids, matrix)
        hits = {}
        for q in gold:
            ranked = [p.text for p in service.retriever.retrieve(service.retriever.embed_query(q["question"]), 10)]
            hits[q["id"]] = [evaluation.recall_at_chars(ranked, q["answer"], c) for c in CHARS]
        for half in ("tune", "report", "all"):
            print(half_row(name, hits, gold, tune_weeks, half))
    return 0


if __name__ == "__main__":
    sys.exit(main())
