import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.text.segment import split_sentences


def texts(text):
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mr. Xi met Dr. Smith. They talked.", ["Mr. Xi met Dr. Smith.", "They talked."]),
        ("The U.S. stance hardened. Beijing noticed.", ["The U.S. stance hardened.", "Beijing noticed."]),
        ("He visited the U.S. The trip was short.", ["He visited the U.S.", "The trip was short."]),
        ("Growth was 3.5 per cent. Trade rose.", ["Growth was 3.5 per cent.", "Trade rose."]),
        ("J. R. Smith spoke. It ended.", ["J. R. Smith spoke.", "It ended."]),
        ("He said: “We agree. We act.” Then he left.", ["He said: “We agree. We act.”", "Then he left."]),
        ('He said: "We agree. We act." Then he left.', ['He said: "We agree. We act."', "Then he left."]),
        ("Title line\n\nBody one. Body two.", ["Title line", "Body one.", "Body two."]),
        ("Headline\nSubhead here.\nBody.", ["Headline", "Subhead here.", "Body."]),
        ("One.\r\nTwo.\r\n\r\nThree.", ["One.", "Two.", "Three."]),
        ("We welcome the\nstrengthening of ties and the\nchoice of Mrs.\nRobinson as envoy. Good.",
         ["We welcome the\nstrengthening of ties and the\nchoice of Mrs.\nRobinson as envoy.", "Good."]),
        ("Is it war? No! Peace.", ["Is it war?", "No!", "Peace."]),
        ("They asked for more. The answer was no. They left.",
         ["They asked for more.", "The answer was no.", "They left."]),
        ("It is a work of art. Critics agreed.", ["It is a work of art.", "Critics agreed."]),
        ("Under Art. 51 of the Charter, No. 5 applies. It was est. 1990 in Geneva.",
         ["Under Art. 51 of the Charter, No. 5 applies.", "It was est. 1990 in Geneva."]),
        ("", []),
        ("   \n\n  ", []),
    ],
)
def test_split(text, expected):
    assert texts(text) == expected


def test_paragraph_numbers():
    sentences = split_sentences("A one. A two.\n\nB one.")
    assert [s.paragraph for s in sentences] == [0, 0, 1]


def test_long_sentence_is_capped():
    text = " ".join(["word"] * 5000)
    sentences = split_sentences(text, max_chars=1000)
    assert all(len(s.text) <= 1000 for s in sentences)
    assert " ".join(s.text for s in sentences) == text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("ab. ?!\n\r“”\"'USMr3\x00") + ["U.S.", "Mr.", " the ", "\n\n", "É"]),
                max_size=120).map("".join))
def test_offsets_cover_text_in_order(text):
    sentences = split_sentences(text)
    position = 0
    for s in sentences:
        assert text[s.start : s.end] == s.text
        assert s.start >= position and s.end > s.start
        assert text[position : s.start].strip() == ""  # only whitespace is left out
        position = s.end
    assert text[position:].strip() == ""


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["Russia warned Kyiv.", "Mr. Xi agreed.", "The U.S. stance hardened.",
                                 "“We act.”", "Growth was 3.5 per cent."]), min_size=1, max_size=6))
def test_idempotent_on_split_text(parts):
    text = " ".join(parts)
    once = texts(text)
    assert [t for s in once for t in texts(s)] == once
