"""`newsbot eval`'s run on a tiny set asked in two languages, with the real MiniLM: one row per language."""
from __future__ import annotations

import json

import pytest

from index.app import build_service
from index.evaluation.run import eval_collection_name, run_eval
from index.settings import Settings

pytestmark = pytest.mark.slow  # indexes and asks with the real MiniLM (~10 s here)

BRIDGE = ("The city council of Riverton approved a new bridge over the Vale river on Tuesday. "
          "Construction of the bridge will cost 40 million dollars and start in June. ") * 4
MARKET = ("The farmers market of Lowell moves to the old train station in April, the organisers said. "
          "Forty stalls will sell vegetables, cheese and bread every Saturday morning. ") * 4
QUESTIONS = [
    {"id": "q1", "question": "How much will the Riverton bridge cost?", "answer": "40 million",
     "choices": ["40 million", "12 million", "3 billion", "90 million"], "week": "20250103"},
    {"id": "q1:de", "question": "Wie viel wird die Brücke in Riverton kosten?", "answer": "40 million",
     "choices": ["40 million", "12 million", "3 billion", "90 million"], "week": "20250103", "language": "de"},
    {"id": "q2:de", "question": "Wohin zieht der Bauernmarkt von Lowell im April?", "answer": "train station",
     "choices": ["train station", "town hall", "harbour", "school"], "week": "20250110", "language": "de"},
]


def _write(path, rows) -> None:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def test_eval_scores_each_language_on_its_own_questions(tmp_path, embedder):
    _write(tmp_path / "articles.jsonl", [
        {"id": "a1", "url": "https://example.com/bridge", "title": "Riverton approves a bridge", "authors": [],
         "published": "2025-01-02", "text": BRIDGE, "week": "20250103"},
        {"id": "a2", "url": "https://example.com/market", "title": "Lowell's market moves", "authors": [],
         "published": "2025-01-08", "text": MARKET, "week": "20250110"},
    ])
    _write(tmp_path / "questions.jsonl", QUESTIONS)
    service = build_service(Settings(home=tmp_path / "home", rerank="none"), embedder=embedder,
                            collection=eval_collection_name(tmp_path / "articles.jsonl", None))
    rows = run_eval(service, tmp_path / "articles.jsonl", tmp_path / "questions.jsonl", None, split=True)
    assert rows["all"]["answerable"] == 3
    assert list(rows["all"]["languages"]) == ["de", "en"]
    assert rows["all"]["languages"]["de"]["answerable"] == 2 and rows["all"]["languages"]["en"]["answerable"] == 1
    assert rows["all"]["languages"]["en"]["recall@4000c"] == 1.0  # two short articles: everything is retrieved
    assert list(rows["tune"]["languages"]) == ["de", "en"] and list(rows["report"]["languages"]) == ["de"]
    assert set(rows["all"]["languages"]["de"]) == {"answerable", "recall@2000c", "recall@4000c", "recall@8000c",
                                                   "hit@10", "answer_accuracy"}
