"""Pure text helpers shared by every layer: terms, sentences, near-duplicates, and the hygiene of untrusted
text (control characters out of article text, what users type cleaned before it reaches retrieval)."""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache
from typing import Mapping

from index.errors import BadInput

# the languages newsbot answers in (prompts/phrases/<code>.toml), each named in itself; the first is the default
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "es": "Español", "fr": "Français", "it": "Italiano",
                  "pt": "Português", "zh": "中文"}
LANGUAGES = tuple(LANGUAGE_NAMES)
DEFAULT_LANGUAGE = "en"


def written_day(words: Mapping[str, str], day: date, with_year: bool = False) -> str:
    """`day` written in the language of `words` (the phrases of prompts/phrases/ with its month names as
    `month_1`…`month_12`, as `NewsPort.phrases` gives them): "19 March", "19. März 2025", "3月19日"; the ISO
    day when `words` names no months."""
    month = words.get(f"month_{day.month}")
    if month is None:
        return day.isoformat()
    number = words["first_day"] if day.day == 1 else str(day.day)
    key = "day_month_year" if with_year else "day_month"
    return words[key].format(day=number, month=month, year=day.year)

_WORD = re.compile(r"\w+", re.UNICODE)
# English stop words plus the words questions are made of; they carry no evidence of an answer.
STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours ourselves out over own same she should so
some such than that the their theirs them themselves then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your
yours yourself yourselves also according said says say tell told week weeks new latest recently
""".split())

# Capital letters of every script Python knows ("Ä", "Ö", "É", "Ł", "Ж"…), for the class of sentence openers.
_CAPITALS = "".join(re.escape(c) for c in map(chr, range(0xC0, 0x2000)) if unicodedata.category(c) == "Lu")
# Sentence ends: . ! ? (optionally followed by closing quotes/brackets) then space and an opening
# capital (of any script), digit or quote (German „ included). Common abbreviations are protected so
# "U.S. officials" stays one sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])([\"'”’)\]]*)\s+(?=[\"'“‘„(\[]?[A-Z0-9" + _CAPITALS + "])")
# Chinese (and Japanese) sentence ends: 。！？ and their closing quotes or brackets, followed by the next
# sentence with or without a space between them.
_CJK_END = re.compile(r"(?<=[。！？])([」』”’）)\]]*)\s*(?=\S)")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Chinese particles and question words: breaks between the runs a Chinese text's terms are made of.
_HAN_STOP = re.compile(r"[的了吗呢吧啊么什谁哪怎]")
_ABBREVIATIONS = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Col|Lt|Sgt|St|Jr|Sr|Inc|Corp|Co|Ltd|No|vs|Jan|Feb|Mar|Apr|"
    r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|U\.N|D\.C|a\.m|p\.m)\.$"
)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return _WORD.findall(text.lower())


def terms(text: str) -> list[str]:
    """Stemmed content terms of `text` read as English (stop words removed): the vocabulary of support, and of
    BM25 for English chunks and questions (index/analysis.py reads German, Spanish… in their own language).
    Chinese, written without spaces, gives the character bigrams of its runs (a lone character alone)."""
    found = words(text)
    if not any(_HAN.search(w) for w in found):
        return _stemmer().stemWords([w for w in found if w not in STOPWORDS and len(w) > 1])
    out: list[str] = []
    for word in found:
        if not _HAN.search(word):
            out += _stemmer().stemWords([word] if word not in STOPWORDS and len(word) > 1 else [])
            continue
        for latin in _HAN.split(word):  # "Putin同意" is one \w+ run: its Latin part is a word of its own
            out += terms(latin) if latin else []
        out += [b for run in _HAN.findall(_HAN_STOP.sub(" ", word)) for b in _bigrams(run)]
    return out


def _bigrams(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]


def word_count(text: str) -> int:
    """The words of `text`: its whitespace-separated tokens, a Chinese run counted a word per two characters."""
    return sum(max(1, sum((len(run) + 1) // 2 for run in _HAN.findall(token))) for token in text.split())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text` (also split at blank-line paragraph breaks)."""
    spans: list[tuple[int, int]] = []
    for paragraph in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        start = paragraph.start()
        block = paragraph.group()
        cursor = 0
        for match in _ends(block):
            if match.start() < cursor:  # (a Chinese end inside the closing quotes of another)
                continue
            piece = block[cursor : match.start()]
            if _ABBREVIATIONS.search(piece) or _inside_quote(block[cursor : match.end()]):
                continue
            spans.append((start + cursor, start + match.start() + len(match.group(1))))
            cursor = match.end()
        spans.append((start + cursor, start + len(block)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _ends(block: str) -> list[re.Match]:
    """The sentence ends of a paragraph, in order: Western ones, and Chinese ones when it has any."""
    ends = list(_SENTENCE_END.finditer(block))
    if "。" in block or "！" in block or "？" in block:
        ends = sorted(ends + list(_CJK_END.finditer(block)), key=lambda m: m.start())
    return ends


# What may stand between a title copied at the top of an article's text and its first sentence: a line
# break, a separator, the title's own full stop, or only spaces before a new sentence's capital.
_TITLE_GAP = re.compile(r"[ \t]*(?:\n\s*|[:|–—-]\s+|\.\s+|\s+(?=[\"“‘'(\[]?[A-Z0-9]))")
MIN_TITLE_WORDS = 3  # a shorter "title" ("Update", "Breaking news") is too likely to open a real sentence


def without_title(text: str, title: str) -> str:
    """`text` less a leading copy of its own `title` (as many feeds and plain-text files begin), so that a
    quote or a lead does not read "Title First sentence…"; `text` itself when it does not begin with the
    title, when the title runs on into the sentence ("Pope Francis dies at 88, the Vatican said"), or when
    nothing would be left."""
    title_words = _WORD.findall(title)
    if len(title_words) < MIN_TITLE_WORDS or not text.lstrip(" \t\n\"“‘'#*").lower().startswith(title_words[0].lower()):
        return text  # (the cheap test first: most texts do not begin with their title's first word)
    pattern = r"\s*[\"“‘'#*]*(?i:" + r"\W+".join(re.escape(w) for w in title_words) + r")[\"”’'?!*]*"
    head = re.match(pattern, text)
    gap = _TITLE_GAP.match(text, head.end()) if head else None
    if gap is None or not text[gap.end():].strip():
        return text
    return text[gap.end():]


def _inside_quote(text: str) -> bool:
    """True when `text` ends inside an open quotation (curly quotes counted, straight ones paired; German
    „…“ and Chinese 「…」 as well)."""
    if "„" in text:
        return text.count("„") > text.count("“") + text.count("”") or text.count('"') % 2 == 1
    return (text.count("“") > text.count("”") or text.count('"') % 2 == 1
            or text.count("「") > text.count("」") or text.count("『") > text.count("』"))


def shingles(text: str) -> frozenset[str]:
    """The set of word bigrams of `text`, for near-duplicate detection."""
    tokens = words(text)
    return frozenset(" ".join(tokens[i : i + 2]) for i in range(max(len(tokens) - 1, 1)))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two sets (0 when both are empty)."""
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


# C0 controls except tab and newline, DEL and the C1 controls: terminal escapes (ESC, BEL, CSI…) and NULs.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029\x85]+")
MAX_QUESTION_CHARS = 2000
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")


def without_controls(text: str) -> str:
    """`text` with control characters removed (tabs and newlines kept), carriage returns as newlines,
    and lone surrogates (valid JSON, invalid UTF-8) replaced by U+FFFD."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if _has_surrogates(text) else text


def one_line(text: str) -> str:
    """`text` as a single line without control characters: for titles, URLs and reasons."""
    return " ".join(_LINE_BREAKS.sub(" ", without_controls(text)).split())


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def clean_question(raw: str, what: str = "question") -> str:
    """Normalise a question: NFKC, no zero-width characters, no mentions, collapsed spaces.

    Raises BadInput with a message fit for the user when nothing usable is left or it is too long.
    """
    if _SURROGATE.search(raw or ""):  # bytes that were not UTF-8 (a terminal in another encoding)
        raise BadInput(f"That {what} is not valid UTF-8 text; please type it again in a UTF-8 terminal.",
                       phrase="not_utf8")
    text = unicodedata.normalize("NFKC", raw or "")
    text = _INVISIBLE.sub("", text)
    text = _MENTION.sub(" ", text)
    text = re.sub(r"```.*?```", lambda m: m.group(0).strip("`"), text, flags=re.DOTALL)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > MAX_QUESTION_CHARS:
        raise BadInput(f"That {what} is too long ({len(text):,} characters); please keep it under {MAX_QUESTION_CHARS:,}.",
                       phrase="too_long", length=len(text), limit=MAX_QUESTION_CHARS)
    if not any(ch.isalnum() for ch in text):
        raise BadInput(f"Please type a {what} with some words in it.", phrase="no_words")
    return text
