"""Load, on the calling thread, what the core imports lazily, before a long-running process starts threads.

The core imports its heavy modules inside functions, so that a CLI command loads only what it runs. In
`newsbot run` those first imports happen on several threads at once (the bot's workers, the refresh
schedule), and llama-index's modules import one another in circles: two threads that enter it by two
different modules at the same moment each hold a module lock the other waits for, and Python ends the
tie by raising `_DeadlockError` in one of them. Measured: 9 fresh processes in 12 failed so, importing
`index.indexing.docstores` and `index.indexing.ingest` on two threads at once (it happened in a test of
`newsbot run`: a member's /sources failed and the refresh schedule died). `preload_lazy_modules()`, once,
on the main thread, before any thread starts, imports them all, so no thread ever imports them first.

Every lazy import of an `index` or `llama_index` module in the core is listed here (tests/house/
test_preload.py checks it). Other libraries are imported lazily under a single name from every thread
(`feedparser`, `trafilatura`), or only with an extra and under the lock of the object that loads them (the
embedders, the local translator), so two threads cannot enter them by two doors.
"""
from __future__ import annotations

import importlib

LAZY_MODULES = (
    "index.indexing.docstores",
    "index.indexing.ingest",
    "index.indexing.refresh",
    "index.sources.fetch_state",
    "index.sources.source_probe",
    "index.store.lease",
    "index.store.lexical_delta",
    "index.store.locking",
    "index.embedding.onnx_prepare",
    "index.evaluation.run",
    "index.evaluation.scoring",
    "index.service.migration",
    "index.tokens",
    "llama_index.core.llms",
    "llama_index.core.utils",
    "llama_index.llms.openai_like",
)


def preload_lazy_modules() -> None:
    """Import every module of LAZY_MODULES now, on this thread (0.7 s in one run here; once per process)."""
    for name in LAZY_MODULES:
        importlib.import_module(name)
