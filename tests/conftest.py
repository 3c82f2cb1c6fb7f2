"""Shared fixtures: the real embedding model (loaded once) and its deterministic stand-in, services on real
Chroma stores.

Every store-dependent test runs twice: on the embedded PersistentClient and on a real `chroma run`
server started on 127.0.0.1 for the session.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
for secret in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DISCORD_TOKEN", "NEWSBOT_CHROMA_HOST"):
    os.environ.pop(secret, None)  # tests configure what they need explicitly

from index.app import build_service  # noqa: E402
from index.embedding.onnx_minilm import OnnxMiniLMEmbedder  # noqa: E402
from index.settings import Settings  # noqa: E402
from tests.support.derived_models import derived_models  # noqa: E402
from tests.support.hashing_embedder import HashingEmbedder  # noqa: E402
from tests.support.paths import SEEDS  # noqa: E402
from tests.support.ports import free_port  # noqa: E402


@pytest.fixture(scope="session")
def embedder() -> OnnxMiniLMEmbedder:
    """The real all-MiniLM-L6-v2 (the default onnxruntime backend, on the derived graph that
    `build_embedder` uses), loaded once for the whole run; the graph is derived once for the run too
    (tests/support/derived_models.py)."""
    model = OnnxMiniLMEmbedder(cache_dir=derived_models())
    model.embed(["warm up"])
    return model


@pytest.fixture(scope="session")
def fake_embedder() -> HashingEmbedder:
    """The deterministic stand-in (tests/support/hashing_embedder.py), for tests that are not about ranking or
    answer quality: nothing to load, next to nothing to compute."""
    return HashingEmbedder()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real Chroma server (`chroma run`) on 127.0.0.1 for the session: (host, port)."""
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    log = (data / "server.log").open("wb")
    process = subprocess.Popen([chroma, "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chroma run exited: {(data / 'server.log').read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("chroma run did not start listening within 60 s")
    yield "127.0.0.1", port
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(params=["embedded", "server"])
def store_settings(request, tmp_path) -> Settings:
    """Settings for a fresh home, on the embedded store and on the Chroma server in turn."""
    extra = {}
    if request.param == "server":
        host, port = request.getfixturevalue("chroma_server")
        extra = {"chroma_host": host, "chroma_port": port,
                 "collection": f"t{abs(hash(request.node.nodeid)) % 10**8}"}
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "seeds"\nkind = "folder"\nlocation = "{SEEDS}"\n')
    return Settings(home=tmp_path / "home", sources_file=sources, **extra)


@pytest.fixture(scope="session")
def seed_service(tmp_path_factory, embedder):
    """A service with the seed articles indexed (embedded store), shared by read-only tests."""
    home = tmp_path_factory.mktemp("seed-home")
    service = build_service(Settings(home=home), embedder=embedder)
    service.index()
    return service


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL cluster (Debian's initdb/pg_ctl) on 127.0.0.1 for the session (tests/support/postgres.py)."""
    from tests.support.postgres import postgres_cluster

    with postgres_cluster() as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """Where a fresh database lives: a sqlite file, then a new database on the session's PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "state.sqlite3")
    return request.getfixturevalue("postgres").new_database()
