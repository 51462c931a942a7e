"""``framing eval`` as a library call: score a model on gold data, optionally against
baselines and an earlier run, and apply the quality gate. Returns data; framing.render
draws it::

    report = evaluate_model(gold=["eval/gold/gold.jsonl"], split="test", fail_under="eval/thresholds.toml")
    report.metrics["frames.macro_f1"], report.failures
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from framing import resources
from framing.errors import FramingError
from framing.labels import SPLITS, Taxonomy

GOLD = "eval/gold/gold.jsonl"  # found in a checkout; an installed package has no gold data


@dataclass
class EvalReport:
    metrics: dict  # flat metric names (see framing.evaluation.metrics), plus run settings
    labels: dict  # {"frames": [...], "sentiment": [...]} of the model
    baselines: dict = field(default_factory=dict)  # {name: metrics}
    comparison: list = field(default_factory=list)  # (metric, old, new, delta) rows
    p_values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # the most confident mistakes
    failures: list = field(default_factory=list)  # one line per failed gate check
    gated: bool = False  # a gate (--fail-under or --max-drop) was applied


def default_gold() -> Path:
    found = resources.project_file(GOLD)
    if found is None:
        raise FramingError(f"no --gold given and no {GOLD} here (gold data comes with a checkout of framing, "
                           "not with the installed package); pass --gold FILE.jsonl")
    return found


def evaluate_model(gold: list[Path] | None = None, model=None, split: str | None = None, actors=None,
                   precision: str = "fp32", bootstrap: int = 1000, seed: int = 0, baselines: bool = False,
                   baseline_train: Path | None = None, slice_by: list[str] | None = None, calibration: bool = False,
                   errors: int = 0, compare: Path | None = None, fail_under: Path | None = None,
                   max_drop: float | None = None) -> EvalReport:
    """Everything ``framing eval`` reports; the arguments mirror its options."""
    from framing.data.gold import read_examples
    from framing.evaluation.gate import check_drops, check_minimums, comparison, load_previous, load_thresholds
    from framing.evaluation.metrics import confident_errors, evaluate, predict_examples
    from framing.inference import FramingAnalyzer

    if split is not None and split not in SPLITS:
        raise FramingError(f"--split must be one of {', '.join(SPLITS)}, found {split!r}")
    if max_drop is not None and compare is None:
        raise FramingError("--max-drop needs --compare OLD.json")
    gold = list(gold) if gold else [default_gold()]
    minimum = load_thresholds(fail_under) if fail_under else None
    previous = load_previous(compare) if compare else None
    analyzer = FramingAnalyzer.load(model, actors=actors, precision=precision)
    taxonomy = Taxonomy.of_model(analyzer.config)  # gold labels are the model's labels
    examples = read_examples(gold, splits=(split,) if split else None, taxonomy=taxonomy)
    if not examples:
        where = f"split {split!r} of " if split else ""
        raise FramingError(f"no gold sentences to evaluate in {where}{', '.join(map(str, gold))}; "
                           "check the --gold files and --split")
    predictions = predict_examples(analyzer, examples)
    metrics = evaluate(analyzer, examples, predictions, bootstrap=bootstrap, seed=seed, slice_by=slice_by,
                       keep_predictions=True, calibration=calibration)
    metrics.update({"gold": [str(p) for p in gold], "split": split, "precision": analyzer.precision,
                    "model": str(model) if model else "default"})
    report = EvalReport(metrics, {"frames": analyzer.config.frames, "sentiment": analyzer.config.sentiments},
                        gated=minimum is not None or max_drop is not None)
    if baselines:
        report.baselines = _baselines(analyzer, examples, baseline_train or gold, seed)
        for name, scores in report.baselines.items():
            metrics.update({f"baselines.{name}.{k}": v for k, v in scores.items() if isinstance(v, (int, float))})
    if errors:
        report.errors = confident_errors(examples, analyzer, predictions, errors)
    if previous is not None:
        report.comparison = comparison(previous, metrics)
        report.p_values = _paired_p_values(previous, metrics, compare, len(analyzer.config.sentiments),
                                           bootstrap or 1000, seed)
        metrics.update({f"compare.{k}": v for k, v in report.p_values.items()})
        if max_drop is not None:
            report.failures += check_drops(report.comparison, max_drop)
    if minimum is not None:
        report.failures += check_minimums(metrics, minimum)
    return report


def _baselines(analyzer, examples, train_files, seed) -> dict:
    from framing.data.gold import read_examples
    from framing.evaluation.baselines import fit_baselines
    from framing.evaluation.metrics import evaluate

    taxonomy = Taxonomy.of_model(analyzer.config)
    train_rows = [ex for ex in read_examples(train_files, splits=("train",), taxonomy=taxonomy) if ex.split == "train"]
    if not train_rows:
        raise FramingError(f"the baselines train on a train split, and {', '.join(map(str, train_files))} has none; "
                           "pass --baseline-train FILE.jsonl")
    fitted = fit_baselines(train_rows, analyzer.registry, seed, taxonomy)
    return {name: evaluate(predictor, examples) for name, predictor in fitted.items()}


def _paired_p_values(previous: dict, metrics: dict, compare, n_sentiments: int, rounds: int, seed: int) -> dict:
    from framing.evaluation.bootstrap import paired_p_values
    from framing.evaluation.metrics import arrays_from_json

    if "predictions" not in previous:
        return {}
    old_ids, new_ids = set(previous["predictions"]["ids"]), set(metrics["predictions"]["ids"])
    if old_ids != new_ids:
        raise FramingError(
            f"{compare}: its predictions are for other sentences ({len(old_ids & new_ids)} of {len(new_ids)} "
            f"ids match); compare runs on the same gold files and split")
    return paired_p_values(arrays_from_json(metrics["predictions"]), arrays_from_json(previous["predictions"]),
                           n_sentiments, rounds=rounds, seed=seed)


def card_note(gold, split, bootstrap, seed, precision, name) -> str:
    """The command that recorded scores under ``name`` in a model card."""
    return (f"Scores `{name}` recorded by: `framing eval --gold {' '.join(map(str, gold))}"
            + (f" --split {split}" if split else "") + f" --bootstrap {bootstrap} --seed {seed}"
            + (f" --precision {precision}" if precision != "fp32" else "") + f" --card {name}`")
