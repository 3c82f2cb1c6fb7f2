"""The LLM seam: a chat model that completes or streams a (system, user) prompt.

The implementation goes through llama-index's `OpenAILike` (any OpenAI-compatible server: OpenAI,
Ollama, vLLM, llama.cpp, LM Studio) and the official openai client underneath, whose own retry with
backoff handles timeouts, 429 and 5xx (`max_retries`).
"""
from __future__ import annotations

import logging
from typing import Iterator, Protocol

from index.errors import LLMUnavailable
from index.settings import Settings
from index.tokens import tiktoken_encoder

log = logging.getLogger(__name__)
MAX_REPLY_TOKENS = 512  # cap on one reply; also what a prompt leaves free in the context window


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
    """Chat completions through llama-index's OpenAILike; every failure becomes LLMUnavailable."""

    def __init__(self, settings: Settings) -> None:
        from llama_index.llms.openai_like import OpenAILike

        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        self.model = settings.llm_model
        self.context_window = settings.llm_context_window
        kwargs = {"api_base": settings.openai_base_url} if settings.openai_base_url else {}
        self._llm = OpenAILike(
            model=settings.llm_model, api_key=key, is_chat_model=True, timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries, context_window=settings.llm_context_window,
            max_tokens=MAX_REPLY_TOKENS, temperature=0.1,
            additional_kwargs={"stream_options": {"include_usage": True}},  # dropped when not streaming
            **kwargs,
        )

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` by the model's tiktoken encoding."""
        return count_tokens(self.model, text)

    @staticmethod
    def _messages(system: str, user: str):
        from llama_index.core.llms import ChatMessage

        return [ChatMessage(role="system", content=system), ChatMessage(role="user", content=user)]

    def complete(self, system: str, user: str) -> str:
        """One chat completion; the reply text."""
        try:
            response = self._llm.chat(self._messages(system, user))
        except Exception as exc:  # APIError subclasses, a broken JSON body (JSONDecodeError), no choices…
            raise LLMUnavailable(f"the language model is unavailable ({type(exc).__name__})") from exc
        self._log_usage(response.raw)
        if not response.message.content:
            raise LLMUnavailable("the language model sent an empty reply")
        return response.message.content

    def stream(self, system: str, user: str) -> Iterator[str]:
        """A streamed chat completion, piece by piece; usage is logged when the server sends it."""
        last = None
        try:
            for chunk in self._llm.stream_chat(self._messages(system, user)):
                last = chunk
                if chunk.delta:
                    yield chunk.delta
        except Exception as exc:
            raise LLMUnavailable(f"the language model is unavailable ({type(exc).__name__})") from exc
        if last is None or not last.message.content:
            raise LLMUnavailable("the language model sent an empty reply")
        self._log_usage(last.raw)

    def _log_usage(self, raw) -> None:
        usage = getattr(raw, "usage", None) or (raw.get("usage") if isinstance(raw, dict) else None)
        if usage is not None:
            log.info("llm %s tokens: prompt=%s completion=%s", self.model,
                     getattr(usage, "prompt_tokens", "?"), getattr(usage, "completion_tokens", "?"))
