"""Merge the silver annotators' label files into eval/silver/silver.jsonl (gold schema,
split "train") and the doubly labelled sample into eval/silver/agreement/{a,b}.jsonl.

Offsets come from each mention's exact string and occurrence number (a lookup, not a
label; the same function the gold merge uses). NewsMTSC targets keep their human
polarity. Every row records its annotator, batch and codebook version. A sentence whose
batch is not finished yet is left out (and counted).

    python eval/silver/scripts/merge_silver.py 1 2 silver        # -> silver.jsonl, agreement/{a,b}.jsonl
    python eval/silver/scripts/merge_silver.py 3 silver_r03      # -> silver_r03.jsonl, agreement/{a,b}_r03.jsonl

A finished file is not rewritten with later rounds: a model trained on it (its meta.json
holds the file's sha256) stays reproducible; a new round gets a file of its own.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from framing.text.actors import ActorRegistry  # noqa: E402

SILVER = ROOT / "eval" / "silver"
# The codebook version each round was labelled under (eval/gold/CODEBOOK.md), by first round.
CODEBOOK_SINCE_ROUND = {1: "1.1", 8: "1.2"}


def codebook_version(round_number: int) -> str:
    """8 -> "1.2": the version in force for that round."""
    return CODEBOOK_SINCE_ROUND[max(r for r in CODEBOOK_SINCE_ROUND if r <= round_number)]


def _gold_merge():
    spec = importlib.util.spec_from_file_location("merge_labels", ROOT / "eval/gold/scripts/merge_labels.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(rounds: list[int], name: str) -> None:
    to_actors = _gold_merge().to_actors
    registry = ActorRegistry.load()
    rows, agree_a, agree_b, missing = [], [], [], 0
    batches = [(r, b) for r in rounds for b in sorted((SILVER / "work").glob(f"batch_r{r:02d}_*.jsonl"))]
    for round_number, batch_path in batches:
        batch = batch_path.stem
        items = [json.loads(line) for line in batch_path.open(encoding="utf-8")]
        label_path = SILVER / "work" / "labels" / f"{batch}.jsonl"
        labels = {}
        if label_path.exists():
            for line in label_path.open(encoding="utf-8"):
                label = json.loads(line)
                labels[(label["id"], bool(label.get("second")))] = label
        for item in items:
            label = labels.get((item["id"], bool(item.get("second"))))
            if label is None:
                missing += not item.get("second")
                continue
            candidate = {"text": item["text"], "newsmtsc_targets": item.get("given_targets", [])}
            row = {"id": item["id"], "doc_id": item["doc_id"], "source": item["source"], "text": item["text"],
                   "frames": label["frames"], "actors": to_actors(candidate, label, registry), "split": "train",
                   "annotator": label.get("annotator"), "batch": batch,
                   "codebook": codebook_version(round_number)}
            (agree_b if item.get("second") else rows).append(row)
    primary = {r["id"]: r for r in rows}
    agree_b = [r for r in agree_b if r["id"] in primary]
    agree_a = [primary[r["id"]] for r in agree_b]
    rows.sort(key=lambda r: r["id"])
    suffix = name.removeprefix("silver")
    _write(SILVER / f"{name}.jsonl", rows)
    _write(SILVER / "agreement" / f"a{suffix}.jsonl", agree_a)
    _write(SILVER / "agreement" / f"b{suffix}.jsonl", agree_b)
    print(f"{len(rows)} silver rows; {len(agree_b)} doubly labelled; {missing} not labelled yet")


def _write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:-1]], sys.argv[-1])
