"""Offline answers to questions in seven languages: how often the extractive writer refuses although retrieval
found the passage, per language and half (issue 30, the answer side).

The questions and articles are bench/multilingual.py's: the 62 questions of bench/data/multilingual_questions.jsonl
in en, de, es, fr, it, pt, zh against the fixed slice of English articles (135), indexed once with today's
default model (all-MiniLM-L6-v2, cross-encoder) into `newsbot eval`'s collection. Each question is retrieved
and answered as `newsbot eval` does (`service.compose` on the `top_k` best passages). A question counts as
**retrieved** when a passage handed to the writer holds its answer; of those, **refused** is how many the
writer refused, and **right** how many answers hold the answer and no other choice (`answer_correct`). A second
table counts every question: right, and **wrong** (answered, but not right: quoted sentences without the answer).
Halves as `newsbot eval --split`: odd weeks tune (choose there), even weeks report.

    python -m bench.answer_languages [--quick] [--home DIR] [--label NAME] [--reuse] [--translator gemma-3-270m]
    python -m bench.answer_languages --rows bench/out/answer_languages/rows-NAME.jsonl   # a saved run's tables
"""
from __future__ import annotations

import argparse
import json
import pickle
from pathlib import Path

from bench.common import add_common_arguments, clean_environment, data_set, out_dir, read_jsonl
from bench.multilingual import LANGUAGES, MODELS, build_slice, index_model, model_service


def retrieved(service, questions: list[dict], articles: list[dict], saved: Path, reuse: bool) -> list[tuple]:
    """(question, query, passages) of every answerable question, retrieved as `newsbot eval` does;
    saved to `saved`, and read back from it with `reuse` (the answer side changes, retrieval does not)."""
    from index.evaluation import scoring

    if reuse and saved.is_file():
        return pickle.loads(saved.read_bytes())
    found = []
    for question in scoring.answerable(questions, articles):
        english = service.writer.in_english(question["question"])  # "" unless --translator
        query = service.retriever.embed_query(question["question"], english=english)
        found.append((question, query, service.retriever.retrieve(query, service.settings.top_k)))
    saved.write_bytes(pickle.dumps(found))
    return found


def answer_rows(service, found: list[tuple]) -> list[dict]:
    """Per answerable question: its language, week, whether its passage was retrieved, refused, right."""
    from index.evaluation import scoring

    rows = []
    for question, query, passages in found:
        answer = service.compose(question["question"], question["question"], query.vector, passages)
        text = None if answer.refused else answer.text
        rows.append({"id": question["id"], "language": question.get("language", "en"), "week": question["week"],
                     "retrieved": any(scoring.contains(f"{p.title}\n{p.text}", question["answer"]) for p in passages),
                     "refused": answer.refused,
                     "right": scoring.answer_correct(text, question["answer"], question["choices"]),
                     "answer": answer.text})
    return rows


def table(rows: list[dict]) -> list[str]:
    """Markdown: per half and language, retrieved, refused of those (share), right of those."""
    from index.evaluation.scoring import split_weeks

    tune, report = split_weeks(r["week"] for r in rows)
    lines = ["| half | " + " | ".join(LANGUAGES) + " |", "|---|" + "---|" * len(LANGUAGES)]
    for half, weeks in (("tune", tune), ("report", report)):
        cells = []
        for language in LANGUAGES:
            found = [r for r in rows if r["week"] in weeks and r["language"] == language and r["retrieved"]]
            refused, right = sum(r["refused"] for r in found), sum(r["right"] for r in found)
            cells.append(f"{refused}/{len(found)} refused, {right} right" if found else "–")
        lines.append(f"| {half} | " + " | ".join(cells) + " |")
    lines += ["", "| half (all questions) | " + " | ".join(LANGUAGES) + " |", "|---|" + "---|" * len(LANGUAGES)]
    for half, weeks in (("tune", tune), ("report", report)):
        cells = []
        for language in LANGUAGES:
            asked = [r for r in rows if r["week"] in weeks and r["language"] == language]
            answered, right = sum(not r["refused"] for r in asked), sum(r["right"] for r in asked)
            cells.append(f"{right} right, {answered - right} wrong of {len(asked)}")
        lines.append(f"| {half} | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(parser, home=True)
    parser.add_argument("--label", default="", help="a name for this run's rows file (rows-LABEL.jsonl)")
    parser.add_argument("--reuse", action="store_true",
                        help="answer the passages the last run retrieved (retrieved-TRANSLATOR.pickle), not retrieving again")
    parser.add_argument("--rows", type=Path, default=None, help="only print the tables of a saved rows file")
    parser.add_argument("--translator", default="none", choices=("none", "gemma-3-270m"),
                        help="NEWSBOT_TRANSLATOR: a question in another language also searched through the local "
                             "model's English wording (the translate extra)")
    args = parser.parse_args()
    if args.rows:
        print("\n".join(table(read_jsonl(args.rows))))
        return
    folder = out_dir("answer_languages", args.quick)
    with clean_environment():
        data = build_slice(data_set(args.data), folder / "data", args.quick)
        service = model_service(args.home or folder / "home", data, MODELS[0], translator=args.translator)
        indexed = index_model(service, data)
        found = retrieved(service, read_jsonl(data.questions), read_jsonl(data.articles), folder / f"retrieved-{args.translator}.pickle",
                          args.reuse)
        rows = answer_rows(service, found)
    name = f"rows-{args.label}.jsonl" if args.label else "rows.jsonl"
    (folder / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    report = "\n".join(table(rows) + ["", f"- indexed: {json.dumps(indexed)}", f"- rows: {folder / name}"])
    print(report)


if __name__ == "__main__":
    main()
