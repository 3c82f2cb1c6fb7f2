"""How results look on a terminal and as JSON: pure functions over the core's dataclasses."""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any, Iterator, Mapping, Sequence, TextIO

from index.port import Feedback, written_day
from index.types import Answer, Citation, Digest, IndexReport, Passage, Scope, SourceStatus, Story

# What a terminal may act on: C0 controls but tab and newline (ESC, BEL, CR, backspace…), DEL and C1
# controls (U+009B is an 8-bit CSI), and the bidirectional overrides that reorder what is displayed.
_TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_JSON_RAW = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # what json.dumps leaves raw


_SURROGATE = re.compile("[\ud800-\udfff]")  # e.g. a non-UTF-8 argument, which no encoder can write


def for_terminal(text: str) -> str:
    """`text` without the characters a terminal would act on (escape sequences cannot form)."""
    return _SURROGATE.sub("\ufffd", _TERMINAL_CONTROLS.sub("", text))


def to_json(payload: Any) -> str:
    """JSON for stdout: every control character escaped (`\\u001b`), so the data is whole and inert."""
    text = json.dumps(payload, ensure_ascii=False, indent=2)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class TerminalSafe:
    """A text stream that drops terminal controls from whatever is written to it (the CLI's stdout and
    stderr: every command's output, errors and log lines). `unfiltered` is the stream underneath."""

    def __init__(self, stream: TextIO) -> None:
        self.unfiltered = stream

    def write(self, text: str) -> int:
        """Write `text` without terminal controls."""
        return self.unfiltered.write(for_terminal(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.unfiltered, name)


@contextmanager
def terminal_safe_streams() -> Iterator[None]:
    """Filter sys.stdout and sys.stderr through TerminalSafe for the duration of the block."""
    import sys

    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalSafe(sys.stdout), TerminalSafe(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def citations_json(citations: Sequence[Citation]) -> list[dict]:
    """Citations as `ask --json` shows them: n, title, source, url, published, quote."""
    return [{"n": c.n, "title": c.title, "source": c.source, "url": c.url, "published": c.published, "quote": c.quote}
            for c in citations]


def answer_json(answer: Answer) -> dict:
    """The `ask --json` contract: answer, refused, citations[n, title, source, url, published, quote]."""
    payload = {"answer": answer.text, "refused": answer.refused, "citations": citations_json(answer.citations)}
    if answer.refused:
        payload["closest"] = [{"title": a.title, "url": a.url, "source": a.outlet, "published": a.published}
                              for a in answer.closest]
    if answer.note:
        payload["note"] = answer.note
    if answer.age_note:
        payload["age_note"] = answer.age_note
    return payload


def _source_line(title: str, outlet: str, published: str, url: str) -> str:
    details = ", ".join(part for part in (outlet, published[:10]) if part)
    line = f"{title} ({details})" if details else title
    return f"{line} <{url}>" if url else line


def by_article(citations: Sequence[Citation]) -> list[tuple[str, Citation]]:
    """One source per article: ("[1, 2, 3]", the first citation) for the citations of each article, in the
    order of their first number (a summary of one article cites several of its passages)."""
    groups: dict[tuple[str, ...], list[Citation]] = {}
    for c in sorted(citations, key=lambda c: c.n):
        groups.setdefault((c.article_id,) if c.article_id else (c.title, c.url, c.source), []).append(c)
    return [(f"[{', '.join(str(c.n) for c in group)}]", group[0]) for group in groups.values()]


# without `words`: English
_HEADINGS = {"sources": "Sources", "closest_articles": "Closest articles", "note_line": "Note: {note}"}


def answer_text(answer: Answer, words: Mapping[str, str] | None = None) -> str:
    """An answer for the terminal: text, its notes, then the numbered sources (or the closest articles). With
    `words` (`NewsPort.phrases` of a language) the note's label and the headings are in that language."""
    words = words or _HEADINGS
    lines = [answer.text]
    if answer.note:
        lines += ["", words["note_line"].format(note=answer.note)]
    if answer.age_note:
        lines += ["", answer.age_note]
    if answer.citations:
        lines += ["", f"{words['sources']}:"]
        lines += [f"{n} {_source_line(c.title, c.outlet or c.source, c.published, c.url)}"
                  for n, c in by_article(answer.citations)]
    if answer.refused and answer.closest:
        lines += ["", f"{words['closest_articles']}:"]
        lines += [f"- {_source_line(a.title, a.outlet, a.published, a.url)}" for a in answer.closest]
    return "\n".join(lines)


def search_json(passages: Sequence[Passage]) -> list[dict]:
    """The `search --json` contract: rank, score, text, title, url, article_id."""
    return [{"rank": i, "score": round(p.score, 6), "text": p.text, "title": p.title, "url": p.url,
             "article_id": p.article_id} for i, p in enumerate(passages, start=1)]


def search_text(passages: Sequence[Passage]) -> str:
    """Ranked passages for the terminal."""
    if not passages:
        return "No passages found."
    blocks = []
    for i, p in enumerate(passages, start=1):
        blocks.append(f"{i}. {_source_line(p.title, p.outlet, p.published, p.url)}\n   {p.text[:300].strip()}"
                      + ("…" if len(p.text) > 300 else ""))
    return "\n\n".join(blocks)


def index_report(report: IndexReport) -> str:
    """One line of counts, then the titles of what changed."""
    lines = [f"added {len(report.added)}, updated {len(report.updated)}, unchanged {len(report.unchanged)}, "
             f"deleted {len(report.deleted)}; {report.chunks_embedded} chunks embedded in {report.seconds:.1f} s"]
    for label, titles in (("added", report.added), ("updated", report.updated), ("deleted", report.deleted)):
        lines += [f"  {label}: {title}" for title in titles[:20]]
        if len(titles) > 20:
            lines.append(f"  {label}: … and {len(titles) - 20} more")
    return "\n".join(lines)


def sources_text(statuses: Sequence[SourceStatus]) -> str:
    """A small table of sources."""
    if not statuses:
        return "No sources configured."
    rows = [("NAME", "KIND", "ARTICLES", "CHUNKS", "OLDEST", "NEWEST", "LAST REFRESH", "LOCATION")]
    rows += [(Scope(s.scope).label(s.name), s.kind, str(s.articles),
              str(s.chunks), s.oldest or "-", s.newest or "-", s.last_indexed or "never", s.location)
             for s in statuses]
    widths = [max(len(r[i]) for r in rows) for i in range(7)]
    lines = ["  ".join(r[i].ljust(widths[i]) for i in range(7)) + "  " + r[7] for r in rows]
    lines += [health_line(s) for s in statuses if s.last_error or s.last_success or s.health != "ok"]
    return "\n".join(lines)


def health_line(s: SourceStatus) -> str:
    """One line on a source's health: its state, last success and last error (with its kind)."""
    error = ""
    if s.last_error:
        kind = f"{s.last_error_kind}, " if s.last_error_kind else ""
        error = f"; last error ({kind}{s.last_error_at or '?'}): {s.last_error}"
    return f"{s.name}: {s.health}; last success {s.last_success or 'never'}{error}"


def eval_text(result: dict) -> str:
    """The evaluation metrics, one per line (the per-question rows only in --json), then one line per
    language when the questions were asked in more than one."""
    lines = [f"{key:>20}: {value:.3f}" if isinstance(value, float) else f"{key:>20}: {value}"
             for key, value in result.items() if key not in ("questions", "languages")]
    return "\n".join(lines + eval_language_lines(result.get("languages") or {}))


def eval_language_lines(languages: dict) -> list[str]:
    """`language  questions  recall@4000c  answer_accuracy`, one line per language (none for one language)."""
    if len(languages) < 2:
        return []
    cell = lambda value: "-" if value is None else f"{value:.3f}"  # noqa: E731
    return [f"{'language':>20}  questions  recall@4000c  answer_accuracy"] + [
        f"{language:>20}  {row['answerable']:>9}  {cell(row['recall@4000c']):>12}  {cell(row['answer_accuracy']):>15}"
        for language, row in languages.items()]


def eval_split_text(rows: dict) -> str:
    """The three evaluation rows (tune, report, all weeks), each headed by its name and weeks."""
    return "\n\n".join(f"[{name}: {len(row['weeks'])} weeks]\n{eval_text(row)}" for name, row in rows.items())


def feedback_text(rows: Sequence[Feedback]) -> str:
    """Feedback rows, newest first: date, vote, user, server, question, then the start of the answer."""
    if not rows:
        return "No feedback yet."
    blocks = []
    for row in rows:
        vote = "👍" if row.vote > 0 else "👎"
        answer = row.answer if len(row.answer) <= 200 else row.answer[:200] + "…"
        server = vote_server(row.scope)
        where = f"  server {server}" if server else ""
        blocks.append(f"{row.created[:16]}  {vote}  user {row.user_id}{where}\n  Q: {row.question}\n  A: {answer}")
    return "\n".join(blocks)


def vote_server(scope: str) -> str:
    """The Discord server a vote was given in, read back from the scope the bot filed it under
    (bot/discord/access.py::vote_scope): the server's id, "" for a DM (the shared scope)."""
    try:
        server = Scope(scope).server_id
    except ValueError:
        return str(scope)  # not a scope this version knows: shown as stored
    return "" if server is None else str(server)


def feedback_record(row: Feedback) -> dict[str, Any]:
    """A vote as `newsbot feedback --json` prints it: the stored scope and place as the Discord server and
    channel they are (`guild_id`, `channel_id`: "" in a DM), the rest as stored."""
    record: dict[str, Any] = {}
    for key, value in asdict(row).items():
        if key == "scope":
            record["guild_id"] = vote_server(value)
        elif key == "place":
            record["channel_id"] = value
        else:
            record[key] = value
    return record


def _day(value) -> str | None:
    return value.isoformat() if value else None


def covered_by(story: Story, words: Mapping[str, str] | None = None) -> str:
    """"Covered by 1 outlet", "Covered by 3 outlets" (or in the language of `words`, `NewsPort.phrases`)."""
    if words is not None:
        count = len(story.outlets)
        return words["covered_by_one"] if count == 1 else words["covered_by"].format(count=count)
    return f"Covered by {len(story.outlets)} outlet" + ("s" if len(story.outlets) != 1 else "")


def digest_json(digest: Digest) -> dict:
    """The `digest --json` contract: stories[title, summary, first, last, outlets, outlet_count, articles,
    citations]."""
    return {"stories": [{
        "title": s.title, "summary": s.summary, "first": _day(s.first), "last": _day(s.last),
        "outlets": list(s.outlets), "outlet_count": len(s.outlets),
        "articles": [{"title": a.title, "url": a.url, "source": a.source, "published": _day(a.published)}
                     for a in s.articles],
        "citations": citations_json(s.citations),
    } for s in digest.stories]}


def digest_text(digest: Digest, words: Mapping[str, str] | None = None) -> str:
    """The stories for the terminal: title, dates and outlets, the cited summary, the sources. With `words`
    (`NewsPort.phrases` of a language) the words around them are in that language."""
    if not digest.stories:
        since = f" since {digest.since.isoformat()}" if digest.since else ""
        if words is not None:
            day = written_day(words, digest.since, with_year=True) if digest.since else ""
            return words["nothing_new"].format(since=f" {words['since'].format(day=day)}" if day else "")
        return f"No articles{since} in the index: nothing to digest (try a wider --since, or `newsbot index`)."
    blocks = []
    for number, story in enumerate(digest.stories, start=1):
        dash = " to " if words is None else " – "
        days = dash.join(dict.fromkeys((_day(d) if words is None else written_day(words, d, with_year=True))
                                       for d in (story.first, story.last) if d))
        lines = [f"{number}. {story.title}",
                 f"   {days or _word(words, 'undated')} · {_articles(len(story.articles), words)} · "
                 f"{covered_by(story, words)}: {', '.join(story.outlets)}"]
        if story.summary:
            lines.append(f"   {story.summary}")
        lines += [f"   {n} {_source_line(c.title, c.outlet or c.source, c.published, c.url)}"
                  for n, c in by_article(story.citations)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _word(words: Mapping[str, str] | None, key: str) -> str:
    return words[key] if words is not None else {"undated": "undated"}[key]


def _articles(count: int, words: Mapping[str, str] | None) -> str:
    if words is None:
        return f"{count} article" + ("s" if count != 1 else "")
    return words["one_article"] if count == 1 else words["articles"].format(count=count)
