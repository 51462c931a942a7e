"""Print eval/experiments/results.jsonl as the Markdown table of eval/EXPERIMENTS.md."""

import json
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
sys.exit(0)
