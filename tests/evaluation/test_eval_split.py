"""`newsbot eval --split`: the tune / report / all rows of issue 14's protocol, from a real process."""
import json

import pytest

from tests.support.paths import SEED_ARTICLE
from tests.support.cli_process import newsbot

pytestmark = pytest.mark.slow  # `newsbot eval` as a process, on real weeks

SEED_TEXT = SEED_ARTICLE.read_text().split("\n\n\n\n", 1)[1]
OTHER_TEXT = ("The city council of Riverton approved a new bridge over the Vale river on Tuesday. "
              "Construction of the bridge will cost 40 million dollars and start in June. ") * 4


def _write(path, rows) -> None:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


def test_eval_split_scores_odd_weeks_for_tuning_and_even_weeks_for_the_report(tmp_path):
    _write(tmp_path / "articles.jsonl", [
        {"id": "a1", "url": "https://example.com/putin", "title": "Putin agrees to pause attacks", "authors": [],
         "published": "2025-03-19", "text": SEED_TEXT, "week": "20250103"},
        {"id": "a2", "url": "https://example.com/bridge", "title": "Riverton approves a bridge", "authors": [],
         "published": "2025-01-07", "text": OTHER_TEXT, "week": "20250110"},
    ])
    _write(tmp_path / "questions.jsonl", [
        {"id": "q1", "question": "What did Putin agree to halt?", "answer": "energy",
         "choices": ["energy", "grain", "elections", "shipping"], "week": "20250103"},
        {"id": "q2", "question": "How much will the Riverton bridge cost?", "answer": "40 million",
         "choices": ["40 million", "12 million", "3 billion", "90 million"], "week": "20250110"},
        {"id": "q3", "question": "Which river will the new bridge cross?", "answer": "Vale",
         "choices": ["Vale", "Thames", "Nile", "Seine"], "week": "20250110"},
    ])
    result = newsbot("eval", "--articles", str(tmp_path / "articles.jsonl"), "--questions",
                     str(tmp_path / "questions.jsonl"), "--split", "--json", home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert list(rows) == ["tune", "report", "all"]
    assert rows["tune"]["weeks"] == ["20250103"] and rows["report"]["weeks"] == ["20250110"]
    assert [q["id"] for q in rows["tune"]["questions"]] == ["q1"]
    assert [q["id"] for q in rows["report"]["questions"]] == ["q2", "q3"]
    assert rows["all"]["answerable"] == 3 and rows["all"]["recall@4000c"] == 1.0
    text = newsbot("eval", "--articles", str(tmp_path / "articles.jsonl"), "--questions",
                   str(tmp_path / "questions.jsonl"), "--split", home=tmp_path / "home")
    assert text.returncode == 0 and "[tune: 1 weeks]" in text.stdout and "[report: 1 weeks]" in text.stdout
