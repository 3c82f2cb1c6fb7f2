"""Retrieval on a small real slice of RealTime QA (one week): fusion helps, and answers are found."""
import pytest

from index.evaluation import scoring as evaluation
from index.app import build_service
from index.evaluation.run import to_articles
from index.retrieval.hybrid import fuse
from index.settings import Settings
from index.text import terms
from tests.support.paths import SHARED_DATA
from tests.support.chroma_view import live_chroma

pytestmark = pytest.mark.slow  # indexes a real week of RealTime QA with the real model

WEEK = {"20250321"}  # the week that covers the same Trump–Putin call as the seed


@pytest.fixture(scope="module")
def week_service(tmp_path_factory, embedder):
    if not (SHARED_DATA / "articles.jsonl").is_file():
        pytest.skip("needs the RealTime QA week of 21 March 2025: realtimeqa-2025q1, built from "
                    "realtimeqa/realtimeqa_public as BENCHMARKS.md (\"Data\") says, with its articles.jsonl and "
                    f"questions.jsonl in {SHARED_DATA}")
    rows = evaluation.load_articles(SHARED_DATA / "articles.jsonl", WEEK)
    service = build_service(Settings(home=tmp_path_factory.mktemp("slice")), embedder=embedder, collection="slice")
    service.indexer.index("slice", to_articles(rows))
    service.store.bump_generation()
    questions = evaluation.load_questions(SHARED_DATA / "questions.jsonl", WEEK)
    return service, evaluation.answerable(questions, rows)


def _recall(ranked_by_question, gold, chars=4000):
    hits = [evaluation.recall_at_chars(ranked_by_question[q["id"]], q["answer"], chars) for q in gold]
    return sum(hits) / len(hits)


def test_hybrid_retrieval_finds_answers_at_least_as_often_as_dense_alone(week_service):
    service, gold = week_service
    assert len(gold) >= 10
    hybrid, dense, lexical = {}, {}, {}
    snapshot = service.lexical.snapshot()
    for q in gold:
        query = service.retriever.embed_query(q["question"])
        hybrid[q["id"]] = [p.text for p in service.retriever.retrieve(query, 10)]
        found = live_chroma(service).query(query_embeddings=[query.vector.tolist()], n_results=10,
                                         include=["documents"])
        dense[q["id"]] = found["documents"][0]
        lexical[q["id"]] = [snapshot.texts[row] for row, _ in snapshot.search(terms(q["question"]), 10)]
    # On 13 questions the two sides trade places; what must hold is that fusing in BM25 never loses what
    # the dense side finds, and that the answer is in the first 4,000 characters for a good share
    # (0.46 measured on this week; the plain llama-index recipe also gets 0.46 here, 0.40 on all weeks).
    assert _recall(hybrid, gold) >= _recall(dense, gold)
    assert _recall(hybrid, gold, chars=8000) >= _recall(dense, gold, chars=8000)
    assert _recall(hybrid, gold) >= 0.4
    assert _recall(lexical, gold) > 0 and _recall(dense, gold) > 0


def test_seed_story_is_retrieved_from_the_week(week_service):
    service, _ = week_service
    top = service.search("Putin agrees to pause attacks on energy infrastructure", 3)
    assert any("energy" in p.text.lower() and "putin" in (p.title + p.text).lower() for p in top)
    assert len({p.chunk_id for p in top}) == 3


def test_fusion_ranks_items_found_by_both_first():
    fused = [item for item, _ in fuse([["a", "b", "c"], ["c", "d", "a"]])]
    assert fused[:2] == ["a", "c"] and set(fused) == {"a", "b", "c", "d"}


def test_a_title_copied_into_the_text_starts_no_quote_lead_or_summary(tmp_path, fake_embedder):
    from datetime import date

    from tests.support.scoped_sources import page, scoped_settings

    title = "Saltmere ferry crews strike over pay"
    body = (f"{title} Ferry crews in Saltmere walked out on Friday over pay, halting every crossing of the "
            "harbour, the crews' union said. Commuters queued for buses along the coast road instead.")
    service = build_service(scoped_settings(tmp_path / "home"), embedder=fake_embedder)
    service.index()
    (tmp_path / "home" / "articles" / "2025-03-21-ferry.txt").write_text(page(title, body), encoding="utf-8")
    [new] = service.index().new_articles
    assert new.lead.startswith("Ferry crews in Saltmere walked out")  # a feed post's lead
    [match] = service.matches("Saltmere ferry crews strike", [new.article_id], ("shared",))
    assert not match.quote.startswith(title)  # a follow's quote
    story = next(s for s in service.digest(since=date(2025, 3, 21)).stories if s.title == title)
    assert story.summary and title not in story.summary and "Ferry crews in Saltmere walked out" in story.summary
    assert all(not c.quote.startswith(title) for c in story.citations)
    answer = service.ask("Why did the Saltmere ferry crews walk out?")
    assert answer.citations and all(not c.quote.startswith(title) for c in answer.citations)
