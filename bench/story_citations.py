"""Does citing a story once cost answers? (issue 23: "the same story is never cited twice under two URLs")

    python bench/story_citations.py --home DIR [--weeks W,…]

DIR is a NEWSBOT_HOME indexed by `newsbot eval --articles …/realtimeqa-2025q1/articles.jsonl --questions …`
(all weeks, or the same `--weeks`). Every answerable question is retrieved once, as `newsbot eval` does, and answered twice by the
offline writer: from the top passages as retrieved (before), and from the same passages less those that
repeat a better-ranked passage of another article of their story (after: index/news/repeats.py, what
`NewsService.compose` would do; it is not wired in until this shows it does not lose on the report half). Recall@4000c is the same for both by construction (retrieval is not
changed); answer accuracy is scored on the tune and report halves, with the number of questions whose
passages lost at least one repeat.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from stories import ARTICLES  # noqa: E402

QUESTIONS = ARTICLES.with_name("questions.jsonl")


def answer_both(service, questions: list[dict], rows: list[dict], k: int = 10):
    """(run before, run after, questions whose passages changed)."""
    from index.answering.writers import Question
    from index.evaluation import scoring as evaluation
    from index.news.repeats import without_repeats

    gold = evaluation.gold_from_questions(evaluation.answerable(questions, rows))
    by_id = {q["id"]: q for q in questions}
    service.lexical.snapshot()
    before, after, changed = [], [], []
    for item in gold:
        question = by_id[item.id]["question"]
        query = service.retriever.embed_query(question)
        passages = service.retriever.retrieve(query, max(k, service.settings.top_k))
        used = passages[: service.settings.top_k]
        kept = without_repeats(used)
        if len(kept) != len(used):
            changed.append(item.id)
        ranked = tuple(p.text for p in passages[:k])
        for runs, given in ((before, used), (after, kept)):
            answer = service.writer.answer(Question(question, question, query.vector, given))
            runs.append(evaluation.QuestionResult(item.id, ranked, 0.0, None if answer.refused else answer.text))
    return (evaluation.Run(gold, tuple(before), 0.0), evaluation.Run(gold, tuple(after), 0.0), changed)


def open_eval_service(home: Path, weeks: set[str] | None):
    """The service on the collection `newsbot eval` built in `home` from ARTICLES (all weeks unless `weeks`)."""
    import os

    os.environ["NEWSBOT_HOME"] = str(home)
    from index.app import build_service
    from index.evaluation.run import eval_collection_name
    from index.settings import Settings

    return build_service(Settings(), collection=eval_collection_name(ARTICLES, weeks))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--weeks", help="comma-separated weeks, as given to newsbot eval")
    args = parser.parse_args()
    from index.evaluation import scoring as evaluation

    weeks = evaluation.parse_weeks(args.weeks)
    service = open_eval_service(args.home, weeks)
    rows, questions = evaluation.load_articles(ARTICLES, weeks), evaluation.load_questions(QUESTIONS, weeks)
    before, after, changed = answer_both(service, questions, rows)
    tune, report = evaluation.split_weeks(q["week"] for q in questions)
    week_of = {q["id"]: evaluation.normalize_week(q["week"]) for q in questions}
    print("| passages | half | questions | Recall@4000c | answer accuracy | questions whose passages changed |")
    print("|---|---|---:|---:|---:|---:|")
    for name, run in (("as retrieved (before)", before), ("repeats of a story left out (after)", after)):
        rows_ = evaluation.score_split(run, questions)
        for half, weeks in (("tune", tune), ("report", report)):
            row = rows_[half]
            count = sum(1 for i in changed if week_of[i] in weeks)
            print(f"| {name} | {half} | {row['answerable']} | {row['recall@4000c']:.3f} | "
                  f"{row['answer_accuracy']:.3f} | {count} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
