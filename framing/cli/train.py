"""framing train --config FILE: train a model on gold JSONL (and NewsMTSC) data."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from framing.cli._common import console, user_errors

PLAIN_PROGRESS_SECONDS = 60.0


def _plain_progress(task, data: dict) -> str:
    """The bar's state as one line: ``step 1500/8000: epoch 1, loss 0.412, about 35 min left``."""
    left = task.time_remaining
    when = "time left unknown" if left is None else f"about {left / 60:.0f} min left"
    return f"step {data['step']}/{task.total:.0f}: epoch {data['epoch']}, loss {data['loss']:.3f}, {when}"


@user_errors
def train(
    config: Annotated[Path, typer.Option("--config", "-c", help="Training TOML (see models/default/train.toml).",
                                         exists=True, dir_okay=False)],
    output: Annotated[Optional[Path], typer.Option(help="Model directory to write (overrides `output`).")] = None,
    epochs: Annotated[Optional[int], typer.Option(min=1, help="Overrides `epochs`.")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Overrides `seed`.")] = None,
    max_steps: Annotated[Optional[int], typer.Option(min=0, help="Overrides `max_steps` (0: no limit).")] = None,
    threads: Annotated[Optional[int], typer.Option(min=0, help="Overrides `threads`.")] = None,
    finetune: Annotated[Optional[str], typer.Option(help="Overrides model.finetune: lora, top_layers or frozen.")] = None,
    precision: Annotated[Optional[str], typer.Option(
        help="Overrides `precision`: fp32, bf16 (mixed precision, fast where the CPU has bfloat16 instructions) "
             "or auto.")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue from the checkpoint an interrupted run of the same config and output left.")] = False,
) -> None:
    """Train, keep the best epoch on dev, tune thresholds on dev, write the model directory."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from framing.training.config import TrainConfig
    from framing.training.loop import train as run_training

    overrides = {"output": str(output) if output else None, "epochs": epochs, "seed": seed,
                 "max_steps": max_steps, "threads": threads, "model.finetune": finetune,
                 "precision": precision}
    cfg = TrainConfig.from_toml(config, overrides)
    err = console(stderr=True)
    # The bar opens when training starts: an error before that (a bad config, a checkpoint
    # left) is then the only line on stderr.
    bar = Progress(TextColumn("[bold]epoch {task.fields[epoch]}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("loss {task.fields[loss]:.3f}"), TextColumn("{task.fields[dev]}"),
                   TimeRemainingColumn(), console=err)
    task = None
    # A Rich bar draws nothing into a log file until it stops: a run logged to a file
    # (nohup, CI) gets a plain progress line instead, at most once a minute.
    plain_every_s = None if err.is_terminal else PLAIN_PROGRESS_SECONDS
    last_plain = time.monotonic()

    def on_event(event, data):
        nonlocal task, last_plain
        if event == "resume":
            err.print(f"resuming from {data['from']} (epoch {data['epoch']}, step {data['step']})"
                      if data["from"] else "no checkpoint to resume: training from the start", highlight=False)
        elif event == "encode":
            err.print(f"frozen encoder: {data['done']}/{data['total']} rows encoded and cached", highlight=False)
        elif event == "start":
            err.print(f"train {data['train']} gold rows, {data['newsmtsc']} NewsMTSC rows, "
                      f"{data['distill']} teacher-scored rows; dev {data['dev']} rows")
            bar.start()
            task = bar.add_task("train", total=data["steps"], epoch=1, loss=0.0, dev="")
        elif event == "step":
            bar.update(task, completed=data["step"], epoch=data["epoch"], loss=data["loss"])
            if plain_every_s is not None and time.monotonic() - last_plain >= plain_every_s:
                last_plain = time.monotonic()
                err.print(_plain_progress(bar.tasks[0], data), highlight=False)
        elif event == "epoch":
            bar.update(task, dev=f"dev frames F1 {data['dev_frames_macro_f1'] or 0:.3f}, "
                                 f"sentiment F1 {data['dev_sentiment_macro_f1'] or 0:.3f}")
            err.print(f"epoch {data['epoch']}: loss {data['loss']:.3f}, dev score {data['dev_score']:.3f}")

    try:
        result = run_training(cfg, on_event, resume=resume)
    finally:
        if task is not None:
            bar.stop()
    typer.echo(f"wrote {result.model_dir} (best epoch {result.best_epoch}, "
               f"dev frames macro F1 {result.dev_scores.get('frames.macro_f1', 0):.3f}, "
               f"sentiment macro F1 {result.dev_scores.get('sentiment.macro_f1', 0):.3f}, {result.seconds:.0f} s)")
