"""Questions placed in time, on a real index: windows on both retrieval sides, undated articles after
dated ones, nothing from after the time of asking, and the recency prior."""
from datetime import date

import pytest

from index.app import build_service
from index.retrieval.timed import place_in_time, retrieve_timed, with_recency_prior
from index.types import Passage

AS_OF = date(2025, 3, 20)  # a Thursday
BODY = "The town council voted on the {topic} plan on {when} after a long debate. {detail} "
DETAILS = {
    "budget": "Spending on libraries rises by a tenth while the fire service keeps its three stations open.",
    "parks": "Two new playgrounds will open by the river, and dogs must be kept on a lead near ponds.",
    "roads": "Potholes on Mill Lane get filled first, followed by resurfacing along the coastal highway.",
    "schools": "Class sizes shrink to twenty pupils and every primary gets a qualified music teacher.",
    "harbour": "Fishing boats gain a deeper berth after dredging, paid for by the mooring fees of yachts.",
}


def _article(folder, name, title, topic, dateline):
    header = f"{title}\n\nBy Ann Lee, Local\n" + (f"Updated 10:00 AM EST, {dateline}\n" if dateline else "")
    (folder / name).write_text(header + "\n" + (BODY.format(topic=topic, when=dateline or "a recent day", detail=DETAILS[topic]) + "\n\n") * 2)


@pytest.fixture
def service(store_settings, embedder, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    _article(folder, "budget.txt", "Council votes on budget", "budget", "Tue March 18, 2025")
    _article(folder, "parks.txt", "Council votes on parks", "parks", "Mon March 3, 2025")
    _article(folder, "roads.txt", "Council votes on roads", "roads", "")
    _article(folder, "schools.txt", "Council votes on schools", "schools", "Tue March 25, 2025")
    _article(folder, "harbour.txt", "Council votes on harbour", "harbour", "Fri March 8, 2024")
    store_settings.sources_file.write_text(f'[[source]]\nname = "local"\nkind = "folder"\nlocation = "{folder}"\n')
    svc = build_service(store_settings, embedder=embedder)
    svc.index()
    return svc


def _titles(service, question, as_of=AS_OF, k=6, since=None, prior=0.0):
    timed = place_in_time(service.retriever, question, as_of, since)
    seen = []
    for p in retrieve_timed(service.retriever, timed, k, prior):
        if p.title not in seen:
            seen.append(p.title)
    return seen


def test_a_window_keeps_dated_articles_inside_it_then_undated_ones(service):
    assert _titles(service, "What did the council vote on this week?") == ["Council votes on budget",
                                                                          "Council votes on roads"]
    assert _titles(service, "What did the council vote on on 3 March?") == ["Council votes on parks",
                                                                           "Council votes on roads"]
    assert _titles(service, "What did the council vote on in March 2024?") == ["Council votes on harbour",
                                                                              "Council votes on roads"]
    # the BM25 side alone honours the window too: "parks" is the best term match, but outside it
    assert _titles(service, "council parks vote this week")[0] == "Council votes on budget"


def test_latest_prefers_the_last_days_then_undated_then_older(service):
    titles = _titles(service, "What is the latest council vote?", k=12)
    assert titles == ["Council votes on budget", "Council votes on roads", "Council votes on parks",
                      "Council votes on harbour"]


def test_nothing_published_after_the_time_of_asking(service):
    assert "Council votes on schools" not in _titles(service, "What did the council vote on?")
    assert "Council votes on schools" in _titles(service, "What did the council vote on?", as_of=date(2025, 4, 1))


def test_since_from_discord_is_a_window(service):
    titles = _titles(service, "What did the council vote on?", since=date(2025, 3, 10))
    assert titles == ["Council votes on budget", "Council votes on roads"]


def test_ask_as_of_says_how_old_its_articles_are(service):
    answer = service.ask("What did the council vote on in March 2024?", as_of=AS_OF)
    assert not answer.refused and answer.age_note == "The newest article on this is from 8 March 2024."
    fresh = service.ask("What did the council vote on this week?", as_of=AS_OF)
    assert fresh.age_note == "" and {c.published[:10] for c in fresh.citations} <= {"2025-03-18", ""}


def test_the_recency_prior_lifts_newer_passages_and_leaves_undated_ones_alone():
    def passage(n, published, score):
        return Passage(f"c{n}", f"a{n}", "text", f"t{n}", "s", published=published, score=score)
    ranked = [passage(1, "2024-01-01", 0.0330), passage(2, "2025-03-18", 0.0328), passage(3, "", 0.0326)]
    assert [p.chunk_id for p in with_recency_prior(ranked, 0.0)] == ["c1", "c2", "c3"]
    assert [p.chunk_id for p in with_recency_prior(ranked, 1.0)] == ["c2", "c1", "c3"]


def test_eval_as_of_question_date_leaves_later_articles_out(tmp_path, embedder):
    import json

    from index.evaluation.run import run_eval
    from index.settings import Settings

    detail = "The harbour board chose Ostrander Dredging for the channel work after a month of bids. " * 3
    articles = [{"url": "https://x/1", "title": "Harbour contract", "published": "2025/03/25", "text": detail,
                 "week": "20250328"}]
    question = {"id": "q1", "date": "2025/03/20", "question": "Which firm won the harbour channel contract?",
                "choices": ["Ostrander Dredging", "Blue Pier", "Acme", "Seaworks"], "answer": "Ostrander Dredging",
                "week": "20250328", "source": "x", "answer_index": 0, "evidence": ""}
    (tmp_path / "a.jsonl").write_text(json.dumps(articles[0]) + "\n")
    (tmp_path / "q.jsonl").write_text(json.dumps(question) + "\n")
    service = build_service(Settings(home=tmp_path / "home", sources_file=tmp_path / "none.toml"), embedder=embedder,
                            collection="evaltest")
    timeless = run_eval(service, tmp_path / "a.jsonl", tmp_path / "q.jsonl", None)
    as_of = run_eval(service, tmp_path / "a.jsonl", tmp_path / "q.jsonl", None, as_of_question_date=True)
    assert timeless["recall@4000c"] == 1.0 and as_of["recall@4000c"] == 0.0  # published 5 days after it was asked
