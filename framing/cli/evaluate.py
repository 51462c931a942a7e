"""framing eval --model DIR --gold FILE...: scores against gold data, Rich tables, --json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from framing.cli._common import console, user_errors


@user_errors
def evaluate(
    gold: Annotated[list[Path], typer.Option("--gold", "-g", help="Gold JSONL (or NewsMTSC) files.", exists=True,
                                             dir_okay=False)],
    model: Annotated[Optional[Path], typer.Option(help="Model directory [default: models/default].")] = None,
    split: Annotated[Optional[str], typer.Option(help="Keep gold rows of this split (train, dev, test).")] = None,
    actors: Annotated[Optional[Path], typer.Option(help="Actor registry [default: the model's].", exists=True,
                                                   dir_okay=False)] = None,
    precision: Annotated[str, typer.Option(help="fp32 or int8.")] = "fp32",
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the metrics dict as JSON here.")] = None,
) -> None:
    """Frame P/R/F1 per frame, sentiment on gold spans, actor detection."""
    from framing.data import read_examples
    from framing.errors import FramingError
    from framing.evaluation import evaluate as run_evaluation
    from framing.pipeline import FramingAnalyzer
    from framing.render import metric_tables

    if split is not None and split not in ("train", "dev", "test"):
        raise FramingError(f"--split must be train, dev or test, found {split!r}")
    examples = read_examples(gold, splits=(split,) if split else None)
    analyzer = FramingAnalyzer.load(model, actors=actors, precision=precision)
    metrics = run_evaluation(analyzer, examples)
    metrics["gold"] = [str(p) for p in gold]
    metrics["split"] = split
    out = console()
    for table in metric_tables(metrics, {"frames": analyzer.config.frames, "sentiment": analyzer.config.sentiments}):
        out.print(table)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8")
