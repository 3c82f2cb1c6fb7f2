"""Pure rendering: splitting under Discord's limits without breaking words or [n] markers."""
import re

import pytest

from bot.discord.render import (MARKER, answer_messages, clip, no_previews, pack, quotes_messages, report_text,
                        sources_messages, split_text)
from index.answering.phrases import default_phrases
from index.types import Answer, ArticleRef, Citation, IndexReport, ItemError, SourceStatus
from tests.support.fake_discord import message_problems

WORDS = "the ceasefire talks in Riyadh covered energy infrastructure and the Black Sea shipping lanes".split()


def long_text(n_sentences: int) -> str:
    """Sentences with markers of several shapes ([1], [2, 3], [4-5]) after their claims, and paragraphs."""
    out = []
    for i in range(n_sentences):
        words = " ".join(WORDS[(i + j) % len(WORDS)] for j in range(8 + i % 9))
        marker = ["[1]", "[2, 3]", "[4-5]", "[12]"][i % 4]
        out.append(f"{words.capitalize()} {marker}.")
        if i % 7 == 6:
            out.append("\n\n")
    return " ".join(out)


def as_discord_payload(embeds):
    return {"embeds": embeds, "allowed_mentions": {"parse": []}}


@pytest.mark.parametrize("limit", [40, 97, 500, 4096])
def test_split_text_keeps_words_and_markers_whole(limit):
    text = long_text(400)
    parts = split_text(text, limit)
    assert len(parts) > 1 or len(text) <= limit
    assert all(0 < len(p) <= limit for p in parts)
    assert " ".join(parts).split() == text.split()  # no word broken, none lost
    assert [m.group() for p in parts for m in MARKER.finditer(p)] == [m.group() for m in MARKER.finditer(text)]
    # a marker stays with the claim before it: no part starts with one
    assert not any(MARKER.match(p) for p in parts)


def test_split_text_prefers_paragraph_breaks():
    text = ("A" * 10 + " word") * 30 + "\n\n" + "tail " * 20
    parts = split_text(text, len(text) - 50)
    assert parts[0].endswith("word") and parts[1].startswith("tail")


def test_split_text_cuts_an_overlong_word_but_not_a_marker():
    url = "https://example.com/" + "x" * 300
    parts = split_text(f"see {url}[7] now", 100)
    assert all(len(p) <= 100 for p in parts)
    assert [m.group() for p in parts for m in MARKER.finditer(p)] == ["[7]"]
    assert "".join(p.replace(" ", "") for p in parts) == f"see{url}[7]now"


def test_clip_and_no_previews():
    assert clip("short", 10) == "short"
    clipped = clip("word " * 100, 50)
    assert len(clipped) <= 50 and clipped.endswith("…") and "wor…" not in clipped
    assert no_previews("read https://x.org/a and [t](https://y.org) <https://z.org>") == \
        "read <https://x.org/a> and [t](https://y.org) <https://z.org>"
    assert no_previews("cannot add http://h.org/f.xml: see https://h.org/a?b=1.") == \
        "cannot add <http://h.org/f.xml>: see <https://h.org/a?b=1>."


def citation(n: int, quote: str = "Putin agreed to halt attacks on energy targets.") -> Citation:
    return Citation(n=n, title=f"Article {n} [live]", source="news", url=f"https://news.example/{n}",
                    published="2025-03-19T10:00:00", quote=quote, outlet="CNN")


def test_answer_embed_has_text_and_cited_sources():
    answer = Answer(text="Putin agreed to pause attacks on energy targets [1].", refused=False,
                    citations=(citation(1),), question="What did Putin agree to?")
    [message] = answer_messages(answer)
    main, sources = message
    assert main["title"] == "What did Putin agree to?"
    assert main["description"] == answer.text
    assert sources["title"] == "Sources"
    assert sources["description"] == "**[1]** [Article 1 \\(live\\)](https://news.example/1) — CNN, 2025-03-19"


def test_an_article_cited_for_several_passages_is_one_source():
    same = [Citation(n=n, title="Article 1 [live]", source="news", url="https://news.example/1",
                     published="2025-03-19T10:00:00", quote=f"Passage {n}.", outlet="CNN", article_id="a1")
            for n in (1, 3)]
    answer = Answer(text="One [1]. Two [2]. Three [3].", refused=False, citations=(same[0], citation(2), same[1]))
    [[_, sources]] = answer_messages(answer)
    assert sources["description"].splitlines() == [
        "**[1, 3]** [Article 1 \\(live\\)](https://news.example/1) — CNN, 2025-03-19",
        "**[2]** [Article 2 \\(live\\)](https://news.example/2) — CNN, 2025-03-19"]


def test_long_answer_is_split_into_valid_messages():
    text = long_text(900)  # ~55,000 characters
    cites = tuple(citation(n) for n in range(1, 40))
    answer = Answer(text=text, refused=False, citations=cites, question="q " * 200, note="a note")
    messages = answer_messages(answer)
    assert len(messages) > 5
    for embeds in messages:
        assert message_problems(as_discord_payload(embeds), creating=True) == []
    descriptions = [e["description"] for m in messages for e in m if e.get("title") != "Sources"]
    assert " ".join(descriptions).split() == text.split()
    sources = "\n".join(e["description"] for m in messages for e in m if e.get("title") == "Sources")
    assert [int(n) for n in re.findall(r"^\*\*\[(\d+)\]\*\*", sources, re.M)] == list(range(1, 40))
    assert messages[-1][-1]["title"] == "Sources"


def test_refusal_lists_the_closest_articles():
    answer = Answer(text="The articles do not say what Zelensky had for breakfast.", refused=True,
                    closest=(ArticleRef("Putin agrees to pause", "https://cnn.com/a", "CNN", "2025-03-19"),))
    [[main, closest]] = answer_messages(answer, "what did Zelensky eat?")
    assert main["title"] == "Not found in the indexed articles" and "breakfast" in main["description"]
    assert closest["description"] == "• [Putin agrees to pause](https://cnn.com/a) — CNN, 2025-03-19"


def test_quotes_are_exact_and_within_limits():
    long_quote = "word " * 1500
    answer = Answer(text="x [1] y [2]", refused=False, citations=(citation(2, long_quote.strip()), citation(1)))
    messages = quotes_messages(answer)
    embeds = [e for m in messages for e in m]
    assert embeds[0]["title"].startswith("[1] ") and embeds[0]["description"] == citation(1).quote
    assert " ".join(e["description"] for e in embeds[1:]).split() == long_quote.split()
    for m in messages:
        assert message_problems(as_discord_payload(m), creating=True) == []


def test_an_answer_citing_nothing_says_so_in_its_language():
    german = Answer("Nichts zitiert.", refused=False, language="de")
    [[embed]] = quotes_messages(german, default_phrases()["de"].texts)
    assert embed["description"] == "Diese Antwort zitiert keine Textstellen."
    assert quotes_messages(german)[0][0]["description"] == "This answer cites no passages."  # no words: English


def test_a_german_answers_notes_are_its_footer():
    answer = Answer("Putin stimmte zu [1].", refused=False, citations=(citation(1),), language="de",
                    note="Das Sprachmodell ist nicht verfügbar; dies sind stattdessen zitierte Textstellen.",
                    age_note="Der neueste Artikel dazu ist vom 19. März.")
    [[main, sources]] = answer_messages(answer, "Worauf hat sich Putin geeinigt?", default_phrases()["de"].texts)
    assert main["footer"]["text"] == f"{answer.note} {answer.age_note}" and sources["title"] == "Quellen"


def test_pack_respects_the_total_and_count():
    embeds = [{"description": "x" * 4000}] * 3 + [{"description": "y"}] * 12
    messages = pack(embeds)
    assert [len(m) for m in messages] == [1, 1, 10, 3]  # 4000+4000 > 6000; then at most 10 per message


def test_sources_listing_and_report():
    [[embed]] = sources_messages([SourceStatus("seeds", "folder", ".", 1, 13, "2025-03-19T10:00:00+00:00"),
                                  SourceStatus("wire", "feed", "https://w.example/rss", 0, 0, "")])
    assert "**seeds** (folder) — 1 article, 13 passages, last indexed <t:1742378400:R>" in embed["description"]
    assert "**wire** (feed) — 0 articles, 0 passages, never indexed" in embed["description"]
    report = IndexReport(added=["a", "b"], updated=["c"], deleted=["d"], seconds=1.23,
                         errors=[ItemError("wire", f"https://w.example/{i}", "timeout " * 20) for i in range(50)])
    text = report_text(report, "wire")
    assert text.startswith("Re-index of **wire** finished in 1.2 s: 2 added, 1 updated, 0 unchanged, 1 deleted.")
    assert len(text) <= 2000 and "<https://w.example/0>" in text


def test_masked_links_from_articles_are_shown_with_their_real_target():
    from bot.discord.render import answer_messages, defuse_links, quotes_messages
    from index.types import Answer, Citation

    assert defuse_links("see [the BBC](http://evil.example/x) now") == "see the BBC (<http://evil.example/x>) now"
    assert defuse_links("[a](<https://x.org/y> \"title\")") == "a (<https://x.org/y>)"
    quote = "Read [cnn.com](https://evil.example/phish) for more."
    answer = Answer(text=f"“{quote}” [1]", refused=False,
                    citations=(Citation(1, "T", "CNN", "", "2025-03-19", quote),))
    shown = [e["description"] for m in answer_messages(answer) + quotes_messages(answer) for e in m]
    assert all("](" not in text for text in shown)
    assert any("cnn.com \\(<https://evil.example/phish>\\)" in text for text in shown)
