"""The local translator (NEWSBOT_TRANSLATOR=gemma-3-270m, issue 30): a question in another language than English
is also searched through the English wording of a real model, Gemma 3 270M from its PyPI packages, run in process
by llama.cpp; offline, with MiniLM, real Chroma. Anything the model cannot do leaves the question searched as
asked."""
from __future__ import annotations

import logging
import sys

import pytest

from index.answering.prompts import load_prompts
from index.app import build_service, build_translator
from index.errors import BadInput
from index.language import english_wording, language_of
from index.llm.local_translator import LocalTranslator
from index.settings import PROMPTS_DIR, Settings
from index.types import Article, Scope
from tests.support.foreign_news import CHINESE, GERMAN

SEED_TITLE = "After call with Trump, Putin agrees to pause attacks"
CHINESE_QUESTION = "与特朗普通话后，普京同意暂停哪些袭击？"  # "After the call with Trump, which attacks did Putin agree to pause?"


@pytest.fixture(scope="session")
def gemma_dir(tmp_path_factory):
    """A models folder holding the model file, assembled from its packages once for the run."""
    folder = tmp_path_factory.mktemp("gemma-models")
    LocalTranslator(folder, load_prompts(PROMPTS_DIR)["search_examples"].template).model_path()
    return folder


@pytest.fixture(scope="module")
def translator(gemma_dir):
    return LocalTranslator(gemma_dir, load_prompts(PROMPTS_DIR)["search_examples"].template, threads=2)


def test_a_reply_is_kept_only_as_an_english_question_of_about_its_length():
    question = "Worauf hat sich Putin bei dem Telefonat geeinigt?"
    assert english_wording(' "What did Putin agree to in the call?"\nmore text', question) == \
        "What did Putin agree to in the call?"
    assert english_wording("   ", question) == ""
    assert english_wording("Worauf hat sich Putin bei dem Telefonat mit Trump geeinigt?", question) == ""
    assert english_wording("What did Putin agree to? " * 20, question) == ""


@pytest.mark.slow  # the model: assembled (250 MB), loaded, run
def test_questions_in_other_languages_are_put_into_english(translator):
    for question in ("Worauf hat sich Putin bei dem Telefonat mit Trump geeinigt?",
                     "¿Cuántos contenedores puede manejar el nuevo terminal de Hamburgo?",
                     CHINESE_QUESTION):
        wording = translator.in_english(question)
        assert wording and language_of(wording) in ("en", None), (question, wording)
    assert "Putin" in translator.in_english("Worauf hat sich Putin bei dem Telefonat mit Trump geeinigt?")


@pytest.mark.slow  # the model: assembled (250 MB), loaded, run
def test_an_english_or_untold_question_never_reaches_the_model(gemma_dir):
    fresh = LocalTranslator(gemma_dir, load_prompts(PROMPTS_DIR)["search_examples"].template)
    assert fresh.in_english("What did Putin agree to?") == ""
    assert fresh.in_english("Putin?") == "" and fresh.in_english("🙂🙂") == ""
    assert fresh.in_english("Was hat Putin zugestimmt? " * 40) == ""  # too long for its window: searched as asked
    assert fresh._model is None  # nothing was loaded


@pytest.mark.slow  # the model: assembled (250 MB), loaded, run
def test_the_model_file_is_assembled_once_and_then_reused(gemma_dir):
    path = LocalTranslator(gemma_dir, load_prompts(PROMPTS_DIR)["search_examples"].template).model_path()
    before = path.stat().st_mtime_ns
    assert LocalTranslator(gemma_dir, load_prompts(PROMPTS_DIR)["search_examples"].template).model_path() == path
    assert path.stat().st_mtime_ns == before
    assert [p.name for p in gemma_dir.iterdir()] == [path.name]  # no partial copy left beside it


@pytest.mark.slow  # the model: assembled (250 MB), loaded, run
def test_a_broken_model_file_leaves_questions_searched_as_asked(tmp_path, caplog):
    (tmp_path / "gemma-3-270m-q4_k_m.gguf").write_bytes(b"GGUF" + b"\0" * 64)  # truncated: cannot load
    broken = LocalTranslator(tmp_path, load_prompts(PROMPTS_DIR)["search_examples"].template)
    with caplog.at_level(logging.WARNING, logger="index.llm.local_translator"):
        assert broken.in_english("Worauf hat sich Putin bei dem Telefonat mit Trump geeinigt?") == ""
        assert broken.in_english("¿Qué acordó Putin tras la llamada con Trump?") == ""
    assert sum("cannot load" in r.getMessage() for r in caplog.records) == 1  # said once, not per question


def test_the_setting_without_its_extra_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # as if llama-cpp-python were not installed
    with pytest.raises(BadInput, match=r'pip install -e "\.\[translate\]"'):
        build_translator(Settings(home=tmp_path, translator="gemma-3-270m"), load_prompts(PROMPTS_DIR))
    assert build_translator(Settings(home=tmp_path, translator="none"), load_prompts(PROMPTS_DIR)) is None
    monkeypatch.setenv("NEWSBOT_TRANSLATOR", "")  # an empty setting is an unset one
    assert Settings(home=tmp_path).translator == "none"


@pytest.fixture(scope="module")
def translating_service(tmp_path_factory, embedder, gemma_dir):
    """Offline, MiniLM, the translator on: the seed article (English) beside German and Chinese articles."""
    home = tmp_path_factory.mktemp("translating-home")
    (home / "models").mkdir()
    (home / "models" / "gemma-3-270m-q4_k_m.gguf").symlink_to(gemma_dir / "gemma-3-270m-q4_k_m.gguf")
    service = build_service(Settings(home=home, translator="gemma-3-270m"), embedder=embedder)
    service.index()
    foreign = [Article(id=f"x/{slug}", title=title, text=text, source="foreign", url=f"https://example.org/{slug}",
                       published="2025-03-03") for slug, (title, text) in {**GERMAN, **CHINESE}.items()]
    service.indexer.index("foreign", foreign)
    service.store.bump_generation()
    return service


@pytest.mark.slow  # the model: assembled (250 MB), loaded, run
def test_offline_a_chinese_question_finds_the_english_article_through_its_english_wording(translating_service):
    _, timed, passages = translating_service._retrieve_for(CHINESE_QUESTION, (), 3, (Scope.SHARED,))
    assert timed.query.language == "zh" and timed.query.english_vector is not None
    assert passages[0].title.startswith(SEED_TITLE)
    # the same question without the translator: MiniLM cannot read it, and BM25 reads it against Chinese only
    retriever = translating_service.retriever
    as_asked = retriever.retrieve(retriever.embed_query(CHINESE_QUESTION), 3)
    assert not as_asked[0].title.startswith(SEED_TITLE)


@pytest.mark.slow  # the model: assembled (250 MB), loaded, run
def test_offline_an_english_question_is_searched_as_before(translating_service):
    question = "What did Putin agree to?"
    _, timed, passages = translating_service._retrieve_for(question, (), 3, (Scope.SHARED,))
    assert timed.query.english_vector is None
    retriever = translating_service.retriever
    assert [p.chunk_id for p in passages] == [p.chunk_id for p in retriever.retrieve(retriever.embed_query(question), 3)]

