"""The lexical levers (index/retrieval/lexical_fields.py, index/retrieval/field_index.py) on a real
slice of RealTime QA: one week's articles, split into paragraph chunks as positions 0, 1, ..."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from index.evaluation import scoring as evaluation
from index.retrieval.field_index import field_scores, index_for, title_scores
from index.retrieval.hybrid import fuse
from index.retrieval.lexical_fields import TITLE_ONLY, LexicalFields, bigram_terms, field_tokens, question_terms
from index.store.bm25_postings import PostingsBM25, TermCounts
from index.store.lexical import LexicalSnapshot, top_rows
from index.store.lexical_delta import chunk_tokens
from index.text import terms
from tests.support.paths import SHARED_DATA

WEEK = {"20250321"}


def terms_of(text: str) -> list[str]:
    return text.lower().replace(",", " ").replace(".", " ").split()


@pytest.fixture(scope="module")
def snapshot() -> LexicalSnapshot:
    ids, texts, metadatas = [], [], []
    for row in evaluation.load_articles(SHARED_DATA / "articles.jsonl", WEEK)[:40]:
        for position, paragraph in enumerate(p for p in row["text"].split("\n\n") if p.strip()):
            ids.append(f"{row['id']}#{position}")
            texts.append(paragraph)
            metadatas.append({"title": row["title"], "position": position, "article_id": row["id"]})
    index = PostingsBM25.build([chunk_tokens(t, m) for t, m in zip(texts, metadatas)])
    return LexicalSnapshot("slice:1", ids, texts, metadatas, TermCounts(index), index)


def test_default_fields_are_todays_terms(snapshot) -> None:
    for text, metadata in zip(snapshot.texts[:200], snapshot.metadatas[:200]):
        assert field_tokens(text, metadata, LexicalFields()) == chunk_tokens(text, metadata)
    question = "Did Putin agree to pause attacks on energy infrastructure?"
    assert question_terms(question, LexicalFields()) == terms(question)
    assert np.allclose(field_scores(snapshot, question, LexicalFields()), snapshot.bm25.get_scores(terms(question)))


def test_title_and_lead_weights_repeat_their_terms(snapshot) -> None:
    lead = next(i for i, m in enumerate(snapshot.metadatas) if m["position"] == 0)
    body = next(i for i, m in enumerate(snapshot.metadatas) if m["position"] == 2)
    text, metadata = snapshot.texts[body], snapshot.metadatas[body]
    title, words = Counter(terms(metadata["title"])), Counter(terms(text))
    heavy = Counter(field_tokens(text, metadata, LexicalFields(title_weight=3)))
    assert heavy == Counter({t: 3 * title[t] + words[t] for t in title | words})
    assert field_tokens(text, metadata, LexicalFields(lead_weight=2)) == chunk_tokens(text, metadata)  # not a lead
    once = chunk_tokens(snapshot.texts[lead], snapshot.metadatas[lead])
    assert field_tokens(snapshot.texts[lead], snapshot.metadatas[lead], LexicalFields(lead_weight=2)) == once * 2
    assert field_tokens(text, metadata, TITLE_ONLY) == terms(metadata["title"])


def test_bigrams_are_phrase_terms_that_reward_adjacent_words(snapshot) -> None:
    assert bigram_terms(["feder", "reserv", "rate"]) == ["feder reserv", "reserv rate"]
    fields = LexicalFields(bigrams=True)
    question = "What did the White House say?"
    assert question_terms(question, fields) == ["white", "hous", "white hous"]
    scores = field_scores(snapshot, question, fields)
    phrase = [i for i, (t, m) in enumerate(zip(snapshot.texts, snapshot.metadatas))
              if "white house" in f"{m['title']}\n{t}".lower()]
    assert len(phrase) >= 5, "the week's articles speak of the White House"
    apart = [i for i, t in enumerate(snapshot.texts) if {"white", "house"} <= set(terms_of(t)) and i not in phrase]
    # scored on an index with bigrams, only the chunks holding the phrase gain over plain BM25 on it
    plain = index_for(snapshot, fields).get_scores(["white", "hous"])
    gain = scores - plain
    assert np.all(gain[phrase] > 0) and np.count_nonzero(gain) == len(phrase)
    assert apart and np.all(gain[apart] == 0) and np.all(plain[apart] > 0)  # both words, not adjacent: no gain
    assert index_for(snapshot, fields) is index_for(snapshot, fields)  # built once per generation


def test_title_list_ranks_the_articles_named_by_the_question_and_breaks_ties_by_the_body(snapshot) -> None:
    title = snapshot.metadatas[0]["title"]
    body = snapshot.bm25.get_scores(terms(title))
    scores = title_scores(snapshot, title, body)
    best = [row for row, _ in top_rows(scores, 40)]
    article = [i for i, m in enumerate(snapshot.metadatas) if m["title"] == title]
    assert set(best[: len(article)]) == set(article)
    ordered = [body[i] for i in best[: len(article)]]
    assert ordered == sorted(ordered, reverse=True)
    titles_only = field_scores(snapshot, title, TITLE_ONLY)
    assert np.all((scores > 0) == (titles_only > 0))


def test_fusion_constant_and_weights_change_the_order() -> None:
    dense, lexical = ["a", "b", "c"], ["c", "d", "a"]
    assert [i for i, _ in fuse([dense, lexical])][:2] == ["a", "c"]
    assert [i for i, _ in fuse([dense, lexical], [1.0, 2.0], k=1)][0] == "c"
    assert fuse([dense, lexical], k=60) == fuse([dense, lexical])
