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
from bisect import bisect_left
from dataclasses import dataclass
from typing import Iterator

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st gen col lt sgt capt cmdr adm gov sen rep pres amb hon rev
    jr sr messrs mme mlle inc ltd co corp bros vs etc al e.g i.e cf approx
    jan feb mar apr jun jul aug sep sept oct nov dec dept
    univ assn ave blvd mt ft rt sec ed eds repr""".split()
)
# Abbreviations that are also English words ("the answer was no."): only before a number
# ("No. 5", "Art. 51", "est. 1990").
NUMBER_ABBREVIATIONS = frozenset("no nos art arts para paras fig figs vol vols pp op min max est ch".split())
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
_SPACE = re.compile(r"\s*")
_LINE = re.compile(r"[^\r\n]+")
WORD_LOOKBACK = 64  # chars searched back for the word before a dot; abbreviations are shorter

DEFAULT_MAX_CHARS = 2000


@dataclass(frozen=True)
class Sentence:
    """A sentence: ``text == document[start:end]``."""

    start: int
    end: int
    text: str
    paragraph: int


class _QuoteSpans:
    """Balanced double-quote spans within one block, answering "is this offset inside one?"
    in O(log n), so a block with thousands of quotes stays linear to split."""

    def __init__(self, text: str):
        curly, opened = [], None
        for m in re.finditer("[“”]", text):
            if m.group(0) == "“":
                opened = m.start()
            elif opened is not None:
                curly.append((opened, m.end()))
                opened = None
        straight = [m.start() for m in re.finditer('"', text)]
        # Each list is sorted and non-overlapping on its own.
        self.lists = [curly, [(straight[k], straight[k + 1] + 1) for k in range(0, len(straight) - 1, 2)]]
        self.starts = [[a for a, _ in spans] for spans in self.lists]

    def inside(self, pos: int) -> bool:
        """True when a boundary at ``pos`` would fall strictly inside a quote span."""
        for spans, starts in zip(self.lists, self.starts):
            k = bisect_left(starts, pos) - 1  # the last span starting before pos
            if k >= 0 and spans[k][1] > pos:
                return True
        return False


def _is_abbreviation(block: str, dot: int, next_word: str) -> bool:
    match = _WORD_BEFORE.search(block, max(0, dot + 1 - WORD_LOOKBACK), dot + 1)
    if not match:
        return False
    word = match.group(1)
    bare = word.rstrip(".").lower()
    if bare in ABBREVIATIONS:
        return True
    if bare in NUMBER_ABBREVIATIONS:
        return next_word[:1].isdigit()
    if len(bare) == 1 and word[0].isupper():  # an initial: "J. Smith"
        return True
    if _ACRONYM.match(word):
        return next_word not in SENTENCE_OPENERS
    return False


def _split_block(block: str, max_chars: int) -> list[tuple[int, int]]:
    """Sentence spans (relative to the block) inside one line or paragraph."""
    quotes = None  # built on first need: most blocks have no candidate boundary
    pieces = []
    start = 0
    for match in _TERMINAL.finditer(block):
        end = match.end()
        next_start = _SPACE.match(block, end).end()
        if next_start == len(block) or next_start == end:
            continue  # end of block (handled below) or no whitespace after
        if not _OPENER.match(block, next_start):
            continue
        quotes = quotes or _QuoteSpans(block)
        if quotes.inside(end):
            continue
        if match.group(0)[0] == "." and len(match.group(0).rstrip("\"'”’)]")) == 1:
            nxt = _NEXT_WORD.match(block, next_start)
            if _is_abbreviation(block, match.start(), nxt.group(0) if nxt else ""):
                continue
        pieces.append((start, end))
        start = next_start
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
    return list(iter_sentences(text, max_chars))


def iter_sentences(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Sentence]:
    """:func:`split_sentences` one sentence at a time, for documents too long to hold split."""
    p_start, number = 0, 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        yield from _paragraph_sentences(text, p_start, brk.start(), number, max_chars)
        p_start, number = brk.end(), number + 1
    yield from _paragraph_sentences(text, p_start, len(text), number, max_chars)


def _paragraph_sentences(text: str, p_start: int, p_end: int, number: int, max_chars: int) -> Iterator[Sentence]:
    paragraph = text[p_start:p_end]
    if is_hard_wrapped(paragraph):
        # Same length, so offsets stay valid: line breaks become spaces.
        blocks = [(0, paragraph.replace("\r", " ").replace("\n", " "))]
    else:
        blocks = [(m.start(), m.group(0)) for m in _LINE.finditer(paragraph)]
    for b_start, block in blocks:
        for a, b in _split_block(block, max_chars):
            a, b = _strip(block, a, b)
            if a < b:
                start = p_start + b_start + a
                end = p_start + b_start + b
                yield Sentence(start, end, text[start:end], number)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
