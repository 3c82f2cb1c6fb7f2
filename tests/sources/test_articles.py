"""Metadata parsing of plain-text articles, dates and ids."""
from index.sources.articles import article_id, normalize_date, outlet_from_url, parse_plain_article
from index.sources.readers import read_source
from index.sources.sources_config import SourceSpec
from tests.support.paths import SEED_ARTICLE


def test_seed_article_metadata_is_parsed():
    raw = SEED_ARTICLE.read_text(encoding="utf-8")
    article = parse_plain_article(raw, source="seeds", key="seeds/x.txt")
    assert article.title == ("After call with Trump, Putin agrees to pause attacks on Ukraine’s energy and "
                             "infrastructure targets")
    assert article.authors == ("Alayna Treene", "Kevin Liptak", "Alex Marquardt", "Jennifer Hansler")
    assert article.outlet == "CNN"
    assert article.published == "2025-03-19T00:37:00-04:00"
    # the body starts at the first paragraph; header lines are gone
    assert article.text.startswith("Russian President Vladimir Putin agreed to temporarily halt attacks")
    assert "minute read" not in article.text and "Updated 12:37" not in article.text
    last_line = [line for line in raw.splitlines() if line.strip()][-1].strip()
    assert article.text.endswith(last_line)


def test_article_without_header_keeps_its_body():
    raw = "A short headline\n\n" + "This sentence has exactly enough words to be counted as the body of the article. " * 2
    article = parse_plain_article(raw, source="s", key="k")
    assert article.title == "A short headline"
    assert article.text.startswith("This sentence")
    assert article.authors == () and article.published == ""


def test_ids_are_stable_and_distinct():
    assert article_id("https://example.com/a") == article_id("https://example.com/a")
    assert article_id("https://example.com/a") != article_id("https://example.com/b")
    assert len(article_id("x")) == 16


def test_dates_normalise_or_come_back_empty():
    assert normalize_date("Published 9:05 PM EST, Mon January 6, 2025") == "2025-01-06T21:05:00-05:00"
    assert normalize_date("2025-03-01") == "2025-03-01"
    assert normalize_date("not a date at all") == ""
    assert normalize_date(None) == ""


def test_outlet_from_url_drops_www():
    assert outlet_from_url("https://www.cnn.com/2025/03/18/politics/x") == "cnn.com"


LONG = ("The council met for four hours on Tuesday evening and voted to close the old bridge to all traffic "
        "until the spring, when engineers will inspect it again.")


def test_a_short_lead_paragraph_after_a_header_is_kept():
    raw = ("Bridge closes for the winter\nBy Ana Ruiz and Tom Lee, AP\nUpdated 9:05 PM EST, Mon January 6, 2025\n"
           "3 min read\n\nAP\n —\nThe old bridge closes tomorrow.\n\n" + LONG)
    article = parse_plain_article(raw, source="s", key="k")
    assert article.title == "Bridge closes for the winter"
    assert article.authors == ("Ana Ruiz", "Tom Lee") and article.outlet == "AP"
    assert article.published == "2025-01-06T21:05:00-05:00"
    assert article.text.startswith("The old bridge closes tomorrow.\n\nThe council met")


def test_a_lead_that_only_looks_like_a_header_is_kept():
    raw = "Bridge closes\n\nBy the time the vote came, most had left.\nUpdated figures come next week.\n\n" + LONG
    article = parse_plain_article(raw, source="s", key="k")
    assert article.authors == () and article.published == ""
    assert article.text.startswith("By the time the vote came, most had left.\nUpdated figures come next week.")


def test_a_headerless_markdown_file_is_taken_whole(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "titled.md").write_text("# Bridge closes\n\nA short lead.\n\n" + LONG, encoding="utf-8")
    (folder / "untitled.md").write_text("The bridge closes.\nEngineers agree.\n\n" + LONG, encoding="utf-8")
    articles, errors = read_source(SourceSpec("n", "folder", str(folder)), tmp_path, timeout=1.0,
                                   max_bytes=1000, allow_private=False)
    texts = {a.title: a.text for a in articles}
    assert errors == [] and texts == {"Bridge closes": "A short lead.\n\n" + LONG,
                                      "The bridge closes.": "The bridge closes.\nEngineers agree.\n\n" + LONG}


def test_a_first_paragraph_is_never_taken_for_a_title():
    article = parse_plain_article(LONG + "\n\nA second, short paragraph.", source="s", key="k")
    assert article.text == LONG + "\n\nA second, short paragraph."
