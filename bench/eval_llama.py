"""`newsbot eval` with generated answers from a real llama.cpp server (SmolLM2-135M) on a few weeks.

The tiny model's accuracy is not the point: the run shows how often each check on generated answers
fires (invalid citation removed, unsupported sentence dropped, refusal) on real questions.

    python bench/eval_llama.py --weeks 20250321 > bench/out/llama_week_20250321.json
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.evaluation import scoring as evaluation  # noqa: E402
from index.app import build_embedder, build_service  # noqa: E402
from index.evaluation.run import eval_collection_name, run_eval  # noqa: E402
from index.settings import Settings  # noqa: E402
from tests.support.llama_server import run_llama_server  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "realtimeqa-2025q1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", default="20250321")
    parser.add_argument("--top-k", type=int, default=3, help="passages per answer (SmolLM2 reads 2,048 tokens)")
    parser.add_argument("--home", type=Path, help="keep the index here between runs (default: a temp folder)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")  # token usage
    weeks = evaluation.parse_weeks(args.weeks)
    articles = DATA / "articles.jsonl"
    with run_llama_server(n_ctx=2048) as server, tempfile.TemporaryDirectory(prefix="eval-llama-") as scratch:
        settings = Settings(home=args.home or Path(scratch), openai_base_url=server.base_url, llm_model=server.model,
                            llm_context_window=2048, llm_timeout=300, llm_max_retries=0, top_k=args.top_k,
                            chroma_host="")
        service = build_service(settings, embedder=build_embedder(settings),
                                collection=eval_collection_name(articles, weeks))
        result = run_eval(service, articles, DATA / "questions.jsonl", weeks, k=10)
    result["llm"] = {"model": server.model, "server": "llama.cpp (llama-cpp-python)", "top_k": args.top_k}
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
