"""File helpers shared across framing: content hashes and atomic writes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

HASH_BLOCK = 1 << 20  # bytes read at a time: hashing a 400 MB encoder stays at 1 MB of memory


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(HASH_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def temporary_beside(path: Path, binary: bool = False):
    """An open file next to ``path`` (same file system, so it can be renamed onto it), text
    unless ``binary``, and its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    if binary:
        return os.fdopen(fd, "wb"), tmp
    return os.fdopen(fd, "w", encoding="utf-8", newline=""), tmp


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file renamed onto it)."""
    with atomic_file(path) as handle:
        handle.write(text)


@contextlib.contextmanager
def atomic_file(path: Path, binary: bool = False):
    """A file to write (text unless ``binary``) that appears at ``path`` whole when the block
    ends, or not at all."""
    handle, tmp = temporary_beside(path, binary)
    try:
        with handle:
            yield handle
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
