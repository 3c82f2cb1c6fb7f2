"""Unit tests of the scoring definitions in index/evaluation/scoring.py, plus one check on a real week of data."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np
import pytest

from index.evaluation.scoring import (
    Gold,
    QuestionResult,
    Run,
    answer_correct,
    answerable,
    by_language,
    contains,
    filter_weeks,
    gold_from_questions,
    hit_rank,
    load_articles,
    load_questions,
    normalize_week,
    parse_weeks,
    percentile,
    recall_at_chars,
    score,
    score_split,
    split_weeks,
)
from tests.support.paths import SAMPLE_DATA as DATA  # a sample of realtimeqa-2025q1: all 13 weeks

SCORE_KEYS = {
    "answerable", "recall@2000c", "recall@4000c", "recall@8000c", "hit@1", "hit@5", "hit@10", "mrr@10",
    "mean_passage_chars", "answer_accuracy", "index_seconds", "query_p50_ms", "query_p95_ms", "languages",
    "questions",
}


# --- contains ------------------------------------------------------------------------------------------


def test_contains_is_case_insensitive() -> None:
    assert contains("The TREATY was signed", "treaty")
    assert contains("the treaty was signed", "The Treaty")


def test_contains_never_matches_a_blank_answer() -> None:
    assert not contains("anything", "")
    assert not contains("anything", "   ")


def test_contains_handles_non_ascii_case() -> None:
    assert contains("BEYONCÉ wins", "beyoncé")


# --- recall@C -------------------------------------------------------------------------------------------


def test_recall_answer_inside_cut() -> None:
    assert recall_at_chars(["xx Paris yy"], "paris", 9)


def test_recall_answer_straddling_the_cut_is_a_miss() -> None:
    texts = ["a" * 8 + "Paris"]  # "Paris" spans characters 8..12
    assert not recall_at_chars(texts, "paris", 12)
    assert recall_at_chars(texts, "paris", 13)  # ends exactly at the cut


def test_recall_counts_the_newline_separators() -> None:
    texts = ["abc", "def", "Paris"]  # joined: "abc\ndef\nParis", Paris at 8..12
    assert not recall_at_chars(texts, "Paris", 12)
    assert recall_at_chars(texts, "Paris", 13)


def test_recall_respects_rank_order() -> None:
    filler = "x" * 50
    assert recall_at_chars(["Paris", filler], "paris", 10)
    assert not recall_at_chars([filler, "Paris"], "paris", 10)


def test_recall_does_not_match_across_passage_boundary() -> None:
    assert not recall_at_chars(["New", "York"], "New York", 100)


def test_recall_of_empty_retrieval_is_a_miss() -> None:
    assert not recall_at_chars([], "Paris", 4000)
    assert not recall_at_chars([""], "Paris", 4000)


def test_recall_is_case_insensitive() -> None:
    assert recall_at_chars(["the eiffel tower"], "Eiffel Tower", 4000)


# --- hit rank -------------------------------------------------------------------------------------------


def test_hit_rank_is_one_based() -> None:
    assert hit_rank(["Paris"], "paris") == 1
    assert hit_rank(["no", "nope", "in PARIS"], "paris") == 3


def test_hit_rank_ties_take_the_first_matching_rank() -> None:
    assert hit_rank(["no", "Paris a", "Paris b", "Paris a"], "paris") == 2
    assert hit_rank(["Paris", "Paris"], "paris") == 1


def test_hit_rank_none_when_no_passage_contains_the_answer() -> None:
    assert hit_rank(["London", "Rome"], "Paris") is None


def test_hit_rank_only_looks_at_top_k() -> None:
    texts = ["no"] * 10 + ["Paris"]
    assert hit_rank(texts, "paris") is None
    assert hit_rank(texts, "paris", k=11) == 11
    assert hit_rank(["no", "Paris"], "paris", k=1) is None


def test_hit_rank_of_empty_retrieval_is_none() -> None:
    assert hit_rank([], "Paris") is None


# --- answer correctness ---------------------------------------------------------------------------------

CHOICES = ("Paris", "London", "Rome", "Berlin")


def test_answer_correct_when_only_the_answer_appears() -> None:
    assert answer_correct("The capital is paris.", "Paris", CHOICES)


def test_answer_wrong_when_it_also_names_another_choice() -> None:
    assert not answer_correct("Paris or London, hard to say.", "Paris", CHOICES)
    assert not answer_correct("Paris, not BERLIN", "Paris", CHOICES)


def test_answer_wrong_when_the_answer_is_missing() -> None:
    assert not answer_correct("It is London.", "Paris", CHOICES)
    assert not answer_correct("", "Paris", CHOICES)
    assert not answer_correct(None, "Paris", CHOICES)


def test_wrong_choice_inside_the_answer_only_counts_outside_it() -> None:
    choices = ("1,000", "4,000", "14,000", "40,000")
    assert answer_correct("About 14,000 people.", "14,000", choices)
    assert not answer_correct("About 14,000 people, not 4,000.", "14,000", choices)


def test_wrong_choice_containing_the_answer_still_counts() -> None:
    choices = ("30", "100", "300", "1,300")
    assert not answer_correct("It was 1,300.", "300", choices)
    assert not answer_correct("Either 300 or 1,300.", "300", choices)
    assert answer_correct("It was 300.", "300", choices[:3])


# --- percentiles ----------------------------------------------------------------------------------------


def test_percentile_matches_numpy_linear_interpolation() -> None:
    rng = random.Random(7)
    for n in (1, 2, 3, 10, 101):
        values = [rng.uniform(0, 1000) for _ in range(n)]
        for q in (0, 50, 95, 100):
            assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_percentile_of_nothing_is_none() -> None:
    assert percentile([], 50) is None


def test_percentile_small_cases() -> None:
    assert percentile([5.0], 95) == 5.0
    assert percentile([1.0, 3.0], 50) == 2.0
    assert percentile([4.0, 1.0, 2.0, 3.0], 50) == 2.5


# --- answerable -----------------------------------------------------------------------------------------


def _q(qid: str, answer: str, week: str = "20250103") -> dict:
    return {"id": qid, "answer": answer, "choices": [answer, "b", "c", "d"], "week": week}


def test_answerable_searches_text_case_insensitively_not_titles() -> None:
    articles = [{"title": "Beyoncé wins", "text": "The singer won."}, {"title": "t", "text": "in PARIS today"}]
    questions = [_q("1", "beyoncé"), _q("2", "Paris"), _q("3", "London")]
    assert [q["id"] for q in answerable(questions, articles)] == ["2"]


def test_answerable_does_not_match_across_articles() -> None:
    articles = [{"title": "New", "text": "York"}, {"title": "a", "text": "New"}, {"title": "York", "text": "z"}]
    assert answerable([_q("1", "New York")], articles) == []


def test_answerable_excludes_blank_answers_and_handles_no_articles() -> None:
    assert answerable([_q("1", "")], [{"title": "x", "text": "y"}]) == []
    assert answerable([_q("1", "x")], []) == []


# --- weeks and loading ----------------------------------------------------------------------------------


def test_normalize_week_accepts_common_spellings() -> None:
    for spelling in ("20250103", "2025-01-03", "2025/01/03", " 20250103 "):
        assert normalize_week(spelling) == "20250103"
    with pytest.raises(ValueError):
        normalize_week("2025-1-3")


def test_parse_weeks() -> None:
    assert parse_weeks(None) is None
    assert parse_weeks("all") is None
    assert parse_weeks("") is None
    assert parse_weeks("20250103, 2025-01-10,") == {"20250103", "20250110"}


def test_filter_weeks_keeps_requested_and_rejects_unknown() -> None:
    rows = [{"week": "20250103"}, {"week": "20250110"}]
    assert filter_weeks(rows, None) == rows
    assert filter_weeks(rows, {"2025-01-10"}) == [{"week": "20250110"}]
    with pytest.raises(ValueError):
        filter_weeks(rows, {"20250117"})


def test_load_questions_and_articles_from_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    rows = [_q("1", "a", "20250103"), _q("2", "b", "20250110")]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    assert load_questions(path) == rows
    assert load_questions(path, {"20250110"}) == rows[1:]
    assert load_articles(path, {"20250103"}) == rows[:1]


# --- score ----------------------------------------------------------------------------------------------


def _gold(qid: str, answer: str) -> Gold:
    return Gold(id=qid, answer=answer, choices=(answer, "zzz1", "zzz2", "zzz3"))


def _run() -> Run:
    gold = (_gold("a", "Paris"), _gold("b", "Rome"), _gold("c", "Oslo"), _gold("d", "Lima"))
    results = (
        QuestionResult("a", ("paris is here", "x"), 10.0),  # rank 1, recall at all C
        QuestionResult("b", ("y" * 2500, "no", "no", "ROME"), 20.0),  # rank 4; ROME at chars 2507..2510: recall@4000c only
        QuestionResult("c", tuple(["n"] * 5 + ["oslo"] + ["m" * 10000]), 30.0),  # rank 6
        QuestionResult("d", (), 40.0),  # empty retrieval
        QuestionResult("unscored", ("Lima",), 9999.0),  # not in gold: ignored
    )
    return Run(gold=gold, results=results, index_seconds=12.5)


def test_score_has_exactly_the_agreed_keys() -> None:
    assert set(score(_run())) == SCORE_KEYS


def test_score_values_on_a_hand_made_run() -> None:
    out = score(_run())
    assert out["answerable"] == 4
    assert out["recall@2000c"] == pytest.approx(2 / 4)  # a, c ("n\n"*5 then oslo: early)
    assert out["recall@4000c"] == pytest.approx(3 / 4)
    assert out["recall@8000c"] == pytest.approx(3 / 4)
    assert out["hit@1"] == pytest.approx(1 / 4)
    assert out["hit@5"] == pytest.approx(2 / 4)
    assert out["hit@10"] == pytest.approx(3 / 4)
    assert out["mrr@10"] == pytest.approx((1 + 1 / 4 + 1 / 6 + 0) / 4)
    lengths = [13, 1, 2500, 2, 2, 4, 1, 1, 1, 1, 1, 4, 10000]
    assert out["mean_passage_chars"] == pytest.approx(sum(lengths) / len(lengths))
    assert out["answer_accuracy"] is None
    assert out["index_seconds"] == 12.5
    assert out["query_p50_ms"] == pytest.approx(25.0)
    assert out["query_p95_ms"] == pytest.approx(float(np.percentile([10, 20, 30, 40], 95)))
    assert out["questions"] == [
        {"id": "a", "hit_rank": 1, "answer": None},
        {"id": "b", "hit_rank": 4, "answer": None},
        {"id": "c", "hit_rank": 6, "answer": None},
        {"id": "d", "hit_rank": None, "answer": None},
    ]


def test_score_answer_accuracy_counts_unanswered_as_wrong() -> None:
    gold = (Gold("a", "Paris", CHOICES), Gold("b", "Rome", CHOICES), Gold("c", "Berlin", CHOICES))
    results = (
        QuestionResult("a", (), 1.0, "It is Paris."),
        QuestionResult("b", (), 1.0, "Rome or London"),
        QuestionResult("c", (), 1.0, None),
    )
    out = score(Run(gold=gold, results=results, index_seconds=0.0))
    assert out["answer_accuracy"] == pytest.approx(1 / 3)
    assert [row["answer"] for row in out["questions"]] == ["It is Paris.", "Rome or London", None]


def test_score_requires_a_result_for_every_answerable_question() -> None:
    run = Run(gold=(_gold("a", "Paris"),), results=(QuestionResult("b", ("Paris",), 1.0),), index_seconds=0.0)
    with pytest.raises(ValueError, match=r"\[.a.\]"):
        score(run)


def test_score_with_no_answerable_questions() -> None:
    out = score(Run(gold=(), results=(), index_seconds=1.0))
    assert out["answerable"] == 0
    assert out["recall@4000c"] is None and out["mrr@10"] is None and out["query_p50_ms"] is None
    assert out["mean_passage_chars"] is None and out["answer_accuracy"] is None
    assert out["questions"] == []


def test_run_records_are_frozen() -> None:
    result = QuestionResult("a", ("x",), 1.0)
    with pytest.raises(AttributeError):
        result.latency_ms = 2.0  # type: ignore[misc]


def test_gold_from_questions() -> None:
    q = {"id": "1", "answer": "Paris", "choices": list(CHOICES), "week": "20250103"}
    assert gold_from_questions([q]) == (Gold("1", "Paris", CHOICES),)
    assert gold_from_questions([q])[0].language == "en"  # no `language`: asked in English
    assert gold_from_questions([{**q, "language": "de"}])[0].language == "de"


def test_scores_per_language_count_each_language_over_its_own_questions() -> None:
    gold = (Gold("a", "Paris", CHOICES), Gold("a:de", "Paris", CHOICES, "de"), Gold("b:de", "Rome", CHOICES, "de"))
    results = (QuestionResult("a", ("in Paris",), 1.0, "Paris."), QuestionResult("a:de", ("Paris",), 1.0, "Rome"),
               QuestionResult("b:de", ("nowhere",), 1.0, None))
    out = score(Run(gold, results, 0.0))
    assert list(out["languages"]) == ["de", "en"]
    assert out["languages"]["en"] == {"answerable": 1, "recall@2000c": 1.0, "recall@4000c": 1.0,
                                      "recall@8000c": 1.0, "hit@10": 1.0, "answer_accuracy": 1.0}
    german = out["languages"]["de"]
    assert german["answerable"] == 2 and german["recall@4000c"] == pytest.approx(0.5)
    assert german["answer_accuracy"] == 0.0  # "Rome" names another choice; no answer is wrong
    assert by_language([]) == {}


# --- the tune / report split ----------------------------------------------------------------------------


def test_split_weeks_alternates_in_date_order_whatever_the_spelling() -> None:
    tune, report = split_weeks(["20250117", "2025-01-03", "20250110", "20250103", "2025/01/24"])
    assert tune == {"20250103", "20250117"}
    assert report == {"20250110", "20250124"}


def test_split_weeks_of_the_real_set_is_seven_and_six_weeks() -> None:
    tune, report = split_weeks(q["week"] for q in load_questions(DATA / "questions.jsonl"))
    assert len(tune) == 7 and len(report) == 6 and not tune & report
    assert min(tune) == "20250103" and "20250110" in report


def test_score_split_scores_each_half_on_its_own_questions() -> None:
    questions = [{"id": "a", "week": "20250103"}, {"id": "b", "week": "20250110"},
                 {"id": "c", "week": "20250117"}, {"id": "d", "week": "20250110"}]
    gold = tuple(_gold(i, "Oslo") for i in "abcd")
    results = (QuestionResult("a", ("Oslo",), 1.0), QuestionResult("b", ("no",), 2.0),
               QuestionResult("c", ("no",), 3.0), QuestionResult("d", ("in Oslo",), 4.0))
    rows = score_split(Run(gold, results, 5.0), questions)
    assert list(rows) == ["tune", "report", "all"]
    assert rows["tune"]["answerable"] == 2 and rows["tune"]["recall@4000c"] == pytest.approx(0.5)
    assert rows["report"]["answerable"] == 2 and rows["report"]["hit@1"] == pytest.approx(0.5)
    assert rows["report"]["weeks"] == ["20250110"]
    assert rows["all"]["answerable"] == 4 and rows["all"]["weeks"] == ["20250103", "20250110", "20250117"]
    assert [r["id"] for r in rows["tune"]["questions"]] == ["a", "c"]


# --- a real week ----------------------------------------------------------------------------------------


def test_answerable_on_a_real_week_agrees_with_a_regex_count() -> None:
    week = {"20250321"}
    articles = load_articles(DATA / "articles.jsonl", week)
    questions = load_questions(DATA / "questions.jsonl", week)
    assert articles and questions
    assert {a["week"] for a in articles} == {q["week"] for q in questions} == week
    expected = [
        q["id"]
        for q in questions
        if any(re.search(re.escape(q["answer"]), a["text"], re.IGNORECASE) for a in articles)
    ]
    found = [q["id"] for q in answerable(questions, articles)]
    assert found == expected
    assert 0 < len(found) <= len(questions)
    assert found == [q["id"] for q in answerable(questions, articles)]  # stable across calls
