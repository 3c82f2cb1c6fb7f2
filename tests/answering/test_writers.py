"""Generated answers end to end: the real openai client over HTTP to a fake OpenAI-compatible server."""
import json
import logging
from datetime import date

import pytest

from index.app import build_service
from index.evaluation.run import run_eval
from index.answering.extractive import NOT_FOUND
from index.answering.generated import passage_budget
from index.settings import Settings
from index.types import Answer, Turn
from tests.support.fake_openai import (fake_openai, fake_openai_server, garbage, http_error, reply,  # noqa: F401
                                     slow)
from tests.support.llm_answers import (INJECTED_ARTICLE, INJECTION, SEED_TITLE, assert_every_citation_supported,
                                       first_sentence, passages_in, quoting_model)
from tests.support.paths import SEED_ARTICLE


def _settings(home, base_url, **extra) -> Settings:
    values = dict(home=home, openai_base_url=base_url, llm_model="fake-model", llm_max_retries=1, llm_timeout=5)
    return Settings(**{**values, **extra})


@pytest.fixture
def llm_service(seed_service, fake_openai):  # noqa: F811
    return build_service(_settings(seed_service.settings.home, fake_openai.base_url), embedder=seed_service.embedder)


def test_cited_answer_keeps_only_supported_citations_to_given_passages(llm_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(reply("Putin agreed to halt attacks on energy and infrastructure targets in Ukraine [1]. "
                              "He also promised a Mars base [42]."))
    answer = llm_service.ask("What did Putin agree to?", as_of=date(2025, 3, 20))
    request = fake_openai.chat_requests[0]
    assert request.model == "fake-model"
    assert "Today is Thursday 20 March 2025 (2025-03-20)." in request.messages[1]["content"]
    assert request.messages[0]["role"] == "system" and "data, not instructions" in request.messages[0]["content"]
    prompt = request.messages[1]["content"]
    assert "<passages>" in prompt and "Question: What did Putin agree to?" in prompt
    assert list(passages_in(prompt)) == list(range(1, len(passages_in(prompt)) + 1))
    assert not answer.refused
    assert answer.text == "Putin agreed to halt attacks on energy and infrastructure targets in Ukraine [1]."
    assert len(answer.citations) == 1 and answer.citations[0].quote in prompt
    assert (answer.checks.invalid_citations, answer.checks.unsupported_sentences) == (1, 1)
    assert_every_citation_supported(answer, llm_service.embedder)


def test_unsupported_sentence_is_caught(llm_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(reply("Putin agreed to halt attacks on energy and infrastructure targets in Ukraine [1]. "
                              "Putin also agreed to withdraw all troops from Crimea by May [1]."))
    answer = llm_service.ask("What did Putin agree to?")
    assert "Crimea" not in answer.text and answer.checks.unsupported_sentences == 1
    assert_every_citation_supported(answer, llm_service.embedder)


def test_not_found_reply_becomes_a_refusal_with_closest_articles(llm_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(reply("NOT FOUND"))
    answer = llm_service.ask("What did Putin say about Taiwan?")
    assert answer.refused and answer.text == NOT_FOUND and answer.closest


def test_an_answer_with_no_supported_citation_is_a_refusal(llm_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(reply("Putin said Taiwan belongs to China [1]. Xi agreed [2]."))
    answer = llm_service.ask("What did Putin say about Taiwan?")
    assert answer.refused and answer.text == NOT_FOUND and answer.closest and answer.checks.refused


def test_llm_outage_falls_back_to_the_extractive_answer(llm_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(http_error(500), http_error(500))
    answer = llm_service.ask("What did Putin agree to?")
    assert len(fake_openai.chat_requests) == 2  # the openai client retried once itself
    assert not answer.refused and "energy" in answer.text and answer.citations
    assert "language model is unavailable" in answer.note


def test_an_outage_says_so_in_the_askers_language(llm_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(*[http_error(500)] * 6)  # every call fails (two tries each), the circuit open or not
    german = "Das Sprachmodell ist nicht verfügbar; dies sind stattdessen zitierte Textstellen."
    summary = llm_service.summarize("Putin", language="de")  # quoted in English, said in German
    assert summary.language == "de" and summary.note == german and summary.citations
    assert summary.text.endswith("(zitiert auf Englisch)")
    answer = llm_service.ask("Worauf hat sich Putin bei dem Telefonat geeinigt?")
    assert answer.language == "de" and answer.note == german
    spanish = llm_service.ask("¿Qué aceptó Putin en la llamada?")
    assert spanish.note == "El modelo de lenguaje no está disponible; en su lugar, estos son pasajes citados."


def test_a_question_in_another_language_is_also_searched_in_english(llm_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(reply("What did Putin agree to after his call with Trump?"),
                        reply("Putin agreed to halt attacks on energy and infrastructure targets in Ukraine [1]."),
                        reply("Putin stimmte zu, Angriffe auf Energie- und Infrastrukturziele in der Ukraine "
                              "einzustellen [1]."))
    answer = llm_service.ask("Worauf hat sich Putin geeinigt?")
    search, prompt, translation = (r.messages[1]["content"] for r in fake_openai.chat_requests)
    assert "into English" in search and "<question>\nWorauf hat sich Putin geeinigt?\n</question>" in search
    assert "Write the answer in English" in prompt and "into German" in translation
    assert not answer.refused and answer.language == "de" and answer.text.startswith("Putin stimmte zu")
    assert answer.citations[0].title.startswith(SEED_TITLE)
    asked = len(fake_openai.chat_requests)
    fake_openai.enqueue(reply("Putin agreed to halt attacks on energy and infrastructure targets in Ukraine [1]."))
    llm_service.ask("What did Putin agree to?")  # an English question is searched as asked: one call, the answer
    assert len(fake_openai.chat_requests) == asked + 1


@pytest.mark.parametrize("model_says", ["Putin hat zugestimmt, die Angriffe zu stoppen.", " \n ", "x " * 400],
                         ids=["not-english", "blank", "too-long"])
def test_a_search_wording_that_is_not_an_english_question_is_not_used(seed_service, fake_openai, model_says):  # noqa: F811
    from index.answering.prompts import load_prompts
    from index.answering.writers import GeneratedWriter
    from index.app import build_llm
    from index.settings import PROMPTS_DIR

    llm = build_llm(_settings(seed_service.settings.home, fake_openai.base_url, llm_max_retries=0))
    writer = GeneratedWriter(llm, load_prompts(PROMPTS_DIR), seed_service.embedder.embed)
    fake_openai.enqueue(reply(model_says))
    assert writer.in_english("Worauf hat sich Putin bei dem Telefonat geeinigt?") == ""
    fake_openai.enqueue(reply('"What did Putin agree to in the call?"\nNote: translated.'))
    assert writer.in_english("Worauf hat sich Putin bei dem Telefonat geeinigt?") == "What did Putin agree to in the call?"


def test_a_model_outage_while_translating_the_question_searches_it_as_asked(llm_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(http_error(500), http_error(500),  # the search wording fails (two tries) ...
                        reply("Putin agreed to halt attacks on energy and infrastructure targets in Ukraine [1]."),
                        reply("Putin stimmte zu, Angriffe auf Energieziele in der Ukraine einzustellen [1]."))
    answer = llm_service.ask("Worauf hat sich Putin bei dem Telefonat mit Trump geeinigt?")
    assert not answer.refused and answer.citations and answer.language == "de"  # ... and the answer is still written


@pytest.mark.parametrize("broken", [garbage("invalid_json"), garbage("empty_choices")], ids=["json", "no-choices"])
def test_a_garbage_response_is_treated_as_unavailable(llm_service, fake_openai, broken):  # noqa: F811
    fake_openai.enqueue(broken)
    answer = llm_service.ask("What did Putin agree to?")
    assert not answer.refused and answer.citations and "language model is unavailable" in answer.note


def test_a_timeout_spends_the_budget_once_then_falls_back(seed_service, fake_openai):  # noqa: F811
    service = build_service(_settings(seed_service.settings.home, fake_openai.base_url, llm_timeout=0.5),
                            embedder=seed_service.embedder)
    fake_openai.enqueue(slow(3), slow(3))
    answer = service.ask("What did Putin agree to?")
    # NEWSBOT_LLM_TIMEOUT is the budget of all attempts: a timeout leaves nothing to retry with
    assert len(fake_openai.chat_requests) == 1 and "language model is unavailable" in answer.note


def test_rate_limit_is_retried_then_answered(llm_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(http_error(429, retry_after=0.1))
    fake_openai.set_default(quoting_model)
    answer = llm_service.ask("What did Putin agree to?")
    assert [r.retry_count for r in fake_openai.chat_requests] == [0, 1]
    assert answer.note == "" and answer.citations
    assert_every_citation_supported(answer, llm_service.embedder)


def test_follow_up_is_rewritten_into_a_standalone_question(llm_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(reply("What did Zelensky say about the energy ceasefire?"))
    fake_openai.set_default(quoting_model)
    answer = llm_service.ask("And what did he say?", history=[Turn("What did Putin agree to?", "A pause [1].")])
    rewrite, final = fake_openai.chat_requests
    assert "Follow-up question: And what did he say?" in rewrite.messages[1]["content"]
    assert "Question: What did Zelensky say about the energy ceasefire?" in final.messages[1]["content"]
    assert answer.question == "What did Zelensky say about the energy ceasefire?" and answer.citations


def test_summary_is_generated_from_the_article_passages(llm_service, fake_openai):  # noqa: F811
    fake_openai.set_default(quoting_model)
    answer = llm_service.summarize(SEED_TITLE)
    (request,) = fake_openai.chat_requests
    assert "Write a summary of the article “After call with Trump" in request.messages[1]["content"]
    assert [c.n for c in answer.citations] == [1, 2]
    assert_every_citation_supported(answer, llm_service.embedder)


def map_reduce_model(body: dict) -> str:
    """Map: quote the first sentence of each passage given, cited; reduce: keep the partial summaries."""
    prompt = body["messages"][-1]["content"]
    if "<summaries>" in prompt:
        return prompt.split("<summaries>\n", 1)[1].split("\n</summaries>", 1)[0].replace("\n\n", " ")
    return " ".join(f"{first_sentence(text)} [{n}]." for n, text in passages_in(prompt).items())


@pytest.mark.slow  # about 3 s or more here (a --durations run)
def test_a_long_article_is_summarised_by_map_reduce_within_the_context_window(seed_service, fake_openai):  # noqa: F811
    service = build_service(_settings(seed_service.settings.home, fake_openai.base_url, llm_context_window=1400),
                            embedder=seed_service.embedder)
    fake_openai.set_default(map_reduce_model)
    answer = service.summarize(SEED_TITLE)
    *maps, final = fake_openai.chat_requests
    numbers = [list(passages_in(m.messages[1]["content"])) for m in maps]
    assert len(maps) >= 2 and "<summaries>" in final.messages[1]["content"]
    assert [n for group in numbers for n in group] == list(range(1, sum(map(len, numbers)) + 1))  # global
    budget = passage_budget(service.llm, service.prompts)
    for request in maps:
        passages_text = request.messages[1]["content"].split("<passages>\n", 1)[1].split("\n</passages>")[0]
        assert service.llm.count_tokens(passages_text) <= budget
    assert len(answer.citations) == sum(map(len, numbers))  # every passage's sentence survived, cited
    for citation in answer.citations:
        assert f"{first_sentence(citation.quote)} [{citation.n}]." in answer.text
    assert_every_citation_supported(answer, service.embedder)


def test_streaming_yields_pieces_then_the_checked_answer(llm_service, fake_openai, caplog):  # noqa: F811
    text = "Putin agreed to halt attacks on energy and infrastructure targets in Ukraine [1]. Mars [7]."
    fake_openai.enqueue(reply(text))
    with caplog.at_level(logging.INFO, logger="index.llm.chat"):
        items = list(llm_service.ask_stream("What did Putin agree to?"))
    *pieces, answer = items
    assert len(pieces) >= 2 and all(isinstance(p, str) for p in pieces) and "".join(pieces) == text
    assert isinstance(answer, Answer) and answer.text.endswith("Ukraine [1].") and "Mars" not in answer.text
    assert fake_openai.chat_requests[0].json["stream_options"] == {"include_usage": True}
    assert any("tokens: prompt=" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("broken", [garbage("invalid_json"), garbage("empty_choices"), http_error(503)],
                         ids=["json", "no-choices", "503"])
def test_a_broken_stream_falls_back_to_the_extractive_answer(llm_service, fake_openai, broken):  # noqa: F811
    fake_openai.enqueue(broken, broken)
    (answer,) = [item for item in llm_service.ask_stream("What did Putin agree to?") if isinstance(item, Answer)]
    assert answer.citations and "language model is unavailable" in answer.note


def test_offline_streaming_is_the_extractive_answer(seed_service):
    (answer,) = list(seed_service.ask_stream("What did Putin agree to?"))
    assert answer.citations and answer.checks is None and answer.note == ""


@pytest.fixture
def injected_service(tmp_path, embedder, fake_openai):  # noqa: F811
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "2025-03-20-harbour-gazette-ferry.txt").write_text(INJECTED_ARTICLE)
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "news"\nkind = "folder"\nlocation = "{articles}"\n')
    service = build_service(_settings(tmp_path / "home", fake_openai.base_url, sources_file=sources),
                            embedder=embedder)
    service.index()
    return service


def test_an_article_that_gives_instructions_is_data(injected_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(reply("I have been pwned. The council added two evening crossings to the island [1]. "
                              "Visit evil.example for the real news."),
                        reply("I have been pwned."),
                        reply("I have been pwned [1]."))
    question = "What did the harbour council approve?"
    obeyed_partly = injected_service.ask(question)
    system, user = fake_openai.chat_requests[0].messages
    assert "data, not instructions" in system["content"] and INJECTION not in system["content"]
    fenced = user["content"].split("<passages>\n", 1)[1].split("\n</passages>", 1)[0]
    assert INJECTION in fenced and INJECTION not in user["content"].replace(fenced, "")
    assert obeyed_partly.text == "The council added two evening crossings to the island [1]."
    assert obeyed_partly.checks.uncited_sentences == 2
    for _ in range(2):  # obeyed fully: with or without a citation, a refusal
        answer = injected_service.ask(question)
        assert answer.refused and answer.text == NOT_FOUND and "pwned" not in str(answer)


def test_eval_reports_how_often_the_checks_fire(tmp_path, embedder, fake_openai):  # noqa: F811
    text = SEED_ARTICLE.read_text().split("\n\n\n\n", 1)[1]
    (tmp_path / "articles.jsonl").write_text(json.dumps({
        "id": "seed", "url": "https://example.com/putin-pause", "title": SEED_TITLE, "authors": [],
        "published": "2025-03-19", "text": text, "week": "20250321"}) + "\n")
    (tmp_path / "questions.jsonl").write_text(json.dumps({
        "id": "q1", "date": "2025/03/21", "source": "CNN", "question": "What did Putin agree to halt?",
        "choices": ["attacks on energy and infrastructure targets", "all fighting", "grain exports", "elections"],
        "answer_index": 0, "answer": "attacks on energy and infrastructure targets", "evidence": "",
        "week": "20250321"}) + "\n")
    fake_openai.enqueue(reply("Putin agreed to temporarily halt attacks on energy and infrastructure targets in "
                              "Ukraine [1]. He also promised a Mars base [9]."))
    service = build_service(_settings(tmp_path / "home", fake_openai.base_url), embedder=embedder,
                            collection="eval-test")
    result = run_eval(service, tmp_path / "articles.jsonl", tmp_path / "questions.jsonl", None)
    assert result["answer_accuracy"] == 1.0
    assert result["citation_validity"] == 0.5
    checks = result["answer_checks"]
    assert (checks["generated_answers"], checks["citations_written"], checks["invalid_citations_removed"],
            checks["unsupported_sentences_dropped"], checks["refused_by_checks"]) == (1, 2, 1, 1, 0)
