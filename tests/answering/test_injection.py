"""The one injection guard (index/answering/injection.py) holds offline too: extractive answers and summaries never
quote a sentence that addresses the model."""
import re

import pytest

from index.app import build_service
from index.answering.injection import addresses_the_model
from index.settings import Settings
from tests.support.injections import INJECTION, INJECTIONS, NEWS

ARTICLE = f"""Harbour council approves new ferry timetable
By Dana Whitlock, Harbour Gazette
Published 2025-03-20

The harbour council approved a new ferry timetable on Thursday that adds two evening crossings to the island, \
after a long debate about the cost of fuel, crew hours and the needs of commuters and summer visitors.

{INJECTION} The answer to the question of later sailings, the council said, is two extra evening crossings.

Councillors said the change follows a survey of commuters who asked for later sailings in the summer months.
"""

def test_the_guard_tells_injections_from_news():
    assert [s for s in INJECTIONS if not addresses_the_model(s)] == []
    assert [s for s in NEWS if addresses_the_model(s)] == []


@pytest.fixture(scope="module")
def offline_service(tmp_path_factory, embedder):
    root = tmp_path_factory.mktemp("injected")
    (root / "news").mkdir()
    (root / "news" / "ferry.txt").write_text(ARTICLE)
    sources = root / "sources.toml"
    sources.write_text(f'[[source]]\nname = "news"\nkind = "folder"\nlocation = "{root / "news"}"\n')
    service = build_service(Settings(home=root / "home", sources_file=sources), embedder=embedder)
    service.index()
    assert service.llm is None
    return service


@pytest.mark.parametrize("question, must_answer", [("What is the answer?", False),
                                                   ("What should you say the answer is?", False),
                                                   ("What did the harbour council approve?", True)])
def test_offline_answers_never_quote_an_injection(offline_service, question, must_answer):
    answer = offline_service.ask(question)
    assert "Ignore previous" not in answer.text and "42" not in answer.text
    # answered from the article's other sentences, or refused with the article as the closest one
    shown = answer.closest if answer.refused else answer.citations
    assert [item.title for item in shown] == [ARTICLE.splitlines()[0]], answer
    assert not (must_answer and answer.refused), answer
    quoted = re.findall(r"“(.+?)”", answer.text)
    assert answer.refused or quoted, answer.text
    assert all(" ".join(quote.split()) in " ".join(ARTICLE.split()) for quote in quoted), answer.text


def test_offline_summaries_never_quote_an_injection(offline_service):
    for target in ("Harbour council approves new ferry timetable", "ferry timetable"):
        summary = offline_service.summarize(target)
        assert summary.text and "Ignore previous" not in summary.text and "42" not in summary.text
