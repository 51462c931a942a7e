"""Guards on ``framing score --out``: the user's files are never lost to an output.

* an output that is one of the inputs, or inside a scanned folder, is refused (it would
  truncate the input, or be read back in as it grows), and so is a device or FIFO;
* one run at a time writes an output: an exclusive lock (``flock``) on a hidden lock file
  beside it, held for the whole run;
* a JSONL output has a sidecar, ``OUT.framing.json``, recording what wrote it (framing
  version, model weights, precision, actor registry); ``--resume`` continues only a file
  whose sidecar matches this run, so results of two models are never mixed and a file
  framing did not write is never trimmed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path

from framing.errors import FramingError
from framing.files import atomic_write, file_sha256

SIDECAR_SUFFIX = ".framing.json"


def check_output(out: Path, inputs: list[str]) -> None:
    """Refuse an ``out`` that is an input file or lies inside an input folder, or that is
    not a regular file (a device would be replaced by the final rename, a FIFO blocks)."""
    if out.exists() and not out.is_file() and not out.is_dir():
        raise FramingError(f"{out}: expected a regular file path for --out, found a device, FIFO or socket; write "
                           "to a file and copy it from there")
    target = out.resolve()
    for raw in inputs:
        if raw == "-":
            continue
        source = Path(raw).resolve()
        if source.is_dir() and target.is_relative_to(source):
            raise FramingError(f"{out}: --out is inside the scanned folder {raw}, so the run would read its own "
                               "output; choose an --out outside the inputs")
        if target == source or (out.exists() and source.exists() and os.path.samefile(out, source)):
            raise FramingError(f"{out}: --out is the input file {raw}; writing it would destroy the input, "
                               "choose another --out")


@contextlib.contextmanager
def exclusive_output(out: Path):
    """Hold an exclusive lock on ``out`` for the block, or a FramingError when another run
    holds it. The lock file (``.OUT-lock``) is removed by its holder while still locked;
    a run that finds its file removed between opening and locking tries the new one."""
    lock = out.with_name(f".{out.name}-lock")
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise FramingError(f"{out}: another framing run is writing it; wait for that run to end or choose "
                               "another --out") from None
        if _same_file(fd, lock):
            break
        os.close(fd)
    try:
        yield
    finally:
        os.unlink(lock)
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def run_identity(analyzer) -> dict:
    """What makes a run's records comparable: framing's version, the model's weights, the
    precision the encoder ran in and the actor registry."""
    from framing import __version__

    registry = Path(analyzer.registry.source)
    return {
        "framing_version": __version__,
        "model_weights_sha256": analyzer.meta.get("weights_sha256"),
        "precision": analyzer.precision,
        "actors_sha256": file_sha256(registry) if registry.is_file() else analyzer.registry.source,
    }


def sidecar_path(out: Path) -> Path:
    return out.with_name(out.name + SIDECAR_SUFFIX)


def start_jsonl_output(out: Path, identity: dict, resume: bool) -> None:
    """Before a JSONL run writes ``out``: with ``resume``, refuse a non-empty ``out`` that
    this framing, model, precision and registry did not write; then record the run in the
    sidecar."""
    if resume and out.exists() and out.stat().st_size > 0:
        recorded = _read_sidecar(out)
        changed = sorted(key for key in identity if recorded.get(key) != identity[key])
        if changed:
            found = ", ".join(f"{key} {recorded.get(key)!r} (this run: {identity[key]!r})" for key in changed)
            raise FramingError(f"{out}: --resume expected records of this run's setup, found {found}; resume with "
                               "the --model, --precision and --actors that wrote it, or choose another --out")
    atomic_write(sidecar_path(out), json.dumps(identity, indent=2) + "\n")


def recorded_setup(out: Path) -> dict | None:
    """What wrote the JSONL output ``out`` (its sidecar: framing version, model weights
    sha256, precision, registry sha256), or None where it has no sidecar."""
    return _read_sidecar(out) if sidecar_path(out).is_file() else None


def _read_sidecar(out: Path) -> dict:
    from framing.validation import read_structured

    sidecar = sidecar_path(out)
    if not sidecar.is_file():
        raise FramingError(f"{out}: --resume expected a JSONL output written by framing (with {sidecar.name} beside "
                           "it), found a file without one; choose another --out, or remove the file to start over")
    return read_structured(sidecar, "json", "output record")
