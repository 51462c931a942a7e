"""framing data export BATCH --to TOOL -o FILE: tasks in an annotation tool's import format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from framing.cli._common import user_errors
from framing.cli.data._options import OverwriteOption, TaxonomyOption, check_new_output, load_taxonomy


@user_errors
def export(
    batch: Annotated[Path, typer.Argument(help="Batch JSONL from `framing data select`.", exists=True, dir_okay=False)],
    to: Annotated[str, typer.Option("--to", help="label-studio, doccano or prodigy.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Tasks file to write (.json for Label Studio, "
                                                          ".jsonl for doccano and Prodigy).")],
    taxonomy: TaxonomyOption = None,
    overwrite: OverwriteOption = False,
) -> None:
    """Tasks with the model's predictions pre-annotated; for Label Studio also the labelling
    config (OUT with .xml), for doccano the label names to create (OUT with .labels.json)."""
    from framing.data.batch import write_text_files
    from framing.data.exchange import export_batch

    files = export_batch(batch, to, load_taxonomy(taxonomy))
    targets = {"tasks": out, "config": out.with_suffix(".xml"), "labels": out.with_suffix(".labels.json")}
    written = {targets[name]: text for name, text in files.items()}
    for path in written:
        check_new_output(path, overwrite)
    write_text_files(written)
    typer.echo("wrote " + ", ".join(map(str, written)), err=True)
