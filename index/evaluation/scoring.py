"""Scoring for retrieval and answering runs on the realtimeqa-2025q1 set.

The definitions follow ../shared/data/README.md ("How to score"), so numbers compare across systems:

- answerable: the question's `answer` occurs (case-insensitive) in the text of at least one of the
  articles being indexed, as the data README counts it (191 on the full set). Titles are left out: a
  passage's text is what both systems are scored on, and newsbot keeps the title as metadata.
- recall@C: the retrieved passages joined with "\\n" in rank order, cut to the first C characters, contain
  the answer (case-insensitive).
- hit@k / mrr@10: the 1-based rank of the first of the top 10 passages containing the answer.
- answer accuracy: the final answer text contains the answer and none of the other three choices.
- per language: a question may carry a `language` (ISO 639-1; "en" when absent), the language it is asked
  in (the articles stay English, and so does the `answer` looked for); `languages` holds Recall@C, Hit@10
  and answer accuracy per language, each over that language's answerable questions.
  A wrong choice that is itself a substring of the answer ("4,000" in "14,000") counts only where it
  occurs outside the answer's own occurrences; otherwise a perfect answer could never be correct.

All metrics are fractions over the answerable questions. Matching uses `str.casefold`.
Only `load_articles` and `load_questions` touch the file system.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

RECALL_CHARS: tuple[int, ...] = (2000, 4000, 8000)
HIT_KS: tuple[int, ...] = (1, 5, 10)
MRR_K = 10


# --- loading -------------------------------------------------------------------------------------------


def normalize_week(week: str) -> str:
    """Canonical week key "YYYYMMDD" from "20250103", "2025-01-03" or "2025/01/03"."""
    key = re.sub(r"[-/_.\s]", "", week.strip())
    if not re.fullmatch(r"\d{8}", key):
        raise ValueError(f"not a week (expected YYYYMMDD, e.g. 20250103): {week!r}")
    return key


def parse_weeks(spec: str | None) -> set[str] | None:
    """Weeks from a comma-separated CLI value; None (all weeks) for None, "" or "all"."""
    if spec is None or spec.strip().lower() in ("", "all"):
        return None
    return {normalize_week(part) for part in spec.split(",") if part.strip()}


def _read_jsonl(path: str | Path) -> list[dict]:
    """All JSON objects of a .jsonl file, blank lines skipped."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def filter_weeks(rows: Iterable[dict], weeks: set[str] | None) -> list[dict]:
    """Rows whose `week` is in `weeks` (all rows for None); unknown requested weeks raise ValueError."""
    rows = list(rows)
    if weeks is None:
        return rows
    wanted = {normalize_week(w) for w in weeks}
    missing = wanted - {row["week"] for row in rows}
    if missing:
        raise ValueError(f"weeks not in the data: {sorted(missing)}")
    return [row for row in rows if row["week"] in wanted]


def load_articles(path: str | Path, weeks: set[str] | None = None) -> list[dict]:
    """Articles of `articles.jsonl`, restricted to `weeks` when given."""
    return filter_weeks(_read_jsonl(path), weeks)


def load_questions(path: str | Path, weeks: set[str] | None = None) -> list[dict]:
    """Questions of `questions.jsonl`, restricted to `weeks` when given."""
    return filter_weeks(_read_jsonl(path), weeks)


# --- matching ------------------------------------------------------------------------------------------


def contains(text: str, answer: str) -> bool:
    """Case-insensitive substring test; a blank answer never matches."""
    return bool(answer.strip()) and answer.casefold() in text.casefold()


def article_search_text(article: dict) -> str:
    """The text an answer is looked for in: the article's body."""
    return article.get("text") or ""


def answerable(questions: Sequence[dict], articles: Sequence[dict]) -> list[dict]:
    """Questions whose answer occurs (case-insensitive) in the text of some article."""
    corpus = "\n\x00\n".join(article_search_text(a) for a in articles).casefold()
    return [q for q in questions if q["answer"].strip() and q["answer"].casefold() in corpus]


def recall_at_chars(ranked_texts: Sequence[str], answer: str, chars: int) -> bool:
    """True when the first `chars` characters of the newline-joined ranked texts contain the answer."""
    return contains("\n".join(ranked_texts)[:chars], answer)


def hit_rank(ranked_texts: Sequence[str], answer: str, k: int = MRR_K) -> int | None:
    """1-based rank of the first of the top `k` texts containing the answer, None if none does."""
    for rank, text in enumerate(ranked_texts[:k], start=1):
        if contains(text, answer):
            return rank
    return None


def answer_correct(answer_text: str | None, answer: str, choices: Sequence[str]) -> bool:
    """The answer text contains the answer and none of the other choices (outside the answer itself)."""
    if answer_text is None or not contains(answer_text, answer):
        return False
    folded_answer = answer.casefold()
    others = [c for c in choices if c.strip() and c.casefold() != folded_answer]
    folded_text = answer_text.casefold()
    masked = folded_text.replace(folded_answer, "\x00")
    for choice in others:
        folded_choice = choice.casefold()
        haystack = masked if folded_choice in folded_answer else folded_text
        if folded_choice in haystack:
            return False
    return True


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# --- runs and scores -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gold:
    """What a question is scored against."""

    id: str
    answer: str
    choices: tuple[str, ...]
    language: str = "en"  # the language the question is asked in


@dataclass(frozen=True)
class QuestionResult:
    """What a system produced for one question."""

    id: str
    ranked_texts: tuple[str, ...]  # retrieved passage texts, best first
    latency_ms: float  # wall time of the query (retrieval, plus answering when it answers)
    answer_text: str | None = None  # the final answer, None when the system does not answer


@dataclass(frozen=True)
class Run:
    """One system's run: the answerable questions, its results (one per gold id) and its indexing time."""

    gold: tuple[Gold, ...]
    results: tuple[QuestionResult, ...]
    index_seconds: float


def gold_from_questions(questions: Iterable[dict]) -> tuple[Gold, ...]:
    """Gold records from question dicts (pass the answerable ones)."""
    return tuple(Gold(id=q["id"], answer=q["answer"], choices=tuple(q["choices"]), language=q.get("language") or "en")
                 for q in questions)


def _mean(values: Sequence[float]) -> float | None:
    """Arithmetic mean, None for no values."""
    return sum(values) / len(values) if values else None


def _paired(run: Run) -> list[tuple[Gold, QuestionResult]]:
    """Each gold question with its result; results for other ids are ignored, a missing one raises."""
    by_id = {r.id: r for r in run.results}
    missing = [g.id for g in run.gold if g.id not in by_id]
    if missing:
        raise ValueError(f"no result for answerable questions: {missing[:5]}{'…' if len(missing) > 5 else ''}")
    return [(g, by_id[g.id]) for g in run.gold]


def score(run: Run) -> dict:
    """All metrics of a run over its gold (answerable) questions, plus one row per question."""
    pairs = _paired(run)
    ranks = [hit_rank(r.ranked_texts, g.answer, MRR_K) for g, r in pairs]
    passage_lengths = [len(t) for _, r in pairs for t in r.ranked_texts]
    latencies = [r.latency_ms for _, r in pairs]
    answered = any(r.answer_text is not None for _, r in pairs)
    correct = [answer_correct(r.answer_text, g.answer, g.choices) for g, r in pairs]
    out: dict = {"answerable": len(pairs)}
    for chars in RECALL_CHARS:
        out[f"recall@{chars}c"] = _mean([float(recall_at_chars(r.ranked_texts, g.answer, chars)) for g, r in pairs])
    for k in HIT_KS:
        out[f"hit@{k}"] = _mean([float(rank is not None and rank <= k) for rank in ranks])
    out[f"mrr@{MRR_K}"] = _mean([1.0 / rank if rank else 0.0 for rank in ranks])
    out["mean_passage_chars"] = _mean(passage_lengths)
    out["answer_accuracy"] = _mean([float(c) for c in correct]) if answered else None
    out["index_seconds"] = run.index_seconds
    out["query_p50_ms"] = percentile(latencies, 50)
    out["query_p95_ms"] = percentile(latencies, 95)
    out["languages"] = by_language(pairs)
    out["questions"] = [
        {"id": g.id, "hit_rank": rank, "answer": r.answer_text} for (g, r), rank in zip(pairs, ranks)
    ]
    return out


LANGUAGE_KEYS: tuple[str, ...] = ("answerable", *(f"recall@{c}c" for c in RECALL_CHARS), "hit@10", "answer_accuracy")


def by_language(pairs: Sequence[tuple[Gold, QuestionResult]]) -> dict[str, dict]:
    """{language: answerable, Recall@C, Hit@10, answer accuracy over that language's questions}, languages sorted."""
    groups: dict[str, list[tuple[Gold, QuestionResult]]] = {}
    for gold, result in pairs:
        groups.setdefault(gold.language, []).append((gold, result))
    out = {}
    for language, group in sorted(groups.items()):
        row: dict = {"answerable": len(group)}
        for chars in RECALL_CHARS:
            row[f"recall@{chars}c"] = _mean([float(recall_at_chars(r.ranked_texts, g.answer, chars)) for g, r in group])
        row["hit@10"] = _mean([float(hit_rank(r.ranked_texts, g.answer, 10) is not None) for g, r in group])
        answered = any(r.answer_text is not None for _, r in group)
        row["answer_accuracy"] = (_mean([float(answer_correct(r.answer_text, g.answer, g.choices)) for g, r in group])
                                  if answered else None)
        out[language] = row
    return out


# --- the tune / report split ---------------------------------------------------------------------------

SPLITS: tuple[str, ...] = ("tune", "report", "all")


def split_weeks(weeks: Iterable[str]) -> tuple[set[str], set[str]]:
    """The fixed split: in date order the 1st, 3rd, 5th… week tune (odd), the 2nd, 4th… report (even)."""
    ordered = sorted({normalize_week(w) for w in weeks})
    return set(ordered[0::2]), set(ordered[1::2])


def score_split(run: Run, questions: Sequence[dict]) -> dict[str, dict]:
    """`score` three times: on the tune weeks' questions, the report weeks' and all of them.

    The weeks are split by `split_weeks` over every week of `questions`; the index is the same for the
    three rows (all articles), only the questions scored differ.
    """
    week_of = {q["id"]: normalize_week(q["week"]) for q in questions}
    tune, report = split_weeks(week_of.values())
    rows = {}
    for name, weeks in (("tune", tune), ("report", report)):
        gold = tuple(g for g in run.gold if week_of[g.id] in weeks)
        rows[name] = score(Run(gold, run.results, run.index_seconds))
        rows[name]["weeks"] = sorted(weeks)
    rows["all"] = score(run)
    rows["all"]["weeks"] = sorted(tune | report)
    return rows
