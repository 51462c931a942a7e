"""Round 3 of candidate selection: single sentences for the rarest frames (run once).

After round 2, caution was still far below 100 positives in train. This picks, from
documents not yet in the gold set, one sentence per document that contains a caution
word (300) or a dependency word (100); the sentence before it travels as unlabelled
context. The word only chooses what is read: annotators label each sentence against
CODEBOOK.md, and the near misses (a "warning" that is a threat, "depends" meaning "it
is up to") are labelled as what they are. eval/gold/README.md reports this round's
frame counts separately, since its sampling is not the natural distribution.

    python eval/gold/scripts/select_round3.py ../shared eval/gold/work
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

CAUTION = re.compile(r"\b(caution\w*|warn\w*|risk\w*|careful\w*|restraint|danger\w*|fragile|delicate|"
                     r"escalat\w*|reluctan\w*|hesita\w*|prudent\w*|balanc\w*)\b", re.I)
DEPENDENCY = re.compile(r"\b(depend\w*|relian\w*|rel(y|ies|ied) on|vulnerab\w*|lifeline|leverage)\b", re.I)


def main(shared: Path, work: Path) -> None:
    rng = random.Random(20261203)
    existing = [json.loads(l) for l in (work / "candidates.jsonl").open(encoding="utf-8")]
    used_docs = {r["doc_id"] for r in existing}
    seen = {" ".join(r["text"].split()) for r in existing}
    next_id = 1 + max(int(r["id"][1:]) for r in existing)
    docs = []
    for name in ("un-general-debate.jsonl.gz", "kremlin-news.jsonl.gz"):
        with gzip.open(shared / "corpora" / name, "rt", encoding="utf-8") as f:
            docs += [d for d in map(json.loads, f) if d["id"] not in used_docs and d.get("year", 2000) >= 1995]
    rng.shuffle(docs)
    rows, wanted = [], {"caution": 300, "dependency": 100}
    for doc in docs:
        if not any(wanted.values()):
            break
        sents = [s.text for s in split_sentences(doc["text"]) if 25 <= len(s.text) <= 500]
        for kind, pattern in (("caution", CAUTION), ("dependency", DEPENDENCY)):
            hits = [i for i, s in enumerate(sents) if i > 0 and pattern.search(s)]
            if wanted[kind] and hits:
                i = rng.choice(hits)
                if " ".join(sents[i].split()) in seen:
                    continue
                rows.append({"id": f"g{next_id:05d}", "doc_id": doc["id"], "source": doc["source"],
                             "text": sents[i], "context": sents[i - 1],
                             "split": "test" if rng.random() < 0.2 else "train", "round": 3})
                next_id += 1
                wanted[kind] -= 1
                break
    rng.shuffle(rows)
    with (work / "candidates.jsonl").open("a", encoding="utf-8") as f:
        for r in sorted(rows, key=lambda r: r["id"]):
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    for b in range(4):
        with (work / f"batch_{13 + b:02d}.jsonl").open("w", encoding="utf-8") as f:
            for r in sorted(rows[b::4], key=lambda r: r["id"]):
                f.write(json.dumps({k: r[k] for k in ("id", "doc_id", "source", "context", "text")},
                                   ensure_ascii=False) + "\n")
    print(len(rows), "round-3 candidates")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
