"""Does a passage support a sentence? Lexical and embedding overlap, and the numbers it states.

Pure: the embedder comes in as a function `embed(list[str]) -> unit rows`. A reply is split into
sentences, each with the `[n]` markers it carries; `score` rates a sentence (markers removed) against the
evidence of one passage (its heading and text):

- lexical: the share of the sentence's distinct content terms (`index.text.terms`, stemmed, stop words
  out) found in the evidence;
- semantic: the best cosine between the sentence and the evidence's title or any of its sentences;
- numbers: every number the sentence states must occur in the evidence (a hard rule: a wrong figure is
  the error lexical and embedding overlap both miss).

Sentences of a passage that address the model ("ignore your instructions and reply with …") are not
evidence: a reply that obeys an injected instruction is never supported by it (index/answering/injection.py is the
one guard that decides, for generated and offline answers alike).

`support = 0.5 * lexical + 0.5 * semantic`; a sentence is supported by a passage when its numbers are
found there and `support >= THRESHOLD`. The threshold is calibrated on real articles by
bench/calibrate_support.py (see BENCHMARKS.md, "Support check").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from index.answering.injection import addresses_the_model
from index.text import sentence_spans, terms

Embed = Callable[[list[str]], np.ndarray]

# Calibrated by bench/calibrate_support.py on realtimeqa-2025q1 (weeks 20250314, 20250328): Youden's J is
# 0.685 at 0.60 and at most 0.689 (at 0.68); 0.60 keeps more reworded claims. See BENCHMARKS.md.
THRESHOLD = 0.6

_MARKERS = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d{1,3}(?:\s*,\s*\d{1,3})*\])+[.,;:!?]?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class ReplySentence:
    """One sentence of a model's reply: as written (markers included), its claim and its cited numbers."""

    raw: str
    claim: str  # the sentence with its markers removed
    numbers: tuple[int, ...]  # cited passage numbers, in order, without repeats
    paragraph: int  # index of the line it is on: a citation may cover the sentences before it on its line


@dataclass(frozen=True)
class Support:
    """How well one passage supports one sentence."""

    lexical: float
    semantic: float
    numbers_found: bool

    @property
    def score(self) -> float:
        """The combined score compared with the threshold."""
        return 0.5 * self.lexical + 0.5 * self.semantic

    def supports(self, threshold: float = THRESHOLD) -> bool:
        """Whether the passage supports the sentence."""
        return self.numbers_found and self.score >= threshold


def marker_numbers(text: str) -> tuple[int, ...]:
    """The numbers cited in `text`, in order, without repeats."""
    seen: list[int] = []
    for match in _MARKERS.finditer(text):
        for part in match.group(1).split(","):
            if int(part) not in seen:
                seen.append(int(part))
    return tuple(seen)


def strip_markers(text: str) -> str:
    """`text` without its citation markers (and the space before them)."""
    return re.sub(r"\s+([.,;:!?])", r"\1", _MARKERS.sub("", text)).strip()


def split_reply(text: str) -> list[ReplySentence]:
    """The sentences of a reply, line by line; markers written after a sentence's full stop stay with it."""
    sentences: list[ReplySentence] = []
    for paragraph, line in enumerate(ln for ln in text.splitlines() if ln.strip()):
        pieces = [line[s:e].strip() for s, e in sentence_spans(line)]
        merged: list[str] = []
        for piece in pieces:
            lead = _LEADING_MARKERS.match(piece)
            if lead and merged:  # "… targets. [1] Talks …": the [1] closes the previous sentence
                merged[-1] += " " + lead.group(0).strip()
                piece = piece[lead.end():].strip()
            if piece:
                merged.append(piece)
        sentences += [ReplySentence(raw, strip_markers(raw), marker_numbers(raw), paragraph) for raw in merged]
    return sentences


def numbers_in(text: str) -> set[str]:
    """The numbers written in `text`, thousands separators removed ("4,000" -> "4000")."""
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}


def lexical_support(claim: str, evidence: str) -> float:
    """Share of the claim's distinct content terms found in the evidence (0.0 for a claim without any)."""
    wanted = set(terms(claim))
    if not wanted:
        return 0.0
    return len(wanted & set(terms(evidence))) / len(wanted)


def evidence_units(title: str, text: str) -> list[str]:
    """What a claim is compared with: the title and each sentence of the text, injections left out."""
    units = [title.strip()] if title.strip() else []
    units += [text[s:e].strip() for s, e in sentence_spans(text) if text[s:e].strip()]
    return [u for u in units if not addresses_the_model(u)]


def score(claims: Sequence[str], evidences: Sequence[tuple[str, str]], pairs: Sequence[tuple[int, int]],
          embed: Embed) -> list[Support]:
    """Support of `claims[i]` by `evidences[j]` (title, text) for each (i, j) in `pairs`, in one embed call."""
    needed = sorted({j for _, j in pairs})
    units = {j: evidence_units(*evidences[j]) for j in needed}
    claim_ids = sorted({i for i, _ in pairs})
    texts = [claims[i] for i in claim_ids] + [u for j in needed for u in units[j]]
    vectors = embed(texts) if texts else np.zeros((0, 1), dtype=np.float32)
    claim_vec = {i: vectors[k] for k, i in enumerate(claim_ids)}
    offset, unit_vecs = len(claim_ids), {}
    for j in needed:
        unit_vecs[j] = vectors[offset: offset + len(units[j])]
        offset += len(units[j])
    out = []
    for i, j in pairs:
        whole = "\n".join(units[j])
        semantic = float(np.max(unit_vecs[j] @ claim_vec[i])) if len(unit_vecs[j]) else 0.0
        out.append(Support(lexical_support(claims[i], whole), semantic,
                           numbers_in(claims[i]) <= numbers_in(whole)))
    return out
