"""Time expressions in questions become date windows relative to a fixed time of asking."""
from datetime import date

import pytest

from index.retrieval.timeexpr import parse_time, without_phrase

AS_OF = date(2025, 3, 20)  # a Thursday


@pytest.mark.parametrize("question, start, end", [
    ("What happened today in Gaza?", date(2025, 3, 20), date(2025, 3, 20)),
    ("What did the Fed say yesterday?", date(2025, 3, 19), date(2025, 3, 19)),
    ("What did the council vote on this week?", date(2025, 3, 17), date(2025, 3, 20)),
    ("Who won the match last week?", date(2025, 3, 10), date(2025, 3, 16)),
    ("What happened this month in Congress?", date(2025, 3, 1), date(2025, 3, 20)),
    ("What happened last month in Congress?", date(2025, 2, 1), date(2025, 2, 28)),
    ("What did Trump announce in March?", date(2025, 3, 1), date(2025, 3, 20)),
    ("What did Trump announce in April?", date(2024, 4, 1), date(2024, 4, 30)),  # the last April before
    ("What happened in January 2025?", date(2025, 1, 1), date(2025, 1, 31)),
    ("What has changed since Monday?", date(2025, 3, 17), date(2025, 3, 20)),
    ("What happened on 18 March?", date(2025, 3, 18), date(2025, 3, 18)),
    ("What happened on March 18th?", date(2025, 3, 18), date(2025, 3, 18)),
    ("What happened on 25 March?", date(2024, 3, 25), date(2024, 3, 25)),  # not in the future
    ("Any news since 1 March 2025?", date(2025, 3, 1), date(2025, 3, 20)),
    ("What happened in the past 3 days?", date(2025, 3, 18), date(2025, 3, 20)),
    ("What happened in May?", date(2024, 5, 1), date(2024, 5, 31)),
])
def test_hard_windows(question, start, end):
    window = parse_time(question, AS_OF)
    assert window is not None and (window.start, window.end, window.soft) == (start, end, False)


@pytest.mark.parametrize("question, days", [
    ("What is the latest on the ceasefire?", 7), ("What are the newest tariffs?", 7),
    ("What happened recently with Tesla?", 30), ("Has the Fed moved lately?", 30),
])
def test_latest_and_recently_are_soft_windows_ending_at_the_time_of_asking(question, days):
    window = parse_time(question, AS_OF)
    assert window.soft and window.end == AS_OF and (window.end - window.start).days == days - 1


@pytest.mark.parametrize("question", [
    "What did Putin agree to?", "Who may lead the party?", "Why did protesters march on the capital?",
    "What happened on 31 February?",
    "Which party leads the polls ahead of the election on Sunday?", "Who will host the awards this year?",
])
def test_no_time_expression(question):
    assert parse_time(question, AS_OF) is None


def test_the_phrase_is_taken_out_of_the_retrieval_text():
    question = "What did Trump announce in March?"
    assert without_phrase(question, parse_time(question, AS_OF)) == "What did Trump announce?"
    assert without_phrase("Putin?", None) == "Putin?"
