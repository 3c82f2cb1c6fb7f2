"""What a dead LLM server costs: ten questions offline, against a closed port, and against a server that
accepts connections and never answers (issue 15).

    python bench/llm_outage.py [--timeout 5]

One process, one embedder, the seed article indexed into a temporary home; every timing is a ratio to the
offline answers measured in the same run.
"""
from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.app import build_embedder, build_service  # noqa: E402
from index.settings import Settings  # noqa: E402

QUESTION = "What did Putin agree to?"


def timed(service, n: int) -> tuple[float, str]:
    started = time.perf_counter()
    notes = {service.ask(QUESTION).note for _ in range(n)}
    return time.perf_counter() - started, " | ".join(sorted(notes)) or "(none)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=5.0, help="NEWSBOT_LLM_TIMEOUT for the hanging server")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp())
    base = Settings(home=home)
    embedder = build_embedder(base)
    offline = build_service(base, embedder=embedder)
    offline.index()
    offline.ask(QUESTION)  # warm: BM25 index, caches
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    silent = socket.create_server(("127.0.0.1", 0))  # listens, never accepts nor answers
    rows = [("offline", *timed(offline, 10))]
    refused = build_service(base.model_copy(update={"openai_base_url": f"http://127.0.0.1:{closed}/v1"}),
                            embedder=embedder)
    rows.append(("closed port", *timed(refused, 10)))
    hanging = build_service(base.model_copy(update={"openai_base_url": f"http://127.0.0.1:{silent.getsockname()[1]}/v1",
                                                    "llm_timeout": args.timeout}), embedder=embedder)
    rows.append((f"never answers (budget {args.timeout:g} s)", *timed(hanging, 10)))
    print("| 10 questions | seconds | × offline | note |\n|---|---|---|---|")
    for name, seconds, note in rows:
        print(f"| {name} | {seconds:.2f} | {seconds / rows[0][1]:.2f} | {note} |")


if __name__ == "__main__":
    main()
