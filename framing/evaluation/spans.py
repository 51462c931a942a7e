"""Pairing two lists of mention spans: what detection scoring and annotator agreement share."""

from __future__ import annotations

from typing import Callable, Sequence


def overlaps(a, b) -> bool:
    """Two spans (objects with ``start`` and ``end``, end exclusive) share a character."""
    return a.start < b.end and b.start < a.end


def match_spans(left: Sequence, right: Sequence, compatible: Callable[[object, object], bool]) -> dict[int, int]:
    """Greedy one-to-one pairing: each span of ``left``, in order, takes the first unused span
    of ``right`` that overlaps it and is ``compatible`` (for example, the same actor).

    Returns ``{index in left: index in right}``.

    >>> from types import SimpleNamespace as S
    >>> match_spans([S(start=0, end=5)], [S(start=3, end=9), S(start=0, end=2)], lambda a, b: True)
    {0: 0}
    """
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for i, a in enumerate(left):
        j = next((j for j, b in enumerate(right) if j not in used and overlaps(a, b) and compatible(a, b)), None)
        if j is not None:
            pairs[i] = j
            used.add(j)
    return pairs
