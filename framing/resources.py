"""Where framing finds the files it ships and the project files it looks for.

Shipped with the package (the top-level ``models/`` folder, installed as the package data
``framing.assets``; one copy serves the checkout, editable installs and wheels):

* ``models/default/``: the default model,
* ``models/actors.toml``: the actor registry,
* ``models/taxonomy.toml``: the label scheme.

Project files (gold data, the benchmark sample) are not shipped: they are looked for in a
checkout, the current folder first, then the folder the package was installed from in
editable mode.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from framing.errors import FramingError

ASSETS_PACKAGE = "framing.assets"


def asset(name: str) -> Path:
    """A shipped file or folder, e.g. ``asset("actors.toml")``, as a real path on disk."""
    root = files(ASSETS_PACKAGE)
    if not isinstance(root, Path):  # a zipped install: models need real files to memory-map
        raise FramingError(f"framing's data files are not on disk ({root}); install framing unzipped (pip install)")
    return root / name


def default_model() -> Path:
    return asset("default")


def default_registry() -> Path:
    return asset("actors.toml")


def taxonomy_file() -> Path:
    return asset("taxonomy.toml")


def model_dir(name_or_path: str | Path | None) -> Path:
    """A model directory from a path, or from the name of a shipped model ("default")."""
    if name_or_path is None:
        return default_model()
    path = Path(name_or_path)
    if not path.exists() and path.name == str(name_or_path) and (asset(str(name_or_path)) / "config.json").is_file():
        return asset(str(name_or_path))
    return path


def project_file(relative: str) -> Path | None:
    """``relative`` (e.g. ``eval/gold/gold.jsonl``) in the current folder or in the checkout
    framing runs from; None when neither has it (an installed wheel)."""
    for root in (Path.cwd(), Path(__file__).resolve().parents[1]):
        candidate = root / relative
        if candidate.is_file():
            return candidate
    return None
