"""Article and feed text is data in every Discord render: no masked link, mention, heading or code block."""
import re
from urllib.parse import urlsplit

import pytest

from bot.discord.text import escape_markdown, safe_url
from bot.discord.render import answer_messages, draft_text, quotes_messages, report_text
from index.types import Answer, ArticleRef, Citation, IndexReport, ItemError
from tests.support.fake_discord import message_problems

PHISH_URL = "https://site.example/a.html?x=)[Verify your account](http://evil.example/login"
HOSTILE_TITLE = "Breaking](http://evil.example/t) @everyone <@123456789012345678> <t:1:R> ||x|| `code`"
HOSTILE_TEXT = ("# Heading\n```\n[Verify your account](http://evil.example/login)\n> quote\n-# small\n"
                "@here <@&42> </cmd:1> ~~gone~~ **bold** https://ok.example/a_(b)")

# A masked link: an unescaped [text](target).
_MASKED = re.compile(r"(?<!\\)\[((?:\\.|[^\]\\])*)(?<!\\)\]\((?!\\)([^)\s]*)\)")


def masked_links(text: str) -> list[tuple[str, str]]:
    return _MASKED.findall(text)


def unescaped(text: str, token: str) -> bool:
    return any(m.start() == 0 or text[m.start() - 1] != "\\" for m in re.finditer(re.escape(token), text))


def assert_inert(text: str, allowed_hosts: set[str] = frozenset()) -> None:
    for _, target in masked_links(text):
        assert urlsplit(target).hostname in allowed_hosts, (target, text)
    for token in ("@everyone", "@here", "<@", "<t:", "</", "```", "||", "~~", "**b", "-#"):
        assert not unescaped(text, token), (token, text)
    assert not re.search(r"(?m)^\s*(#|>)", text), text


def citation(url: str = PHISH_URL, title: str = "Breaking news", quote: str = HOSTILE_TEXT) -> Citation:
    return Citation(1, title, "wire", url, "2025-03-19", quote, outlet="Wire <@1> **x**")


def shown(messages) -> list[str]:
    return [e.get(k, "") for m in messages for e in m for k in ("title", "description")]


def test_a_phishing_url_in_the_sources_list_links_only_to_its_own_site():
    answer = Answer(text="“Talks resumed on Monday.” [1]", refused=False, citations=(citation(),))
    [[_, sources]] = answer_messages(answer, "q")
    links = masked_links(sources["description"])
    assert len(links) == 1 and urlsplit(links[0][1]).hostname == "site.example"
    assert "Verify your account" not in links[0][0] and "%29%5BVerify%20your%20account%5D%28" in links[0][1]


@pytest.mark.parametrize("url", [PHISH_URL, "javascript:alert(1)", "http://[::1", "https://ok.example/p"])
def test_titles_urls_and_text_are_inert_everywhere(url):
    cite = citation(url=url, title=HOSTILE_TITLE)
    answer = Answer(text=f"“{HOSTILE_TEXT}” [1]", refused=False, citations=(cite,), question=HOSTILE_TITLE)
    refusal = Answer(text="Not found.", refused=True, closest=(ArticleRef(HOSTILE_TITLE, url, "<@1>", ""),))
    messages = answer_messages(answer, "q") + answer_messages(refusal, "q") + quotes_messages(answer)
    for message in messages:
        assert message_problems({"embeds": message, "allowed_mentions": {"parse": []}}, creating=True) == []
        for embed in message:
            assert "url" not in embed or embed["url"] == safe_url(url) != ""
    draft = draft_text(answer.text).rsplit("\n-# writing…", 1)[0]  # our own subtext line ends the draft
    for text in shown(messages) + [draft]:
        assert_inert(text, {"site.example", "ok.example"})


def test_a_re_index_report_shows_hostile_feed_items_as_text():
    report = IndexReport(errors=[ItemError("wire", PHISH_URL, "HTTP 404 [Verify](http://evil.example) @everyone"),
                                 ItemError("wire", HOSTILE_TITLE, "```\n# boom")])
    text = report_text(report, "wire")
    assert_inert(text)
    assert "<http://evil.example>" in text  # a link is shown with its real target, never masked


def test_escaping_keeps_citation_markers_and_plain_text_readable():
    assert escape_markdown("Putin agreed [1]. Talks [2, 3] and [4-5].") == "Putin agreed [1]. Talks [2, 3] and [4-5]."
    assert escape_markdown("A [1](http://evil.example) b") == "A [1]\\(<http://evil.example>\\) b"
    assert escape_markdown("see https://x.org/a.") == "see <https://x.org/a>."
    assert safe_url("ftp://x.org/") == safe_url("javascript:alert(1)") == safe_url("http://[::1") == ""
    assert safe_url("https://x.org/a b\n(c)") == "https://x.org/a%20b%0A%28c%29"
