"""Scored JSONL (what ``framing score -f jsonl`` writes) read back for reports."""

from __future__ import annotations

import gzip
import json
import re
from itertools import groupby
from pathlib import Path
from typing import Iterator

from framing.errors import DataError

RECORD_KEYS = ("doc_id", "sentence_id", "start", "end", "text", "frames", "labels", "actors")


def _open(path: Path):
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open(encoding="utf-8")


def is_scored_jsonl(path: str | Path) -> bool:
    """Whether a file's first record is a scored sentence (rather than a document to score)."""
    path = Path(path)
    if not path.is_file() or not path.name.lower().endswith((".jsonl", ".jsonl.gz")):
        return False
    try:
        with _open(path) as f:
            first = next((line for line in f if line.strip()), "")
        record = json.loads(first)
    except (OSError, EOFError, ValueError, UnicodeDecodeError):
        return False
    return isinstance(record, dict) and all(key in record for key in RECORD_KEYS)


def read_scored(path: str | Path) -> Iterator[dict]:
    """Scored sentence records in file order; a malformed line is a DataError at ``file:line``."""
    path = Path(path)
    try:
        with _open(path) as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError as e:
                    raise DataError([f"{path}:{number}: expected a scored sentence record (framing score -f jsonl), "
                                     f"found invalid JSON ({e}); rescore the corpus or remove the line"]) from None
                missing = [key for key in RECORD_KEYS if key not in record] if isinstance(record, dict) else RECORD_KEYS
                if missing:
                    raise DataError([f"{path}:{number}: expected a scored sentence record, found one without "
                                     f"{', '.join(missing)}; pass the output of framing score -f jsonl"])
                yield record
    except (OSError, EOFError) as e:
        raise DataError([f"{path}: could not read it ({e}); check the file is whole"]) from None


LEADING_DOC_ID = re.compile(r'^\{"doc_id": ("(?:[^"\\]|\\.)*")')  # as framing score writes records


def read_documents(path: str | Path, doc_ids: set[str]) -> Iterator[dict]:
    """The records of some documents only: a line whose leading doc_id (framing score
    writes it first) is not wanted is passed over without parsing the rest of it."""
    with _open(Path(path)) as f:
        for line in f:
            match = LEADING_DOC_ID.match(line)
            if match and json.loads(match.group(1)) not in doc_ids:
                continue
            if line.strip():
                record = json.loads(line)
                if record.get("doc_id") in doc_ids:
                    yield record


def documents_of(records) -> Iterator[tuple[str, list[dict]]]:
    """``(doc_id, records)`` for each run of consecutive records of one document."""
    for doc_id, group in groupby(records, key=lambda r: r["doc_id"]):
        yield doc_id, list(group)
