"""Issue 30: how retrieval fuses a question in another language than English with its English wording, chosen on
the tune half. The wordings are the local translator's (NEWSBOT_TRANSLATOR=gemma-3-270m), read from
bench/out/multilingual/gemma-wordings.json, which `multilingual_translated.py MODEL HOME --gemma GGUF` writes
(run it first). Each variant changes `HybridRetriever._rankings` for a non-English question that has a wording
only; English questions are read exactly as built (their row is the same in every variant). The product's path
otherwise (the cross-encoder reads the wording). Recall@4000c of the top 10 per language and half (odd weeks tune):

    python docs/benchmarks/multilingual_wording_levers.py MODEL HOME

Variants:
- built: as shipped: the question's own dense and BM25 (its language's passages), with MiniLM BM25 on its names
  against the other languages, plus dense and BM25 on the wording.
- own-language dense: the question's own dense ranking keeps only passages in its language (as its BM25 does):
  against English passages an English-only embedder reads a German question as noise.
- wording only: with MiniLM, only the wording's rankings and the question's BM25 in its own language.
- wording x2: the wording's two rankings counted twice in the fusion.
"""
import json
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]; sys.path.insert(0, str(ROOT))
from bench.common import DataSet, read_jsonl
from bench.multilingual import half_table, model_service
from index.embedding.embedders import is_multilingual
from index.evaluation import scoring
from index.retrieval.hybrid import HybridRetriever, bm25_scores, foreign
from index.retrieval.question_names import question_names
from index.text import terms

model = sys.argv[1] if len(sys.argv) > 1 else "all-MiniLM-L6-v2"
home = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "bench" / "out" / "multilingual" / "home"
data = DataSet(ROOT / "bench" / "out" / "multilingual" / "data")
wordings = json.loads((ROOT / "bench" / "out" / "multilingual" / "gemma-wordings.json").read_text(encoding="utf-8"))
r = model_service(home, data, model, "cross-encoder").retriever
questions = read_jsonl(data.questions); articles = read_jsonl(data.articles)
gold = {g.id: g for g in scoring.gold_from_questions(scoring.answerable(questions, articles))}
byid = {q["id"]: q for q in questions}
built = HybridRetriever._rankings


def variant(name):
    def rankings(self, query, records):
        if not (query.english and query.english_vector is not None and foreign(query.language)) or name == "built":
            return built(self, query, records)
        snapshot = self._snapshot()
        same = lambda text: self._same_language(query, text)
        own_bm25 = self._bm25(query, records, snapshot, bm25_scores(snapshot, terms(query.text), query.scopes), same)
        wording = [self._dense(replace(query, vector=query.english_vector), records),
                   self._bm25(query, records, snapshot, bm25_scores(snapshot, terms(query.english), query.scopes))]
        if name == "wording x2":
            return built(self, query, records) + wording
        dense = self._dense(query, records)
        if name == "own-language dense" and not is_multilingual(self._embedder):
            dense = [i for i in dense if same(records[i][0])]
            names = bm25_scores(snapshot, terms(" ".join(question_names(query.text))), query.scopes)
            return [dense, own_bm25, self._bm25(query, records, snapshot, names, lambda t: not same(t))] + wording
        if name == "wording only" and not is_multilingual(self._embedder):
            return [own_bm25] + wording
        return built(self, query, records)
    return rankings


names = ["built", "own-language dense", "wording only", "wording x2"]
results = defaultdict(dict)
missing = 0
for qid, g in gold.items():
    q = byid[qid]; lang = q.get("language", "en")
    text = wordings.get(q["question"], "") if lang != "en" else ""
    missing += lang != "en" and q["question"] not in wordings
    for name in names:
        HybridRetriever._rankings = variant(name)
        found = r.retrieve(r.embed_query(q["question"], english=text), 10)
        results[name][qid] = scoring.recall_at_chars([p.text for p in found], g.answer, 4000)
HybridRetriever._rankings = built
print(f"{model}: {missing} non-English questions had no cached wording (searched as asked)")
print("\n".join(half_table(results, questions)))
