"""Options the data commands share."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

TaxonomyOption = Annotated[Optional[Path], typer.Option(
    "--taxonomy", help="Label scheme TOML [default: the shipped models/taxonomy.toml].", exists=True, dir_okay=False)]


def load_taxonomy(path: Path | None):
    from framing.labels import Taxonomy

    return Taxonomy.load(path)


OverwriteOption = Annotated[bool, typer.Option("--overwrite", help="Replace --out if it exists.")]


def check_new_output(out: Path, overwrite: bool) -> None:
    """Refuse to replace an existing file unless asked: it may be the user's labels."""
    from framing.errors import FramingError

    if out.is_dir():
        raise FramingError(f"{out}: expected a file path for --out, found a directory")
    if out.exists() and not overwrite:
        raise FramingError(f"{out}: exists; choose another --out, or pass --overwrite to replace it")
