"""The sources config: parsing, validation, adding and removing sources without losing comments."""
import pytest

from index.errors import BadInput
from index.sources.sources_config import SourceSpec, parse_sources, with_source_added, with_source_removed

CONFIG = """# my sources
[[source]]
name = "seeds"
kind = "folder"
location = "."

# a feed
[[source]]
name = "bbc"
kind = "feed"
location = "https://feeds.bbci.co.uk/news/rss.xml"
max_items = 50
"""


def test_parse_reads_every_source():
    specs = parse_sources(CONFIG)
    assert [s.name for s in specs] == ["seeds", "bbc"]
    assert specs[1] == SourceSpec("bbc", "feed", "https://feeds.bbci.co.uk/news/rss.xml", 50)


@pytest.mark.parametrize("text, message", [
    ("[[source]]\nname='a'\nkind='podcast'\nlocation='x'", "kind 'podcast'"),
    ("[[source]]\nname='a b'\nkind='url'\nlocation='x'", "needs a name"),
    ("[[source]]\nname='a'\nkind='url'\nlocation=''", "needs a location"),
    ("[[source]]\nname='a'\nkind='url'\nlocation='x'\n[[source]]\nname='a'\nkind='url'\nlocation='y'", "used twice"),
    ("[[source]\nname=", "not valid TOML"),
])
def test_bad_configs_name_the_problem(text, message):
    with pytest.raises(BadInput, match=message):
        parse_sources(text)


def test_add_then_remove_keeps_the_rest_verbatim():
    added = with_source_added(CONFIG, SourceSpec("ap", "url", 'https://apnews.com/a "quoted"'))
    assert [s.name for s in parse_sources(added)] == ["seeds", "bbc", "ap"]
    assert parse_sources(added)[2].location == 'https://apnews.com/a "quoted"'
    removed = with_source_removed(added, "bbc")
    assert [s.name for s in parse_sources(removed)] == ["seeds", "ap"]
    assert removed.startswith("# my sources\n[[source]]\nname = \"seeds\"")


def test_add_refuses_a_taken_name_and_remove_an_unknown_one():
    with pytest.raises(BadInput, match="already exists"):
        with_source_added(CONFIG, SourceSpec("bbc", "url", "https://x.org"))
    with pytest.raises(BadInput, match="no source named"):
        with_source_removed(CONFIG, "cnn")
