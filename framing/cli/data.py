"""framing data check|stats|agree: validate gold files, count them, compare annotators."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from framing.cli._common import console, user_errors

app = typer.Typer(help="Check, count and compare gold data.", no_args_is_help=True)


@app.command("check")
@user_errors
def check(paths: Annotated[list[Path], typer.Argument(help="Gold JSONL files.")]) -> None:
    """Schema, labels, offsets, duplicate ids and texts, documents split across splits."""
    from framing.data.gold import check as run_check

    problems = run_check(paths)
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        typer.echo(f"{len(problems)} problem{'s' * (len(problems) != 1)}: fix the lines named above and run "
                   "`framing data check` again", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {', '.join(map(str, paths))}")


@app.command("stats")
@user_errors
def stats(paths: Annotated[list[Path], typer.Argument(help="Gold JSONL files.")]) -> None:
    """Counts per split, frame, sentiment and source."""
    from framing.data.gold import read_examples, stats as count
    from framing.render import stats_tables

    out = console()
    for table in stats_tables(count(read_examples(paths))):
        out.print(table)


@app.command("agree")
@user_errors
def agree(
    a: Annotated[Path, typer.Argument(help="First annotation (gold JSONL).", exists=True, dir_okay=False)],
    b: Annotated[Path, typer.Argument(help="Second annotation of the same sentences.", exists=True, dir_okay=False)],
) -> None:
    """Cohen's kappa per frame, Krippendorff's alpha over frames, sentiment kappa."""
    from framing.evaluation.agreement import agreement
    from framing.data.gold import read_examples
    from framing.render import agreement_table

    console().print(agreement_table(agreement(read_examples([a]), read_examples([b]))))
