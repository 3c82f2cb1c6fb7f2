"""Fake OpenAI-compatible HTTP server for tests.

Speaks the real Chat Completions / Embeddings / Models wire format over HTTP on
127.0.0.1, so the official ``openai`` client (and llama-index's ``OpenAI`` /
``OpenAILike`` LLMs built on it) can be exercised end to end, retries and
timeouts included.

Usage from a sync test::

    from tests.support.fake_openai import fake_openai, reply, http_error  # fixture + helpers

    def test_x(fake_openai):
        fake_openai.enqueue(reply("hello", pieces=["hel", "lo"]))
        client = openai.OpenAI(base_url=fake_openai.base_url, api_key="test")
        ...
        assert fake_openai.chat_requests[0].model == "gpt-x"

or without pytest: ``with FakeOpenAI() as fake: ...``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import math
import re
import struct
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Union

import pytest
from aiohttp import web

CHAT_PATH = "/v1/chat/completions"
EMBEDDINGS_PATH = "/v1/embeddings"
MODELS_PATH = "/v1/models"


# --------------------------------------------------------------------------- #
# Scripted responses
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Reply:
    """A successful completion; streamed in ``pieces`` when the client asks to stream."""

    text: str
    pieces: tuple[str, ...] | None = None
    chunk_delay: float = 0.0
    finish_reason: str = "stop"


@dataclass(frozen=True)
class HttpError:
    """An HTTP error with an OpenAI-style ``{"error": {...}}`` JSON body."""

    status: int
    message: str = "fake error"
    type: str = "server_error"
    code: str | None = None
    retry_after: float | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Slow:
    """Sleep ``seconds`` before answering (use a client timeout shorter than this)."""

    seconds: float
    then: Reply = field(default_factory=lambda: Reply("late reply"))


@dataclass(frozen=True)
class Garbage:
    """A 200 response that is not a valid completion."""

    kind: Literal["invalid_json", "empty_choices"] = "invalid_json"


Scripted = Union[Reply, HttpError, Slow, Garbage]
DefaultResponder = Callable[[dict[str, Any]], str]


def reply(
    text: str,
    pieces: Sequence[str] | None = None,
    chunk_delay: float = 0.0,
    finish_reason: str = "stop",
) -> Reply:
    """Build a successful reply; ``pieces`` (default: word-ish split) are the stream deltas."""
    if pieces is not None and "".join(pieces) != text:
        raise ValueError("pieces must concatenate to text")
    return Reply(text, tuple(pieces) if pieces is not None else None, chunk_delay, finish_reason)


def http_error(
    status: int,
    message: str | None = None,
    retry_after: float | None = None,
    headers: dict[str, str] | None = None,
) -> HttpError:
    """Build an HTTP error; 429 gets type/code ``rate_limit_exceeded``, ``retry_after`` sets Retry-After."""
    kinds = {
        400: ("invalid_request_error", None),
        401: ("invalid_request_error", "invalid_api_key"),
        429: ("requests", "rate_limit_exceeded"),
        503: ("server_error", "service_unavailable"),
    }
    etype, code = kinds.get(status, ("server_error", None))
    return HttpError(
        status=status,
        message=message or f"fake HTTP {status}",
        type=etype,
        code=code,
        retry_after=retry_after,
        headers=tuple((headers or {}).items()),
    )


def slow(seconds: float, text: str = "late reply") -> Slow:
    """Build a response that only arrives after ``seconds``."""
    return Slow(seconds, Reply(text))


def garbage(kind: Literal["invalid_json", "empty_choices"] = "invalid_json") -> Garbage:
    """Build a malformed 200 response."""
    return Garbage(kind)


# --------------------------------------------------------------------------- #
# Recording
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request as received by the fake (headers lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any

    @property
    def model(self) -> str | None:
        """The ``model`` field of the JSON body."""
        return self.json.get("model") if isinstance(self.json, dict) else None

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Chat messages of the body (empty for non-chat requests)."""
        return list(self.json.get("messages") or []) if isinstance(self.json, dict) else []

    @property
    def prompt_text(self) -> str:
        """All message contents joined by newlines (text parts only)."""
        return "\n".join(_content_text(m.get("content")) for m in self.messages)

    @property
    def retry_count(self) -> int:
        """The openai client's ``x-stainless-retry-count`` header (0 on first attempt)."""
        return int(self.headers.get("x-stainless-retry-count", "0"))


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


# --------------------------------------------------------------------------- #
# Wire helpers
# --------------------------------------------------------------------------- #
def _count_tokens(text: str) -> int:
    return len(re.findall(r"\w+|[^\w\s]", text))


def _split_pieces(text: str) -> list[str]:
    parts = re.findall(r"\S+\s*|\s+", text)
    return parts or [""]


def hashed_embedding(text: str, dims: int = 64) -> list[float]:
    """Deterministic L2-normalised hashed bag-of-words vector for ``text``."""
    vec = [0.0] * dims
    for word in re.findall(r"\w+", text.lower()):
        h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
        vec[h % dims] += 1.0 if (h >> 32) & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vec))
    if norm == 0.0:
        vec[0], norm = 1.0, 1.0
    return [v / norm for v in vec]


def _error_body(err: HttpError) -> dict[str, Any]:
    return {"error": {"message": err.message, "type": err.type, "param": None, "code": err.code}}


def _sse(payload: Any) -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    return f"data: {data}\n\n".encode()


def _default_responder(body: dict[str, Any]) -> str:
    return "fake reply"


# --------------------------------------------------------------------------- #
# Server
# --------------------------------------------------------------------------- #
class FakeOpenAI:
    """OpenAI-compatible aiohttp server running in a background thread with its own loop."""

    def __init__(self, models: Sequence[str] = ("fake-model",), embedding_dims: int = 64) -> None:
        """Configure (not start) the server; use as a context manager or call start()/stop()."""
        self.models = list(models)
        self.embedding_dims = embedding_dims
        self._lock = threading.Lock()
        self._queues: dict[str, deque[Scripted]] = {CHAT_PATH: deque(), EMBEDDINGS_PATH: deque()}
        self._requests: list[RecordedRequest] = []
        self._default: DefaultResponder = _default_responder
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._stopping: asyncio.Event | None = None
        self.port: int = 0

    # ----- public API --------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1`` — pass as the client's ``base_url``."""
        if not self.port:
            raise RuntimeError("FakeOpenAI is not started")
        return f"http://127.0.0.1:{self.port}/v1"

    def enqueue(self, *responses: Scripted | str, endpoint: str = "chat") -> None:
        """Queue scripted responses (a bare str means ``reply(str)``); ``endpoint`` is "chat" or "embeddings"."""
        path = {"chat": CHAT_PATH, "embeddings": EMBEDDINGS_PATH}[endpoint]
        with self._lock:
            for r in responses:
                self._queues[path].append(reply(r) if isinstance(r, str) else r)

    def set_default(self, fn: DefaultResponder) -> None:
        """Set the ``(request_json) -> reply text`` used when the chat queue is empty."""
        with self._lock:
            self._default = fn

    def reset(self) -> None:
        """Drop queued responses, recorded requests and the custom default responder."""
        with self._lock:
            for q in self._queues.values():
                q.clear()
            self._requests.clear()
            self._default = _default_responder

    @property
    def requests(self) -> list[RecordedRequest]:
        """Snapshot of every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """Only the ``POST /v1/chat/completions`` requests."""
        return [r for r in self.requests if r.path == CHAT_PATH]

    @property
    def pending(self) -> int:
        """Number of scripted responses not consumed yet (all endpoints)."""
        with self._lock:
            return sum(len(q) for q in self._queues.values())

    def start(self) -> FakeOpenAI:
        """Start the server thread and block until it listens."""
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._serve())
            except BaseException as exc:  # surfaced to start()
                errors.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-openai", daemon=True)
        self._thread.start()
        if not ready.wait(10) or errors:
            raise RuntimeError(f"fake OpenAI server failed to start: {errors}")
        return self

    def stop(self) -> None:
        """Stop the server (interrupting slow responses) and join the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(15)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._loop = self._thread = None
        self.port = 0

    def __enter__(self) -> FakeOpenAI:
        """Start and return self."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop the server."""
        self.stop()

    # ----- aiohttp internals -------------------------------------------------
    async def _serve(self) -> None:
        self._stopping = asyncio.Event()
        app = web.Application()
        app.router.add_post(CHAT_PATH, self._chat)
        app.router.add_post(EMBEDDINGS_PATH, self._embeddings)
        app.router.add_get(MODELS_PATH, self._models)
        self._runner = web.AppRunner(app, shutdown_timeout=2.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        sock = site._server.sockets[0]  # type: ignore[union-attr]
        self.port = sock.getsockname()[1]

    async def _shutdown(self) -> None:
        assert self._stopping is not None and self._runner is not None
        self._stopping.set()
        await self._runner.cleanup()

    async def _record(self, request: web.Request) -> tuple[RecordedRequest, Any]:
        raw = await request.read()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        rec = RecordedRequest(
            method=request.method,
            path=request.path,
            headers={k.lower(): v for k, v in request.headers.items()},
            json=body,
        )
        with self._lock:
            self._requests.append(rec)
        return rec, body

    def _next(self, path: str) -> Scripted | None:
        with self._lock:
            q = self._queues[path]
            return q.popleft() if q else None

    async def _sleep(self, seconds: float) -> bool:
        """Sleep unless the server stops first; returns False if interrupted."""
        assert self._stopping is not None
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except asyncio.TimeoutError:
            return True
        return False

    @staticmethod
    def _error_response(err: HttpError) -> web.Response:
        headers = dict(err.headers)
        if err.retry_after is not None:
            headers["Retry-After"] = f"{err.retry_after:g}"
        return web.json_response(_error_body(err), status=err.status, headers=headers)

    async def _models(self, request: web.Request) -> web.Response:
        await self._record(request)
        now = int(time.time())
        data = [{"id": m, "object": "model", "created": now, "owned_by": "fake"} for m in self.models]
        return web.json_response({"object": "list", "data": data})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        _, body = await self._record(request)
        if not isinstance(body, dict):
            return self._error_response(http_error(400, "request body is not JSON"))
        item = self._next(CHAT_PATH)
        if isinstance(item, Slow):
            if not await self._sleep(item.seconds):
                return web.Response(status=503)
            item = item.then
        if isinstance(item, HttpError):
            return self._error_response(item)
        stream = bool(body.get("stream"))
        if isinstance(item, Garbage):
            return await self._garbage(request, item, body, stream)
        if item is None:
            with self._lock:
                fn = self._default
            item = reply(fn(body))
        if stream:
            return await self._stream(request, item, body)
        return web.json_response(self._completion(item, body))

    def _base(self, body: dict[str, Any], obj: str) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": obj,
            "created": int(time.time()),
            "model": body.get("model") or self.models[0],
            "system_fingerprint": "fp_fake",
        }

    def _usage(self, text: str, body: dict[str, Any]) -> dict[str, int]:
        prompt = _count_tokens(RecordedRequest("POST", CHAT_PATH, {}, body).prompt_text)
        completion = _count_tokens(text)
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

    def _completion(self, item: Reply, body: dict[str, Any]) -> dict[str, Any]:
        message = {"role": "assistant", "content": item.text, "refusal": None}
        choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": item.finish_reason}
        return {**self._base(body, "chat.completion"), "choices": [choice], "usage": self._usage(item.text, body)}

    async def _stream(self, request: web.Request, item: Reply, body: dict[str, Any]) -> web.StreamResponse:
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        base = self._base(body, "chat.completion.chunk")
        extra = {"usage": None} if include_usage else {}

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            return {**base, "choices": [choice], **extra}

        resp = await self._open_sse(request)
        pieces = item.pieces if item.pieces is not None else tuple(_split_pieces(item.text))
        try:
            await resp.write(_sse(chunk({"role": "assistant", "content": ""})))
            for piece in pieces:
                if item.chunk_delay and not await self._sleep(item.chunk_delay):
                    return resp
                await resp.write(_sse(chunk({"content": piece})))
            await resp.write(_sse(chunk({}, item.finish_reason)))
            if include_usage:
                await resp.write(_sse({**base, "choices": [], "usage": self._usage(item.text, body)}))
            await resp.write(_sse("[DONE]"))
            await resp.write_eof()
        except (ConnectionResetError, ConnectionError):
            pass  # client went away mid-stream
        return resp

    @staticmethod
    async def _open_sse(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(
            status=200, headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await resp.prepare(request)
        return resp

    async def _garbage(
        self, request: web.Request, item: Garbage, body: dict[str, Any], stream: bool
    ) -> web.StreamResponse:
        obj = "chat.completion.chunk" if stream else "chat.completion"
        payload = {**self._base(body, obj), "choices": []}
        if not stream:
            if item.kind == "invalid_json":
                return web.Response(status=200, text='{"id": "chatcmpl-broken", "choices": [', content_type="application/json")
            return web.json_response(payload)
        resp = await self._open_sse(request)
        await resp.write(_sse('{"not": valid json' if item.kind == "invalid_json" else payload))
        await resp.write(_sse("[DONE]"))
        await resp.write_eof()
        return resp

    async def _embeddings(self, request: web.Request) -> web.Response:
        _, body = await self._record(request)
        if not isinstance(body, dict) or "input" not in body:
            return self._error_response(http_error(400, "missing input"))
        item = self._next(EMBEDDINGS_PATH)
        if isinstance(item, Slow):
            if not await self._sleep(item.seconds):
                return web.Response(status=503)
        elif isinstance(item, HttpError):
            return self._error_response(item)
        elif isinstance(item, Garbage):
            if item.kind == "invalid_json":
                return web.Response(status=200, text="{oops", content_type="application/json")
            return web.json_response({"object": "list", "data": [], "model": body.get("model"), "usage": None})
        texts = self._embedding_inputs(body["input"])
        dims = int(body.get("dimensions") or self.embedding_dims)
        b64 = body.get("encoding_format") == "base64"
        data = []
        for i, text in enumerate(texts):
            vec = hashed_embedding(text, dims)
            emb: Any = base64.b64encode(struct.pack(f"<{dims}f", *vec)).decode() if b64 else vec
            data.append({"index": i, "object": "embedding", "embedding": emb})
        tokens = sum(_count_tokens(t) for t in texts)
        return web.json_response(
            {
                "object": "list",
                "data": data,
                "model": body.get("model") or "fake-embedding",
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            }
        )

    @staticmethod
    def _embedding_inputs(raw: Any) -> list[str]:
        if isinstance(raw, str):
            return [raw]
        if isinstance(raw, list) and raw and all(isinstance(t, int) for t in raw):
            return [" ".join(map(str, raw))]
        return [x if isinstance(x, str) else " ".join(map(str, x)) for x in raw]


# --------------------------------------------------------------------------- #
# pytest fixtures (import them into a test module or conftest to use)
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="session")
def fake_openai_server() -> Iterator[FakeOpenAI]:
    """One FakeOpenAI for the whole session (prefer ``fake_openai``, which resets it per test)."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def fake_openai(fake_openai_server: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """The session FakeOpenAI, reset before and after each test."""
    fake_openai_server.reset()
    yield fake_openai_server
    fake_openai_server.reset()
