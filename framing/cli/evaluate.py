"""framing eval [--gold FILE...]: scores against gold data, Rich tables, --json, a gate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from framing.cli._common import PRECISION_HELP, Precision, console, user_errors


@user_errors
def evaluate(
    gold: Annotated[Optional[list[Path]], typer.Option(
        "--gold", "-g", help="Gold JSONL (or NewsMTSC) files [default: eval/gold/gold.jsonl in a checkout].",
        exists=True, dir_okay=False)] = None,
    model: Annotated[Optional[str], typer.Option(help="Model directory or shipped model name [default: default].")] = None,
    split: Annotated[Optional[str], typer.Option(help="Keep gold rows of this split (train, dev, test).")] = None,
    actors: Annotated[Optional[Path], typer.Option(help="Actor registry [default: the model's].", exists=True,
                                                   dir_okay=False)] = None,
    # fp32 by default, unlike score: a gate's figures must not depend on the machine's CPU.
    precision: Annotated[Precision, typer.Option(help=PRECISION_HELP + " [default: fp32]")] = Precision.fp32,
    bootstrap: Annotated[int, typer.Option(min=0, help="Bootstrap rounds for 95% CIs (0: none).")] = 1000,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 0,
    baselines: Annotated[bool, typer.Option("--baselines", help="Add majority and TF-IDF+LR baseline columns.")] = False,
    baseline_train: Annotated[Optional[Path], typer.Option(
        help="Gold file whose train split trains the baselines [default: the --gold files].",
        exists=True, dir_okay=False)] = None,
    slice_by: Annotated[list[str], typer.Option(help="Per-slice scores: source and/or length.")] = [],
    calibration: Annotated[bool, typer.Option("--calibration", help="Expected calibration error and reliability.")] = False,
    errors: Annotated[int, typer.Option(min=0, help="Show the N most confident mistakes per label.")] = 0,
    compare: Annotated[Optional[Path], typer.Option(help="An earlier --json output: old, new, delta, p-values.")] = None,
    fail_under: Annotated[Optional[Path], typer.Option(help="TOML of [minimum] scores; exit 1 below any.")] = None,
    max_drop: Annotated[Optional[float], typer.Option(min=0.0, help="With --compare: exit 1 on a larger drop.")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the metrics dict (and predictions) here.")] = None,
    card: Annotated[Optional[str], typer.Option(help="Record these scores under NAME in the model's meta.json and card.",
                                                metavar="NAME")] = None,
) -> None:
    """Frame P/R/F1 per frame, sentiment on gold spans, actor detection; optionally a CI gate."""
    from framing import render, resources
    from framing.evaluation.harness import card_note, evaluate_model
    from framing.files import atomic_write

    report = evaluate_model(gold, model, split, actors, precision.value, bootstrap, seed, baselines, baseline_train,
                            slice_by, calibration, errors, compare, fail_under, max_drop)
    out = console()
    for table in render.eval_tables(report, slice_by, calibration, str(compare) if compare else None):
        out.print(table)
    if json_out is not None:
        atomic_write(json_out, json.dumps(report.metrics, indent=1, sort_keys=True) + "\n")
    if card:
        from framing.model.persistence import record_scores

        record_scores(resources.model_dir(model), card, report.metrics,
                      card_note(report.metrics["gold"], split, bootstrap, seed, report.metrics["precision"], card))
    for line in report.failures:
        typer.echo(f"FAIL {line}", err=True)
    if report.failures:
        raise typer.Exit(1)
    if report.gated:
        typer.echo("gate passed", err=True)
