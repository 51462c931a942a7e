"""Move 30% of the round-2 and round-3 train documents to dev (run once, after round 3).

Rounds 2 and 3 assigned their documents to train or test only, which left dev with
15 caution and 10 dependency sentences: too few to tune per-frame thresholds. Test
documents are not touched. Seeded, by document.

    python eval/gold/scripts/rebalance_dev.py eval/gold/work
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path


def main(work: Path) -> None:
    path = work / "candidates.jsonl"
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    docs = sorted({r["doc_id"] for r in rows if r.get("round", 1) >= 2 and r["split"] == "train"})
    rng = random.Random(20261204)
    moved = {d for d in docs if rng.random() < 0.3}
    for r in rows:
        if r["doc_id"] in moved:
            r["split"] = "dev"
    with path.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"moved {len(moved)} of {len(docs)} documents to dev")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
