"""What reading each chunk in its own language costs a full BM25 build (issue 30, stop 36): the English-only
reading (until stop 36) against `index.analysis.indexed_terms`, alternated, 3 rounds each, best of each; one run.
On an index `newsbot eval` built:

    python docs/benchmarks/own_language_bm25_cost.py HOME COLLECTION
"""
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]; sys.path.insert(0, str(ROOT))
from index.app import build_service
from index.settings import Settings
from index.store import lexical_delta
from index.store.lexical import build_snapshot
from index.text import terms

service = build_service(Settings(home=sys.argv[1], collection=sys.argv[2]) if len(sys.argv) > 2 else Settings(home=sys.argv[1]))
chunks = service.store.chunks
now = lexical_delta.chunk_tokens
before = lambda text, metadata: [sys.intern(t) for t in terms(f"{metadata.get('title', '')}\n{text}")]
times = {"before": [], "now": []}
for _ in range(3):
    for name, reading in (("before", before), ("now", now)):
        lexical_delta.chunk_tokens = reading
        begun = time.perf_counter(); snap = build_snapshot(chunks, "x"); times[name].append(time.perf_counter() - begun)
print(len(snap.ids), "chunks;", {k: [round(x, 1) for x in v] for k, v in times.items()})
print(f"full build, own-language reading / English reading: {min(times['now']) / min(times['before']):.2f} (best of 3 each)")
