"""Well-formedness check for one annotator's label file against its batch (no labelling).

    python eval/gold/scripts/check_labels.py eval/gold/work/batch_01.jsonl eval/gold/work/labels/batch_01.jsonl
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

FRAMES = {"solidarity", "caution", "rivalry", "dependency"}
SENTIMENTS = {"negative", "neutral", "positive"}


def occurrences(text: str, mention: str) -> list[int]:
    pattern = r"(?<!\w)" + re.escape(mention) + r"(?!\w)"
    return [m.start() for m in re.finditer(pattern, text)]


def main(batch_path: Path, label_path: Path) -> int:
    batch = {}
    for line in batch_path.open(encoding="utf-8"):
        item = json.loads(line)
        batch[(item["id"], bool(item.get("second")))] = item
    problems, seen = [], set()
    for n, line in enumerate(label_path.open(encoding="utf-8"), 1):
        where = f"{label_path}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"{where}: not JSON ({e})")
            continue
        key = (row.get("id"), bool(row.get("second")))
        if key not in batch:
            problems.append(f"{where}: id {key[0]!r} (second={key[1]}) is not in the batch")
            continue
        if key in seen:
            problems.append(f"{where}: id {key[0]!r} labelled twice")
        seen.add(key)
        text = batch[key]["text"]
        frames = row.get("frames")
        if not isinstance(frames, list) or not set(frames) <= FRAMES or len(set(frames)) != len(frames):
            problems.append(f"{where}: frames must be a list drawn from {sorted(FRAMES)}, got {frames!r}")
        for a in row.get("actors", []):
            mention, occ = a.get("mention", ""), a.get("occurrence", 1)
            found = occurrences(text, mention) if mention else []
            if not isinstance(occ, int) or occ < 1 or occ > len(found):
                problems.append(f"{where}: mention {mention!r} occurrence {occ} not found in text ({len(found)} found)")
            if a.get("sentiment") not in SENTIMENTS:
                problems.append(f"{where}: sentiment must be one of {sorted(SENTIMENTS)}, got {a.get('sentiment')!r}")
            if not a.get("actor"):
                problems.append(f"{where}: mention {mention!r} has no canonical actor name")
    missing = [k for k in batch if k not in seen]
    for p in problems:
        print(p)
    print(f"{len(seen)} of {len(batch)} items labelled, {len(missing)} to go, {len(problems)} problems")
    if missing:
        print("next unlabelled:", missing[0][0], "(second)" if missing[0][1] else "")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
