"""Sentence splitting, terms and near-duplicate signatures."""
from index.text import jaccard, sentence_spans, shingles, terms


def _sentences(text):
    return [text[a:b] for a, b in sentence_spans(text)]


def test_sentences_respect_abbreviations_and_quotes():
    text = ("“Both sides can cease attacking the energy sector. Our side is going to support this,” he said. "
            "The U.S. said no. Mr. Smith agreed! Then \"Quote here. More.\" Fine.\n\nNew paragraph here")
    assert _sentences(text) == [
        "“Both sides can cease attacking the energy sector. Our side is going to support this,” he said.",
        "The U.S. said no.", "Mr. Smith agreed!", 'Then "Quote here. More."', "Fine.", "New paragraph here",
    ]


def test_terms_are_stemmed_content_words():
    assert terms("What did Putin agree to?") == ["putin", "agre"]
    assert terms("agreed") == terms("agrees") == ["agre"]


def test_shingles_find_near_duplicates():
    a = shingles("Putin agreed to pause attacks on energy targets in Ukraine, the Kremlin said.")
    b = shingles("Putin agreed to pause attacks on energy targets in Ukraine, the White House said.")
    c = shingles("Hockey matches between the US and Russia were proposed.")
    assert jaccard(a, b) > 0.6 > jaccard(a, c)


def test_a_copy_of_the_title_at_the_top_of_the_text_is_left_out():
    from index.text import without_title

    title = "Saltmere ferry crews strike over pay"
    assert without_title(f"{title} Ferry crews in Saltmere walked out on Monday.", title) == (
        "Ferry crews in Saltmere walked out on Monday.")  # glued, as plain-text feeds give it
    assert without_title(f"{title}\n\nFerry crews walked out.", title) == "Ferry crews walked out."
    assert without_title("SALTMERE FERRY CREWS STRIKE OVER PAY — Ferry crews walked out.", title) == (
        "Ferry crews walked out.")
    assert without_title("Can Boeing's CEO rebuild trust? The crash in Ahmedabad…", "Can Boeing’s CEO rebuild trust?") == (
        "The crash in Ahmedabad…")


def test_text_that_only_begins_like_its_title_is_kept_whole():
    from index.text import without_title

    assert without_title("Pope Francis dies at 88, the Vatican said.", "Pope Francis dies at 88") == (
        "Pope Francis dies at 88, the Vatican said.")  # the title runs on into the sentence
    assert without_title("Ferry crews walked out. Saltmere ferry crews strike", "Saltmere ferry crews strike") == (
        "Ferry crews walked out. Saltmere ferry crews strike")
    assert without_title("Saltmere ferry crews strike", "Saltmere ferry crews strike") == "Saltmere ferry crews strike"
    assert without_title("Breaking news Ferry crews walked out.", "Breaking news") == "Breaking news Ferry crews walked out."
