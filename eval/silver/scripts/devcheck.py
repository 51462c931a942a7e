"""The silver annotators' blind relabelling of 300 gold dev sentences, against gold.

Writes eval/silver/agreement/devcheck_gold.jsonl (the gold rows) and
devcheck_relabel.jsonl (the relabelling, offsets from each mention's string and
occurrence), then `framing data agree` compares them.

    python eval/silver/scripts/devcheck.py
    framing data agree eval/silver/agreement/devcheck_gold.jsonl eval/silver/agreement/devcheck_relabel.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from framing.text.actors import ActorRegistry  # noqa: E402
from merge_silver import _gold_merge, _write  # noqa: E402

WORK = ROOT / "eval" / "silver" / "work" / "devcheck"


def main() -> None:
    to_actors = _gold_merge().to_actors
    registry = ActorRegistry.load()
    gold = {r["id"]: r for r in map(json.loads, (ROOT / "eval/gold/gold.jsonl").open(encoding="utf-8"))}
    gold_rows, relabel_rows = [], []
    for batch in sorted(WORK.glob("batch_dev_*.jsonl")):
        items = {r["id"]: r for r in map(json.loads, batch.open(encoding="utf-8"))}
        for label in map(json.loads, (WORK / "labels" / batch.name).open(encoding="utf-8")):
            item = items[label["id"]]
            candidate = {"text": item["text"], "newsmtsc_targets": item.get("given_targets", [])}
            relabel_rows.append({"id": item["id"], "doc_id": item["doc_id"], "source": item["source"],
                                 "text": item["text"], "frames": label["frames"],
                                 "actors": to_actors(candidate, label, registry), "split": "dev",
                                 "annotator": label.get("annotator"), "codebook": "1.1"})
            gold_rows.append(gold[item["id"]])
    _write(ROOT / "eval/silver/agreement/devcheck_gold.jsonl", gold_rows)
    _write(ROOT / "eval/silver/agreement/devcheck_relabel.jsonl", relabel_rows)
    print(len(relabel_rows), "gold dev sentences relabelled")


if __name__ == "__main__":
    main()
