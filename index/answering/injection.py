"""The one guard that decides whether a sentence of an article addresses an AI model (a prompt injection).

Such a sentence is never evidence and never quoted: generated answers cannot be supported by it
(index/answering/support.py), and offline answers and summaries never pick it (index/answering/extractive.py). The patterns
are narrow on purpose: on the 176,364 sentences of realtimeqa-2025q1's articles they match 0 (the
previous, wider patterns matched 21 real sentences such as "Canada said it will respond with 25%
tariffs" and "as an assistant coach"); see BENCHMARKS.md, "Injection guard".
"""
from __future__ import annotations

import re

_OVERRIDE = (r"\b(?:ignore|disregard|forget|override)\b[^.!?]{0,40}?"
             r"\b(?:instructions?|prompts?|(?:your|all|any|these|those|the above) rules|above|previous|prior|earlier)\b")
_IMPERATIVE_REPLY = (r"(?:^|[:;,]\s*|\b(?:and|then|please|now|you (?:must|should|will))\s+)"
                     r"(?:reply|respond|answer)\s+(?:only\s+)?with\b")
_ROLE = (r"\bsystem prompt\b|\bfrom now on,? you (?:are|will|must|should)\b"
         r"|\byou are now (?:an? |the )?(?:ai|assistant|chatbot|model|dan|unrestricted|jailbroken)\b"
         r"|\bas an? (?:ai|ai assistant|ai model|large language model|language model)\b"
         r"|\b(?:ai|assistant|chatbot|language model)s?,? (?:must|should|are to) (?:say|reply|answer|respond|tell)\b"
         r"|\bsay (?:that )?the answer is\b")
_ADDRESSES_MODEL = re.compile(rf"{_OVERRIDE}|{_IMPERATIVE_REPLY}|{_ROLE}", re.IGNORECASE)


def addresses_the_model(sentence: str) -> bool:
    """Whether a sentence gives instructions to an AI model ("ignore previous instructions and …")."""
    return _ADDRESSES_MODEL.search(sentence.strip()) is not None
