"""The offline answerer and summariser: quoted sentences from retrieved passages, each cited `[n]`.

Sentences are scored by how much of the question's evidence they carry (IDF-weighted coverage of the
question's terms), by embedding similarity to the question, by the question's names they repeat, and by
whether they offer the kind of answer asked for (index/answering/answer_type.py); `SentenceWeights` holds how much
each counts. A question whose informative terms are missing from every retrieved passage is refused
rather than answered with the nearest guess.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from index.answering import answer_type
from index.answering.boilerplate import summary_worthy
from index.answering.injection import addresses_the_model
from index.answering.question_terms import Analyzer
from index.language import language_of
from index.retrieval.question_names import name_overlap, question_names
from index.text import jaccard, sentence_spans, shingles, terms, word_count, words
from index.types import Answer, ArticleRef, Citation, Passage

IDF = Callable[[str], float]
NOT_FOUND = "I couldn't find that in the indexed articles."
MIN_SUPPORT = 0.5  # IDF-weighted share of the question's terms that the best passage must contain
MIN_SIMILARITY = 0.2  # cosine between the question and the best sentence
MAX_CANDIDATES = 48  # sentences considered per question
MAX_EMBEDDED = 12  # of those, the lexically best are embedded: embedding is the cost of answering
MIN_WORDS = 5
ENGLISH = Analyzer()  # index.text.terms: the index's own reading


@dataclass(frozen=True)
class SentenceWeights:
    """How a candidate sentence is scored and how many are quoted. The defaults before issue 14 were
    similarity 0.5, lexical 0.5, rank 0.05, names 0, kind 0, 12 embedded, 3 sentences, floor 0.8; these
    were chosen on the tune half of the full RealTime QA set (bench/answer_tuning.py, BENCHMARKS.md)."""

    similarity: float = 0.75  # cosine to the question
    lexical: float = 0.25  # IDF-weighted coverage of the question's terms
    names: float = 0.0  # share of the question's names and numbers the sentence repeats
    kind: float = 0.2  # the sentence offers the kind of answer asked for (answer_type.offers)
    rank: float = 0.05  # divided by 1 + the passage's rank
    novelty: float = 0.05  # IDF-weighted share of the sentence's terms the question does not use
    embedded: int = MAX_EMBEDDED  # sentences embedded (the lexically best)
    sentences: int = 3  # at most this many quoted
    floor: float = 0.6  # a further sentence must score at least this share of the best one


DEFAULT_WEIGHTS = SentenceWeights()


@dataclass(frozen=True)
class Sentence:
    """A sentence inside a passage: `start`/`end` are offsets in the passage text."""

    passage: int  # index into the passages list
    start: int
    end: int
    text: str


def coverage(question_terms: Sequence[str], text_terms: set[str], idf: IDF) -> float:
    """IDF-weighted share of the question's distinct terms found in `text_terms` (1.0 when none)."""
    unique = set(question_terms)
    total = sum(idf(t) for t in unique)
    if total == 0:
        return 1.0
    return sum(idf(t) for t in unique if t in text_terms) / total


def topic_covered(topic: str, passages: Sequence[Passage], idf: IDF) -> bool:
    """Whether the passages hold enough of a summary topic's evidence (IDF-weighted, `MIN_SUPPORT`): those of
    one language together, the topic's words read in its own language as a question's are (`Analyzer`); an
    English topic, or one whose language is not told, against all the passages together, as `terms` reads it."""
    language = language_of(topic)
    analyzer = Analyzer(language)
    weight, topic_terms = analyzer.weight(topic, idf), analyzer.terms(topic)
    groups: dict[str | None, list[str]] = {}
    for passage in passages:
        written = language_of(passage.text) if language not in (None, "en") else None
        groups.setdefault(written, []).append(f"{passage.title} {passage.text}")
    for texts in groups.values():
        joined = " ".join(texts)
        asked = analyzer.asked_of(topic_terms, joined, weight)  # none: another language, too few shared words
        if (asked or not topic_terms) and coverage(asked, set(analyzer.terms(joined)), weight) >= MIN_SUPPORT:
            return True
    return False


def candidate_sentences(passages: Sequence[Passage], limit: int = MAX_CANDIDATES) -> list[Sentence]:
    """Sentences of the passages in rank order, skipping fragments too short to stand alone and sentences
    that address the model (index/answering/injection.py)."""
    found: list[Sentence] = []
    for index, passage in enumerate(passages):
        for start, end in sentence_spans(passage.text):
            text = passage.text[start:end].strip()
            if word_count(text) >= MIN_WORDS and not addresses_the_model(text):  # injections are never quoted
                found.append(Sentence(index, start, end, text))
                if len(found) == limit:
                    return found
    return found


def number_citations(passages: Sequence[Passage], chosen: Sequence[Sentence]) -> tuple[dict[int, int], tuple[Citation, ...]]:
    """Number the passages that chosen sentences come from, in order of first use: passage index -> n."""
    numbers: dict[int, int] = {}
    citations = []
    for sentence in chosen:
        if sentence.passage not in numbers:
            numbers[sentence.passage] = len(numbers) + 1
            citations.append(citation_for(passages[sentence.passage], numbers[sentence.passage]))
    return numbers, tuple(citations)


def citation_for(passage: Passage, n: int) -> Citation:
    """The citation numbered `n` for a passage; its quote is the passage's exact text."""
    return Citation(
        n=n, title=passage.title, source=passage.outlet or passage.source, url=passage.url,
        published=passage.published, quote=passage.text, outlet=passage.outlet,
        article_id=passage.article_id, chunk_id=passage.chunk_id,
    )


def closest_articles(passages: Sequence[Passage], limit: int = 3) -> tuple[ArticleRef, ...]:
    """The distinct articles of the best passages, for a refusal to point at."""
    refs: dict[str, ArticleRef] = {}
    for p in passages:
        if p.article_id not in refs:
            refs[p.article_id] = ArticleRef(p.title, p.url, p.outlet, p.published, p.article_id)
        if len(refs) == limit:
            break
    return tuple(refs.values())


def refusal(passages: Sequence[Passage], question: str = "", note: str = "") -> Answer:
    """The plain "not found" answer, listing the closest articles instead of guessing."""
    return Answer(text=NOT_FOUND, refused=True, closest=closest_articles(passages), note=note, question=question)


def render(sentences: Sequence[Sentence], numbers: dict[int, int]) -> str:
    """Quoted sentences, each followed by its citation marker."""
    return " ".join(f"{_quoted(s.text)} [{numbers[s.passage]}]" for s in sentences)


def _quoted(text: str) -> str:
    """The sentence in quotation marks, unless it already opens with one."""
    return text if text[0] in "“\"‘'" else f"“{text}”"


def _select(scores: np.ndarray, sentences: Sequence[Sentence], max_sentences: int, floor: float) -> list[int]:
    """Best-first indices above `floor`, skipping sentences that repeat a chosen one."""
    chosen: list[int] = []
    signatures: list[frozenset[str]] = []
    for i in np.argsort(-scores):
        if scores[i] < floor or len(chosen) == max_sentences:
            break
        signature = shingles(sentences[i].text)
        if any(jaccard(signature, other) > 0.5 for other in signatures):
            continue
        chosen.append(int(i))
        signatures.append(signature)
    return chosen


def answer(question: str, query_vector: np.ndarray, passages: Sequence[Passage],
           embed: Callable[[list[str]], np.ndarray], idf: IDF, weights: SentenceWeights = DEFAULT_WEIGHTS,
           analyzer: Analyzer = ENGLISH) -> Answer:
    """Answer `question` with up to `weights.sentences` quoted sentences from `passages`, or refuse. The
    question's words are compared with the passages' as `analyzer` reads them (the question's language)."""
    question_terms = analyzer.terms(question)
    idf = analyzer.weight(question, idf)
    if not passages:
        return refusal(passages, question)
    asked = [analyzer.asked_of(question_terms, p.text, idf) for p in passages]  # what each can be compared on
    passage_support = [0.0 if question_terms and not terms_of  # nothing it could be compared on
                       else coverage(terms_of, set(analyzer.terms(f"{p.title}\n{p.text}")), idf)
                       for terms_of, p in zip(asked, passages)]
    if max(passage_support) < MIN_SUPPORT:
        return refusal(passages, question)
    sentences = [s for s in candidate_sentences(passages) if passage_support[s.passage] >= MIN_SUPPORT]
    if not sentences:
        return refusal(passages, question)
    lexical = np.array([coverage(asked[s.passage], set(analyzer.terms(s.text)), idf) for s in sentences])
    prior = (sentence_prior(question, sentences, weights)
             + weights.novelty * novelty(question_terms, sentences, idf, analyzer))
    keep = np.argsort(-(lexical + prior), kind="stable")[: weights.embedded]
    sentences = [sentences[i] for i in keep]
    lexical, prior = lexical[keep], prior[keep]
    similarity = embed([s.text for s in sentences]) @ query_vector
    scores = weights.similarity * similarity + weights.lexical * lexical + prior
    best = int(np.argmax(scores))
    if similarity[best] < MIN_SIMILARITY:
        return refusal(passages, question)
    chosen = _select(scores, sentences, weights.sentences, floor=weights.floor * scores[best])
    picked = sorted((sentences[i] for i in chosen), key=lambda s: (s.passage, s.start))
    numbers, citations = number_citations(passages, picked)
    return Answer(text=render(picked, numbers), refused=False, citations=citations, question=question)


def sentence_prior(question: str, sentences: Sequence[Sentence], weights: SentenceWeights) -> np.ndarray:
    """The part of a sentence's score that needs no model: the passage's rank, the question's names it
    repeats, and whether it offers the kind of answer asked for."""
    names = question_names(question)
    asked = answer_type.kind(question)
    return np.array([
        weights.rank / (1 + s.passage)
        + weights.names * name_overlap(names, set(words(s.text)))
        + weights.kind * answer_type.offers(asked, s.text, question)
        for s in sentences
    ])


def novelty(question_terms: Sequence[str], sentences: Sequence[Sentence], idf: IDF,
            analyzer: Analyzer = ENGLISH) -> np.ndarray:
    """Per sentence, the IDF-weighted share of its distinct terms that the question does not use: a
    sentence that only restates the question adds nothing, the one that answers it adds the answer."""
    asked = set(question_terms)
    out = []
    for s in sentences:
        own = set(analyzer.terms(s.text))
        total = sum(idf(t) for t in own)
        out.append(sum(idf(t) for t in own - asked) / total if total else 0.0)
    return np.array(out)


HEADLINE = 1.0  # weight of the share of the headline's terms a sentence repeats: enough to rank it first


def summarize(passages: Sequence[Passage], embed: Callable[[list[str]], np.ndarray],
              focus: np.ndarray | None = None, max_sentences: int = 5, headline: str = "") -> Answer:
    """An extractive summary: central, non-redundant sentences of the passages, cited.

    Centrality is similarity to the passages' mean sentence vector; with a `focus` vector (a topic) the
    similarity to the topic counts as much. With a `headline` (a story's title), the sentence that repeats
    most of its terms ranks and stands first, so the summary tells the headline's fact. Boilerplate and
    questions are never quoted (index/answering/boilerplate.py). Other chosen sentences keep their order in
    the passages.
    """
    sentences = [s for s in candidate_sentences(passages, limit=120) if summary_worthy(s.text)]
    if not sentences:
        return refusal(passages)
    vectors = embed([s.text for s in sentences])
    centroid = vectors.mean(axis=0)
    scores = vectors @ (centroid / max(float(np.linalg.norm(centroid)), 1e-9))
    if focus is not None:
        scores = 0.5 * scores + 0.5 * (vectors @ focus)
    scores = scores + np.array([0.03 / (1 + s.passage) for s in sentences])  # news leads with the gist
    if headline:
        scores = scores + HEADLINE * headline_share(headline, sentences)
    chosen = _select(scores, sentences, max_sentences, floor=-1.0)
    picked = sorted((sentences[i] for i in chosen), key=lambda s: (s.passage, s.start))
    if headline and chosen:  # the headline's fact first, the rest in reading order
        picked.sort(key=lambda s: s is not sentences[chosen[0]])
    numbers, citations = number_citations(passages, picked)
    return Answer(text=render(picked, numbers), refused=False, citations=citations)


def headline_share(headline: str, sentences: Sequence[Sentence]) -> np.ndarray:
    """Per sentence, the share of the headline's distinct terms it repeats (0 for all without a headline term)."""
    wanted = set(terms(headline))
    return np.array([len(wanted & set(terms(s.text))) / len(wanted) if wanted else 0.0 for s in sentences])
