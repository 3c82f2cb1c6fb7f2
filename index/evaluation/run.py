"""`newsbot eval`: index a RealTime QA article set into its own collection and score retrieval and answers."""
from __future__ import annotations

import hashlib
import time
from datetime import date
from pathlib import Path
from typing import Callable

from index.evaluation import scoring as evaluation
from index.errors import BadInput, SourceError
from index.sources.readers import article_from_row
from index.service.facade import NewsService
from index.retrieval.timed import place_in_time, retrieve_timed
from index.types import Answer, Article

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


def question_date(question: dict) -> date:
    """The day a RealTime QA question was asked (its `date`, "2025/01/01"); BadInput when it has none."""
    try:
        return date.fromisoformat(str(question.get("date", "")).replace("/", "-"))
    except ValueError:
        raise BadInput(f"question {question.get('id')} has no date like 2025/01/01") from None


def run_eval(service: NewsService, articles_path: Path, questions_path: Path, weeks: set[str] | None,
             k: int = 10, progress: Progress | None = None, show_progress: bool = False,
             split: bool = False, as_of_question_date: bool = False) -> dict:
    """Index the articles (incrementally) and score every answerable question; see index/evaluation/scoring.py.

    With `split`, the scores come as three rows, {"tune", "report", "all"} (evaluation.score_split).
    `as_of_question_date`: each question is asked as of its own date, as the bot would have been asked
    then (later articles do not exist, "this week" is that week, the recency prior applies).
    """
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
    run, answers = answer_all(service, questions, rows, k, index_seconds, as_of_question_date)
    if split:
        return evaluation.score_split(run, questions)
    scores = evaluation.score(run)
    if service.llm is not None:
        if scores["answer_accuracy"] is None:  # every answer a refusal: none correct, rather than unscored
            scores["answer_accuracy"] = 0.0
        scores.update(check_rates(answers))
    return scores


def answer_all(service: NewsService, questions: list[dict], rows: list[dict], k: int, index_seconds: float,
               as_of_question_date: bool = False) -> tuple[evaluation.Run, list[Answer]]:
    """Retrieve and answer every answerable question, as `ask` does (as of its date when
    `as_of_question_date`), timing each."""
    gold = evaluation.gold_from_questions(evaluation.answerable(questions, rows))
    by_id = {q["id"]: q for q in questions}
    service.lexical.snapshot()  # build the BM25 side once, outside the timed queries
    results, answers = [], []
    for item in gold:
        question = by_id[item.id]["question"]
        begun = time.perf_counter()
        english = service.writer.in_english(question)  # as `ask`: also searched in English (model or translator)
        if as_of_question_date:
            timed = place_in_time(service.retriever, question, question_date(by_id[item.id]), english=english)
            passages = retrieve_timed(service.retriever, timed, max(k, service.settings.top_k),
                                      service.settings.recency_prior)
            answer = service.compose(question, timed.query.text, timed.query.vector,
                                     passages[: service.settings.top_k], timed.as_of)
        else:
            query = service.retriever.embed_query(question, english=english)
            passages = service.retriever.retrieve(query, max(k, service.settings.top_k))
            answer = service.compose(question, question, query.vector, passages[: service.settings.top_k])
        latency = (time.perf_counter() - begun) * 1000
        answers.append(answer)
        results.append(evaluation.QuestionResult(item.id, tuple(p.text for p in passages[:k]), latency,
                                                 None if answer.refused else answer.text))
    return evaluation.Run(gold, tuple(results), index_seconds), answers


def check_rates(answers: list[Answer]) -> dict:
    """How often the checks on generated answers fired, and the share of the model's citations that held.

    `citation_validity`: of the citation markers the model wrote, the share naming a passage it was given
    that supports its sentence (what the user is shown; after the checks every shown citation is one).
    """
    checks = [a.checks for a in answers if a.checks is not None]
    written = sum(c.citations for c in checks)
    return {
        "citation_validity": sum(c.supported_citations for c in checks) / written if written else None,
        "answer_checks": {
            "generated_answers": len(checks),
            "llm_unavailable": sum(1 for a in answers if a.checks is None and a.note),
            "citations_written": written,
            "invalid_citations_removed": sum(c.invalid_citations for c in checks),
            "unsupported_citations_removed": sum(c.unsupported_citations for c in checks),
            "unsupported_sentences_dropped": sum(c.unsupported_sentences for c in checks),
            "uncited_sentences_dropped": sum(c.uncited_sentences for c in checks),
            "answers_with_a_removal": sum(1 for c in checks if c.invalid_citations or c.unsupported_citations
                                          or c.uncited_sentences),
            "refused_by_checks": sum(1 for c in checks if c.refused),
            "refused_by_model": sum(1 for a in answers if a.checks is not None and a.refused
                                    and not a.checks.refused),
        },
    }
