"""framing benchmark speed: sentences a second, project path against a baseline."""

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
    from rich.table import Table

    from framing.benchmark import DEFAULT_SAMPLE
    from framing.benchmark import speed as run_speed

    err = console(stderr=True)
    figures = run_speed(model, corpus or DEFAULT_SAMPLE, tuple(precision), repeats, baseline, threads or None,
                        text_field=text_field, memory=memory, progress=lambda m: err.print(m, style="dim"))
    table = Table(title=f"framing score speed on {figures['corpus']} ({figures['threads']} threads, "
                        f"median of {figures['repeats']} after a warm-up)")
    for col in ("path", "precision", "sentences", "median s/s", "min", "max", "x baseline", "peak MB"):
        table.add_column(col, justify="left" if col in ("path", "precision") else "right")
    for r in figures["runs"]:
        table.add_row(r["name"], r["precision"], str(r["sentences"]), f"{r['median']:.0f}", f"{r['min']:.0f}",
                      f"{r['max']:.0f}", f"{r['ratio_to_baseline']:.2f}" if "ratio_to_baseline" in r else "-",
                      f"{r['peak_rss_mb']:.0f}" if "peak_rss_mb" in r else "-")
    table.caption = ("peak MB: resident memory of a fresh process loading the model and scoring the corpus once; "
                     f"this benchmark process (all models loaded): {figures['peak_rss_mb']:.0f} MB")
    console().print(table)
    if json_out:
        json_out.write_text(json.dumps(figures, indent=2) + "\n")
