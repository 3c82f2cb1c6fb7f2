"""What the bot posts when news arrives, rendered from the core's vocabulary: pure, no discord import.

Article text is untrusted: titles, outlets and quotes go through bot/discord/text.py, links are checked
http(s) URLs shown as they are, and nothing can mention anybody (the poster also sends allowed_mentions=none).
"""
from __future__ import annotations

from bot.discord.push.poster import Outgoing
from bot.discord.render import INFO_COLOUR, ANSWER_COLOUR, clip
from bot.discord.text import escape_line, escape_markdown, safe_url
from index.types import Citation, NewArticle

LEAD_CHARS = 300
QUOTE_CHARS = 300


def _details(outlet: str, published: str) -> str:
    return " · ".join(escape_line(x) for x in (outlet, published[:10]) if x)


def article_post(article: NewArticle, source_label: str, thread: bool = True, outlets: int = 1) -> Outgoing:
    """A feed post: the article's title (linked), outlet and date, its first lines, how many outlets tell its
    story (when more than one); a thread named after it."""
    covered = f"covered by {outlets} outlets" if outlets > 1 else ""
    footer = " · ".join(x for x in (source_label, _details(article.outlet, article.published), covered) if x)
    embed: dict = {"title": clip(escape_line(article.title) or "Untitled", 256), "color": ANSWER_COLOUR,
                   "description": clip(escape_markdown(" ".join(article.lead.split())), LEAD_CHARS) or "—",
                   "footer": {"text": clip(footer, 2048)}}
    url = safe_url(article.url)
    if url:
        embed["url"] = url
    name = clip(" ".join(article.title.split()) or "News", 100)
    return Outgoing(embeds=(embed,), thread_name=name if thread else "", article_id=article.article_id)


def more_line(count: int, source_label: str, cap: int) -> Outgoing:
    """The one line for the articles over the per-refresh cap."""
    noun = "article" if count == 1 else "articles"
    return Outgoing(content=f"…and {count} more new {noun} from **{escape_line(source_label)}** (at most {cap} "
                            "are posted per refresh; ask me about them with /ask).")


def follow_notice(topic: str, citation: Citation) -> Outgoing:
    """A short cited notice of a new article on a followed topic: title, outlet, date, link, one quoted sentence."""
    url = safe_url(citation.url)
    details = _details(citation.outlet, citation.published)
    quote = clip(escape_markdown(" ".join(citation.quote.split())), QUOTE_CHARS)
    lines = [f"New on **{clip(escape_line(topic), 100)}**: {clip(escape_line(citation.title), 200)}"
             + (f" — {details}" if details else ""),
             f"> “{quote}” [1]"]
    if url:
        lines.append(f"[1] <{url}>")
    return Outgoing(content=clip("\n".join(lines), 2000), embeds=(), article_id=citation.article_id)


def list_lines(rows: list[str], empty: str) -> str:
    """A short listing for /feed list and /follow list (ephemeral, within Discord's 2,000 characters)."""
    return clip("\n".join(rows), 1900) if rows else empty


__all__ = ["article_post", "more_line", "follow_notice", "list_lines", "INFO_COLOUR"]
