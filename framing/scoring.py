"""Score many documents into JSONL, JSON or CSV: the library side of ``framing score``.

JSONL (one object a sentence) is written document by document and flushed, so a
corpus run can be killed and resumed: :func:`completed_documents` reads what an earlier
run finished (each line carries ``doc_sentences``, the number of sentences its document
has, so a document cut off mid-write is detected and rewritten) and trims the rest.
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from framing.reader import BadRecord, Document

DOCS_PER_CHUNK = 32  # documents scored together, so short documents share batches


@dataclass
class ScoreRun:
    documents: int = 0
    sentences: int = 0
    skipped_resumed: int = 0
    bad: list[str] = field(default_factory=list)  # one message per bad file or record
    stopped_on: str | None = None  # set when a bad JSONL record stopped the run
    seconds: float = 0.0


def sentence_record(sentence, doc_sentences: int) -> dict:
    record = sentence.to_dict()
    record["doc_sentences"] = doc_sentences
    return record


def jsonl_text(doc) -> str:
    n = len(doc.sentences)
    return "".join(json.dumps(sentence_record(s, n), ensure_ascii=False) + "\n" for s in doc.sentences)


def csv_text(docs, frames: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["doc_id", "sentence_id", "start", "end", "text", *[f"p_{f}" for f in frames], "labels", "actors"])
    for doc in docs:
        for s in doc.sentences:
            actors = ";".join(f"{a.actor}|{a.mention}|{a.start}|{a.end}|{a.sentiment}" for a in s.actors)
            writer.writerow([s.doc_id, s.sentence_id, s.start, s.end, s.text, *[s.frames[f] for f in frames],
                             ";".join(s.labels), actors])
    return buffer.getvalue()


def json_text(docs, summaries) -> str:
    payload = [{"doc_id": d.doc_id, "sentences": [s.to_dict() for s in d.sentences], "summary": summary}
               for d, summary in zip(docs, summaries)]
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def completed_documents(path: Path) -> set[str]:
    """Doc ids an earlier JSONL run wrote whole; trims a partial line or document at the end."""
    if not path.exists():
        return set()
    done: set[str] = set()
    keep = 0  # byte offset up to which the file is whole documents
    counts: dict[str, int] = {}
    offset = 0
    with path.open("rb") as f:
        for raw in f:
            offset += len(raw)
            if not raw.endswith(b"\n"):
                break
            try:
                record = json.loads(raw)
                doc_id, total = str(record["doc_id"]), int(record["doc_sentences"])
            except (ValueError, KeyError, TypeError):
                break
            counts[doc_id] = counts.get(doc_id, 0) + 1
            if counts[doc_id] == total:
                done.add(doc_id)
                keep = offset
    if keep != path.stat().st_size:
        with path.open("r+b") as f:
            f.truncate(keep)
    return done


def score_stream(
    analyzer,
    records: Iterable[Document | BadRecord],
    write: Callable[[object], None],
    skip_bad: bool = False,
    skip_ids: set[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ScoreRun:
    """Score documents in order, calling ``write(doc)`` for each scored document.

    Bad files are recorded and skipped; a bad JSONL record stops the run unless
    ``skip_bad``. Documents whose id is in ``skip_ids`` (a resumed run) are passed over.
    """
    run = ScoreRun()
    started = time.perf_counter()
    chunk: list[Document] = []

    def flush():
        if not chunk:
            return
        for doc in analyzer.score_documents([(d.doc_id, d.text) for d in chunk]):
            write(doc)
            run.documents += 1
            run.sentences += len(doc.sentences)
        chunk.clear()
        if progress:
            progress(run.documents, run.sentences)

    for record in records:
        if isinstance(record, BadRecord):
            run.bad.append(record.message)
            is_jsonl_line = record.origin.rsplit(":", 1)[-1].isdigit()
            if is_jsonl_line and not skip_bad:
                run.stopped_on = record.message
                break
            continue
        if skip_ids and record.doc_id in skip_ids:
            run.skipped_resumed += 1
            continue
        chunk.append(record)
        if len(chunk) >= DOCS_PER_CHUNK:
            flush()
    if run.stopped_on is None:
        flush()
    run.seconds = time.perf_counter() - started
    return run


class JsonlWriter:
    """Appends each document's lines in one write and flushes: what was written survives a
    killed process (the OS holds it); a cut-off last document is detected on --resume."""

    def __init__(self, handle):
        self.handle = handle

    def __call__(self, doc):
        self.handle.write(jsonl_text(doc))
        self.handle.flush()
