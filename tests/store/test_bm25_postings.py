"""The postings BM25 index (index/store/bm25_postings.py) scores as bm25s does, and an index grown by adding and
removing documents equals one built from scratch over the same documents."""
from __future__ import annotations

import json
from collections import Counter
import pickle

import bm25s
import numpy as np
import pytest

from index.store.bm25_postings import PostingsBM25, TermCounts
from index.store.lexical import top_rows
from index.store.lexical_delta import chunk_tokens
from index.text import sentence_spans, terms
from tests.support.paths import SAMPLE_DATA, SEED_ARTICLE


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, list[str]]]:
    """(article id, terms) of each sentence of the seed article and of the sample's RealTime QA articles."""
    docs = []
    for article_id, title, text in [("seed", "", SEED_ARTICLE.read_text(encoding="utf-8"))] + [
            (a["id"], a["title"], a["text"]) for a in map(json.loads, (SAMPLE_DATA / "articles.jsonl").open())]:
        docs += [(article_id, chunk_tokens(text[start:end], {"title": title} if title else {}))
                 for start, end in sentence_spans(text)]
    return docs


def cut(corpus: list, share: float) -> int:
    """A row `share` of the way through the corpus."""
    return int(len(corpus) * share)


@pytest.fixture(scope="module")
def queries() -> list[list[str]]:
    with (SAMPLE_DATA / "questions.jsonl").open(encoding="utf-8") as lines:
        asked = [terms(json.loads(line)["question"]) for line in lines]
    return [q for q in asked if q] + [["seed"] * 2 + ["putin", "energi"], ["zzz-never-seen"]]


def reference(tokenized: list[list[str]]) -> bm25s.BM25:
    bm25 = bm25s.BM25()
    bm25.index(tokenized, show_progress=False)
    return bm25


def assert_same(ours: PostingsBM25, tokenized: list[list[str]], queries: list[list[str]]) -> None:
    """Scores equal a from-scratch index's (bm25s and ours) to 1e-6, with the same top 10."""
    theirs, scratch = reference(tokenized), PostingsBM25.build(tokenized)
    assert ours.size == len(tokenized)
    for query in queries:
        expected = theirs.get_scores(query) if any(t in theirs.vocab_dict for t in query) else np.zeros(len(tokenized))
        got = ours.get_scores(query)
        assert got.dtype == np.float32 and np.abs(got - expected).max() <= 1e-6
        assert np.abs(got - scratch.get_scores(query)).max() <= 1e-6
        assert [r for r, _ in top_rows(got, 10)] == [r for r, _ in top_rows(expected.astype(np.float32), 10)]
    expected_df = Counter(term for doc in tokenized for term in set(doc))
    assert TermCounts(ours) == expected_df  # bm25s's vocabulary also holds "", in no document


def test_scores_equal_bm25s_on_the_same_corpus(corpus, queries) -> None:
    tokenized = [tokens for _, tokens in corpus]
    assert len(tokenized) > 200
    assert_same(PostingsBM25.build(tokenized), tokenized, queries)


def test_adding_in_batches_equals_a_build_from_scratch(corpus, queries, monkeypatch) -> None:
    tokenized = [tokens for _, tokens in corpus]
    a, b = cut(tokenized, 0.6), cut(tokenized, 0.8)
    index = PostingsBM25.build(tokenized[:a])
    index = index.add(tokenized[a : a + 5])  # a small refresh: stays in the tail
    assert len(index.tail_terms) > 0
    index = index.add(tokenized[a + 5 : b]).add([]).add(tokenized[b:])
    assert_same(index, tokenized, queries)
    assert_same(index.compacted(), tokenized, queries)
    assert len(index.compacted().tail_terms) == 0


def test_a_large_tail_is_merged_into_the_main_segment(corpus, queries, monkeypatch) -> None:
    import index.store.bm25_postings as postings

    monkeypatch.setattr(postings, "MIN_TAIL", 0)
    tokenized = [tokens for _, tokens in corpus]
    main = cut(tokenized, 0.1)
    grown = PostingsBM25.build(tokenized[:main]).add(tokenized[main:])  # the tail would outgrow the main
    assert len(grown.tail_terms) == 0
    assert_same(grown, tokenized, queries)


def test_removing_and_replacing_an_article_equals_a_build_from_scratch(corpus, queries) -> None:
    tokenized = [tokens for _, tokens in corpus]
    articles = [article for article, _ in corpus]
    main = cut(tokenized, 0.55)
    index = PostingsBM25.build(tokenized[:main]).add(tokenized[main:])  # rows in main and in the tail
    removed = sorted({articles[10], articles[-3]})  # one article in the main segment, one in the tail
    dead = [row for row, article in enumerate(articles) if article in removed]
    left = [tokens for row, tokens in enumerate(tokenized) if row not in set(dead)]
    smaller = index.remove(np.array(dead))
    assert_same(smaller, left, queries)
    replacement = [tokenized[row][::-1] + ["replac"] for row in dead]  # the same article, new text
    assert_same(smaller.add(replacement), left + replacement, queries + [["replac"]])
    assert_same(index, tokenized, queries)  # the old index is untouched


def test_removing_every_document_leaves_no_scores(corpus) -> None:
    tokenized = [tokens for _, tokens in corpus[:50]]
    empty = PostingsBM25.build(tokenized).remove(np.arange(50))
    assert empty.size == 0 and len(TermCounts(empty)) == 0 and empty.get_scores(tokenized[0]).shape == (0,)
    assert_same(empty.add(tokenized[:5]), tokenized[:5], [tokenized[0][:3]])


def test_an_index_survives_pickling_and_grows_afterwards(corpus, queries) -> None:
    tokenized = [tokens for _, tokens in corpus]
    main = cut(tokenized, 0.7)
    index = PostingsBM25.build(tokenized[:main]).add(tokenized[main : main + 10])
    index.get_scores(queries[0])  # fills the per-index length cache, which is not pickled
    loaded = pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    assert loaded._norm is None
    assert_same(loaded, tokenized[: main + 10], queries)
    assert_same(loaded.add(tokenized[main + 10 :]), tokenized, queries)


def test_other_constants_score_as_bm25s_with_them_and_leave_the_defaults_alone(corpus, queries) -> None:
    tokenized = [tokens for _, tokens in corpus]
    ours = PostingsBM25.build(tokenized)
    default = ours.get_scores(queries[0])
    theirs = bm25s.BM25(k1=0.9, b=0.4)
    theirs.index(tokenized, show_progress=False)
    for query in queries[:-1]:  # the last holds no known term
        assert np.abs(ours.get_scores(query, k1=0.9, b=0.4) - theirs.get_scores(query)).max() <= 1e-6
    assert np.array_equal(ours.get_scores(queries[0]), default)  # the cached norms follow the constants
