"""Score many documents into JSONL, JSON or CSV: the library side of ``framing score``.

JSONL (one object a sentence) is written document by document (long documents slice by
slice) and flushed, so a corpus run can be killed and resumed: :func:`completed_documents` reads what an earlier
run finished (each line carries ``doc_sentences``, the number of sentences its document
has, so a document cut off mid-write is detected and rewritten) and trims the rest.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from framing.text.reader import BadRecord, Document
from framing.text.segment import iter_sentences, split_sentences

SENTENCES_PER_SLICE = 2048  # sentences scored together, sorted by length; bounds memory on long documents
MAX_DUPLICATES_LISTED = 5  # duplicate document ids named in the warning
HOLD_SPLIT_CHARS = 1_000_000  # a longer document is segmented twice (count, then score) rather than held split


@dataclass
class ScoreRun:
    documents: int = 0
    sentences: int = 0
    skipped_resumed: int = 0
    bad: list[str] = field(default_factory=list)  # one message per bad file or record
    stopped_on: str | None = None  # set when a bad JSONL record stopped the run
    seconds: float = 0.0
    duplicate_ids: list[str] = field(default_factory=list)  # ids seen more than once (first few)


@dataclass
class DocumentPart:
    """Consecutive scored sentences of one document: a whole short document, or a slice of
    a long one. ``doc_sentences`` counts the whole document's sentences."""

    doc_id: str
    doc_sentences: int
    sentences: list
    last: bool  # the document's final part
    meta: dict = field(default_factory=dict)  # the input record's other fields, copied into each record


def sentence_record(sentence, doc_sentences: int, meta: dict | None = None) -> dict:
    record = sentence.to_dict()
    record["doc_sentences"] = doc_sentences
    if meta:
        record["meta"] = meta
    return record


def jsonl_text(part: DocumentPart) -> str:
    return "".join(json.dumps(sentence_record(s, part.doc_sentences, part.meta), ensure_ascii=False) + "\n"
                   for s in part.sentences)


CSV_COLUMNS = ["doc_id", "sentence_id", "start", "end", "text", "labels", "actors"]


def csv_header(frames: list[str]) -> str:
    return _csv_rows([[*CSV_COLUMNS[:5], *[f"p_{f}" for f in frames], *CSV_COLUMNS[5:]]])


def csv_text(part: DocumentPart, frames: list[str]) -> str:
    rows = []
    for s in part.sentences:
        actors = ";".join(f"{a.actor}|{a.mention}|{a.start}|{a.end}|{a.sentiment}" for a in s.actors)
        rows.append([s.doc_id, s.sentence_id, s.start, s.end, s.text, *[s.frames[f] for f in frames],
                     ";".join(s.labels), actors])
    return _csv_rows(rows)


def _csv_rows(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
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
    write: Callable[[DocumentPart], None],
    skip_bad: bool = False,
    skip_ids: set[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ScoreRun:
    """Score documents in order, calling ``write(part)`` with each :class:`DocumentPart`.

    Sentences are scored SENTENCES_PER_SLICE at a time, short documents sharing a slice
    and long ones spread over several, so memory stays bounded however long a document
    is. Bad files are recorded and skipped; a bad JSONL record stops the run (after the
    documents before it are written) unless ``skip_bad``. Documents whose id is in
    ``skip_ids`` (a resumed run) are passed over.
    """
    run = ScoreRun()
    started = time.perf_counter()
    pending: list[tuple[str, int, int, object, dict]] = []  # (doc_id, doc_sentences, sentence_id, sentence or None, meta)
    seen_ids: set[str] = set()

    def flush():
        to_score = [(doc_id, k, sentence) for doc_id, _, k, sentence, _ in pending if sentence is not None]
        scored = iter(analyzer.score_sentences(to_score))
        part = None
        for doc_id, total, k, sentence, meta in pending:
            if part is None or part.doc_id != doc_id or k == 0:
                if part is not None:
                    emit(part)
                part = DocumentPart(doc_id, total, [], last=False, meta=meta)
            if sentence is not None:
                part.sentences.append(next(scored))
            part.last = k == total - 1 or total == 0
        if part is not None:
            emit(part)
        pending.clear()
        release_freed_memory()

    def emit(part):
        write(part)
        run.sentences += len(part.sentences)
        run.documents += part.last
        if progress:  # every part, so a long document's progress shows too
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
        if record.doc_id in seen_ids:
            if len(run.duplicate_ids) < MAX_DUPLICATES_LISTED:
                run.duplicate_ids.append(record.doc_id)
        else:
            seen_ids.add(record.doc_id)
        total, sentences = _sentences(record.text)
        # An empty document still gets its (empty) part, in its place.
        for k, sentence in enumerate(sentences) if total else [(0, None)]:
            pending.append((record.doc_id, total, k, sentence, record.meta))
            if len(pending) >= SENTENCES_PER_SLICE:
                flush()
    flush()
    run.seconds = time.perf_counter() - started
    return run


def release_freed_memory() -> None:
    """Hand memory freed by the last slice back to the OS (glibc keeps it otherwise).

    Slices differ in shape, so freed blocks fragment and resident memory creeps up over a
    corpus. On 600 UN speeches (int8), trimming once a slice ended the run at 473-479 MB
    resident instead of 844-866 MB, at no time cost beyond noise; the peak, a transient
    inside a slice, stayed within run-to-run noise (827-954 MB either way).
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none (macOS, musl)."""
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def _sentences(text: str):
    """``(count, sentences)``: held as a list for ordinary documents, re-segmented lazily
    for very long ones (segmentation is cheap next to the model)."""
    if len(text) <= HOLD_SPLIT_CHARS:
        sentences = split_sentences(text)
        return len(sentences), sentences
    return sum(1 for _ in iter_sentences(text)), iter_sentences(text)


class JsonlWriter:
    """Appends each part's lines in one write and flushes: what was written survives a
    killed process (the OS holds it); a cut-off last document is detected on --resume."""

    def __init__(self, handle):
        self.handle = handle

    def __call__(self, part: DocumentPart):
        self.handle.write(jsonl_text(part))
        self.handle.flush()


class CsvWriter:
    """One row a sentence, header first, written part by part."""

    def __init__(self, handle, frames: list[str]):
        self.handle, self.frames = handle, frames
        handle.write(csv_header(frames))

    def __call__(self, part: DocumentPart):
        self.handle.write(csv_text(part, self.frames))


class DocumentCollector:
    """Reassembles parts into whole :class:`ScoredDocument` objects (tables, JSON)."""

    def __init__(self):
        self.documents: list = []
        self._open = None

    def __call__(self, part: DocumentPart):
        from framing.inference import ScoredDocument

        if self._open is None:
            self._open = ScoredDocument(part.doc_id, [])
        self._open.sentences.extend(part.sentences)
        if part.last:
            self.documents.append(self._open)
            self._open = None
