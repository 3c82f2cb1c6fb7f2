"""The answer-writer seam: who writes an answer, a summary or a standalone follow-up from passages.

Two implementations, and one wrapper that joins them:
- `ExtractiveWriter`: offline, quoted sentences with citations (index/answering/extractive.py);
- `GeneratedWriter`: an LLM writes, and its citations are checked (index/answering/generated.py);
- `FallbackWriter`: the generated writer first; when the LLM is unavailable, the extractive one, with a
  one-line note in the answer's language. It holds the only `except LLMUnavailable` of the core.

`writer_for(llm, ...)` picks: offline (no LLM) the extractive writer alone, else the fallback pair.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import date
from typing import Callable, Iterator, Mapping, Protocol, Sequence

import numpy as np

from index.answering import extractive, generated
from index.language import english_wording, language_of
from index.answering.phrases import Phrases, default_phrases, localized, phrases_for
from index.answering.prompts import Prompt, in_language
from index.answering.question_terms import Analyzer
from index.errors import LLMUnavailable
from index.llm.chat import LLM
from index.text import DEFAULT_LANGUAGE
from index.types import Answer, Passage, Turn

log = logging.getLogger(__name__)
Embed = Callable[[list[str]], np.ndarray]
BRIEF_SENTENCES = 2


@dataclass(frozen=True)
class Question:
    """What a writer answers: the question, the text and vector it was retrieved with, its passages."""

    text: str
    retrieval_text: str
    vector: np.ndarray | None
    passages: Sequence[Passage]
    as_of: date | None = None
    language: str | None = None  # the asker's (index/language.py); None: the default


@dataclass(frozen=True)
class SummaryRequest:
    """What a writer summarises: a label ("the article …"), the user's target, passages, a focus vector."""

    label: str
    target: str
    passages: Sequence[Passage]
    focus: np.ndarray | None
    brief: bool = False  # one or two sentences (a digest's story: prompts/story.md), not a full summary
    headline: str = ""  # the story's title: offline, the sentence that tells its fact ranks first
    language: str | None = None  # the language to write in (a server's); None: the default


class AnswerWriter(Protocol):
    """Writes answers and summaries from passages; raises LLMUnavailable only if it uses an LLM."""

    def answer(self, question: Question) -> Answer: ...

    def stream(self, question: Question) -> Iterator[str | Answer]: ...

    def summary(self, request: SummaryRequest) -> Answer: ...

    def standalone(self, question: str, history: Sequence[Turn]) -> tuple[str, str]: ...

    def in_english(self, question: str) -> str: ...

    def budget(self) -> AbstractContextManager: ...


class ExtractiveWriter:
    """Offline answers: the sentences of the passages that answer the question, quoted and cited."""

    def __init__(self, embed: Embed, idf: Callable[[], Mapping[str, float]],
                 phrases: Mapping[str, Phrases] | None = None, translate: Callable[[str], str] | None = None) -> None:
        self._embed = embed
        self._idf = idf
        self._phrases = phrases or default_phrases()
        self._translate = translate  # NEWSBOT_TRANSLATOR's local model (index/llm/local_translator.py), if set

    def answer(self, question: Question) -> Answer:
        """Quoted sentences, or a plain refusal when the passages do not answer; in the asker's language,
        each quote in its own with a note naming it when that differs (index/answering/phrases.py). The
        question's words are read in its own language (index/answering/question_terms.py); one whose language
        cannot be told ("Putin?") as before, whatever the asker's (a server's) language."""
        analyzer = Analyzer(language_of(question.text))
        found = extractive.answer(question.retrieval_text, question.vector, question.passages, self._embed,
                                  self._idf(), analyzer=analyzer)
        return localized(found, phrases_for(self._phrases, question.language), quoted=True)

    def stream(self, question: Question) -> Iterator[str | Answer]:
        """Nothing to stream offline: the answer, whole."""
        yield self.answer(question)

    def summary(self, request: SummaryRequest) -> Answer:
        """The most central sentences of the passages, cited."""
        found = extractive.summarize(request.passages, self._embed, request.focus,
                                     max_sentences=BRIEF_SENTENCES if request.brief else 5, headline=request.headline)
        return localized(found, phrases_for(self._phrases, request.language), quoted=True)

    def standalone(self, question: str, history: Sequence[Turn]) -> tuple[str, str]:
        """(question to answer, text to retrieve with): offline, the previous question is carried along."""
        return carried(question, history)

    def in_english(self, question: str) -> str:
        """The local translator's English wording of a question in another language (NEWSBOT_TRANSLATOR), else ""
        (the question is searched as it is)."""
        return self._translate(question) if self._translate else ""

    def budget(self) -> AbstractContextManager:
        """No LLM, no budget."""
        return nullcontext()


class GeneratedWriter:
    """Answers written by the LLM from numbered passages; only sentences whose citations hold are kept."""

    def __init__(self, llm: LLM, prompts: Mapping[str, Prompt], embed: Embed,
                 phrases: Mapping[str, Phrases] | None = None) -> None:
        self._llm = llm
        self._prompts = prompts
        self._embed = embed
        self._phrases = phrases or default_phrases()

    def _in(self, language: str | None) -> tuple[Mapping[str, Prompt], Phrases]:
        """The prompts asking for `language` (the default when None), and its phrases."""
        phrases = phrases_for(self._phrases, language)
        return in_language(self._prompts, phrases.say("model_name")), phrases

    def _prompt(self, question: Question) -> str:
        prompts, _ = self._in(passages_language(question.passages))
        return generated.answer_prompt(prompts["answer"], question.text, question.passages, question.as_of)

    def _checked(self, reply: str, question: Question) -> Answer:
        found = generated.checked_answer(reply, question.passages, question.text, self._embed)
        return self._translated(found, question.language, question.passages)

    def _translated(self, answer: Answer, language: str | None, passages: Sequence[Passage]) -> Answer:
        """The checked answer, written in the passages' language (so that the support check can read it), in
        the asker's: translated by the model with its markers kept; when they are not kept, the checked
        answer as it is with the note naming its language (index/answering/phrases.py)."""
        phrases, written = phrases_for(self._phrases, language), passages_language(passages)
        if answer.refused or written == phrases.language:
            return localized(answer, phrases, quoted=False)
        prompt = self._prompts["translate"].format(language=phrases.say("model_name"), text=answer.text)
        text = self._llm.complete(self._prompts["system"].template, prompt).strip()
        if re.findall(r"\[[\d, ]+\]", text) == re.findall(r"\[[\d, ]+\]", answer.text) and text:
            return replace(answer, text=text, language=phrases.language)
        log.warning("the translation into %s changed the citation markers; the answer is shown untranslated",
                    phrases.language)
        return replace(answer, text=f"{answer.text} {phrases.say('quoted_in', language=phrases.names[written])}",
                       language=phrases.language)

    def answer(self, question: Question) -> Answer:
        """The model's reply (asked in the asker's language), checked against the passages it cites."""
        return self._checked(self._llm.complete(self._prompts["system"].template, self._prompt(question)), question)

    def stream(self, question: Question) -> Iterator[str | Answer]:
        """The model's text as it arrives (unchecked), then the checked Answer, last."""
        pieces: list[str] = []
        for piece in self._llm.stream(self._prompts["system"].template, self._prompt(question)):
            pieces.append(piece)
            yield piece
        yield self._checked("".join(pieces), question)

    def summary(self, request: SummaryRequest) -> Answer:
        """Map-reduce when the passages do not fit the model's context window; one budget for all calls."""
        prompts, _ = self._in(passages_language(request.passages))
        with self.budget():
            if request.brief:
                found = generated.brief_summary(self._llm, prompts, request.label, request.passages, self._embed)
            else:
                found = generated.summarize_within_context(self._llm, prompts, request.label, request.target,
                                                           request.passages, self._embed)
            return self._translated(found, request.language, request.passages)

    def standalone(self, question: str, history: Sequence[Turn]) -> tuple[str, str]:
        """The follow-up rewritten by the model into a question that stands alone."""
        if not history:
            return question, question
        turns = "\n".join(f"Q: {t.question}\nA: {t.answer}" for t in history[-3:])
        rewritten = self._llm.complete(self._prompts["system"].template,
                                       self._prompts["rewrite"].format(history=turns, question=question))
        first = rewritten.strip().splitlines()[0].strip() if rewritten.strip() else ""
        return (first, first) if first else carried(question, history)

    def in_english(self, question: str) -> str:
        """A question in another language than English put into English by the model, to search English
        articles with (index/retrieval/hybrid.py fuses it with the question's own rankings); "" for an English
        question, one whose language cannot be told, or a reply that is not an English question of about the
        question's length."""
        if language_of(question) in (None, "en"):
            return ""
        reply = self._llm.complete(self._prompts["system"].template, self._prompts["search"].format(question=question))
        return english_wording(reply, question)

    def budget(self) -> AbstractContextManager:
        """The LLM calls of one question share NEWSBOT_LLM_TIMEOUT (index/llm/chat.py)."""
        return self._llm.question() if hasattr(self._llm, "question") else nullcontext()


class FallbackWriter:
    """The generated writer, and the extractive one whenever the LLM is unavailable (with a note in the
    answer's language: `llm_fallback` of prompts/phrases/)."""

    def __init__(self, primary: GeneratedWriter, fallback: ExtractiveWriter,
                 phrases: Mapping[str, Phrases] | None = None) -> None:
        self.primary = primary
        self.fallback = fallback
        self._phrases = phrases or default_phrases()

    def answer(self, question: Question) -> Answer:
        """The generated answer, or the extractive one with the fallback note."""
        try:
            return self.primary.answer(question)
        except LLMUnavailable as exc:
            return self._fell_back("answer", exc, self.fallback.answer(question))

    def stream(self, question: Question) -> Iterator[str | Answer]:
        """The generated stream; if the LLM fails on the way, the extractive answer ends it instead."""
        try:
            yield from self.primary.stream(question)
        except LLMUnavailable as exc:
            yield self._fell_back("answer", exc, self.fallback.answer(question))

    def summary(self, request: SummaryRequest) -> Answer:
        """The generated summary, or the extractive one with the fallback note."""
        try:
            return self.primary.summary(request)
        except LLMUnavailable as exc:
            return self._fell_back("summary", exc, self.fallback.summary(request))

    def standalone(self, question: str, history: Sequence[Turn]) -> tuple[str, str]:
        """The rewritten follow-up, or the offline way (previous question carried along)."""
        try:
            return self.primary.standalone(question, history)
        except LLMUnavailable as exc:
            log.warning("follow-up rewrite failed: %s", exc)
            return self.fallback.standalone(question, history)

    def in_english(self, question: str) -> str:
        """The model's English wording of the question; when the model is unavailable, the extractive writer's
        (the local translator's, or "": searched as asked)."""
        try:
            return self.primary.in_english(question)
        except LLMUnavailable as exc:
            log.warning("translating the question for the search failed: %s", exc)
            return self.fallback.in_english(question)

    def budget(self) -> AbstractContextManager:
        """The generated writer's budget."""
        return self.primary.budget()

    def _fell_back(self, what: str, exc: LLMUnavailable, answer: Answer) -> Answer:
        """The extractive `answer` with the fallback note, in its language (set when it was written)."""
        log.warning("falling back to an extractive %s: %s", what, exc)
        return replace(answer, note=phrases_for(self._phrases, answer.language).say("llm_fallback"))


def passages_language(passages: Sequence[Passage]) -> str:
    """The language most of the passages are in (the default when none can be told)."""
    found = Counter(language_of(p.text) for p in passages[:8])
    found.pop(None, None)
    return found.most_common(1)[0][0] if found else DEFAULT_LANGUAGE


def carried(question: str, history: Sequence[Turn]) -> tuple[str, str]:
    """(question, retrieval text) of a follow-up without an LLM: the previous question carried along."""
    if not history:
        return question, question
    return question, f"{history[-1].question} {question}"


def writer_for(llm: LLM | None, prompts: Mapping[str, Prompt], embed: Embed,
               idf: Callable[[], Mapping[str, float]], phrases: Mapping[str, Phrases] | None = None,
               translate: Callable[[str], str] | None = None) -> AnswerWriter:
    """The writer for this configuration: extractive offline, else generated with the extractive fallback.
    `translate` (a local model's English wording of a question) serves offline, and when the LLM fails."""
    extractive_writer = ExtractiveWriter(embed, idf, phrases, translate)
    if llm is None:
        return extractive_writer
    return FallbackWriter(GeneratedWriter(llm, prompts, embed, phrases), extractive_writer, phrases)
