"""Issue 30's word-translation lever for questions in other languages than English over English articles, with
multilingual-e5-small: each content word of the question (its language's stop words out) is embedded alone, as
is each word of its top 10 dense passages; a question word whose nearest passage word reaches a cosine of tau
is "translated" into it; BM25 on the translated words over every passage is fused with dense. Measured on
bench.multilingual's slice and index (run `python -m bench.multilingual --home HOME` first), no cross-encoder,
recall@4000c of the top 10 per language and half (odd weeks tune); record in issue-30-multilingual.md.

    python docs/benchmarks/multilingual_wordtrans.py multilingual-e5-small HOME

It lost (within 3 of 192 on tune, and about 0.4-1.2 s of embedding per question): it is not in the product.
"""
import sys, time
from pathlib import Path
from collections import defaultdict
import numpy as np
ROOT = Path(__file__).resolve().parents[2]; sys.path.insert(0, str(ROOT))
from bench.common import DataSet, read_jsonl
from bench.multilingual import model_service
from index.evaluation import scoring
from index.retrieval.hybrid import fuse, bm25_scores, collapse_duplicates, passage_from_record
from index.analysis import stop_words, STEMMERS
from index.text import terms, words
from index.embedding.embedders import embed_queries

model = sys.argv[1] if len(sys.argv) > 1 else "multilingual-e5-small"
home = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "bench" / "out" / "multilingual" / "home"
data = DataSet(ROOT / "bench" / "out" / "multilingual" / "data")
service = model_service(home, data, model, "none")
r = service.retriever; emb = r._embedder
questions = read_jsonl(data.questions); articles = read_jsonl(data.articles)
gold = {g.id: g for g in scoring.gold_from_questions(scoring.answerable(questions, articles))}
byid = {q["id"]: q for q in questions}
snapshot = r._snapshot()
def texts(ids, records, k=10):
    ps = [passage_from_record(i, *records[i], score=0.0) for i in ids[:40]]
    return [p.text for p in collapse_duplicates(ps, limit=k)]
def bm25_ids(query, records, qterms):
    return r._bm25(query, records, snapshot, bm25_scores(snapshot, qterms, query.scopes))
cache = {}
def vec(ws, side):
    miss = [w for w in ws if (w, side) not in cache]
    if miss:
        v = embed_queries(emb, miss) if side == "q" else emb.embed(miss)
        v = v / np.linalg.norm(v, axis=1, keepdims=True)
        for w, x in zip(miss, v): cache[(w, side)] = x
    return np.array([cache[(w, side)] for w in ws])
def qwords(q, lang):
    ws = [w.lower() for w in words(q)]
    stop = stop_words(lang) if lang in STEMMERS else set()
    return list(dict.fromkeys(w for w in ws if w not in stop and (len(w) >= 3 or not w.isascii())))
results = defaultdict(dict); t_emb = 0.0; nq = 0
TAUS = (0.80, 0.85, 0.88, 0.90, 0.92, 0.94, 0.96)
for qid, g in gold.items():
    q = byid[qid]; lang = q.get("language", "en")
    if lang == "en": continue
    query = r.embed_query(q["question"]); records = {}
    dense = r._dense(query, records)
    variants = {"dense": [(i, 0) for i in dense]}
    qw = qwords(q["question"], lang)
    cand = []
    for i in dense[:10]:
        cand += [w.lower() for w in words(records[i][0])]
    cand = list(dict.fromkeys(w for w in cand if len(w) >= 3 and terms(w)))
    t0 = time.perf_counter(); nq += 1
    for side in ("q", "p"):  # both words with the "query: " prefix, or both with "passage: "
        if not qw or not cand: continue
        A = vec(qw, side); B = vec(cand, side)
        S = A @ B.T
        best = S.argmax(1); bs = S.max(1)
        for tau in TAUS:
            sel = [cand[b] for b, s in zip(best, bs) if s >= tau]
            lex = bm25_ids(query, records, terms(" ".join(sel))) if sel else []
            variants[f"wt-{side}{tau}"] = fuse([dense, lex]) if lex else [(i, 0) for i in dense]
        if side == "q" and nq <= 6:
            print(lang, q["question"], "->", [(w, cand[b], round(float(s), 2)) for w, b, s in zip(qw, best, bs)], flush=True)
    t_emb += time.perf_counter() - t0
    for name, ranked in variants.items():
        results[name][qid] = scoring.recall_at_chars(texts([i for i, _ in ranked], records), g.answer, 4000)
weeks = sorted({q["week"] for q in questions})
half = lambda qid: "tune" if weeks.index(byid[qid]["week"]) % 2 == 0 else "report"
langs = ["de", "es", "fr", "it", "pt", "zh"]
print("embedding seconds per question", t_emb / max(nq, 1))
for h in ("tune", "report"):
    print(f"## {h}".ljust(14) + " ".join(f"{l:>5s}" for l in langs))
    for name, hits in results.items():
        row = [[hits[i] for i in hits if byid[i]["language"] == l and half(i) == h] for l in langs]
        print(f"{name:13s} " + " ".join(f"{sum(x)/max(1,len(x)):.3f}" for x in row) + f"  sum={sum(sum(x) for x in row):.0f}")
