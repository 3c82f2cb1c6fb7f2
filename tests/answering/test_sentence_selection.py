"""Which sentences the offline answer quotes (index/answering/extractive.py), with the real MiniLM embedder."""
from __future__ import annotations

import dataclasses

from index.answering import extractive
from index.text import terms
from index.types import Passage

QUESTION = "Which oil giant announced plans to cut 4,700 jobs?"
PASSAGE = Passage(
    chunk_id="c1", article_id="a1", title="Oil jobs", source="test",
    text=("Oil giants have announced plans to cut jobs as profits fall across the industry this year. "
          "Analysts expect more oil companies to announce plans to cut jobs in the coming months. "
          "On Thursday, BP said it would shed 4,700 jobs worldwide."),
)


def _answer(embedder, weights: extractive.SentenceWeights):
    query = embedder.embed([QUESTION])[0]
    return extractive.answer(QUESTION, query, [PASSAGE], embedder.embed, lambda term: 1.0, weights)


def test_the_sentence_that_names_what_was_asked_for_is_quoted(embedder) -> None:
    answer = _answer(embedder, extractive.DEFAULT_WEIGHTS)
    assert not answer.refused and "BP said it would shed 4,700 jobs" in answer.text


def test_the_default_prior_favours_the_sentence_offering_a_name_the_question_lacks() -> None:
    sentences = extractive.candidate_sentences([PASSAGE])
    prior = extractive.sentence_prior(QUESTION, sentences, extractive.DEFAULT_WEIGHTS)
    assert "BP" in sentences[int(prior.argmax())].text
    plain = extractive.sentence_prior(QUESTION, sentences, dataclasses.replace(extractive.DEFAULT_WEIGHTS, kind=0.0))
    assert "BP" not in sentences[int(plain.argmax())].text  # without it, the passage's first sentence leads


def test_novelty_is_what_a_sentence_adds_to_the_question() -> None:
    sentences = extractive.candidate_sentences([PASSAGE])
    scores = extractive.novelty(terms(QUESTION), sentences, lambda term: 1.0)
    restating, answering = scores[0], scores[2]  # "Oil giants have announced plans…", "BP said it would shed…"
    assert 0.0 <= restating < answering <= 1.0
    assert list(extractive.novelty(terms(sentences[2].text), sentences[2:], lambda term: 1.0)) == [0.0]

