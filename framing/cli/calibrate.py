"""framing calibrate MODEL --output DIR: refit a trained model's calibration and frame
thresholds on dev (framing.training.calibrate); the weights are copied unchanged."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from framing.cli._common import user_errors


class ThresholdRule(str, Enum):
    keep = "keep"
    head = "head"
    dev_f1 = "dev-f1"


@user_errors
def calibrate(
    model: Annotated[str, typer.Argument(help="Model directory, or a shipped model's name (default, accurate).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Model directory to write (may be MODEL itself).")],
    dev: Annotated[Optional[list[Path]], typer.Option(
        help="Gold or NewsMTSC JSONL whose dev rows to fit on [default: the model's training dev files].",
        exists=True, dir_okay=False)] = None,
    frame_thresholds: Annotated[ThresholdRule, typer.Option(
        help="keep: the model's current decisions; head: the frame head's own decision; dev-f1: per frame, "
             "the threshold best on dev.",
    )] = ThresholdRule.keep,
) -> None:
    """Fit probability calibration (Platt per frame, a sentiment temperature) and frame
    thresholds on dev, and write the recalibrated model."""
    from framing.training.calibrate import calibrate_model

    scores = calibrate_model(model, output, [str(p) for p in dev] if dev else None, frame_thresholds.value)
    typer.echo(f"wrote {output} (dev frames macro F1 {scores.get('frames.macro_f1', 0):.3f}, "
               f"sentiment macro F1 {scores.get('sentiment.macro_f1', 0):.3f})")
