"""Cut candidates.jsonl into annotation batches (whole documents stay together).

Each batch also carries a second, independent copy of some passages from the next batch,
so that those sentences get two annotations for the agreement figures.

    python eval/gold/scripts/make_batches.py eval/gold/work 8
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

DOUBLE_PER_BATCH = 32


def main(work: Path, n_batches: int) -> None:
    rows = [json.loads(line) for line in (work / "candidates.jsonl").open(encoding="utf-8")]
    by_doc = defaultdict(list)
    for r in rows:
        by_doc[r["doc_id"]].append(r)
    docs = list(by_doc)
    random.Random(7).shuffle(docs)
    batches = [[] for _ in range(n_batches)]
    for doc in docs:  # greedy: next document into the smallest batch
        min(batches, key=len).extend(by_doc[doc])
    for b in batches:
        b.sort(key=lambda r: r["id"])
    rng = random.Random(11)
    for i, batch in enumerate(batches):
        source = batches[(i + 1) % n_batches]
        doc_ids = sorted({r["doc_id"] for r in source})
        rng.shuffle(doc_ids)
        second = []
        for d in doc_ids:
            if len(second) >= DOUBLE_PER_BATCH:
                break
            second.extend(r for r in source if r["doc_id"] == d)
        out = work / f"batch_{i + 1:02d}.jsonl"
        with out.open("w", encoding="utf-8") as f:
            for r in batch + [dict(r, second=True) for r in second]:
                item = {"id": r["id"], "doc_id": r["doc_id"], "source": r["source"], "text": r["text"]}
                if r.get("newsmtsc_targets"):
                    item["given_targets"] = r["newsmtsc_targets"]
                if r.get("second"):
                    item["second"] = True
                f.write(json.dumps(item, ensure_ascii=False) + "\n")
        print(out, len(batch), "primary +", len(second), "second")


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
