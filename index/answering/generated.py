"""Answers and summaries written by an LLM from numbered passages, with their citations checked.

The model sees the passages numbered `[1]…[n]`. Before anyone sees the reply, each sentence is checked:

- a citation to a number that was not given is removed;
- a cited sentence is scored against each passage it cites (index/answering/support.py); citations whose passage
  does not support it are removed, and a sentence left with none is dropped;
- a sentence without any citation may lean on the citation of the next cited sentence on its line
  (models often cite once after a run of sentences); if that passage supports it, it gets the marker
  itself, otherwise it is dropped: no sentence is shown without a citation that supports it;
- a reply left with no supported citation becomes a refusal that lists the closest articles.

`AnswerChecks` counts what fired; `newsbot eval` sums the counts over a run.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Callable, Mapping, Sequence

from index.answering import support
from index.answering.extractive import citation_for, refusal
from index.llm.chat import LLM, MAX_REPLY_TOKENS
from index.answering.prompts import Prompt
from index.answering.support import Embed
from index.types import Answer, AnswerChecks, Passage

_MARKER = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
_END = re.compile(r"([.!?]+[\"'”’)]*)\s*$")
NOT_FOUND_REPLY = "NOT FOUND"
TOKENIZER_MARGIN = 0.1  # cl100k_base only approximates the tokenizer of a model tiktoken does not know


@dataclass(frozen=True)
class CheckedText:
    """A reply reduced to its supported sentences, citation numbers as given, and what the checks did."""

    text: str
    checks: AnswerChecks


def heading(passage: Passage) -> str:
    """Title, outlet and date of a passage, as the model sees them above its text."""
    return " — ".join(part for part in (passage.title, passage.outlet or passage.source, passage.published[:10])
                      if part)


def format_passages(passages: Sequence[Passage], first: int = 1) -> str:
    """Passages numbered from `first`, each headed by title, outlet and date, fenced so they read as data."""
    blocks = []
    for n, p in enumerate(passages, start=first):
        text = p.text.replace("</passages>", "</ passages>")
        blocks.append(f"[{n}] {heading(p)}\n{text}")
    return "\n\n".join(blocks)


def cited_numbers(text: str) -> list[int]:
    """Every number cited in `text`, in order of first appearance."""
    return list(support.marker_numbers(text))


def keep_valid_markers(text: str, valid: set[int]) -> str:
    """Remove citation numbers that are not in `valid` (and markers left empty)."""
    def replace_marker(match: re.Match) -> str:
        kept = [p.strip() for p in match.group(1).split(",") if int(p) in valid]
        return f"[{', '.join(kept)}]" if kept else ""

    return re.sub(r"\s+([.,;:!?])", r"\1", _MARKER.sub(replace_marker, text)).strip()


def renumber(text: str, mapping: dict[int, int]) -> str:
    """Rewrite citation numbers through `mapping` so that the answer's citations read 1, 2, 3…"""
    return _MARKER.sub(lambda m: "[" + ", ".join(str(mapping[int(p)]) for p in m.group(1).split(",")) + "]", text)


def _with_marker(sentence: str, numbers: Sequence[int]) -> str:
    """`sentence` with `[n, …]` added before its closing punctuation."""
    marker = f" [{', '.join(map(str, numbers))}]"
    end = _END.search(sentence)
    return sentence[: end.start()] + marker + end.group(1) if end else sentence + marker


def _targets(sentences: Sequence[support.ReplySentence], valid: Sequence[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """The passages each sentence is checked against: its valid citations, or for a sentence without
    any, those of the next sentence on its line that cites something."""
    targets = []
    for i, s in enumerate(sentences):
        later = (valid[j] for j in range(i + 1, len(sentences))
                 if sentences[j].paragraph == s.paragraph and sentences[j].numbers)
        targets.append(valid[i] if s.numbers else next(later, ()))
    return targets


def check_reply(reply: str, numbered: Mapping[int, Passage], embed: Embed,
                threshold: float = support.THRESHOLD) -> CheckedText:
    """Keep the sentences of `reply` that cite, or lean on, a passage of `numbered` that supports them."""
    sentences = support.split_reply(reply)
    valid = [tuple(n for n in s.numbers if n in numbered) for s in sentences]
    targets = _targets(sentences, valid)
    order = sorted(numbered)
    pairs = [(i, n) for i, t in enumerate(targets) for n in t]
    scores = support.score([s.claim for s in sentences], [(heading(numbered[n]), numbered[n].text) for n in order],
                           [(i, order.index(n)) for i, n in pairs], embed)
    supported = {pair for pair, s in zip(pairs, scores) if s.supports(threshold)}
    lines: dict[int, list[str]] = {}
    counts = dict(citations=sum(len(s.numbers) for s in sentences), invalid_citations=0, unsupported_citations=0,
                  unsupported_sentences=0, uncited_sentences=0)
    for i, s in enumerate(sentences):
        keep = [n for n in targets[i] if (i, n) in supported]
        if s.numbers:
            counts["invalid_citations"] += len(s.numbers) - len(valid[i])
            counts["unsupported_citations"] += len(valid[i]) - len(keep)
            if not keep:
                counts["unsupported_sentences"] += 1
                continue
            lines.setdefault(s.paragraph, []).append(keep_valid_markers(s.raw, set(keep)))
        elif keep:
            lines.setdefault(s.paragraph, []).append(_with_marker(s.raw, keep))
        else:
            counts["uncited_sentences"] += 1
    text = "\n".join(" ".join(parts) for _, parts in sorted(lines.items()))
    return CheckedText(text, AnswerChecks(**counts))


def checked_answer(reply: str, passages: Sequence[Passage], question: str, embed: Embed,
                   threshold: float = support.THRESHOLD) -> Answer:
    """Turn a model's reply into an Answer whose every sentence cites a passage that supports it, or a refusal."""
    reply = reply.strip()
    if not reply or reply.upper().startswith(NOT_FOUND_REPLY):
        return replace(refusal(passages, question), checks=AnswerChecks())
    checked = check_reply(reply, dict(enumerate(passages, start=1)), embed, threshold)
    used = cited_numbers(checked.text)
    if not used:
        return replace(refusal(passages, question), checks=replace(checked.checks, refused=True))
    mapping = {old: new for new, old in enumerate(used, start=1)}
    citations = tuple(citation_for(passages[old - 1], new) for old, new in mapping.items())
    return Answer(text=renumber(checked.text, mapping), refused=False, citations=citations, question=question,
                  checks=checked.checks)


def answer_prompt(prompt: Prompt, question: str, passages: Sequence[Passage], today: date | None = None) -> str:
    """The user message asking the model to answer `question`, asked on `today`, from `passages`."""
    day = today or date.today()
    return prompt.format(question=question, passages=format_passages(passages),
                         today=f"{day:%A} {day.day} {day:%B %Y} ({day.isoformat()})")


def _sum_checks(checks: Sequence[AnswerChecks]) -> AnswerChecks:
    """The counts of several checked replies added up (refused: any of them)."""
    names = ("citations", "invalid_citations", "unsupported_citations", "unsupported_sentences", "uncited_sentences")
    return AnswerChecks(**{n: sum(getattr(c, n) for c in checks) for n in names},
                        refused=any(c.refused for c in checks))


def pack(texts: Sequence[str], budget: int, count: Callable[[str], int]) -> list[list[int]]:
    """Consecutive groups of `texts` (indices) whose token counts add up to at most `budget` each."""
    groups: list[list[int]] = []
    used = budget + 1
    for i, text in enumerate(texts):
        size = count(text) + 2  # the blank line between blocks
        if used + size > budget:
            groups.append([])
            used = 0
        groups[-1].append(i)
        used += size
    return groups


def passage_budget(llm: LLM, prompts: Mapping[str, Prompt]) -> int:
    """Tokens left for passages (or partial summaries) in one request: the context window, less the reply,
    the system prompt and the longer of the summary and reduce templates, less a margin for the difference
    between tiktoken's count and a compatible server's own tokenizer."""
    fixed = llm.count_tokens(prompts["system"].template) + max(
        llm.count_tokens(prompts["summary"].template), llm.count_tokens(prompts["reduce"].template))
    return int((llm.context_window - MAX_REPLY_TOKENS) * (1 - TOKENIZER_MARGIN)) - fixed - 64


def summarize_within_context(llm: LLM, prompts: Mapping[str, Prompt], label: str, target: str,
                             passages: Sequence[Passage], embed: Embed) -> Answer:
    """A checked summary of `passages`; map-reduce when they do not fit the model's context at once.

    Map: each group of consecutive passages that fits is summarised with its global numbers `[n]`, and
    checked against its passages. Reduce: the checked partial summaries are merged (in groups again if
    they do not fit), keeping their numbers; the result is checked against all the passages.
    """
    system, budget = prompts["system"].template, passage_budget(llm, prompts)
    blocks = [format_passages([p], n) for n, p in enumerate(passages, start=1)]
    groups = pack(blocks, budget, llm.count_tokens)
    if len(groups) <= 1:
        reply = llm.complete(system, prompts["summary"].format(target=label, passages="\n\n".join(blocks)))
        return checked_answer(reply, passages, target, embed)
    numbered = dict(enumerate(passages, start=1))
    partials = []
    for group in groups:
        reply = llm.complete(system, prompts["summary"].format(target=label,
                                                               passages="\n\n".join(blocks[i] for i in group)))
        partials.append(check_reply(reply, {i + 1: numbered[i + 1] for i in group}, embed))
    checks = [c.checks for c in partials]
    texts = [c.text for c in partials if c.text]
    for _ in range(3):  # merge partial summaries that do not fit one request in groups first
        groups = pack(texts, budget, llm.count_tokens)
        if len(groups) <= 1 or len(groups) == len(texts):
            break
        merged = [check_reply(llm.complete(system, prompts["reduce"].format(
            target=label, summaries="\n\n".join(texts[i] for i in g))), numbered, embed) for g in groups]
        checks += [m.checks for m in merged]
        texts = [m.text for m in merged if m.text]
    if not texts:
        return replace(refusal(passages, target), checks=replace(_sum_checks(checks), refused=True))
    reply = llm.complete(system, prompts["reduce"].format(target=label, summaries="\n\n".join(texts)))
    answer = checked_answer(reply, passages, target, embed)
    return replace(answer, checks=_sum_checks([*checks, answer.checks or AnswerChecks()]))


def brief_summary(llm: LLM, prompts: Mapping[str, Prompt], label: str, passages: Sequence[Passage],
                  embed: Embed) -> Answer:
    """One or two checked sentences about `label` from a few passages (a digest's story, prompts/story.md)."""
    blocks = [format_passages([p], n) for n, p in enumerate(passages, start=1)]
    reply = llm.complete(prompts["system"].template, prompts["story"].format(target=label, passages="\n\n".join(blocks)))
    return checked_answer(reply, passages, label, embed)
