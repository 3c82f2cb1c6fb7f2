"""Re-indexing that loses nothing: a real `newsbot`-like process is SIGKILLed at chosen points of an
incremental and of a full re-index, on the embedded store and on a real Chroma server; after every kill the
previous index still answers, and the next run completes the work with no duplicate and no orphan chunk.

The kill points are hooks the driver script below installs around the indexer's own steps (write new
chunks, delete replaced ones, persist the docstore, move the pointer); the production code has no test hook.

Each run of the driver is its own process, forked from a Python process that has only imported the modules the
driver imports (ZYGOTE below): importing them took most of each run's few seconds, and the test starts 14 runs
per store. A forked run opens the store, docstores and BM25 files itself, as a freshly started one does, and dies
by SIGKILL the same way; nothing of an earlier run is in the process it is forked from.
"""
from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from index.app import build_service
from index.store.chunk_ids import is_complete, parse_chunk_id
from tests.support.chroma_view import live_chroma
from tests.support.corpus import ARTICLES, write_corpus

pytestmark = pytest.mark.slow  # SIGKILLed processes, threads re-indexing
ROOT = Path(__file__).resolve().parents[2]

DRIVER = r'''
import json, os, signal, sys
from index.indexing import docstores, ingest
from index.store import chroma as store
from index.app import build_service
from index.settings import Settings
from tests.support.chroma_view import live_chroma
from tests.support.hashing_embedder import HashingEmbedder

point, nth, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ingest.BATCH_ARTICLES = 8  # several batches from a small corpus
calls = 0

def hook(owner, name, after):
    original = getattr(owner, name)
    def wrapper(*args, **kwargs):
        global calls
        if not after:
            calls += 1
            if calls == nth: os.kill(os.getpid(), signal.SIGKILL)
        result = original(*args, **kwargs)
        if after:
            calls += 1
            if calls == nth: os.kill(os.getpid(), signal.SIGKILL)
        return result
    setattr(owner, name, wrapper)

HOOKS = {"after-write": (ingest.SourceIndexer, "_write", True),
         "after-replace": (ingest.SourceIndexer, "_replace", True),
         "after-save": (docstores.FileDocstoreShelf, "save", True),
         "after-delete": (ingest.SourceIndexer, "_delete", True),
         "before-swap": (store.Store, "swap", False),
         "after-swap": (store.Store, "swap", True)}

def report(service):
    live = service.store.live_name()
    records = live_chroma(service).get(include=["metadatas", "documents"])
    docstores = {}
    for source in service.indexer.indexed_sources():
        ds = service.indexer.docstore(source)
        docstores[source] = {i: ds.get_document_hash(i) for i in ingest.docstore_ids(ds)}
    hits = service.search("water supply council district", 5)
    return {"live": live, "ids": records["ids"], "documents": records["documents"],
            "articles": [m["article_id"] for m in records["metadatas"]],
            "docstores": docstores, "leftovers": service.indexer.leftovers(), "hits": [h.chunk_id for h in hits]}

service = build_service(Settings(), embedder=HashingEmbedder())
print(json.dumps({"before": report(service)}), flush=True)
if point != "none":
    hook(*HOOKS[point])
service.index(full=(mode == "full"))
print(json.dumps({"after": report(service)}), flush=True)
'''


# Started as `python -c ZYGOTE DRIVER` in ROOT; reads one JSON request a line on stdin ({"argv", "env", "out",
# "err"}), forks a child that runs DRIVER as `python -c DRIVER *argv` would (that environment, stdout and stderr
# into the two files, `__main__` globals) and answers {"code": the child's exit code, -9 when SIGKILLed}.
ZYGOTE = r'''
import json, os, sys, traceback
from index.indexing import docstores, ingest
from index.store import chroma as store
from index.app import build_service
from index.settings import Settings
from tests.support.chroma_view import live_chroma
from tests.support.hashing_embedder import HashingEmbedder
import nltk.corpus, nltk.tokenize  # what llama-index's sentence splitter imports on its first use

driver = compile(sys.argv[1], "<string>", "exec")
for line in sys.stdin:
    request = json.loads(line)
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        os.environ.clear()
        os.environ.update(request["env"])
        for fd, path in ((1, request["out"]), (2, request["err"])):
            os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
        sys.argv = ["-c", *request["argv"]]
        try:
            exec(driver, {"__name__": "__main__", "__builtins__": __builtins__})
        except SystemExit:
            raise
        except BaseException:
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(1)
        raise SystemExit(0)  # the child ends as `python -c` does: exit handlers, buffers flushed
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"code": os.waitstatus_to_exitcode(status)}), flush=True)
'''


class Zygote:
    """The process the driver's runs are forked from (ZYGOTE), for one module."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.runs = folder, 0
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "NEWSBOT_"))}
        self.process = subprocess.Popen([sys.executable, "-c", ZYGOTE, DRIVER], cwd=ROOT, text=True,
                                        env=env | {"HF_HUB_OFFLINE": "1"}, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, start_new_session=True)

    def run(self, argv: list[str], env: dict, timeout: float = 300) -> tuple[int, str, str]:
        """(exit code, stdout, stderr) of one run of the driver."""
        self.runs += 1
        out, err = self.folder / f"run{self.runs}.out", self.folder / f"run{self.runs}.err"
        self.process.stdin.write(json.dumps({"argv": argv, "env": env, "out": str(out), "err": str(err)}) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line:  # a run that hangs: it and the zygote are killed, as subprocess.run's timeout would
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            raise AssertionError(f"the driver's run gave no answer in {timeout} s: "
                                 f"{err.read_text()[-3000:] if err.exists() else ''}")
        return json.loads(line)["code"], out.read_text(), err.read_text()

    def close(self) -> None:
        try:
            self.process.stdin.close()
            self.process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def zygote(tmp_path_factory):
    started = Zygote(tmp_path_factory.mktemp("driver-runs"))
    yield started
    started.close()


def _run(zygote: Zygote, settings_env: dict, point: str, nth: int = 1, mode: str = "incremental") -> tuple[int, dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "NEWSBOT_"))} | settings_env
    code, stdout, stderr = zygote.run([point, str(nth), mode], env)
    reports = {}
    for line in stdout.splitlines():
        if line.startswith("{"):
            reports.update(json.loads(line))
    assert "before" in reports, stderr[-3000:]
    return code, reports


def _assert_consistent(state: dict, edition: int, count: int) -> None:
    """The index holds exactly the corpus of `edition`: every article whole, once, in docstore and store."""
    ids = state["ids"]
    assert len(ids) == len(set(ids))
    by_article: dict[str, set[str]] = {}
    for chunk_id, article_id in zip(ids, state["articles"]):
        by_article.setdefault(article_id, set()).add(chunk_id)
    docstore = state["docstores"]["corpus"]
    assert set(by_article) == set(docstore) and len(docstore) == count
    for article_id, chunk_ids in by_article.items():
        assert is_complete(chunk_ids, docstore[article_id]), (article_id, sorted(chunk_ids))
    assert all(f"edition {edition} " in text for text in state["documents"])
    assert state["leftovers"] == [] and state["hits"]


def _assert_whole_articles(state: dict) -> None:
    """What readers see mid-crash: each article's chunks form whole versions of it (no half article)."""
    versions: dict[tuple[str, str], set[str]] = {}
    for chunk_id in state["ids"]:
        article_id, content_hash, _ = parse_chunk_id(chunk_id)
        versions.setdefault((article_id, content_hash), set()).add(chunk_id)
    for (article_id, content_hash), chunk_ids in versions.items():
        assert is_complete(chunk_ids, content_hash.ljust(64, "0")), (article_id, sorted(chunk_ids))
    assert state["hits"], "the index stopped answering"


@pytest.fixture(params=["embedded", "server"])
def crash_env(request, tmp_path) -> dict:
    corpus = tmp_path / "corpus"
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "corpus"\nkind = "folder"\nlocation = "{corpus}"\n')
    env = {"NEWSBOT_HOME": str(tmp_path / "home"), "NEWSBOT_SOURCES": str(sources), "NEWSBOT_CHUNK_TOKENS": "48",
           "NEWSBOT_CHUNK_OVERLAP": "8", "HF_HUB_OFFLINE": "1"}
    if request.param == "server":
        host, port = request.getfixturevalue("chroma_server")
        env |= {"NEWSBOT_CHROMA_HOST": host, "NEWSBOT_CHROMA_PORT": str(port),
                "NEWSBOT_COLLECTION": f"crash{abs(hash(request.node.nodeid)) % 10**8}"}
    env["corpus"] = str(corpus)
    return env


def test_a_kill_at_any_point_leaves_a_usable_index_and_the_next_run_completes(crash_env, zygote):
    corpus = Path(crash_env.pop("corpus"))
    write_corpus(corpus, edition=1)
    # a first index killed after two batches were persisted: the next run starts from a partial index
    code, _ = _run(zygote, crash_env, "after-save", nth=2)
    assert code == -9
    code, state = _run(zygote, crash_env, "none")
    assert code == 0
    _assert_whole_articles(state["before"])
    assert 0 < len(state["before"]["docstores"]["corpus"]) < ARTICLES
    _assert_consistent(state["after"], edition=1, count=ARTICLES)

    # incremental updates killed between writing new chunks and deleting the old, and before the
    # docstore caught up; then articles deleted and a kill during the deletions
    for edition, point in ((2, "after-write"), (3, "after-replace")):
        write_corpus(corpus, edition=edition)
        code, _ = _run(zygote, crash_env, point, nth=3)
        assert code == -9
        code, state = _run(zygote, crash_env, "none")
        assert code == 0, point
        _assert_whole_articles(state["before"])
        _assert_consistent(state["after"], edition=edition, count=ARTICLES)
    write_corpus(corpus, edition=3, count=ARTICLES - 10)
    code, _ = _run(zygote, crash_env, "after-delete", nth=1)
    assert code == -9
    code, state = _run(zygote, crash_env, "none")
    _assert_whole_articles(state["before"])
    _assert_consistent(state["after"], edition=3, count=ARTICLES - 10)

    # full re-index killed while building beside the live collection, just before and just after the swap
    live = state["after"]["live"]
    for edition, point, nth in ((4, "after-write", 2), (5, "before-swap", 1), (6, "after-swap", 1)):
        write_corpus(corpus, edition=edition, count=ARTICLES - 10)
        code, _ = _run(zygote, crash_env, point, nth=nth, mode="full")
        assert code == -9
        code, state = _run(zygote, crash_env, "none")
        before = state["before"]
        if point == "after-swap":  # the new collection is live: complete, of the new edition
            assert before["live"] != live and before["leftovers"] == [live]
            _assert_consistent({**before, "leftovers": []}, edition=edition, count=ARTICLES - 10)
        else:  # readers still on the old collection, untouched: the previous edition, whole
            assert before["live"] == live and before["leftovers"]
            _assert_consistent({**before, "leftovers": []}, edition=edition - 1, count=ARTICLES - 10)
        _assert_consistent(state["after"], edition=edition, count=ARTICLES - 10)
        live = state["after"]["live"]


@pytest.fixture
def corpus_service(store_settings, fake_embedder, tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, edition=1)
    store_settings.sources_file.write_text(f'[[source]]\nname = "corpus"\nkind = "folder"\nlocation = "{corpus}"\n')
    service = build_service(store_settings.model_copy(update={"chunk_tokens": 48, "chunk_overlap": 8}),
                            embedder=fake_embedder)
    service.index()
    service.corpus = corpus
    return service


def _editions(passages) -> set[str]:
    return {word for p in passages for word in ("edition 1 ", "edition 2 ") if word in p.text}


def test_readers_see_the_old_index_until_a_full_reindex_switches(corpus_service, monkeypatch):
    from index.indexing import ingest

    monkeypatch.setattr(ingest, "BATCH_ARTICLES", 8)
    service = corpus_service
    count = live_chroma(service).count()
    write_corpus(service.corpus, edition=2)
    seen = []

    def midway(done: int, total: int) -> None:  # called between batches of the new collection
        seen.append((_editions(service.search("water supply council district", 10)), live_chroma(service).count()))

    service.index(full=True, progress=midway)
    assert len(seen) > 2 and all(editions == {"edition 1 "} and n == count for editions, n in seen)
    assert _editions(service.search("water supply council district", 10)) == {"edition 2 "}
    assert service.indexer.leftovers() == []


def test_queries_keep_answering_while_another_thread_reindexes(corpus_service):
    service = corpus_service
    write_corpus(service.corpus, edition=2)
    failures, answers = [], []
    indexing = threading.Event()

    def ask_repeatedly() -> None:
        indexing.wait()
        while indexing.is_set():
            try:
                answers.append(_editions(service.search("water supply council district", 5)))
            except Exception as exc:  # any failure of a reader during a re-index is what this test catches
                failures.append(repr(exc))

    readers = [threading.Thread(target=ask_repeatedly) for _ in range(2)]
    for reader in readers:
        reader.start()
    indexing.set()
    try:
        service.index(full=True)
        service.index()
        write_corpus(service.corpus, edition=1)
        service.index()
    finally:
        indexing.clear()
        for reader in readers:
            reader.join()
    assert failures == [] and answers and all(answers)


def test_one_query_reads_the_pointer_once_and_sees_one_version(corpus_service, monkeypatch):
    service = corpus_service
    reads = []
    original = type(service.store)._read_pointer

    def counting(store):
        reads.append(1)
        return original(store)

    monkeypatch.setattr(type(service.store), "_read_pointer", counting)
    service.search("water supply council district", 5)
    assert len(reads) == 1  # dense side, BM25 side and the generation check share one read
    reads.clear()
    service.ask("What did the council say about the water supply?")
    assert len(reads) == 1

    # inside a pinned block a swap made elsewhere is not seen; the next query sees it
    with service.store.pinned():
        before = service.store.generation()
        moved = service.store.swap(service.store.pointer().live)  # as another process's re-index would
        assert service.store.generation() == before
    assert service.store.generation() == moved != before


def test_indexing_leaves_the_bm25_index_ready_for_the_next_process(corpus_service, monkeypatch):
    from index.store import lexical

    def no_rebuild(*args, **kwargs):
        raise AssertionError("the BM25 index was rebuilt on the first question")

    write_corpus(corpus_service.corpus, edition=2)
    corpus_service.index()  # changed content: a new generation, its BM25 index built and cached now
    monkeypatch.setattr(lexical, "build_snapshot", no_rebuild)
    fresh = build_service(corpus_service.settings, embedder=corpus_service.embedder)  # as another process
    assert _editions(fresh.search("water supply council district", 5)) == {"edition 2 "}


def test_a_query_pinned_to_a_collection_that_a_full_reindex_deleted_follows_the_pointer(corpus_service):
    service = corpus_service
    write_corpus(service.corpus, edition=2)
    with service.store.pinned():  # this thread's query has read the pointer: edition 1's collection
        old = service.store.pointer().live
        indexer = threading.Thread(target=lambda: service.index(full=True))  # swaps, then deletes `old`
        indexer.start()
        indexer.join()
        assert old not in service.store.list_physical()
        # dense (Store.run) and BM25 (LexicalIndex.snapshot) both find the new collection
        assert _editions(service.search("water supply council district", 5)) == {"edition 2 "}
