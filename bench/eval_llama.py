"""`newsbot eval` with generated answers from a real llama.cpp server (SmolLM2-135M) on a few weeks.

The tiny model's accuracy is not the point: the run shows how often each check on generated answers
fires (invalid citation removed, unsupported sentence dropped, refusal) on real questions.

    python -m bench.eval_llama --weeks 20250321 > bench/out/llama_week_20250321.json
    python -m bench.eval_llama --quick     # 8 articles of that week and one of their questions
"""
from __future__ import annotations

import argparse
import json
import logging
import tempfile
from pathlib import Path

from bench.common import DataSet, add_common_arguments, clean_environment, data_set, quick_slice, write_jsonl
from index.evaluation import scoring as evaluation
from index.app import build_embedder, build_service
from index.evaluation.run import eval_collection_name, run_eval
from index.settings import Settings
from tests.support.llama_server import run_llama_server

QUICK_WEEK, QUICK_ARTICLES, QUICK_QUESTIONS = "20250321", 8, 1  # a question: one model answer, ~8 s on 2 cores


def quick_data(source: DataSet, folder: Path) -> DataSet:
    """A few articles of one week and at most QUICK_QUESTIONS of their answerable questions."""
    sliced = quick_slice(source, folder, weeks=(QUICK_WEEK,), per_week=QUICK_ARTICLES)
    rows = evaluation.load_articles(sliced.articles)
    kept = evaluation.answerable(evaluation.load_questions(sliced.questions), rows)[:QUICK_QUESTIONS]
    write_jsonl(sliced.questions, kept)
    return sliced


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(parser)
    parser.add_argument("--weeks", default="20250321")
    parser.add_argument("--top-k", type=int, default=3, help="passages per answer (SmolLM2 reads 2,048 tokens)")
    parser.add_argument("--home", type=Path, help="keep the index here between runs (default: a temp folder)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")  # token usage
    weeks = evaluation.parse_weeks(QUICK_WEEK if args.quick else args.weeks)
    with run_llama_server(n_ctx=2048) as server, tempfile.TemporaryDirectory(prefix="eval-llama-") as scratch, \
            clean_environment():
        data = quick_data(data_set(args.data), Path(scratch) / "data") if args.quick else data_set(args.data)
        articles = data.articles
        settings = Settings(home=args.home or Path(scratch), openai_base_url=server.base_url, llm_model=server.model,
                            llm_context_window=2048, llm_timeout=300, llm_max_retries=0, top_k=args.top_k,
                            chroma_host="")
        service = build_service(settings, embedder=build_embedder(settings),
                                collection=eval_collection_name(articles, weeks))
        result = run_eval(service, articles, data.questions, weeks, k=10)
    result["llm"] = {"model": server.model, "server": "llama.cpp (llama-cpp-python)", "top_k": args.top_k}
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
