"""Labelled data: the gold JSONL schema, NewsMTSC files, validation and counts.

Gold schema, one sentence a line::

    {"id": "g00042", "doc_id": "kremlin-6152", "source": "en.kremlin.ru",
     "text": "Moscow warned Kyiv.", "frames": ["rivalry"],
     "actors": [{"actor": "Russia", "mention": "Moscow", "start": 0, "end": 6,
                 "sentiment": "negative"}],
     "split": "train"}

* ``start``/``end`` are character offsets into ``text``, end exclusive, and
  ``text[start:end] == mention``.
* ``frames`` missing or null: not labelled for frames (NewsMTSC); ``[]``: labelled, none.
* ``actor`` may be missing for a mention-only target (a NewsMTSC person target).
* Extra keys (``annotator``, ``labels_a``, ...) are allowed and ignored.

NewsMTSC lines (``sentence_normalized``, ``targets`` with ``from``/``to``/``polarity``)
are read directly as sentiment-only examples.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from framing.errors import DataError
from framing.labels import DEFAULT_TAXONOMY, NEWSMTSC_POLARITY, SPLITS, Taxonomy
from framing.text.reader import clean_text
from framing.validation import loads_json


@dataclass
class GoldMention:
    start: int
    end: int
    mention: str
    actor: str | None = None
    sentiment: str | None = None


@dataclass
class Example:
    id: str
    text: str
    frames: list[str] | None = None
    mentions: list[GoldMention] = field(default_factory=list)
    doc_id: str = ""
    source: str = ""
    split: str | None = None
    path: str = ""  # the file it was read from, as given
    line: int = 0  # its line in that file, from 1

    @property
    def location(self) -> str:
        """``file:line``, for messages."""
        return f"{self.path}:{self.line}"


def _problem(where: str, message: str) -> str:
    return f"{where}: {message}"


def _parse_gold(obj: dict, path: str, line: int, problems: list[str], taxonomy: Taxonomy) -> Example | None:
    where = f"{path}:{line}"
    start_count = len(problems)
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append(_problem(where, "expected a non-empty string in 'text'"))
        return None
    if clean_text(text) != text:
        problems.append(_problem(where, "'text' holds a lone surrogate escape (\\ud800-\\udfff), which is not a "
                                        "character; fix the escape"))
        return None
    ident = obj.get("id")
    if not isinstance(ident, (str, int)) or ident == "":
        problems.append(_problem(where, "expected an 'id' (string)"))
    frames = obj.get("frames")
    if frames is not None:
        if not isinstance(frames, list) or not all(isinstance(f, str) for f in frames):
            problems.append(_problem(where, f"'frames' must be a list of frame names or null, found {frames!r}"))
            frames = None
        else:
            unknown = [f for f in frames if f not in taxonomy.frames]
            if unknown:
                problems.append(_problem(where, f"unknown frame {unknown[0]!r}; allowed: {', '.join(taxonomy.frames)}"
                                                " (another taxonomy? pass it with --taxonomy)"))
            if len(set(frames)) != len(frames):
                problems.append(_problem(where, f"frame listed twice in {frames}"))
    split = obj.get("split")
    if split is not None and split not in SPLITS:
        problems.append(_problem(where, f"split must be one of {', '.join(SPLITS)}, found {split!r}"))
    mentions = []
    actors = obj.get("actors", [])
    if not isinstance(actors, list):
        problems.append(_problem(where, f"'actors' must be a list, found {type(actors).__name__}"))
        actors = []
    for k, a in enumerate(actors, 1):
        label = f"actor {k}"  # counted from 1, as a reader counts
        if not isinstance(a, dict):
            problems.append(_problem(where, f"{label} must be an object"))
            continue
        missing = [key for key in ("mention", "start", "end") if key not in a]
        if missing:
            problems.append(_problem(where, f"{label} is missing {', '.join(missing)}"))
            continue
        start, end, mention = a["start"], a["end"], a["mention"]
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            problems.append(_problem(where, f"{label} offsets {start}..{end} are outside the text (length {len(text)})"))
            continue
        if text[start:end] != mention:
            problems.append(
                _problem(where, f"{label} text[{start}:{end}] is {text[start:end]!r}, not the mention {mention!r}; "
                              "fix start/end (character offsets, end exclusive)")
            )
            continue
        sentiment = a.get("sentiment")
        if sentiment is not None and sentiment not in taxonomy.sentiments:
            problems.append(_problem(where, f"{label} sentiment must be one of {', '.join(taxonomy.sentiments)}, "
                                            f"found {sentiment!r}"))
            continue
        mentions.append(GoldMention(start, end, mention, a.get("actor"), sentiment))
    if len(problems) > start_count:
        return None
    return Example(
        id=str(ident), text=text, frames=frames, mentions=mentions, doc_id=str(obj.get("doc_id", "")),
        source=str(obj.get("source", "")), split=split, path=path, line=line,
    )


def _parse_newsmtsc(obj: dict, path: str, line: int, problems: list[str], taxonomy: Taxonomy) -> Example | None:
    where = f"{path}:{line}"
    text = obj.get("sentence_normalized")
    if not isinstance(text, str) or not text.strip():
        problems.append(_problem(where, "expected a non-empty 'sentence_normalized'"))
        return None
    mentions = []
    for k, t in enumerate(obj.get("targets") or [], 1):
        start, end = t.get("from"), t.get("to")
        sentiment = NEWSMTSC_POLARITY.get(t.get("polarity"))
        if sentiment is None:
            problems.append(_problem(where, f"targets[{k}] polarity must be 2.0, 4.0 or 6.0, found {t.get('polarity')!r}"))
            return None
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            problems.append(_problem(where, f"targets[{k}] offsets {start}..{end} are outside the sentence"))
            return None
        mentions.append(GoldMention(start, end, text[start:end], None, sentiment))
    gid = str(obj.get("primary_gid", where))
    return Example(id=gid, text=text, frames=None, mentions=mentions, doc_id="newsmtsc-" + "_".join(gid.split("_")[:3]),
                   source="NewsMTSC", split=None, path=path, line=line)


def read_examples(paths, splits: tuple[str, ...] | None = None, taxonomy: Taxonomy | None = None) -> list[Example]:
    """Read gold or NewsMTSC JSONL files; every problem in every file is collected.

    Raises :class:`DataError` listing all problems (``file:line: what is wrong``).
    ``splits`` keeps only gold rows of those splits (NewsMTSC rows have no split and are kept).
    Frame and sentiment names are checked against ``taxonomy`` (default: the shipped one).
    """
    return [ex for rows in read_example_files(paths, splits, taxonomy).values() for ex in rows]


def read_example_files(paths, splits: tuple[str, ...] | None = None,
                       taxonomy: Taxonomy | None = None) -> dict[str, list[Example]]:
    """Like :func:`read_examples`, the rows grouped by file: ``{path as given: rows}``.

    Keys are the paths exactly as given (``"./eval/gold/gold.jsonl"`` stays so), and
    each row's ``path`` is that same string.
    """
    rows_of: dict[str, list[Example]] = {}
    problems: list[str] = []
    for given in dict.fromkeys(map(str, paths)):
        rows_of[given] = _read_file(given, splits, problems, taxonomy or DEFAULT_TAXONOMY)
    if problems:
        raise DataError(problems)
    return rows_of


def _read_file(path: str, splits, problems: list[str], taxonomy: Taxonomy) -> list[Example]:
    examples = []
    try:
        handle = Path(path).open(encoding="utf-8")
    except FileNotFoundError:
        problems.append(f"{path}: file not found")
        return examples
    except IsADirectoryError:
        problems.append(f"{path}: expected a JSONL file, found a directory")
        return examples
    with handle:
        rows = 0
        try:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                rows += 1
                try:
                    obj = loads_json(line)
                except json.JSONDecodeError as e:
                    problems.append(_problem(f"{path}:{number}", f"not valid JSON ({e.msg} at column {e.colno})"))
                    continue
                if not isinstance(obj, dict):
                    problems.append(_problem(f"{path}:{number}", "expected a JSON object"))
                    continue
                parse = _parse_newsmtsc if "sentence_normalized" in obj else _parse_gold
                example = parse(obj, path, number, problems, taxonomy)
                if example is not None and (splits is None or example.split is None or example.split in splits):
                    examples.append(example)
        except UnicodeDecodeError as e:
            problems.append(f"{path}: expected UTF-8 text, found undecodable bytes ({e.reason}); re-save it as UTF-8")
            return examples
        if rows == 0:
            problems.append(f"{path}: expected JSONL rows (one JSON object a line), found an empty file")
    return examples


def check(paths, taxonomy: Taxonomy | None = None) -> list[str]:
    """All problems in gold files: schema, labels, offsets, and cross-file consistency."""
    try:
        examples = read_examples(paths, taxonomy=taxonomy)
    except DataError as e:
        return e.problems
    problems = []
    first_id: dict[str, str] = {}
    split_of_text: dict[str, tuple[str | None, str]] = {}
    splits_of_doc: dict[str, dict[str | None, str]] = defaultdict(dict)
    for ex in examples:
        if ex.id in first_id:
            problems.append(f"{ex.location}: duplicate id {ex.id!r} (first at {first_id[ex.id]})")
        else:
            first_id[ex.id] = ex.location
        key = " ".join(ex.text.split())
        if key in split_of_text and split_of_text[key][0] != ex.split:
            other_split, other_where = split_of_text[key]
            problems.append(f"{ex.location}: same text in split {ex.split} and {other_split} (at {other_where})")
        split_of_text.setdefault(key, (ex.split, ex.location))
        if ex.doc_id:
            splits_of_doc[ex.doc_id].setdefault(ex.split, ex.location)
    for doc, splits in splits_of_doc.items():
        if len(splits) > 1:
            where = ", ".join(f"{s} at {loc}" for s, loc in splits.items())
            problems.append(f"{next(iter(splits.values()))}: document {doc!r} is in several splits ({where})")
    return problems


def stats(examples: list[Example]) -> dict:
    """Counts per split, frame, sentiment and source (the tables of `framing data stats`)."""
    out = {"sentences": Counter(), "frames": Counter(), "no_frame": Counter(), "frame_labelled": Counter(),
           "sentiment": Counter(), "source": Counter(), "mentions": Counter()}
    for ex in examples:
        split = ex.split or "-"
        out["sentences"][split] += 1
        out["source"][(ex.source, split)] += 1
        if ex.frames is not None:
            out["frame_labelled"][split] += 1
            if not ex.frames:
                out["no_frame"][split] += 1
            for f in ex.frames:
                out["frames"][(f, split)] += 1
        for m in ex.mentions:
            out["mentions"][split] += 1
            if m.sentiment:
                out["sentiment"][(m.sentiment, split)] += 1
    return out
