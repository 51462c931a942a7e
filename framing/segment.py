"""Sentence segmentation with character offsets into the original text.

Rules, in order:

* A blank line (paragraph break) always ends a sentence.
* A single line break ends a sentence (a heading, a list item) unless its paragraph is
  hard-wrapped (most of its lines end without sentence punctuation); then it is read as
  a space.
* Inside a line, ``.``, ``!`` or ``?`` (plus closing quotes or brackets) followed by
  whitespace and an upper-case letter, digit or opening quote ends a sentence, except
  after known abbreviations ("Mr.", "Dr.", "Gen."), single-letter initials ("J. Smith")
  and dotted acronyms ("U.S.") not followed by a typical sentence opener.
* Never inside a balanced quotation: ``“We agree. We act.”`` stays one sentence.

Sentences longer than ``max_chars`` are cut at the last whitespace before the limit,
so memory stays bounded on text with no punctuation; the model windows any sentence
longer than its token limit anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st gen col lt sgt capt cmdr adm gov sen rep pres amb hon rev
    jr sr messrs mme mlle inc ltd co corp bros vs etc al e.g i.e cf approx no nos art
    para paras fig vol pp jan feb mar apr jun jul aug sep sept oct nov dec dept est
    univ assn ave blvd mt ft rt sec op ed eds min max repr.""".split()
)
# After a dotted acronym ("U.S."), only these words start a new sentence.
SENTENCE_OPENERS = frozenset(
    """The This That These Those It Its He She They We I In On At But And However
    Yet So Such Then There Thus Meanwhile Moreover Furthermore Also After Before
    While When As A An Our Their His Her""".split()
)

_TERMINAL = re.compile(r"[.!?]+[\"'”’)\]]*")
_OPENER = re.compile(r"[A-Z0-9\"“‘'(\[\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_ACRONYM = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_NEXT_WORD = re.compile(r"[\w’']+")

DEFAULT_MAX_CHARS = 2000


@dataclass(frozen=True)
class Sentence:
    """A sentence: ``text == document[start:end]``."""

    start: int
    end: int
    text: str
    paragraph: int


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Balanced double-quote spans (start, end exclusive) within one block."""
    spans = []
    opened = None
    for i, ch in enumerate(text):
        if ch == "“":
            opened = i
        elif ch == "”" and opened is not None:
            spans.append((opened, i + 1))
            opened = None
    straight = [i for i, ch in enumerate(text) if ch == '"']
    spans.extend((straight[k], straight[k + 1] + 1) for k in range(0, len(straight) - 1, 2))
    return spans


def _inside_quote(pos: int, spans: list[tuple[int, int]]) -> bool:
    """True when the boundary after ``pos`` would fall strictly inside a quote span."""
    return any(start < pos < end for start, end in spans)


def _is_abbreviation(block: str, dot: int, next_word: str) -> bool:
    match = _WORD_BEFORE.search(block, 0, dot + 1)
    if not match:
        return False
    word = match.group(1)
    bare = word.rstrip(".").lower()
    if bare in ABBREVIATIONS:
        return True
    if len(bare) == 1 and word[0].isupper():  # an initial: "J. Smith"
        return True
    if _ACRONYM.match(word):
        return next_word not in SENTENCE_OPENERS
    return False


def _split_block(block: str, max_chars: int) -> list[tuple[int, int]]:
    """Sentence spans (relative to the block) inside one line or paragraph."""
    spans = _quote_spans(block)
    pieces = []
    start = 0
    for match in _TERMINAL.finditer(block):
        end = match.end()
        rest = block[end:]
        stripped = rest.lstrip()
        if not stripped or len(stripped) == len(rest):
            continue  # end of block (handled below) or no whitespace after
        if not _OPENER.match(stripped):
            continue
        if _inside_quote(end, spans):
            continue
        if match.group(0)[0] == "." and len(match.group(0).rstrip("\"'”’)]")) == 1:
            nxt = _NEXT_WORD.match(stripped)
            if _is_abbreviation(block, match.start(), nxt.group(0) if nxt else ""):
                continue
        pieces.append((start, end))
        start = end + (len(rest) - len(stripped))
    pieces.append((start, len(block)))
    out = []
    for a, b in pieces:
        out.extend(_cap_length(block, a, b, max_chars))
    return out


def _cap_length(text: str, start: int, end: int, max_chars: int):
    while end - start > max_chars:
        cut = text.rfind(" ", start + 1, start + max_chars)
        if cut <= start:
            cut = start + max_chars
        yield start, cut
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


_LINE_END = re.compile(r"[.!?:;\"”’)\]]\s*$")


def is_hard_wrapped(paragraph: str) -> bool:
    """Whether the paragraph's single line breaks are wraps rather than ends of lines."""
    lines = [line for line in paragraph.splitlines() if line.strip()][:-1]
    if not lines:
        return False
    open_ended = sum(1 for line in lines if not _LINE_END.search(line))
    return open_ended > 0.5 * len(lines)


def split_sentences(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> list[Sentence]:
    """Split ``text`` into sentences whose offsets index ``text`` itself.

    >>> [s.text for s in split_sentences("Mr. Xi met the U.S. envoy. Talks went well.")]
    ['Mr. Xi met the U.S. envoy.', 'Talks went well.']
    """
    sentences: list[Sentence] = []
    paragraph_starts = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
    paragraph_ends = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)] + [len(text)]
    for number, (p_start, p_end) in enumerate(zip(paragraph_starts, paragraph_ends)):
        paragraph = text[p_start:p_end]
        if is_hard_wrapped(paragraph):
            # Same length, so offsets stay valid: line breaks become spaces.
            blocks = [(0, paragraph.replace("\r", " ").replace("\n", " "))]
        else:
            blocks = [(m.start(), m.group(0)) for m in re.finditer(r"[^\r\n]+", paragraph)]
        for b_start, block in blocks:
            for a, b in _split_block(block, max_chars):
                a, b = _strip(block, a, b)
                if a < b:
                    start = p_start + b_start + a
                    end = p_start + b_start + b
                    sentences.append(Sentence(start, end, text[start:end], number))
    return sentences


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
