"""The derived MiniLM graph (index/embedding/onnx_prepare.py), derived once per test run and put into the homes
that tests hand to `newsbot` processes.

A fresh home derives the graph on its first embedding: seconds of onnxruntime's optimizer each time (tens of
seconds on the shared two cores), which a test of the command line, the bot or the shared stores would pay again
and again for nothing it checks. Deriving it is tested where it is the subject (tests/embedding/test_onnx_prepare.py,
and end to end by tests/cli/test_cli.py's fresh home, which gets no copy). A home's `models` folder is a cache of
files derived locally, "safe to delete" (index/settings.py), so a copy of the same file is what the home would
hold after its first embedding; the file's name carries the source model's identity, so a stale copy is ignored.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path

_lock = threading.Lock()
_folder: Path | None = None


def derived_models() -> Path:
    """A folder holding the default model's derived graph, derived on first use (once per test process)."""
    global _folder
    with _lock:
        if _folder is None:
            from index.embedding.onnx_minilm import OnnxMiniLMEmbedder

            folder = Path(tempfile.mkdtemp(prefix="newsbot-test-models-"))
            atexit.register(shutil.rmtree, folder, True)
            OnnxMiniLMEmbedder(cache_dir=folder).embed(["derive"])
            _folder = folder
        return _folder


def seed_models(home: Path | str) -> None:
    """Put the derived graph into `home`'s models folder (hard links, else copies). A home that is not a folder,
    or cannot be written, is left as it is: the command under test meets it as it is."""
    home = Path(home)
    if home.exists() and not home.is_dir():
        return
    try:
        target = home / "models"
        target.mkdir(parents=True, exist_ok=True)
        for derived in derived_models().glob("*.onnx"):
            if not (target / derived.name).exists():
                try:
                    os.link(derived, target / derived.name)
                except OSError:
                    shutil.copy2(derived, target / derived.name)
    except OSError:
        return
