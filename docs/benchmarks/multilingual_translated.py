"""Issue 30's question-translation lever, measured at its bound: a question in another language than English
searched also through its English wording (what an LLM asked to translate the question for the search would
give back at best; the set's questions in other languages were translated from these English ones). Rankings
fused: the product's own for the question (dense; with MiniLM also BM25 on its names and numbers) plus dense
and BM25 on the English wording. No cross-encoder, as the product reads a non-English question; "english"
is the English question as the product reads it without the cross-encoder. The last two rows are the
product's own path with its cross-encoder (`HybridRetriever.retrieve`, which reads the English wording when
given): as built, and with the English wording of each non-English question. Recall@4000c of the top 10 per
language and half (odd weeks tune) on bench.multilingual's slice and index:

    python docs/benchmarks/multilingual_translated.py MODEL HOME [--llama [GGUF] | --gemma GGUF]

With `--llama`, a last row uses a real model's wording instead: SmolLM2-135M on llama.cpp's server (the tests'
model, tests/support/llama_server.py), or the instruction-tuned model of the GGUF file given after it (stop 35:
Qwen2.5-Coder-1.5B-Instruct, Q4_K_M), through `GeneratedWriter.in_english` as the product asks it (the server is
what `OPENAI_BASE_URL` would point at; wordings cached in bench/out/multilingual/llama-wordings-<file>.json); a wording
it rejects (blank, not English, too long) leaves the question searched as asked. With `--gemma GGUF`, the
wording is the product's local translator's (NEWSBOT_TRANSLATOR=gemma-3-270m, index/llm/local_translator.py:
Gemma 3 270M, the base model, in process, shown prompts/search_examples.md), held to the same checks; GGUF is
the model file the translator assembles into its models folder. Its wordings are
kept in bench/out/multilingual/gemma-wordings.json and read from there by the next run (the other model's).
"""
import sys
from pathlib import Path
from collections import defaultdict
ROOT = Path(__file__).resolve().parents[2]; sys.path.insert(0, str(ROOT))
from bench.common import DataSet, read_jsonl
from bench.multilingual import half_table, model_service
from index.embedding.embedders import is_multilingual
from index.evaluation import scoring
from index.retrieval.hybrid import fuse, bm25_scores, collapse_duplicates, passage_from_record
from index.retrieval.question_names import question_names
from index.text import terms

model = sys.argv[1] if len(sys.argv) > 1 else "multilingual-e5-small"
home = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "bench" / "out" / "multilingual" / "home"
data = DataSet(ROOT / "bench" / "out" / "multilingual" / "data")
r = model_service(home, data, model, "none").retriever
reranked = model_service(home, data, model, "cross-encoder").retriever
questions = read_jsonl(data.questions); articles = read_jsonl(data.articles)
gold = {g.id: g for g in scoring.gold_from_questions(scoring.answerable(questions, articles))}
byid = {q["id"]: q for q in questions}
snapshot = r._snapshot()
multilingual = is_multilingual(r._embedder)

def texts(ids, records, k=10):
    ps = [passage_from_record(i, *records[i], score=0.0) for i in ids[:40]]
    return [p.text for p in collapse_duplicates(ps, limit=k)]

def bm25_ids(query, records, text):
    return r._bm25(query, records, snapshot, bm25_scores(snapshot, terms(text), query.scopes))

results = defaultdict(dict)
wording = lambda question: ""
LLAMA_NAME = "SmolLM2"
if "--llama" in sys.argv:
    import contextlib
    from index.answering.prompts import load_prompts
    from index.answering.writers import GeneratedWriter
    from index.app import build_llm
    from index.settings import PROMPTS_DIR, Settings
    from tests.support.llama_server import run_llama_server

    import json

    given = Path(sys.argv[sys.argv.index("--llama") + 1]) if len(sys.argv) > sys.argv.index("--llama") + 1 else None
    stack = contextlib.ExitStack()  # held to the end: the server stops when it is closed
    server = stack.enter_context(run_llama_server(given, n_ctx=2048, n_threads=2 if given else 1))
    llm = build_llm(Settings(home=home, openai_base_url=server.base_url, llm_model=server.model,
                             llm_context_window=2048, llm_timeout=120, llm_max_retries=0))
    asked_model = GeneratedWriter(llm, load_prompts(PROMPTS_DIR), r._embedder.embed).in_english
    CACHE = ROOT / "bench" / "out" / "multilingual" / f"llama-wordings-{given.stem if given else 'smollm2'}.json"
    cached = json.loads(CACHE.read_text(encoding="utf-8")) if CACHE.is_file() else {}

    def wording(question):
        if question not in cached:
            cached[question] = asked_model(question)
            CACHE.write_text(json.dumps(cached, ensure_ascii=False, indent=0), encoding="utf-8")
        return cached[question]
    LLAMA_NAME = "Qwen-1.5B" if given else "SmolLM2"
if "--gemma" in sys.argv:
    import json
    from index.answering.prompts import load_prompts
    from index.llm.local_translator import LocalTranslator
    from index.settings import PROMPTS_DIR

    gguf = Path(sys.argv[sys.argv.index("--gemma") + 1])  # the assembled model file: its folder is the models dir
    translator = LocalTranslator(gguf.parent, load_prompts(PROMPTS_DIR)["search_examples"].template, threads=2)
    CACHE = ROOT / "bench" / "out" / "multilingual" / "gemma-wordings.json"
    cached = json.loads(CACHE.read_text(encoding="utf-8")) if CACHE.is_file() else {}

    def wording(question):
        if question not in cached:
            cached[question] = translator.in_english(question)
            CACHE.write_text(json.dumps(cached, ensure_ascii=False, indent=0), encoding="utf-8")
        return cached[question]
used = []
for qid, g in gold.items():
    q = byid[qid]; lang = q.get("language", "en")
    english = byid[qid.split(":")[0]]["question"]
    query, records = r.embed_query(q["question"]), {}
    dense = r._dense(query, records)
    own = [dense] if multilingual or lang == "en" else [dense, bm25_ids(query, records, " ".join(question_names(q["question"])))]
    if lang == "en":
        own.append(bm25_ids(query, records, q["question"]))
    equery = r.embed_query(english)
    translated = [r._dense(equery, records), bm25_ids(equery, records, english)]
    variants = {"product": fuse(own), "english": fuse(translated), "product+english": fuse(own + translated)}
    for name, ranked in variants.items():
        results[name][qid] = scoring.recall_at_chars(texts([i for i, _ in ranked], records), g.answer, 4000)
    real = "--llama" in sys.argv or "--gemma" in sys.argv
    modelled = wording(q["question"]) if real and lang != "en" else ""
    if lang != "en" and real:
        used.append(bool(modelled))
        if len(used) <= 8 or "--gemma" in sys.argv or LLAMA_NAME != "SmolLM2":
            print(lang, q["question"], "->", repr(modelled), flush=True)
    rows = [("built, CE", ""), ("built+english, CE", "" if lang == "en" else english)]
    if real:
        rows.append(("built+Gemma, CE" if "--gemma" in sys.argv else f"built+{LLAMA_NAME}, CE", modelled))
    for name, text in rows:
        found = reranked.retrieve(reranked.embed_query(q["question"], english=text), 10)
        results[name][qid] = scoring.recall_at_chars([p.text for p in found], g.answer, 4000)

if used:
    print(f"{'Gemma' if '--gemma' in sys.argv else LLAMA_NAME}'s wording used for {sum(used)} of {len(used)} non-English questions")
print("\n".join(half_table(results, questions)))
