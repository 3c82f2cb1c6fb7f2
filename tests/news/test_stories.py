"""Story grouping on small hand-made inputs: vectors, names, title words and days decide (index/news/stories.py)."""
from dataclasses import replace

import numpy as np

from index.news.repeats import without_repeats
from index.news.stories import (StoryParams, borderline, first_sentence, group, judged, names_in, pair_score,
                                same_event, score_matrix, signal)
from index.types import Passage

PARAMS = StoryParams(threshold=0.8, names=0.2, title=0.2, max_days=3, max_span=7)


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_names_are_the_capitalised_words_without_stopwords():
    assert names_in("The Pope was taken to Gemelli hospital in Rome, the Vatican said on Tuesday.") == {
        "pope", "gemelli", "rome", "vatican"}  # days and months are not names
    assert names_in("no names here at all") == frozenset()


def test_shared_names_and_title_words_add_to_the_cosine():
    a = signal("a", unit(1, 0.6, 0), "Vatican says Pope Francis has pneumonia", "The Vatican said on Tuesday.", 100)
    b = signal("b", unit(1, 0.2, 0), "Pope Francis has pneumonia in both lungs", "Pope Francis, 88, in Rome.", 101)
    c = signal("c", unit(1, 0.2, 0), "Markets slide on tariff fears", "Stocks fell in New York.", 101)
    cosine = float(a.vector @ b.vector)
    assert pair_score(a, b, PARAMS) > cosine + 0.2  # names (pope, francis) and title terms shared
    assert pair_score(a, c, PARAMS) == float(a.vector @ c.vector) == cosine  # nothing shared: the cosine alone
    strict = StoryParams(threshold=cosine + 0.1, names=0.2, title=0.2)
    assert same_event(a, b, strict) and not same_event(a, c, strict)


def test_articles_too_far_apart_in_time_never_pair_but_undated_ones_may():
    a = signal("a", unit(1, 0, 0), "Plane and helicopter collide over Potomac", "", 100)
    b = signal("b", unit(1, 0, 0), "Plane and helicopter collide over Potomac", "", 104)
    undated = signal("u", unit(1, 0, 0), "Plane and helicopter collide over Potomac", "", -1)
    assert not same_event(a, b, PARAMS)
    assert same_event(a, undated, PARAMS) and same_event(b, undated, PARAMS)


def test_groups_are_connected_pairs_in_input_order():
    crash = [signal(f"crash{i}", unit(1, 0.05 * i, 0), "DC plane crash", "American Airlines, Potomac", 100 + i % 2)
             for i in range(3)]
    dye = [signal(f"dye{i}", unit(0, 1, 0.05 * i), "FDA bans Red No. 3", "The FDA banned the dye", 101) for i in range(2)]
    alone = signal("alone", unit(0, 0, 1), "Westminster dog show", "A giant schnauzer won", 101)
    signals = [crash[0], dye[0], crash[1], alone, dye[1], crash[2]]
    assert group(signals, PARAMS) == [[0, 2, 5], [1, 4], [3]]
    assert group([], PARAMS) == []


def test_a_chain_of_daily_articles_stops_at_the_span():
    # each day's article is the same as the day before's, but a story spans at most max_span days
    chain = [signal(f"d{day}", unit(1, 0, 0), "Pope Francis remains in hospital", "Vatican", 100 + 2 * day)
             for day in range(6)]
    groups = group(chain, replace(PARAMS, link=0.0))  # single link: only the span stops the chain
    assert sorted(len(g) for g in groups) == [2, 4]
    for members in groups:
        days = [chain[i].day for i in members]
        assert max(days) - min(days) <= PARAMS.max_span


def test_an_article_between_two_events_does_not_chain_them():
    # a roundup (b) is close to both a and c, which have nothing in common: the mean link keeps them apart
    a = signal("a", unit(1, 0, 0), "Kohl's closes 27 stores", "", 100)
    b = signal("b", unit(1, 1, 0), "Macy's, Kohl's and Joann close stores", "", 100)
    c = signal("c", unit(0, 1, 0), "Joann closes 500 stores", "", 100)
    loose = StoryParams(threshold=0.7, names=0.0, title=0.0, link=0.0)
    assert group([a, b, c], loose) == [[0, 1, 2]]
    assert group([a, b, c], replace(loose, link=0.5)) in ([[0, 1], [2]], [[0], [1, 2]])


def passage(article_id: str, text: str, published: str = "2025-03-19") -> Passage:
    return Passage(chunk_id=f"{article_id}#0", article_id=article_id, text=text, title="t", source="s",
                   published=published)


WIRE = ("Russian President Vladimir Putin agreed on Tuesday to a 30-day pause in attacks on Ukraine's energy "
        "infrastructure after a long phone call with President Donald Trump, the Kremlin said.")


def test_a_story_is_cited_once_when_two_urls_carry_the_same_text():
    syndicated = [passage("ap", WIRE), passage("ap-copy", "By The Associated Press. " + WIRE),
                  passage("ap", "Kyiv said it would wait for details before agreeing to anything."),
                  passage("other", "Ukraine's president said Russia had attacked energy sites overnight.")]
    assert [p.article_id for p in without_repeats(syndicated)] == ["ap", "ap", "other"]
    # the same text a month later is another event; two passages of one article are both kept
    later = [passage("ap", WIRE), passage("anniversary", WIRE, "2025-04-25"), passage("ap", WIRE)]
    assert [p.article_id for p in without_repeats(later)] == ["ap", "anniversary", "ap"]


def test_a_roundup_shares_less_of_its_names_over_the_mean_than_over_the_smaller_set():
    # a report names 3 things; a roundup names 12 (its title's "Plane" among them), those 3 too
    report = signal("r", unit(1, 0.3, 0), "Toronto plane flips on landing", "Delta, Toronto, Endeavor", 100)
    roundup = signal("u", unit(1, 0, 0), "Plane crashes this year",
                     "Delta Toronto Endeavor Potomac Philadelphia Learjet Alaska Bering Nome Medevac Reagan", 100)
    assert len(report.names) == 3 and len(roundup.names) == 12 and report.names <= roundup.names
    smaller, mean = StoryParams(names=0.4, title=0.0), StoryParams(names=0.4, title=0.0, overlap="mean")
    cosine = float(report.vector @ roundup.vector)
    assert abs(pair_score(report, roundup, smaller) - (cosine + 0.4 * 3 / 3)) < 1e-6
    assert abs(pair_score(report, roundup, mean) - (cosine + 0.4 * 3 / 6)) < 1e-6  # 3 / sqrt(3 * 12)
    threshold = cosine + 0.3  # the report and the roundup pair over the smaller set only
    assert group([report, roundup], replace(smaller, threshold=threshold)) == [[0, 1]]
    assert group([report, roundup], replace(mean, threshold=threshold)) == [[0], [1]]
    # two reports of the same size score the same either way, one signal at a time or as a matrix
    other = signal("o", unit(1, 0.3, 0.1), "Delta jet flips in Toronto", "Delta, Toronto, Endeavor", 101)
    assert abs(pair_score(report, other, smaller) - pair_score(report, other, mean)) < 1e-6
    assert group([report, other, roundup], replace(mean, threshold=threshold)) == [[0, 1], [2]]


def test_the_first_sentence_skips_bylines_and_datelines():
    lead = "Todd Halvorson\n\nBRE\n\nFifty years ago today, NASA activated a lunar launch center. It grew."
    assert first_sentence(lead) == "Fifty years ago today, NASA activated a lunar launch center."
    assert signal("a", unit(1, 0), "Kennedy at 50", lead, 100).sentence == first_sentence(lead)
    assert first_sentence("Short line") == "Short line"  # no sentence of six words: the start of the text
    assert signal("b", unit(1, 0), "A title only", "", 100).sentence == "A title only"


class Judge:
    """A fake judge: a logit per (query, passage) from a table of words both must contain; it records what it read."""

    def __init__(self, logits: dict[tuple[str, str], float], otherwise: float = -10.0) -> None:
        self.logits, self.otherwise, self.read = logits, otherwise, []

    def __call__(self, pairs):
        self.read += list(pairs)
        return [next((v for (q, p), v in self.logits.items() if q in query and p in passage), self.otherwise)
                for query, passage in pairs]


JUDGED = StoryParams(threshold=0.8, names=0.0, title=0.0, max_days=3, max_span=7, link=0.0, judge_band=0.1,
                     judge_weight=0.2, judge_centre=-2.0)


def borderline_signals():
    # a and b at cosine 0.75 (under 0.8, within the band), c far from both (never read)
    a = signal("a", unit(1, 0, 0), "Signal chat leak", "Hegseth shared attack plans in a Signal group chat today.", 100)
    b = signal("b", np.array([0.75, np.sqrt(1 - 0.75 ** 2), 0]), "Lessons from the leak",
               "What the Signal chat leak teaches about how officials share war plans.", 101)
    c = signal("c", unit(0, 0, 1), "Dog show", "A giant schnauzer won the Westminster dog show on Tuesday night.", 101)
    return [a, b, c]


def test_a_judge_moves_only_the_pairs_near_the_threshold_both_ways():
    signals = borderline_signals()
    assert group(signals, JUDGED) == [[0], [1], [2]]  # no judge: 0.75 < 0.8
    agrees = Judge({("Hegseth", "Signal chat leak"): 4.0, ("Signal chat leak", "Hegseth"): 2.0})
    assert group(signals, JUDGED, agrees) == [[0, 1], [2]]  # moved by 0.2 * tanh((3 + 2) / 2) > 0.05
    assert sorted(agrees.read) == sorted([(signals[0].sentence, signals[1].sentence),
                                          (signals[1].sentence, signals[0].sentence)])  # only the borderline pair
    scores = score_matrix(signals, JUDGED)
    moved = judged(scores, signals, Judge({("Hegseth", "Signal"): 4.0, ("Signal", "Hegseth"): 2.0}), JUDGED)
    assert abs(moved[0, 1] - (scores[0, 1] + 0.2 * np.tanh((3.0 + 2.0) / 2))) < 1e-6 and moved[0, 1] == moved[1, 0]
    assert (moved[2] == scores[2]).all()
    doubts = Judge({}, otherwise=-10.0)  # a pair just over the threshold pulled apart
    assert group(signals, replace(JUDGED, threshold=0.72), doubts) == [[0], [1], [2]]
    assert group(signals, replace(JUDGED, threshold=0.72)) == [[0, 1], [2]]


def test_a_judge_reads_nothing_when_no_pair_is_near_the_threshold():
    signals = borderline_signals()
    never = Judge({})
    assert group(signals, replace(JUDGED, judge_band=0.01), never) == [[0], [1], [2]] and never.read == []
    assert borderline(score_matrix(signals, JUDGED), JUDGED) == [(0, 1)]


def test_the_english_judge_does_not_read_a_pair_with_a_sentence_in_another_language():
    a, b, c = borderline_signals()
    german = signal("b", b.vector, "Lehren aus dem Leck",
                    "Was das Leck im Signal-Chat darüber lehrt, wie Regierungsmitglieder Kriegspläne teilen.", 101)
    assert (a.language, german.language) == ("en", "de")
    never = Judge({}, otherwise=10.0)
    assert group([a, german, c], JUDGED, never) == [[0], [1], [2]] and never.read == []
