"""A digest: the stories of a window of days, newest and most covered first, each with a short cited summary.

Each story is titled and summarised from one article (the one whose title the others repeat most), so a
digest cites one article per story; its other articles are listed with their outlets. Near-duplicate stories
are shown once. Only the stories shown are summarised: summarising is the cost of a digest.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Sequence

import numpy as np

from index.answering.writers import AnswerWriter, SummaryRequest
from index.news.leads import Lead
from index.news.repeats import repeats
from index.news.stories import DEFAULT_PARAMS, PairJudge, StoryParams, group
from index.text import shingles, terms
from index.types import Answer, Digest, Scope, Story, StoryArticle

EPOCH = date(1970, 1, 1)
DUPLICATE_TITLES = 0.6  # Jaccard of two stories' title terms from which they are one story shown twice


@dataclass(frozen=True)
class Grouped:
    """One story before it is summarised: its leads (oldest first) and the most central one."""

    leads: tuple[Lead, ...]
    central: Lead

    @property
    def last_day(self) -> int:
        return max(lead.day for lead in self.leads)

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(outlet_of(lead) for lead in self.leads))


def day_to_date(day: int) -> date | None:
    """The date of a day number (days since 1970), None when undated (-1)."""
    return EPOCH + timedelta(days=day) if day >= 0 else None


def outlet_of(lead: Lead) -> str:
    """The outlet users see, as answers' citations show it: the outlet, else the source's name."""
    return lead.passage.outlet or Scope.split(lead.passage.source)[1]


def grouped_stories(leads: Sequence[Lead], params: StoryParams = DEFAULT_PARAMS,
                    judge: PairJudge | None = None) -> list[Grouped]:
    """The leads grouped into stories (`judge` reading the borderline pairs), newest first, then most outlets,
    then most articles."""
    signals = [lead.signal() for lead in leads]
    stories = [_grouped([leads[i] for i in members]) for members in group(signals, params, judge)]
    return sorted(stories, key=_order)


def _order(story: Grouped) -> tuple:
    return -story.last_day, -len(story.outlets), -len(story.leads), story.leads[0].passage.article_id


def _grouped(leads: Sequence[Lead]) -> Grouped:
    chosen = tuple(sorted(leads, key=lambda l: (l.day, l.passage.article_id)))
    return Grouped(chosen, _central(chosen))


def _central(leads: Sequence[Lead]) -> Lead:
    """The article that fits the whole story best, whose title and summary stand for it: the one whose title
    terms the other articles (titles and leads) repeat most, then the one closest to the mean of the lead
    vectors (so a story of several events is not titled by one of them)."""
    if len(leads) == 1:
        return leads[0]
    vectors = np.stack([lead.vector / max(float(np.linalg.norm(lead.vector)), 1e-9) for lead in leads])
    closeness = vectors @ vectors.mean(axis=0)
    words = [set(terms(f"{lead.passage.title} {lead.passage.text}")) for lead in leads]
    shared = [_title_support(i, leads, words) for i in range(len(leads))]
    return leads[max(range(len(leads)), key=lambda i: (round(shared[i], 6), closeness[i], -i))]


def _title_support(i: int, leads: Sequence[Lead], words: Sequence[set[str]]) -> float:
    """The mean share of article i's title terms that each other article of the story uses."""
    own = set(terms(leads[i].passage.title))
    if not own:
        return 0.0
    return sum(len(own & words[j]) / len(own) for j in range(len(leads)) if j != i) / (len(leads) - 1)


def near_duplicates(a: Grouped, b: Grouped, max_days: int = DEFAULT_PARAMS.max_days) -> bool:
    """True when two stories look like one (their titles mostly alike, or one lead repeating the other's
    text) and were told within `max_days` of each other: a digest shows them once."""
    return _alike(_mark(a), _mark(b), max_days)


def _mark(story: Grouped) -> tuple[int, set[str], frozenset[str]]:
    """What near-duplicates are told by: the story's last day, its title's terms, its lead's word bigrams."""
    return story.last_day, set(terms(story.central.passage.title)), shingles(story.central.passage.text)


def _alike(a: tuple, b: tuple, max_days: int = DEFAULT_PARAMS.max_days) -> bool:
    if a[0] >= 0 and b[0] >= 0 and abs(a[0] - b[0]) > max_days:
        return False
    titles = a[1] and b[1] and len(a[1] & b[1]) / len(a[1] | b[1]) >= DUPLICATE_TITLES
    return bool(titles) or repeats(a[2], b[2])


def without_duplicates(stories: Sequence[Grouped], limit: int) -> list[Grouped]:
    """The first `limit` stories in their order, each later near-duplicate of a shown story merged into it."""
    shown: list[Grouped] = []
    marks: list[tuple] = []
    for story in stories:
        mark = _mark(story)
        twin = next((n for n, kept in enumerate(marks) if _alike(kept, mark)), None)
        if twin is not None:
            shown[twin] = _grouped(shown[twin].leads + story.leads)
            marks[twin] = _mark(shown[twin])
        elif len(shown) < limit:
            shown.append(story)
            marks.append(mark)
    return shown


def story_of(grouped: Grouped, summary: Answer | None) -> Story:
    """The Story of a group, with the summary written from its central article (none without `summary`)."""
    articles = tuple(StoryArticle(
        article_id=lead.passage.article_id, title=lead.passage.title, url=lead.passage.url,
        source=Scope.split(lead.passage.source)[1], outlet=outlet_of(lead), published=day_to_date(lead.day),
    ) for lead in grouped.leads)
    known = [lead.day for lead in grouped.leads if lead.day >= 0]
    return Story(
        story_id=f"story-{grouped.leads[0].passage.article_id}", title=grouped.central.passage.title,
        summary="" if summary is None or summary.refused else summary.text, first=day_to_date(min(known)) if known else None,
        last=day_to_date(max(known)) if known else None, outlets=grouped.outlets, articles=articles,
        citations=() if summary is None or summary.refused else summary.citations,
    )


def summarize_story(writer: AnswerWriter, grouped: Grouped, language: str | None = None) -> Answer:
    """One or two cited sentences from the story's central article (in `language`)."""
    lead = grouped.central.passage
    return writer.summary(SummaryRequest(f"the story “{lead.title}”", lead.title, [lead], None, brief=True,
                                         headline=lead.title, language=language))


def build_digest(leads: Sequence[Lead], writer: AnswerWriter, since: date | None, until: date | None,
                 limit: int = 10, params: StoryParams = DEFAULT_PARAMS, language: str | None = None,
                 judge: PairJudge | None = None) -> Digest:
    """The digest of these leads: at most `limit` stories, each summarised (in `language`)."""
    shown = without_duplicates(grouped_stories(leads, params, judge), max(0, limit))
    return Digest(tuple(story_of(g, summarize_story(writer, g, language)) for g in shown), since, until)


def stories_containing(leads: Sequence[Lead], article_ids: Sequence[str], params: StoryParams = DEFAULT_PARAMS,
                       judge: PairJudge | None = None) -> dict[str, Story]:
    """The story (not summarised) each of `article_ids` belongs to among `leads`, from one grouping; an
    article that is not one of the leads is left out."""
    wanted, found = set(article_ids), {}
    for grouped in grouped_stories(leads, params, judge):
        members = {lead.passage.article_id for lead in grouped.leads} & wanted
        if members:
            story = story_of(grouped, None)
            found.update((article_id, story) for article_id in members)
    return found
