"""A digest's stories (index/news/digest.py): titled by the article that fits the whole story, near-duplicate
stories shown once, the outlets that cover each counted, summaries that tell the headline's fact."""
from __future__ import annotations

import numpy as np

from index.answering.writers import ExtractiveWriter
from index.news.digest import build_digest, grouped_stories, near_duplicates, without_duplicates
from index.news.leads import Lead
from index.news.stories import StoryParams
from index.types import Passage
from tests.support.hashing_embedder import HashingEmbedder

EMBEDDER = HashingEmbedder()
LOOSE = StoryParams(threshold=0.3, names=0.4, title=0.2, link=0.0)


def lead(article_id: str, title: str, text: str, outlet: str, day: int, vector: np.ndarray | None = None) -> Lead:
    passage = Passage(chunk_id=f"{article_id}#0", article_id=article_id, text=text, title=title, source="wire",
                      outlet=outlet, url=f"https://example.org/{article_id}")
    return Lead(passage, EMBEDDER.embed([f"{title}\n{text}"])[0] if vector is None else vector, day, "shared")


CRASH = [
    lead("a1", "Plane and helicopter collide over Potomac near Reagan airport",
         "An American Airlines jet and an Army helicopter collided over the Potomac River near Reagan National "
         "Airport on Wednesday night, officials said.", "CNN", 100),
    lead("a2", "Dozens dead after plane and helicopter collide near Reagan airport",
         "Dozens of people died when an American Airlines plane and an Army helicopter collided near Reagan "
         "National Airport over the Potomac, officials said.", "AP", 100),
    lead("a3", "Divers recover black boxes",
         "Divers recovered the black boxes of the American Airlines plane that collided with an Army helicopter "
         "over the Potomac near Reagan airport.", "CNN", 101),
]


def writer() -> ExtractiveWriter:
    return ExtractiveWriter(EMBEDDER.embed, lambda: {})


def test_a_story_is_titled_by_the_article_that_fits_all_of_it_and_counts_its_outlets():
    [story] = build_digest(CRASH, writer(), None, None, params=LOOSE).stories
    assert len(story.articles) == 3
    assert story.title != "Divers recover black boxes"  # one sub-event does not title the story
    assert story.outlets == ("CNN", "AP")
    [alone] = build_digest(CRASH[2:], writer(), None, None, params=LOOSE).stories
    assert alone.outlets == ("CNN",)


def test_near_duplicate_stories_are_shown_once():
    # the grouping kept them apart (their vectors are made unrelated), the digest still shows one story
    x, y = np.eye(384, dtype=np.float32)[:2]
    twins = [lead("g1", "Gaza ceasefire takes hold as first hostages are freed", "The ceasefire began on Sunday.",
                  "BBC", 200, x),
             lead("g2", "Gaza ceasefire takes hold as hostages freed", "Three hostages were released.", "NPR", 201, y)]
    stories = grouped_stories(twins)
    assert len(stories) == 2 and near_duplicates(stories[0], stories[1])
    [shown] = without_duplicates(stories, limit=10)
    assert {lead.passage.article_id for lead in shown.leads} == {"g1", "g2"}
    [story] = build_digest(twins, writer(), None, None).stories
    assert len(story.outlets) == 2
    later = lead("g3", "Gaza ceasefire takes hold as hostages freed", "Another truce.", "NPR", 230, x)
    assert not near_duplicates(stories[0], grouped_stories([later])[0])  # a month later: another event
    other = lead("o1", "Markets slide on tariff fears", "Stocks fell.", "CNN", 200, y)
    assert len(without_duplicates(grouped_stories(twins + [other]), limit=10)) == 2
    assert len(without_duplicates(grouped_stories(twins + [other]), limit=1)) == 1


def test_a_storys_summary_tells_its_headlines_fact_not_the_outlets_notes():
    text = ("Editor's note: This page summarizes reporting from several outlets. What happens next? "
            "Harbour officials in Saltmere expect delays all week. "
            "Ferry crews in Saltmere went on strike over pay on Monday, halting every crossing. "
            "Commuters queued at the bus station instead.")
    story = lead("f1", "Saltmere ferry crews strike over pay", text, "Saltmere Post", 300)
    [digest_story] = build_digest([story], writer(), None, None).stories
    assert digest_story.summary.startswith("“Ferry crews in Saltmere went on strike over pay")
    assert "Editor's note" not in digest_story.summary and "?" not in digest_story.summary
