"""Batches: the sentences ``framing data select`` chose, on their way to annotators.

A batch JSONL line (see :meth:`framing.data.select.Candidate.to_record`)::

    {"id": "kremlin-6152#4", "doc_id": "kremlin-6152", "sentence_id": 4,
     "text": "...", "context": "the sentence before",
     "actors": [{"actor": "Russia", "mention": "Moscow", "start": 0, "end": 6}],
     "predictions": {"frames": {"solidarity": 0.91, ...}, "labels": ["solidarity"],
                     "sentiments": [{"negative": 0.1, "neutral": 0.7, "positive": 0.2}]},
     "selection": {"strategy": "uncertainty", "score": 0.97, "seed": 0, "model": "default"}}

Only ``id`` and ``text`` are required; ``actors`` offsets index ``text``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from framing.errors import DataError
from framing.validation import loads_json


@dataclass
class BatchItem:
    id: str
    text: str
    doc_id: str = ""
    context: str = ""
    actors: list[dict] = field(default_factory=list)  # actor, mention, start, end
    frames: dict[str, float] = field(default_factory=dict)  # predicted probabilities
    labels: list[str] = field(default_factory=list)  # predicted frames (over their thresholds)
    sentiments: list[dict] = field(default_factory=list)  # predicted, one per actor mention
    origin: str = ""
    model: str | None = None  # the model whose predictions these are (selection.model)


def jsonl_text(records) -> str:
    """Records as JSONL text: one JSON object a line."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def write_jsonl(path: Path, records) -> None:
    """One JSON object a line, written whole or not at all."""
    write_text_files({path: jsonl_text(records)})


def read_batch(path: Path) -> list[BatchItem]:
    """A batch JSONL; every problem is reported as ``file:line: what is wrong``."""
    items, problems, seen = [], [], {}
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise DataError([f"{path}: could not read it as UTF-8 text ({e})"]) from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            obj = loads_json(line)
        except json.JSONDecodeError as e:
            problems.append(f"{where}: expected a JSON object a line, found invalid JSON ({e.msg})")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"].strip():
            problems.append(f"{where}: expected a batch record with a non-empty 'text'")
            continue
        ident = str(obj.get("id", ""))
        if not ident:
            problems.append(f"{where}: expected an 'id'")
            continue
        if ident in seen:
            problems.append(f"{where}: id {ident!r} repeats line {seen[ident]}")
            continue
        seen[ident] = number
        actors = obj.get("actors") or []
        bad = next((a for a in actors if not _span_fits(a, obj["text"])), None)
        if bad is not None:
            problems.append(f"{where}: actor span {bad!r} does not match the text")
            continue
        predictions = obj.get("predictions") or {}
        items.append(BatchItem(ident, obj["text"], str(obj.get("doc_id", "")), str(obj.get("context", "")), actors,
                               predictions.get("frames") or {}, predictions.get("labels") or [],
                               predictions.get("sentiments") or [], str(obj.get("origin", "")),
                               (obj.get("selection") or {}).get("model")))
    if not items and not problems:
        problems.append(f"{path}: expected batch records (one JSON object a line), found none")
    if problems:
        raise DataError(problems)
    return items


def _span_fits(actor, text: str) -> bool:
    return (isinstance(actor, dict) and isinstance(actor.get("start"), int) and isinstance(actor.get("end"), int)
            and 0 <= actor["start"] < actor["end"] <= len(text) and text[actor["start"]:actor["end"]] == actor.get("mention"))


def write_text_files(files: dict[Path, str]) -> None:
    """Write several files, each atomically; if one fails, those already written are removed,
    so a command leaves all its outputs or none."""
    from framing.files import atomic_write

    done = []
    try:
        for path, text in files.items():
            atomic_write(path, text)
            done.append(path)
    except BaseException:
        for path in done:
            path.unlink(missing_ok=True)
        raise
