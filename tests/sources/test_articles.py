"""Metadata parsing of plain-text articles, dates and ids."""
from index.sources.articles import article_id, normalize_date, outlet_from_url, parse_plain_article
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
