"""framing benchmark speed|report: sentences a second against a baseline; the corpus report's time and size."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from framing.cli._common import console, user_errors

app = typer.Typer(help="Benchmarks that print figures.", no_args_is_help=True)


@app.command("speed")
@user_errors
def speed(
    corpus: Annotated[Optional[Path], typer.Option(help="JSONL corpus [default: eval/bench/un-kremlin-sample.jsonl].",
                                                   exists=True, dir_okay=False)] = None,
    model: Annotated[Optional[Path], typer.Option(help="Model directory [default: models/default].")] = None,
    repeats: Annotated[int, typer.Option(min=1, help="Timed runs after one warm-up.")] = 3,
    precision: Annotated[list[str], typer.Option(help="fp32 and/or int8 (repeat the option).")] = ["fp32", "int8"],
    baseline: Annotated[bool, typer.Option(help="Also run the straightforward baseline (fp32).")] = True,
    threads: Annotated[int, typer.Option(min=0, help="torch threads (0: torch's default).")] = 0,
    text_field: Annotated[str, typer.Option(help="The corpus's text key.")] = "text",
    memory: Annotated[bool, typer.Option(help="Measure each path's peak memory in a fresh process.")] = True,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the figures as JSON here.")] = None,
) -> None:
    """Score the same documents with the project's path and the baseline; print sentences/s."""
    from framing.benchmark import speed as run_speed
    from framing.render import speed_table

    err = console(stderr=True)
    figures = run_speed(model, corpus, tuple(precision), repeats, baseline, threads or None,
                        text_field=text_field, memory=memory, progress=lambda m: err.print(m, style="dim"))
    console().print(speed_table(figures))
    if json_out:
        json_out.write_text(json.dumps(figures, indent=2) + "\n")


@app.command("report")
@user_errors
def report(
    sentences: Annotated[int, typer.Option(min=1, help="Sentences of the synthetic scored corpus.")] = 582_000,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic corpus.")] = 0,
) -> None:
    """Time the corpus report on a synthetic scored corpus (the UN corpus's size by default)."""
    from framing.render import figures_table
    from framing.report.bench import report_benchmark

    console().print(figures_table("corpus report (--by year --by country) on a synthetic scored corpus",
                                  report_benchmark(sentences, seed)))
