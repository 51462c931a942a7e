"""framing report PATH... -o OUT.html: article and corpus reports as self-contained HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from framing.cli._common import PRECISION_HELP, Precision, user_errors
from framing.cli.score import _check_writable


@user_errors
def report(
    paths: Annotated[list[str], typer.Argument(help="Scored JSONL (framing score -f jsonl), or anything framing "
                                                    "score reads (scored first, with evidence).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")],
    by: Annotated[Optional[list[str]], typer.Option(
        "--by", help="Corpus report: a metadata field of scored JSONL; first the axis (year, or date:year for the "
                     "year of a date), then a group that speaks (country).")] = None,
    title: Annotated[Optional[str], typer.Option(help="The page title [default: from the input].")] = None,
    roll_up: Annotated[bool, typer.Option("--roll-up", help="Count leaders toward their state.")] = False,
    explain: Annotated[bool, typer.Option(help="Article reports from text: find each label's evidence.")] = True,
    model: Annotated[Optional[Path], typer.Option(help="Model directory [default: models/default].")] = None,
    actors: Annotated[Optional[Path], typer.Option(help="Actor registry TOML [default: the model's].", exists=True,
                                                   dir_okay=False)] = None,
    precision: Annotated[Precision, typer.Option(help=PRECISION_HELP)] = Precision.auto,
    text_field: Annotated[str, typer.Option(help="JSONL corpora: the text key.")] = "text",
    id_field: Annotated[str, typer.Option(help="JSONL corpora: the document id key.")] = "id",
) -> None:
    """Write an article report (text marked with frames, sentiment and evidence; summary
    charts) or, with --by, a corpus report (frames and sentiment over time and by group)."""
    from framing.report.build import article_report, corpus_report, registry_roll_up, save

    _check_writable(out)
    roll = registry_roll_up(actors) if roll_up else None
    if by:
        result = corpus_report(paths, by, out.name, title, roll)
    else:
        result = article_report(paths, lambda: _analyzer(model, actors, precision, explain), title, roll,
                                text_field, id_field)
    save(result, out)
    typer.echo(f"wrote {out}" + (f" and {len(result.documents)} document pages in {out.parent / result.documents_dir}"
                                 if result.documents_dir else ""), err=True)


def _analyzer(model, actors, precision, explain):
    from framing.explain import ExplainingAnalyzer
    from framing.inference import FramingAnalyzer

    analyzer = FramingAnalyzer.load(model, actors=actors, precision=precision.value)
    return ExplainingAnalyzer(analyzer) if explain else analyzer
