"""framing data check FILE...: schema, labels, offsets, duplicates, leaks across splits."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from framing.cli._common import user_errors
from framing.cli.data._options import TaxonomyOption, load_taxonomy


@user_errors
def check(paths: Annotated[list[Path], typer.Argument(help="Gold JSONL files.")], taxonomy: TaxonomyOption = None) -> None:
    """Schema, labels, offsets, duplicate ids and texts, documents split across splits."""
    from framing.data.gold import check as run_check

    problems = run_check(paths, load_taxonomy(taxonomy))
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        typer.echo(f"{len(problems)} problem{'s' * (len(problems) != 1)}: fix the lines named above and run "
                   "`framing data check` again", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {', '.join(map(str, paths))}")
