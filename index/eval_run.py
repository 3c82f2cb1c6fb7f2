"""`newsbot eval`: index a RealTime QA article set into its own collection and score retrieval and answers."""
from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Callable

from index import evaluation
from index.errors import BadInput, SourceError
from index.readers import article_from_row
from index.service import NewsService
from index.types import Article

Progress = Callable[[int, int], None]


def eval_collection_name(articles_path: Path, weeks: set[str] | None) -> str:
    """A collection per article file and week selection, so evaluation never touches the live index."""
    key = f"{articles_path.resolve()}|{','.join(sorted(weeks or []))}"
    return "eval-" + hashlib.sha1(key.encode()).hexdigest()[:10]


def to_articles(rows: list[dict]) -> list[Article]:
    """Articles from the set's JSON rows (rows too short to be articles are left out, as in `index`)."""
    articles = []
    for number, row in enumerate(rows, start=1):
        try:
            articles.append(article_from_row(row, "eval", f"eval/{number}"))
        except SourceError:
            continue
    return articles


def run_eval(service: NewsService, articles_path: Path, questions_path: Path, weeks: set[str] | None,
             k: int = 10, progress: Progress | None = None, show_progress: bool = False) -> dict:
    """Index the articles (incrementally) and score every answerable question; see index/evaluation.py."""
    try:
        rows = evaluation.load_articles(articles_path, weeks)
        questions = evaluation.load_questions(questions_path, weeks)
    except (OSError, ValueError) as exc:
        raise BadInput(f"cannot read the evaluation set: {exc}") from None
    if not rows or not questions:
        raise BadInput("no articles or no questions in the selected weeks")
    started = time.perf_counter()
    report = service.indexer.index("eval", to_articles(rows), progress, show_progress)
    if report.added or report.updated or report.deleted:
        service.store.bump_generation()
    index_seconds = time.perf_counter() - started
    gold = evaluation.gold_from_questions(evaluation.answerable(questions, rows))
    by_id = {q["id"]: q for q in questions}
    service.lexical.snapshot()  # build the BM25 side once, outside the timed queries
    results = []
    for item in gold:
        question = by_id[item.id]["question"]
        begun = time.perf_counter()
        query = service.retriever.embed_query(question)
        passages = service.retriever.retrieve(query, max(k, service.settings.top_k))
        answer = service.compose(question, question, query.vector, passages[: service.settings.top_k])
        latency = (time.perf_counter() - begun) * 1000
        results.append(evaluation.QuestionResult(item.id, tuple(p.text for p in passages[:k]), latency,
                                                 None if answer.refused else answer.text))
    return evaluation.score(evaluation.Run(gold, tuple(results), index_seconds))
