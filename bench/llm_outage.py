"""What a dead LLM server costs: ten questions offline, against a closed port, and against a server that
accepts connections and never answers (issue 15).

    python -m bench.llm_outage [--timeout 5]
    python -m bench.llm_outage --quick     # two questions each, a 1 s budget

One process, one embedder, the seed article indexed into a temporary home; every timing is a ratio to the
offline answers measured in the same run.
"""
from __future__ import annotations

import argparse
import socket
import tempfile
import time
from pathlib import Path

from bench.common import clean_environment
from index.app import build_embedder, build_service
from index.settings import Settings

QUESTION = "What did Putin agree to?"


def timed(service, n: int) -> tuple[float, str]:
    """Seconds that `n` asks took, and the notes their answers carried."""
    started = time.perf_counter()
    notes = {service.ask(QUESTION).note for _ in range(n)}
    return time.perf_counter() - started, " | ".join(sorted(notes)) or "(none)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timeout", type=float, default=5.0, help="NEWSBOT_LLM_TIMEOUT for the hanging server")
    parser.add_argument("--quick", action="store_true", help="two questions each, a 1 s budget")
    args = parser.parse_args()
    n = 2 if args.quick else 10
    if args.quick:
        args.timeout = 1.0
    with clean_environment():
        rows = measure(n, args.timeout)
    print(f"| {n} questions | seconds | × offline | note |\n|---|---|---|---|")
    for name, seconds, note in rows:
        print(f"| {name} | {seconds:.2f} | {seconds / rows[0][1]:.2f} | {note} |")


def measure(n: int, timeout: float) -> list[tuple[str, float, str]]:
    """(case, seconds, notes) for `n` questions offline, at a closed port and at a silent server."""
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
    rows = [("offline", *timed(offline, n))]
    refused = build_service(base.model_copy(update={"openai_base_url": f"http://127.0.0.1:{closed}/v1"}),
                            embedder=embedder)
    rows.append(("closed port", *timed(refused, n)))
    hanging = build_service(base.model_copy(update={"openai_base_url": f"http://127.0.0.1:{silent.getsockname()[1]}/v1",
                                                    "llm_timeout": timeout}), embedder=embedder)
    rows.append((f"never answers (budget {timeout:g} s)", *timed(hanging, n)))
    silent.close()
    return rows


if __name__ == "__main__":
    main()
