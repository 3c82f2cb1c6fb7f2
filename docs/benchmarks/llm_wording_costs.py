"""What the English wording of a question costs when a language model gives it (issue 30), as ratios measured in
one run: the model's call (`GeneratedWriter.in_english`, what the product asks before searching a question in
another language than English) against an offline `ask` of the same question in English (MiniLM, the
cross-encoder on), question by question, alternating. The model is a GGUF file served by llama.cpp's
OpenAI-compatible server on 127.0.0.1 (what OPENAI_BASE_URL would point at), 2 threads. On bench.multilingual's
slice and index:

    python docs/benchmarks/llm_wording_costs.py HOME GGUF [QUESTIONS]
"""
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]; sys.path.insert(0, str(ROOT))
from bench.common import DataSet, read_jsonl
from bench.multilingual import model_service
from index.answering.prompts import load_prompts
from index.answering.writers import GeneratedWriter
from index.app import build_llm
from index.settings import PROMPTS_DIR, Settings
from tests.support.llama_server import run_llama_server

home, gguf = Path(sys.argv[1]), Path(sys.argv[2])
count = int(sys.argv[3]) if len(sys.argv) > 3 else 30
data = DataSet(ROOT / "bench" / "out" / "multilingual" / "data")
offline = model_service(home, data, "all-MiniLM-L6-v2")
rows = read_jsonl(data.questions)
english = {q["id"]: q["question"] for q in rows if q.get("language", "en") == "en"}
pairs = [(q["question"], english[q["id"].split(":")[0]]) for q in rows if q.get("language", "en") != "en"][:count]

with run_llama_server(gguf, n_ctx=2048, n_threads=2) as server:
    llm = build_llm(Settings(home=home, openai_base_url=server.base_url, llm_model=server.model,
                             llm_context_window=2048, llm_timeout=120, llm_max_retries=0))
    writer = GeneratedWriter(llm, load_prompts(PROMPTS_DIR), offline.embedder.embed)
    writer.in_english(pairs[0][0]); offline.ask(pairs[0][1])  # both warm
    wording, asked = [], []
    for question, original in pairs[1:]:
        begun = time.perf_counter(); writer.in_english(question); wording.append(time.perf_counter() - begun)
        begun = time.perf_counter(); offline.ask(original); asked.append(time.perf_counter() - begun)

p95 = lambda xs: sorted(xs)[int(0.95 * (len(xs) - 1))]
print(f"questions: {len(wording)}, each worded by the model and its English original asked offline, alternately")
print(f"the model's wording / the offline ask in English, p50: {statistics.median(wording) / statistics.median(asked):.2f}; "
      f"p95: {p95(wording) / p95(asked):.2f}")
