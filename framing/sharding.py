"""A corpus in numbered shards, each scored into a part whole or not at all, parts joined at the end.

The unit of work and of resumption for scoring in parallel (:mod:`framing.ray_engine`):

* :func:`plan_shards` cuts the inputs, in the order ``framing score`` reads them, into shards
  of at most ``shard_documents`` documents: line ranges of a JSONL(.gz) file, or runs of
  consecutive text files. The plan depends only on the inputs, so a rerun plans the same shards.
* :func:`score_shard` scores one shard with the single-machine path (reader, ``score_stream``,
  ``JsonlWriter``) and returns its JSONL text: the same records, in the same order.
* :class:`PartStore` keeps each finished shard's text in a part file (renamed into place
  whole), so ``--resume`` scores only the shards without one, and joins the parts in shard
  order into ``--out`` once every shard is there.
"""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from framing.errors import FramingError
from framing.files import atomic_file, atomic_write
from framing.outputs import sidecar_path
from framing.streaming import JsonlWriter, ScoreRun, score_stream
from framing.text.reader import (TEXT_SUFFIXES, BadRecord, check_size, doc_id_in, is_jsonl, iter_documents,
                                 open_jsonl, read_jsonl_lines, read_one_file, text_document, text_files)

# Documents (JSONL lines or files) a shard: with news articles of about 30 sentences, some
# 30,000 sentences, a few minutes on one core; what a killed run loses at most per worker.
SHARD_DOCUMENTS = 1000


@dataclass(frozen=True)
class Shard:
    """Lines ``first_line`` .. ``first_line + lines - 1`` of the JSONL file ``path`` (``lines``
    None: to the end of the file), or the text files ``files`` as ``(path, doc_id)`` pairs."""

    number: int
    path: str | None = None
    first_line: int = 1
    lines: int | None = None
    files: tuple[tuple[str, str | None], ...] = ()

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Shard":
        fields = json.loads(text)
        return cls(**{**fields, "files": tuple(tuple(pair) for pair in fields["files"])})


def plan_shards(paths: list[str], shard_documents: int = SHARD_DOCUMENTS) -> tuple[list[Shard], list[str]]:
    """The shards of ``paths`` in reading order, and messages for paths with nothing to read.

    JSONL files are counted line by line here (fast next to scoring); a file that cannot be
    read to the end becomes one shard, whose scoring reports it as the single-machine path does.
    """
    shards: list[Shard] = []
    bad: list[str] = []
    pending_files: list[tuple[str, str | None]] = []

    def close_files():
        if pending_files:
            shards.append(Shard(len(shards), files=tuple(pending_files)))
            pending_files.clear()

    for raw in paths:
        if raw == "-":
            raise FramingError("-: expected files to shard, found standard input; save it to a file and pass its path")
        files = uri_files(raw) if is_uri(raw) else _local_files(Path(raw))
        if not files:
            bad.append(_nothing_to_read(raw, files))
            continue
        for f, doc_id in files:
            if not is_jsonl(PurePosixPath(f)):
                pending_files.append((f, doc_id))
                if len(pending_files) == shard_documents:
                    close_files()
                continue
            close_files()
            lines = _count_lines(f)
            if lines is None:
                shards.append(Shard(len(shards), f))
            for first in range(1, (lines or 0) + 1, shard_documents):
                shards.append(Shard(len(shards), f, first, min(shard_documents, lines - first + 1)))
    close_files()
    return shards, bad


def _local_files(path: Path) -> list[tuple[str, str | None]] | None:
    """``(file, doc_id)`` pairs to read under a local path (doc_id None: the reader's own); None if it is missing."""
    if not path.exists():
        return None
    return [(str(f), doc_id_in(path, f)) for f in text_files(path)] if path.is_dir() else [(str(path), None)]


def _nothing_to_read(raw: str, files) -> str:
    if is_uri(raw):
        return (f"{raw}: no such file or directory" if files is None
                else f"{raw}: directory has no {'/'.join(TEXT_SUFFIXES)} files to score")
    return next(iter_documents([raw])).message  # the reader's own message


def is_uri(path: str) -> bool:
    """A storage URI (s3://, gs://, file://, ...), read through pyarrow's file systems (the ray extra)."""
    return "://" in path


def uri_files(uri: str) -> list[tuple[str, str | None]] | None:
    """As :func:`_local_files`, for a storage URI: a file, or a folder's text files at any depth, sorted."""
    from pyarrow import fs

    filesystem, root = fs.FileSystem.from_uri(uri)
    kind = filesystem.get_file_info(root).type
    if kind == fs.FileType.NotFound:
        return None
    if kind != fs.FileType.Directory:
        return [(uri, None)]
    scheme = uri.split("://", 1)[0]
    found = sorted(info.path for info in filesystem.get_file_info(fs.FileSelector(root, recursive=True))
                   if info.is_file and info.base_name.lower().endswith(TEXT_SUFFIXES))
    return [(f"{scheme}://{path}", doc_id_in(PurePosixPath(root), PurePosixPath(path))) for path in found]


def open_uri(uri: str):
    """A storage URI opened for reading bytes by line, decompressed if it ends in .gz."""
    from pyarrow import fs

    filesystem, path = fs.FileSystem.from_uri(uri)
    return io.BufferedReader(filesystem.open_input_stream(path))  # (compression detected from the name)


def _uri_document(uri: str, doc_id: str | None):
    from pyarrow import fs

    filesystem, path = fs.FileSystem.from_uri(uri)
    try:
        check_size(filesystem.get_file_info(path).size, uri)
        with filesystem.open_input_stream(path, compression=None) as f:
            document = text_document(f.read(), uri, PurePosixPath(path).name)
    except FramingError as e:
        return BadRecord(uri, str(e))
    except OSError as e:
        return BadRecord(uri, f"{uri}: could not read it ({e}); check the URI and its permissions")
    document.doc_id = doc_id or document.doc_id
    return document


def _opener(path: str):
    return open_uri if is_uri(path) else open_jsonl


def _count_lines(path: str) -> int | None:
    """Lines in a JSONL(.gz) file, or None when it cannot be read to the end."""
    try:
        with _opener(path)(path) as f:
            return sum(1 for _ in f)
    except (OSError, EOFError):
        return None


def shard_records(shard: Shard, text_field: str, id_field: str):
    """The shard's documents (and bad records), as ``iter_documents`` yields them for the whole corpus."""
    if shard.path is not None:
        yield from read_jsonl_lines(shard.path, text_field, id_field, shard.first_line, shard.lines,
                                    _opener(shard.path))
    for path, doc_id in shard.files:
        if is_uri(path):
            yield _uri_document(path, doc_id)
        else:
            yield from read_one_file(Path(path), text_field, id_field, doc_id)


def score_shard(analyzer, shard: Shard, text_field: str = "text", id_field: str = "id",
                skip_bad: bool = False) -> tuple[str, ScoreRun]:
    """The shard's JSONL text, exactly as ``framing score -f jsonl`` writes those documents, and its run."""
    buffer = io.StringIO()
    run = score_stream(analyzer, shard_records(shard, text_field, id_field), JsonlWriter(buffer), skip_bad=skip_bad)
    return buffer.getvalue(), run


def merge_runs(runs: list[ScoreRun]) -> ScoreRun:
    """One run from shard runs in shard order: counts added, messages listed up to the first stop."""
    merged = ScoreRun()
    for run in runs:
        merged.documents += run.documents
        merged.sentences += run.sentences
        merged.skipped_resumed += run.skipped_resumed
        merged.duplicate_ids += run.duplicate_ids
        if merged.stopped_on is None:
            merged.bad += run.bad
            merged.stopped_on = run.stopped_on
    return merged


class PartStore:
    """Finished shards' JSONL in ``.OUT.parts/`` beside ``--out``: ``NNNNNN.jsonl`` (renamed
    into place whole, after its run figures ``NNNNNN.json``), and ``plan.json``, the shards and
    scoring options they were made with, so that ``--resume`` never mixes parts of two plans,
    and ``identity.json``, what scored them (framing.outputs.run_identity), which becomes
    ``--out``'s sidecar when the parts are joined, as the single-machine path writes it."""

    PLAN = "plan.json"
    IDENTITY = "identity.json"

    def __init__(self, out: Path):
        self.out = out
        self.folder = out.parent / f".{out.name}.parts"
        self._new_plan: dict | None = None

    def open(self, plan: dict, resume: bool) -> dict[int, ScoreRun]:
        """Start a run (a fresh folder) or resume one; returns the finished shards' runs."""
        plan_file = self.folder / self.PLAN
        plan = json.loads(json.dumps(plan))  # as it reads back: tuples become lists
        if resume and plan_file.exists():
            if json.loads(plan_file.read_text(encoding="utf-8")) != plan:
                raise FramingError(f"{self.folder}: expected parts of this corpus and these options, found parts of "
                                   "another run (inputs or options changed); rerun without --resume to start over")
            return {n: run for n in range(len(plan["shards"])) if (run := self._finished(n)) is not None}
        if resume and self.out.exists():
            raise FramingError(f"{self.out}: expected parts to resume, found the whole output (its parts were "
                               "joined); rerun without --resume to score the corpus again")
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self._new_plan = plan  # written with the first part: a run that scores nothing leaves nothing
        return {}

    def save(self, number: int, text: str, run: ScoreRun, identity: str) -> None:
        if not self.folder.exists():
            self.folder.mkdir(parents=True)
            atomic_write(self.folder / self.PLAN, json.dumps(self._new_plan, indent=1) + "\n")
        if not (self.folder / self.IDENTITY).exists():
            atomic_write(self.folder / self.IDENTITY, identity)
        atomic_write(self._part(number).with_suffix(".json"), json.dumps(dataclasses.asdict(run)) + "\n")
        atomic_write(self._part(number), text)

    def join(self, shards: int) -> None:
        """Write every part, in shard order, to ``--out`` (a temporary file renamed onto it), then drop the parts."""
        with atomic_file(self.out) as handle:
            for number in range(shards):
                with self._part(number).open(encoding="utf-8") as part:
                    shutil.copyfileobj(part, handle)
        if (self.folder / self.IDENTITY).exists():
            atomic_write(sidecar_path(self.out), (self.folder / self.IDENTITY).read_text(encoding="utf-8"))
        if self.folder.exists():  # (a corpus of no shards made none)
            shutil.rmtree(self.folder)

    def _part(self, number: int) -> Path:
        return self.folder / f"{number:06d}.jsonl"

    def _finished(self, number: int) -> ScoreRun | None:
        if not self._part(number).exists():
            return None
        return ScoreRun(**json.loads(self._part(number).with_suffix(".json").read_text(encoding="utf-8")))
