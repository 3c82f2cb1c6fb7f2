"""How a failing LLM is called: one retry policy with a total time budget, and a circuit breaker.

llama-index's OpenAI LLM retries (tenacity, up to 60 s) around the openai client, which retries too: a
refused connection cost about 16 s a question, a hanging server up to 12 attempts × the timeout. Both of
those are switched off (`max_retries=0`, index/llm/chat.py) and this is the only policy:

- a call (all its attempts) gets `budget` seconds (NEWSBOT_LLM_TIMEOUT); each attempt's timeout is what
  is left of it;
- only a rate limit (429, after its Retry-After) and a server error (5xx) are retried, at most
  `max_retries` times (NEWSBOT_LLM_MAX_RETRIES), with exponential backoff that must fit in the budget; a
  refused connection or a timeout is not retried (nothing listens, or the budget is spent);
- after a call fails, the circuit opens: calls fail at once (answers fall back to quotes, with the note)
  until `cooldown` seconds have passed; then one call is let through as a probe, which closes the circuit
  when it succeeds and opens it again when it fails.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable, TypeVar

from index.errors import LLMUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")
MIN_ATTEMPT_SECONDS = 0.2  # a retry is not worth starting with less than this left of the budget


@dataclass(frozen=True)
class RetryPolicy:
    """How long and how often one call to the model may try."""

    budget: float  # seconds for all attempts of one call together
    max_retries: int
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, retry: int, exc: BaseException) -> float:
        """Seconds to wait before retry number `retry` (0-based): the server's Retry-After, else backoff."""
        return retry_after(exc) or min(self.max_delay, self.base_delay * 2 ** retry)


def status_of(exc: BaseException) -> int | None:
    """The HTTP status of an openai APIStatusError (429, 500…), None for other failures."""
    return getattr(exc, "status_code", None)


def retryable(exc: BaseException) -> bool:
    """Whether another attempt may succeed: a rate limit or a server error, not a dead or hanging server."""
    status = status_of(exc)
    return status is not None and (status == 429 or status >= 500)


def retry_after(exc: BaseException) -> float | None:
    """The Retry-After header of a failed response, in seconds, when it has a usable one."""
    response = getattr(exc, "response", None)
    value = getattr(response, "headers", {}).get("retry-after") if response is not None else None
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and seconds >= 0 else None


class CircuitBreaker:
    """Closed, open (fail at once) or half-open (one probe in flight). Thread-safe."""

    def __init__(self, cooldown: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> str:
        """"closed", "open" or "half-open"."""
        with self._lock:
            return "closed" if self._opened_at is None else "half-open" if self._probing else "open"

    def allow(self) -> bool:
        """Whether a call may go out now: always when closed; when open, one probe after the cooldown."""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._probing or self._clock() - self._opened_at < self.cooldown:
                return False
            self._probing = True
            return True

    def succeeded(self) -> None:
        """The model answered: close the circuit."""
        with self._lock:
            if self._opened_at is not None:
                log.info("the language model answers again")
            self._opened_at, self._probing = None, False

    def failed(self) -> None:
        """The model failed: open the circuit (again) for one cooldown."""
        with self._lock:
            if self._opened_at is None:
                log.warning("the language model failed; answering with quotes for %g s before trying again",
                            self.cooldown)
            self._opened_at, self._probing = self._clock(), False


def call(attempt: Callable[[float, int], T], policy: RetryPolicy, breaker: CircuitBreaker,
         clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
         deadline: float | None = None) -> T:
    """`attempt(timeout, retry)` under the policy and the breaker; LLMUnavailable when it gives up.

    `deadline` (a `clock()` time) is that of the question the call is part of, when it has one: the calls of
    one question share one budget."""
    deadline = min(clock() + policy.budget, deadline if deadline is not None else float("inf"))
    if deadline - clock() < MIN_ATTEMPT_SECONDS:  # earlier calls of this question spent the budget
        raise LLMUnavailable("the language model is unavailable (no time left for this question)")
    if not breaker.allow():
        raise LLMUnavailable("the language model is unavailable (it failed recently)")
    for retry in range(policy.max_retries + 1):
        try:
            result = attempt(max(deadline - clock(), MIN_ATTEMPT_SECONDS), retry)
        except Exception as exc:  # openai's APIError subclasses, a broken JSON body, no choices…
            wait = policy.delay(retry, exc)
            if retryable(exc) and retry < policy.max_retries and clock() + wait + MIN_ATTEMPT_SECONDS < deadline:
                log.info("language model attempt %d failed (%s); retrying in %.1f s", retry + 1, exc, wait)
                sleep(wait)
                continue
            breaker.failed()
            raise LLMUnavailable(f"the language model is unavailable ({type(exc).__name__})") from exc
        breaker.succeeded()
        return result
    raise AssertionError("unreachable: the last attempt returns or raises")
