"""Round 2 of candidate selection: more caution and dependency sentences (run once).

Round 1 left caution and dependency short of 100 positives in train. This samples new
documents (none already in the gold set) and takes 3-sentence passages centred on a
sentence with a caution or dependency hint word. The hint only chooses what is read;
annotators label every sentence of the passage against CODEBOOK.md, and most hinted
sentences still end up with other frames or none.

    python eval/gold/scripts/select_round2.py ../shared eval/gold/work
"""

from __future__ import annotations

import gzip
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from framing.text.segment import split_sentences  # noqa: E402

HINTS = re.compile(
    r"\b(caution\w*|warn\w*|risk\w*|careful\w*|restraint|danger\w*|fragile|delicate|escalat\w*|"
    r"reluctan\w*|hesita\w*|prudent\w*|depend\w*|relian\w*|rel(y|ies|ied) on|vulnerab\w*|lifeline|"
    r"leverage|debt\w*|donors?|landlocked)\b",
    re.I,
)


def main(shared: Path, work: Path) -> None:
    rng = random.Random(20261202)
    existing = [json.loads(l) for l in (work / "candidates.jsonl").open(encoding="utf-8")]
    used_docs = {r["doc_id"] for r in existing}
    next_id = 1 + max(int(r["id"][1:]) for r in existing)
    rows = []
    for name, n_docs, test_share in (("un-general-debate.jsonl.gz", 70, 0.2), ("kremlin-news.jsonl.gz", 80, 0.2)):
        with gzip.open(shared / "corpora" / name, "rt", encoding="utf-8") as f:
            docs = [json.loads(line) for line in f]
        docs = [d for d in docs if d["id"] not in used_docs and d.get("year", 2000) >= 1995]
        rng.shuffle(docs)
        taken = 0
        for doc in docs:
            if taken >= n_docs:
                break
            sents = [s.text for s in split_sentences(doc["text"]) if 25 <= len(s.text) <= 600]
            hits = [i for i, s in enumerate(sents) if HINTS.search(s) and 0 < i < len(sents) - 1]
            if not hits:
                continue
            centre = rng.choice(hits)
            split = "test" if rng.random() < test_share else "train"
            for text in sents[centre - 1 : centre + 2]:
                rows.append({"id": f"g{next_id:05d}", "doc_id": doc["id"], "source": doc["source"], "text": text,
                             "split": split, "round": 2})
                next_id += 1
            taken += 1
    seen = {" ".join(r["text"].split()) for r in existing}
    rows = [r for r in rows if " ".join(r["text"].split()) not in seen]
    with (work / "candidates.jsonl").open("a", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    n_batches = 4
    docs = sorted({r["doc_id"] for r in rows})
    rng.shuffle(docs)
    for b in range(n_batches):
        mine = set(docs[b::n_batches])
        with (work / f"batch_{9 + b:02d}.jsonl").open("w", encoding="utf-8") as f:
            for r in rows:
                if r["doc_id"] in mine:
                    f.write(json.dumps({k: r[k] for k in ("id", "doc_id", "source", "text")}, ensure_ascii=False) + "\n")
    print(len(rows), "round-2 candidates")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
