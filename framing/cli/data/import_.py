"""framing data import EXPORT... --from TOOL --split SPLIT -o gold.jsonl: annotations back to gold."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from framing.cli._common import user_errors
from framing.cli.data._options import OverwriteOption, TaxonomyOption, check_new_output, load_taxonomy


@user_errors
def import_(
    exports: Annotated[list[Path], typer.Argument(help="Exports of the tool (several: one per annotator or project).",
                                                  exists=True, dir_okay=False)],
    tool: Annotated[str, typer.Option("--from", help="label-studio, doccano or prodigy.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Gold JSONL to write.")],
    split: Annotated[Optional[str], typer.Option(help="Split of the new rows: train, dev or test.")] = None,
    conflicts: Annotated[Optional[Path], typer.Option(
        help="Where tasks the annotators disagree on go, for adjudication [default: OUT with .conflicts.jsonl].")] = None,
    batch: Annotated[Optional[str], typer.Option(help="Batch name on every row [default: the first export's name].")]
    = None,
    codebook: Annotated[Optional[str], typer.Option(help="Codebook version on every row.")] = None,
    actors: Annotated[Optional[Path], typer.Option(help="Actor registry for mentions without an actor name "
                                                        "[default: the shipped one].", exists=True, dir_okay=False)]
    = None,
    taxonomy: TaxonomyOption = None,
    overwrite: OverwriteOption = False,
) -> None:
    """Gold rows with offsets checked against the text and the annotator kept; tasks where two
    annotators disagree are listed for adjudication, not merged."""
    from framing.data.batch import jsonl_text, write_text_files
    from framing.data.exchange import import_annotations
    from framing.text.actors import ActorRegistry

    conflicts = conflicts or out.with_suffix(".conflicts.jsonl")
    check_new_output(out, overwrite)
    result = import_annotations(exports, tool, load_taxonomy(taxonomy), ActorRegistry.load(actors), split, batch,
                                codebook)
    written = {out: jsonl_text(result.rows)}
    if result.conflicts:
        check_new_output(conflicts, overwrite)
        written[conflicts] = jsonl_text(result.conflicts)
    write_text_files(written)
    typer.echo(f"wrote {out}: {len(result.rows)} rows from {len(result.annotators)} annotator"
               f"{'s' * (len(result.annotators) != 1)} ({', '.join(result.annotators) or 'none'}); "
               f"{len(result.conflicts)} in conflict" + (f" (see {conflicts})" if result.conflicts else "")
               + f", {len(result.skipped)} skipped, {len(result.unannotated)} not annotated", err=True)
