"""Run the model-selection experiments of eval/EXPERIMENTS.md (dev scores only).

Each run trains from eval/experiments/base.toml plus its overrides, then scores the
gold dev split and NewsMTSC dev-rw. Results append to eval/experiments/results.jsonl.

    python eval/experiments/run.py lora-r16 frozen ...     # names from RUNS below
    python eval/experiments/run.py lora-r16@7               # the same run with seed 7
    python eval/experiments/run.py --score models/default   # a row for an existing model
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

RUNS = {
    "frozen": {"model.finetune": "frozen", "head_learning_rate": 2e-3},
    "lora-r4-qv": {"model.lora_rank": 4, "model.lora_alpha": 8, "model.lora_targets": ["query", "value"]},
    "lora-r16": {},
    # lora-r16 again on the restructured training code (transformers' warm-up schedule).
    "lora-r16-rerun": {},
    "lora-r16-nosent": {"model.sentence_in_sentiment": False},
    # Entity markers: every mention wrapped in "@ ... @" in one encoder pass (issue 11).
    "lora-r16-markers": {"model.entity_markers": True},
    "lora-r16-noweight": {"frame_pos_weight": False},
    "top2": {"model.finetune": "top_layers", "model.top_layers": 2, "learning_rate": 5e-5},
    "lora-r16-4ep-lr1e3": {"epochs": 4, "learning_rate": 1e-3},
    # Gold train plus the silver set (eval/silver/silver.jsonl as merged when the run started).
    "lora-r16-silver": {"train": ["eval/gold/gold.jsonl", "eval/silver/silver.jsonl"]},
    # The previous sentence of the document prepended to each gold train/dev sentence (issue 11);
    # the file comes from eval/experiments/previous_sentence.py. Scored on that dev.
    "lora-r16-context": {"train": ["work/context/gold-previous.jsonl"],
                         "dev": ["work/context/gold-previous.jsonl", "eval/newsmtsc/dev-mt.jsonl"]},
}


def score_row(name: str, model_dir: Path, seed, overrides: dict, seconds: float, best_epoch) -> dict:
    """Dev scores of a trained model: the gold dev split (of the run's own first dev file
    where it names one) and NewsMTSC dev-rw."""
    from framing.data.gold import read_examples
    from framing.evaluation.metrics import evaluate
    from framing.inference import FramingAnalyzer

    gold_dev = read_examples([ROOT / overrides.get("dev", ["eval/gold/gold.jsonl"])[0]], splits=("dev",))
    dev_rw = read_examples([ROOT / "eval/newsmtsc/dev-rw.jsonl"])
    analyzer = FramingAnalyzer.load(model_dir)
    gold = evaluate(analyzer, gold_dev)
    rw = evaluate(analyzer, dev_rw)
    row = {"run": name, "seed": seed, "overrides": overrides, "train_seconds": round(seconds),
           "best_epoch": best_epoch,
           "dev.frames.macro_f1": gold.get("frames.macro_f1"),
           **{f"dev.frames.{f}.f1": gold.get(f"frames.per_label.{f}.f1") for f in analyzer.config.frames},
           "dev.sentiment.macro_f1": gold.get("sentiment.macro_f1"),
           "dev_rw.sentiment.macro_f1": rw.get("sentiment.macro_f1"),
           "weights_mb": round((model_dir / "weights.safetensors").stat().st_size / 2**20, 2)}
    with (ROOT / "eval/experiments/results.jsonl").open("a") as f:
        f.write(json.dumps(row) + "\n")
    print(json.dumps(row), flush=True)
    return row


def main(names: list[str]) -> None:
    from framing.training.config import TrainConfig
    from framing.model.persistence import read_meta
    from framing.training.loop import train

    if names[:1] == ["--score"]:
        model_dir = Path(names[1])
        meta = read_meta(model_dir)
        cfg = meta["train_config"]
        score_row(model_dir.name, model_dir, cfg["seed"], {"config": "models/default/train.toml"}, meta["train_seconds"],
                  meta["best_epoch"])
        return
    for name in names:
        name, _, seed_text = name.partition("@")
        seed = int(seed_text) if seed_text else None
        overrides = dict(RUNS[name])
        overrides["output"] = f"/tmp/framing-exp/{name}" + (f"-s{seed}" if seed else "")
        if seed:
            overrides["seed"] = seed
        cfg = TrainConfig.from_toml(ROOT / "eval/experiments/base.toml", overrides)
        started = time.perf_counter()
        result = train(cfg)
        score_row(name, result.model_dir, cfg.seed, RUNS[name], time.perf_counter() - started, result.best_epoch)


if __name__ == "__main__":
    main(sys.argv[1:])
