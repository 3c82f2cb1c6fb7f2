"""The deterministic stand-in for the embedding model (tests/support/hashing_embedder.py) keeps the `Embedder`
seam's contract: unit rows of the declared width, the same vector for the same text, and near texts nearer."""
import numpy as np

from index.embedding.embedders import Embedder
from index.indexing.chunking import make_splitter
from tests.support.hashing_embedder import HashingEmbedder
from tests.support.paths import SEED_ARTICLE


def test_rows_are_unit_vectors_and_the_same_text_gets_the_same_vector():
    embedder: Embedder = HashingEmbedder()
    sentence = "Putin agrees to pause attacks on energy targets"
    texts = [sentence, "", "!!!", sentence]
    vectors = embedder.embed(texts)
    assert vectors.shape == (4, embedder.dimensions) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.array_equal(vectors[0], vectors[3]) and np.array_equal(vectors, HashingEmbedder().embed(texts))
    assert embedder.embed([]).shape == (0, embedder.dimensions)


def test_texts_that_share_words_are_nearer_than_texts_that_do_not():
    query, near, far = HashingEmbedder().embed(["What did Putin agree to about energy attacks?",
                                                "Putin agreed to pause attacks on Ukraine's energy infrastructure.",
                                                "The allotment society elected a retired teacher as its chair."])
    assert float(query @ near) > 0.3 > float(query @ far)


def test_its_tokens_size_chunks_as_the_splitter_expects():
    embedder = HashingEmbedder()
    text = SEED_ARTICLE.read_text()
    assert embedder.tokenize("Putin's call, on Tuesday.") == ["Putin", "'", "s", "call", ",", "on", "Tuesday", "."]
    assert embedder.count_tokens("Putin's call, on Tuesday.") == 8
    chunks = make_splitter(embedder.tokenize, 120, 20).split_text(text)
    assert len(chunks) > 1 and all(len(embedder.tokenize(chunk)) <= 120 for chunk in chunks)
