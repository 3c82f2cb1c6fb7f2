"""Issue 30's levers for questions in other languages than English over English articles, measured on
bench.multilingual's slice and indexes (run `python -m bench.multilingual --home HOME` first): BM25 as before
("hybrid"), dense alone, dense + BM25 on the question's names and numbers, Rocchio feedback in the vector
space (beta 0.5, 1.0; alone and fused with the hybrid), and BM25 on the titles of the top three dense passages
("titlesPRF"). No cross-encoder; recall@4000c of the top 10 per language and half (odd weeks tune).

    python docs/benchmarks/multilingual_levers.py MODEL HOME      (MODEL: all-MiniLM-L6-v2 or multilingual-e5-small)

The product took "dense" for a multilingual embedder and "dense+names" for MiniLM (index/retrieval/hybrid.py).
"""
import sys
from pathlib import Path
from collections import defaultdict
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.common import DataSet, read_jsonl
from bench.multilingual import model_service
from index.evaluation import scoring
from index.retrieval.hybrid import fuse, bm25_scores, collapse_duplicates, passage_from_record
from index.retrieval.question_names import question_names
from index.text import terms

model = sys.argv[1] if len(sys.argv) > 1 else "multilingual-e5-small"
home = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "bench" / "out" / "multilingual" / "home"
data = DataSet(ROOT / "bench" / "out" / "multilingual" / "data")
service = model_service(home, data, model, "none")
r = service.retriever
questions = read_jsonl(data.questions)
articles = read_jsonl(data.articles)
gold = {g.id: g for g in scoring.gold_from_questions(scoring.answerable(questions, articles))}
byid = {q["id"]: q for q in questions}
snapshot = r._snapshot()

def texts(ids, records, k=10):
    ps = [passage_from_record(i, *records[i], score=0.0) for i in ids[:40]]
    return [p.text for p in collapse_duplicates(ps, limit=k)]

def bm25_ids(query, records, qterms):
    return r._bm25(query, records, snapshot, bm25_scores(snapshot, qterms, query.scopes))

results = defaultdict(dict)  # variant -> id -> hit
for qid, g in gold.items():
    q = byid[qid]
    query = r.embed_query(q["question"])
    records = {}
    dense = r._dense(query, records)
    lex = bm25_ids(query, records, terms(q["question"]))
    names = question_names(q["question"])
    lexn = bm25_ids(query, records, terms(" ".join(names))) if names else []
    variants = {"hybrid": fuse([dense, lex]), "dense": [(i, 0) for i in dense],
                "dense+names": fuse([dense, lexn]) if lexn else [(i, 0) for i in dense]}
    # rocchio: move the question toward its top 3 dense passages
    top = r._chunks.get(dense[:3], embeddings=True)
    vecs = np.array([c.embedding for c in top if c.embedding is not None])
    for beta in (0.5, 1.0):
        if len(vecs):
            v = query.vector / np.linalg.norm(query.vector) + beta * vecs.mean(0) / np.linalg.norm(vecs.mean(0))
            v = v / np.linalg.norm(v)
            from dataclasses import replace
            q2 = replace(query, vector=v.astype(np.float32))
            d2 = r._dense(q2, records)
            variants[f"rocchio{beta}"] = [(i, 0) for i in d2]
            variants[f"rocchio{beta}+hybrid"] = fuse([d2, dense, lex])
    # lexical PRF: the titles and first passage of the top 3 dense results as an English BM25 query
    tt = " ".join(records[i][1].get("title", "") for i in dense[:3])
    lexp = bm25_ids(query, records, terms(tt) + terms(" ".join(names)))
    variants["dense+titlesPRF"] = fuse([dense, lexp])
    variants["hybrid+titlesPRF"] = fuse([dense, lex, lexp])
    for name, ranked in variants.items():
        results[name][qid] = scoring.recall_at_chars(texts([i for i, _ in ranked], records), g.answer, 4000)

def half(qid):
    w = byid[qid]["week"]
    weeks = sorted({q["week"] for q in questions})
    return "tune" if weeks.index(w) % 2 == 0 else "report"

langs = ["en", "de", "es", "fr", "it", "pt", "zh"]
for h in ("tune", "report"):
    print(f"## {h}".ljust(22) + " " + " ".join(f"{lang:>5s}" for lang in langs))
    for name, hits in results.items():
        row = []
        for lang in langs:
            ids = [i for i in hits if byid[i].get("language", "en") == lang and half(i) == h]
            row.append(sum(hits[i] for i in ids) / max(1, len(ids)))
        print(f"{name:22s} " + " ".join(f"{x:.3f}" for x in row) + f"  nonen-sum={sum(sum(hits[i] for i in hits if byid[i].get('language','en')==l and half(i)==h) for l in langs[1:])}")

