"""Print eval/experiments/results.jsonl as the Markdown table of eval/EXPERIMENTS.md."""

import json
import statistics
import sys
from pathlib import Path

rows = [json.loads(line) for line in (Path(__file__).parent / "results.jsonl").open()]
cols = ["run", "seed", "dev.frames.macro_f1", "dev.frames.solidarity.f1", "dev.frames.caution.f1",
        "dev.frames.rivalry.f1", "dev.frames.dependency.f1", "dev.sentiment.macro_f1", "dev_rw.sentiment.macro_f1",
        "best_epoch", "train_seconds", "weights_mb"]
short = [c.replace("dev.frames.", "fr ").replace(".f1", "").replace("dev.sentiment.macro_f1", "sent gold dev")
         .replace("dev_rw.sentiment.macro_f1", "sent dev-rw").replace("fr macro_f1", "frames macro") for c in cols]
print("| " + " | ".join(short) + " |")
print("|" + "---|" * len(cols))
for r in rows:
    print("| " + " | ".join(f"{r[c]:.3f}" if isinstance(r[c], float) else str(r[c]) for c in cols) + " |")

# Mean and spread (sample standard deviation) of runs repeated with several seeds.
groups = {}
for r in rows:
    groups.setdefault(r["run"], []).append(r)
for name, runs in groups.items():
    if len(runs) < 2:
        continue
    print(f"\n{name}, {len(runs)} seeds ({', '.join(str(r['seed']) for r in runs)}):", end="")
    for c in ("dev.frames.macro_f1", "dev.sentiment.macro_f1", "dev_rw.sentiment.macro_f1"):
        values = [r[c] for r in runs]
        print(f" {c} {statistics.mean(values):.3f} ± {statistics.stdev(values):.3f};", end="")
    print()
sys.exit(0)
