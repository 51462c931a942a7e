"""framing eval --model DIR --gold FILE...: scores against gold data, Rich tables, --json, a gate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from framing.cli._common import console, user_errors

DEFAULT_BASELINE_TRAIN = Path(__file__).resolve().parents[2] / "eval" / "gold" / "gold.jsonl"


@user_errors
def evaluate(
    gold: Annotated[list[Path], typer.Option("--gold", "-g", help="Gold JSONL (or NewsMTSC) files.", exists=True,
                                             dir_okay=False)],
    model: Annotated[Optional[Path], typer.Option(help="Model directory [default: models/default].")] = None,
    split: Annotated[Optional[str], typer.Option(help="Keep gold rows of this split (train, dev, test).")] = None,
    actors: Annotated[Optional[Path], typer.Option(help="Actor registry [default: the model's].", exists=True,
                                                   dir_okay=False)] = None,
    precision: Annotated[str, typer.Option(help="fp32 or int8.")] = "fp32",
    bootstrap: Annotated[int, typer.Option(min=0, help="Bootstrap rounds for 95% CIs (0: none).")] = 1000,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 0,
    baselines: Annotated[bool, typer.Option("--baselines", help="Add majority and TF-IDF+LR baseline columns.")] = False,
    baseline_train: Annotated[Path, typer.Option(help="Gold file whose train split trains the baselines.",
                                                 exists=True, dir_okay=False)] = DEFAULT_BASELINE_TRAIN,
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
    from framing import render
    from framing.data.gold import read_examples
    from framing.errors import FramingError
    from framing.evaluation.metrics import arrays_from_json, confident_errors, evaluate as run_evaluation, predict_examples
    from framing.evaluation.gate import check_drops, check_minimums, comparison, load_previous, load_thresholds
    from framing.inference import FramingAnalyzer

    if split is not None and split not in ("train", "dev", "test"):
        raise FramingError(f"--split must be train, dev or test, found {split!r}")
    if max_drop is not None and compare is None:
        raise FramingError("--max-drop needs --compare OLD.json")
    minimum = load_thresholds(fail_under) if fail_under else None
    previous = load_previous(compare) if compare else None
    examples = read_examples(gold, splits=(split,) if split else None)
    if not examples:
        where = f"split {split!r} of " if split else ""
        raise FramingError(f"no gold sentences to evaluate in {where}{', '.join(map(str, gold))}; "
                           "check the --gold files and --split")
    analyzer = FramingAnalyzer.load(model, actors=actors, precision=precision)
    predictions = predict_examples(analyzer, examples)
    metrics = run_evaluation(analyzer, examples, predictions, bootstrap=bootstrap, seed=seed, slice_by=slice_by,
                             keep_predictions=True, calibration=calibration)
    metrics.update({"gold": [str(p) for p in gold], "split": split, "precision": precision,
                    "model": str(model) if model else "models/default"})
    baseline_metrics = {}
    if baselines:
        from framing.evaluation.baselines import fit_baselines

        train_rows = [ex for ex in read_examples([baseline_train], splits=("train",)) if ex.split == "train"]
        for name, predictor in fit_baselines(train_rows, analyzer.registry, seed).items():
            baseline_metrics[name] = run_evaluation(predictor, examples)
            metrics.update({f"baselines.{name}.{k}": v for k, v in baseline_metrics[name].items()
                            if isinstance(v, (int, float))})
    out = console()
    labels = {"frames": analyzer.config.frames, "sentiment": analyzer.config.sentiments}
    for table in render.metric_tables(metrics, labels, baseline_metrics):
        out.print(table)
    for by in slice_by:
        out.print(render.slice_table(metrics, by))
    if calibration:
        out.print(render.calibration_table(metrics))
    if errors:
        out.print(render.errors_table(confident_errors(examples, analyzer, predictions, errors)))
    failures = []
    if previous is not None:
        from framing.evaluation.bootstrap import paired_p_values

        rows = comparison(previous, metrics)
        p_values = {}
        if "predictions" in previous:
            old_ids, new_ids = set(previous["predictions"]["ids"]), set(metrics["predictions"]["ids"])
            if old_ids != new_ids:
                raise FramingError(
                    f"{compare}: its predictions are for other sentences ({len(old_ids & new_ids)} of {len(new_ids)} "
                    f"ids match); compare runs on the same gold files and split")
            p_values = paired_p_values(arrays_from_json(metrics["predictions"]), arrays_from_json(previous["predictions"]),
                                       len(analyzer.config.sentiments), rounds=bootstrap or 1000, seed=seed)
            metrics.update({f"compare.{k}": v for k, v in p_values.items()})
        out.print(render.comparison_table(rows, p_values, str(compare)))
        if max_drop is not None:
            failures += check_drops(rows, max_drop)
    if minimum is not None:
        failures += check_minimums(metrics, minimum)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(metrics, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if card:
        from framing.model.persistence import DEFAULT_MODEL, record_scores

        record_scores(model or DEFAULT_MODEL, card, metrics,
                      f"Scores `{card}` recorded by: `framing eval --gold {' '.join(map(str, gold))}"
                      + (f" --split {split}" if split else "") + f" --bootstrap {bootstrap} --seed {seed}"
                      + (f" --precision {precision}" if precision != "fp32" else "") + f" --card {card}`")
    if failures:
        for line in failures:
            typer.echo(f"FAIL {line}", err=True)
        raise typer.Exit(1)
    if minimum is not None or max_drop is not None:
        typer.echo("gate passed", err=True)
