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
