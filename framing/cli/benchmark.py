"""framing benchmark speed|engines|report: sentences a second against a baseline; local against
Ray; the corpus report's time and size."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from framing.cli._common import PRECISION_HELP, Precision, console, user_errors

app = typer.Typer(help="Benchmarks that print figures.", no_args_is_help=True)

CorpusOption = Annotated[Optional[Path], typer.Option(help="JSONL corpus [default: eval/bench/un-kremlin-sample.jsonl].",
                                                      exists=True, dir_okay=False)]
ModelOption = Annotated[Optional[Path], typer.Option(help="Model directory [default: models/default].")]
JsonOption = Annotated[Optional[Path], typer.Option("--json", help="Write the figures as JSON here.")]


@app.command("speed")
@user_errors
def speed(
    corpus: CorpusOption = None,
    model: ModelOption = None,
    repeats: Annotated[int, typer.Option(min=1, help="Timed runs after one warm-up.")] = 3,
    precision: Annotated[list[Precision], typer.Option(help="Repeat to run several: " + PRECISION_HELP)] = [
        Precision.auto, Precision.fp32, Precision.int8],
    baseline: Annotated[bool, typer.Option(help="Also run the straightforward baseline (fp32).")] = True,
    threads: Annotated[int, typer.Option(min=0, help="torch threads (0: torch's default).")] = 0,
    text_field: Annotated[str, typer.Option(help="The corpus's text key.")] = "text",
    memory: Annotated[bool, typer.Option(help="Measure each path's peak memory in a fresh process.")] = True,
    json_out: JsonOption = None,
) -> None:
    """Score the same documents with the project's path and the baseline; print sentences/s."""
    from framing.benchmark import speed as run_speed
    from framing.render import speed_table

    figures = run_speed(model, corpus, tuple(p.value for p in precision), repeats, baseline, threads or None,
                        text_field=text_field, memory=memory, progress=_progress())
    _show(speed_table(figures), figures, json_out)


@app.command("engines")
@user_errors
def engines(
    corpus: CorpusOption = None,
    model: ModelOption = None,
    repeats: Annotated[int, typer.Option(min=1, help="Runs per engine, interleaved.")] = 3,
    workers: Annotated[int, typer.Option(min=1, help="Ray workers (one thread each).")] = 2,
    shard_documents: Annotated[int, typer.Option(min=1, help="Documents a Ray shard.")] = 10,
    precision: Annotated[Precision, typer.Option(help=PRECISION_HELP)] = Precision.auto,
    json_out: JsonOption = None,
) -> None:
    """framing score end to end, local against --engine ray (Ray's start-up included); needs the ray extra."""
    from framing.engine_benchmark import engines as run_engines
    from framing.render import engines_table

    figures = run_engines(corpus, model, repeats, workers, shard_documents, precision.value, progress=_progress())
    _show(engines_table(figures), figures, json_out)


def _progress():
    err = console(stderr=True)
    return lambda message: err.print(message, style="dim")


def _show(table, figures: dict, json_out: Optional[Path]) -> None:
    console().print(table)
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
