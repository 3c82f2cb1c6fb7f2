"""tiktoken encoders by model name, without downloads: what OpenAI models count their tokens in."""
from __future__ import annotations

import logging
import os
from functools import lru_cache, partial
from typing import Callable

log = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def tiktoken_encoder(model: str) -> Callable[[str], list]:
    """The model's tiktoken encoder; cl100k_base (bundled with llama-index, no download) when tiktoken
    does not know the model (any compatible server's model) or cannot fetch its encoding offline."""
    import tiktoken

    bundled = _bundled_cache()
    if bundled and not os.environ.get("TIKTOKEN_CACHE_DIR"):
        # llama-index ships cl100k_base and o200k_base: tiktoken reads them instead of downloading
        os.environ["TIKTOKEN_CACHE_DIR"] = bundled
    try:
        return partial(tiktoken.encoding_for_model(model).encode, disallowed_special=())
    except Exception as exc:  # KeyError: unknown model; requests' errors: encoding file not downloadable
        if not isinstance(exc, KeyError):
            log.warning("tiktoken encoding of %s unavailable (%s); counting with cl100k_base", model,
                        type(exc).__name__)
        from llama_index.core.utils import get_tokenizer

        return get_tokenizer()  # cl100k_base from llama-index's bundled cache


def _bundled_cache() -> str | None:
    """llama-index's bundled tiktoken cache folder, found without importing llama-index."""
    from importlib.util import find_spec

    spec = find_spec("llama_index.core")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = os.path.join(list(spec.submodule_search_locations)[0], "_static", "tiktoken_cache")
    return folder if os.path.isdir(folder) else None
