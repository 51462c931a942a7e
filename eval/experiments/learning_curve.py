"""Learning curve of the accurate model's recipe (frozen all-mpnet-base-v2, heads trained on
cached features): how dev scores grow with labelled data. Dev scores only.

Points: 25 %, 50 % and 100 % of gold train (a seeded sample of its rows), then all gold
train plus silver rounds 1-2 (3,200 sentences), then plus round 3 (4,800 in all), round 4
(6,400), round 5 (8,000) and round 6 (9,600: the current models/accurate). Every
point also trains on NewsMTSC train (sentiment) and selects on the same dev as
models/accurate (gold dev + NewsMTSC dev-mt). The encoder's features are cached after the
first run (framing.training.features), so each point costs a few minutes of heads.

    python eval/experiments/learning_curve.py            # all points
    python eval/experiments/learning_curve.py gold-25    # one point

Rows append to eval/experiments/curve.jsonl.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

GOLD = "eval/gold/gold.jsonl"
SILVER = ["eval/silver/silver.jsonl", *(f"eval/silver/silver_r0{r}.jsonl" for r in range(3, 7))]
POINTS = {  # name: (share of gold train rows, silver files)
    "gold-25": (0.25, []),
    "gold-50": (0.50, []),
    "gold-100": (1.0, []),
    "gold+silver-3200": (1.0, SILVER[:1]),
    "gold+silver-4800": (1.0, SILVER[:2]),
    "gold+silver-6400": (1.0, SILVER[:3]),
    "gold+silver-8000": (1.0, SILVER[:4]),
    "gold+silver-9600": (1.0, SILVER),
}
WORK = Path("/tmp/framing-curve")
SEED = 13


def gold_sample(share: float) -> str:
    """A file with a seeded share of gold train rows (and no other split)."""
    rows = [line for line in (ROOT / GOLD).open(encoding="utf-8") if json.loads(line).get("split") == "train"]
    if share >= 1.0:
        return GOLD
    kept = random.Random(SEED).sample(rows, round(len(rows) * share))
    path = WORK / f"gold-train-{int(share * 100)}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(kept), encoding="utf-8")
    return str(path)


def run(name: str) -> dict:
    from framing.training.config import TrainConfig
    from framing.training.loop import train

    share, silver = POINTS[name]
    gold = gold_sample(share)
    overrides = {"train": [gold, *silver], "output": str(WORK / name)}
    cfg = TrainConfig.from_toml(ROOT / "models/accurate/train.toml", overrides)
    result = train(cfg)
    dev = result.dev_scores
    n_train = json.loads((result.model_dir / "meta.json").read_text())["data"]["n_train"]
    row = {"point": name, "n_labelled": n_train, "seed": cfg.seed, "best_epoch": result.best_epoch,
           "train_seconds": round(result.seconds),
           "dev.frames.macro_f1": round(dev["frames.macro_f1"], 4),
           **{f"dev.frames.{f}.f1": round(dev[f"frames.per_label.{f}.f1"], 4) for f in cfg.model.frames},
           "dev.sentiment.macro_f1": round(dev["sentiment.macro_f1"], 4)}
    with (ROOT / "eval/experiments/curve.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")
    print(json.dumps(row), flush=True)
    return row


if __name__ == "__main__":
    for point in sys.argv[1:] or list(POINTS):
        run(point)
