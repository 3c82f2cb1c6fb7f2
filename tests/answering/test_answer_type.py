"""What kind of answer a question asks for, and whether a sentence offers one (index/answering/answer_type.py)."""
from __future__ import annotations

from index.answering.answer_type import DATE, NAME, NUMBER, PERSON, PLACE, ANY, kind, offers


def test_kind_of_real_question_shapes() -> None:
    assert kind("Roughly how much aid has the Biden administration given to Ukraine?") == NUMBER
    assert kind("What percentage of Delaware students are chronically absent?") == NUMBER
    assert kind("TikTok's ban could take effect on which day?") == DATE
    assert kind("Who delivered a eulogy at Jimmy Carter's funeral?") == PERSON
    assert kind("The UK opened its first legal drugs consumption room in which city?") == PLACE
    assert kind("Which automaker is facing a new investigation?") == NAME
    assert kind("Why was the license of the child care center suspended?") == ANY


def test_offers_needs_something_the_question_does_not_already_say() -> None:
    question = "How many people were evacuated in Los Angeles?"
    assert offers(NUMBER, "Officials said 180,000 people were evacuated.", question) == 1.0
    assert offers(NUMBER, "People were evacuated in Los Angeles overnight.", question) == 0.0
    who = "Who delivered a eulogy at Jimmy Carter's funeral?"
    assert offers(PERSON, "The eulogy was delivered by President Joe Biden.", who) == 1.0
    assert offers(PERSON, "The funeral of Jimmy Carter drew a large crowd.", who) == 0.0
    assert offers(DATE, "The ban takes effect on January 19.", "When does the ban take effect?") == 1.0
    assert offers(ANY, "Anything at all, 42 Names.", "Why did it happen?") == 0.0
