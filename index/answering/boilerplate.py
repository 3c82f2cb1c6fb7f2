"""Sentences a summary never quotes: an outlet's boilerplate (notes about the page, calls to sign up or click,
credits) and questions ("When does the Masters start?"), which tell a reader nothing that happened. Pure."""
from __future__ import annotations

import re

_BOILERPLATE = re.compile(
    r"\bAI[- ](?:assisted|generated|powered)\b|\beditor[’']?s note\b|\bthis (?:page|article|story|post|summary) "
    r"(?:summarizes|summarises|was|has been|is|contains|includes|may)\b|\bsign up\b|\bclick here\b|"
    r"\bsubscribe (?:to|now|today)\b|\bour newsletters?\b|\bdownload (?:the|our) app\b|\ball rights reserved\b|"
    r"©|\bcopyright\b|\bterms of (?:use|service)\b|\bprivacy policy\b|\b(?:cookie policy|accept cookies)\b|\bfollow us\b|"
    r"\bread more\b|\bcontributed to this report\b|\bwe may (?:earn|receive) (?:a )?commission\b|"
    r"\baffiliate links?\b|\bsponsored content\b|\bview (?:the )?comments\b|\bshare this (?:article|story)\b|"
    r"\bstory continues below\b|\bcheck back (?:for|later)\b|\bsee more\b|\bwatch:|\blisten:",
    re.IGNORECASE)
_CLOSING = "\"'”’)] 」』）"


def is_boilerplate(sentence: str) -> bool:
    """True for a sentence about the page rather than the news (an outlet's notes, calls to act, credits)."""
    return bool(_BOILERPLATE.search(sentence))


def is_question(sentence: str) -> bool:
    """True for a sentence that asks rather than tells (it ends with a question mark)."""
    return sentence.rstrip(_CLOSING).endswith(("?", "？"))


def summary_worthy(sentence: str) -> bool:
    """True when a summary may quote the sentence: neither boilerplate nor a question."""
    return not is_boilerplate(sentence) and not is_question(sentence)
