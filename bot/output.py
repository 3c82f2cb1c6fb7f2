"""How results look on a terminal and as JSON: pure functions over the core's dataclasses."""
from __future__ import annotations

from typing import Sequence

from index.feedback import Feedback
from index.types import Answer, IndexReport, Passage, SourceStatus


def answer_json(answer: Answer) -> dict:
    """The `ask --json` contract: answer, refused, citations[n, title, source, url, published, quote]."""
    payload = {
        "answer": answer.text,
        "refused": answer.refused,
        "citations": [
            {"n": c.n, "title": c.title, "source": c.source, "url": c.url, "published": c.published, "quote": c.quote}
            for c in answer.citations
        ],
    }
    if answer.refused:
        payload["closest"] = [{"title": a.title, "url": a.url, "source": a.outlet, "published": a.published}
                              for a in answer.closest]
    if answer.note:
        payload["note"] = answer.note
    return payload


def _source_line(title: str, outlet: str, published: str, url: str) -> str:
    details = ", ".join(part for part in (outlet, published[:10]) if part)
    line = f"{title} ({details})" if details else title
    return f"{line} <{url}>" if url else line


def answer_text(answer: Answer) -> str:
    """An answer for the terminal: text, then the numbered sources (or the closest articles)."""
    lines = [answer.text]
    if answer.note:
        lines += ["", f"Note: {answer.note}"]
    if answer.citations:
        lines += ["", "Sources:"]
        lines += [f"[{c.n}] {_source_line(c.title, c.outlet or c.source, c.published, c.url)}" for c in answer.citations]
    if answer.refused and answer.closest:
        lines += ["", "Closest articles:"]
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
    rows = [("NAME", "KIND", "ARTICLES", "CHUNKS", "LAST INDEXED", "LOCATION")]
    rows += [(s.name, s.kind, str(s.articles), str(s.chunks), s.last_indexed or "never", s.location) for s in statuses]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return "\n".join("  ".join(r[i].ljust(widths[i]) for i in range(5)) + "  " + r[5] for r in rows)


def eval_text(result: dict) -> str:
    """The evaluation metrics, one per line (the per-question rows only in --json)."""
    return "\n".join(f"{key:>20}: {value:.3f}" if isinstance(value, float) else f"{key:>20}: {value}"
                     for key, value in result.items() if key != "questions")


def eval_split_text(rows: dict) -> str:
    """The three evaluation rows (tune, report, all weeks), each headed by its name and weeks."""
    return "\n\n".join(f"[{name}: {len(row['weeks'])} weeks]\n{eval_text(row)}" for name, row in rows.items())


def feedback_text(rows: Sequence[Feedback]) -> str:
    """Feedback rows, newest first: date, vote, user, question, then the start of the answer."""
    if not rows:
        return "No feedback yet."
    blocks = []
    for row in rows:
        vote = "👍" if row.vote > 0 else "👎"
        answer = row.answer if len(row.answer) <= 200 else row.answer[:200] + "…"
        blocks.append(f"{row.created[:16]}  {vote}  user {row.user_id}\n  Q: {row.question}\n  A: {answer}")
    return "\n".join(blocks)
