"""The LLM seam: a chat model that completes or streams a (system, user) prompt.

The implementation goes through llama-index's `OpenAILike` (any OpenAI-compatible server: OpenAI,
Ollama, vLLM, llama.cpp, LM Studio) and the official openai client underneath, with the retries of both
switched off: index/llm/policy.py is the one retry policy, with a total time budget and a circuit breaker.
"""
from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from itertools import chain
from typing import Iterator, Protocol

from index.llm import policy as llm_policy
from index.errors import LLMUnavailable
from index.llm.policy import CircuitBreaker, RetryPolicy
from index.settings import Settings
from index.tokens import tiktoken_encoder

log = logging.getLogger(__name__)
MAX_REPLY_TOKENS = 512  # cap on one reply; also what a prompt leaves free in the context window
_NOT_STARTED = -1.0  # a question whose budget starts with its first call


def count_tokens(model: str, text: str) -> int:
    """Tokens of `text` by the model's tiktoken encoding (cl100k_base for models tiktoken does not know)."""
    return len(tiktoken_encoder(model)(text))


class LLM(Protocol):
    """A chat model."""

    model: str
    context_window: int  # tokens of prompt and reply together

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` for this model."""
        ...

    def complete(self, system: str, user: str) -> str:
        """The model's whole reply."""
        ...

    def stream(self, system: str, user: str) -> Iterator[str]:
        """The model's reply in pieces, as they arrive."""
        ...


class OpenAICompatibleLLM:
    """Chat completions through llama-index's OpenAILike, under one retry policy and a circuit breaker
    (index/llm/policy.py); every failure becomes LLMUnavailable."""

    def __init__(self, settings: Settings) -> None:
        from llama_index.llms.openai_like import OpenAILike

        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        self.model = settings.llm_model
        self.context_window = settings.llm_context_window
        self.policy = RetryPolicy(budget=settings.llm_timeout, max_retries=settings.llm_max_retries)
        self.breaker = CircuitBreaker(cooldown=settings.llm_probe_seconds)
        self._question = threading.local()  # the deadline of the question this thread is answering
        kwargs = {"api_base": settings.openai_base_url} if settings.openai_base_url else {}
        self.chat_model = OpenAILike(  # public: the llama-index LLM underneath (tests spy on its requests)
            model=settings.llm_model, api_key=key, is_chat_model=True, timeout=settings.llm_timeout,
            max_retries=0,  # neither llama-index nor the openai client retries: the policy does, once
            context_window=settings.llm_context_window, max_tokens=MAX_REPLY_TOKENS, temperature=0.1,
            additional_kwargs={"stream_options": {"include_usage": True}},  # dropped when not streaming
            **kwargs,
        )

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` by the model's tiktoken encoding."""
        return count_tokens(self.model, text)

    @contextmanager
    def question(self) -> Iterator[None]:
        """The calls made inside (in this thread) share one budget: a follow-up's rewrite and its answer, or
        the map and reduce steps of a summary, take NEWSBOT_LLM_TIMEOUT together. The clock starts at the
        first call, so retrieval (the cross-encoder's model load on a first question) spends none of it."""
        outer = getattr(self._question, "deadline", None)
        if outer is None:
            self._question.deadline = _NOT_STARTED
        try:
            yield
        finally:
            if outer is None:
                self._question.deadline = None

    def _deadline(self) -> float | None:
        """The deadline of the question this thread is answering, started by its first call; None outside one."""
        deadline = getattr(self._question, "deadline", None)
        if deadline == _NOT_STARTED:
            deadline = self._question.deadline = time.monotonic() + self.policy.budget
        return deadline

    @staticmethod
    def _messages(system: str, user: str):
        from llama_index.core.llms import ChatMessage

        return [ChatMessage(role="system", content=system), ChatMessage(role="user", content=user)]

    @staticmethod
    def _request(timeout: float, retry: int) -> dict:
        """Per-attempt options: what is left of the budget, and the attempt number the server is told."""
        return {"timeout": timeout, "extra_headers": {"x-stainless-retry-count": str(retry)}}

    def complete(self, system: str, user: str) -> str:
        """One chat completion; the reply text."""
        messages = self._messages(system, user)
        response = llm_policy.call(lambda timeout, retry: self.chat_model.chat(messages, **self._request(timeout, retry)),
                                   self.policy, self.breaker, deadline=self._deadline())
        self._log_usage(response.raw)
        if not response.message.content:
            raise LLMUnavailable("the language model sent an empty reply")
        return response.message.content

    def stream(self, system: str, user: str) -> Iterator[str]:
        """A streamed chat completion, piece by piece; usage is logged when the server sends it.

        The policy covers the request up to the first piece; a stream that breaks or outlasts the budget
        after that fails the call (and opens the circuit) without a retry: its pieces were already shown."""
        messages = self._messages(system, user)
        deadline = min(time.monotonic() + self.policy.budget, self._deadline() or float("inf"))

        def start(timeout: float, retry: int):
            chunks = iter(self.chat_model.stream_chat(messages, **self._request(timeout, retry)))
            return next(chunks, None), chunks

        first, chunks = llm_policy.call(start, self.policy, self.breaker, deadline=deadline)
        last = None
        try:
            for chunk in chain([first] if first is not None else [], chunks):
                last = chunk
                if chunk.delta:
                    yield chunk.delta
                if time.monotonic() > deadline:
                    raise TimeoutError("the reply took longer than its time budget")
        except Exception as exc:
            self.breaker.failed()
            raise LLMUnavailable(f"the language model is unavailable ({type(exc).__name__})") from exc
        if last is None or not last.message.content:
            raise LLMUnavailable("the language model sent an empty reply")
        self._log_usage(last.raw)

    def _log_usage(self, raw) -> None:
        usage = getattr(raw, "usage", None) or (raw.get("usage") if isinstance(raw, dict) else None)
        if usage is not None:
            log.info("llm %s tokens: prompt=%s completion=%s", self.model,
                     getattr(usage, "prompt_tokens", "?"), getattr(usage, "completion_tokens", "?"))
