"""Gold train and dev rows with the previous sentence of their document prepended (issue 11:
"the previous sentence as context for the frame head"), for the `lora-r16-context` run.

Each train or dev row of eval/gold/gold.jsonl whose document is in the corpora given is
found again in that document (segmented as `framing score` segments it); the sentence
before it is prepended with a space, and the mention offsets move by the same amount.
Rows of the test split are never read into the output. Rows whose sentence is the first of
its document, or is not found, are written unchanged (counted on stdout).

    python eval/experiments/previous_sentence.py ../shared/corpora/*.jsonl.gz -o work/context/gold-previous.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def previous_sentences(corpora: list[str], doc_ids: set[str]) -> dict[tuple[str, str], str]:
    """``(doc_id, dedup key of a sentence) -> the sentence before it`` for the documents wanted."""
    from framing.data.select import dedup_key
    from framing.text.reader import iter_documents
    from framing.text.segment import iter_sentences

    found = {}
    for record in iter_documents(corpora):
        if getattr(record, "doc_id", None) not in doc_ids:
            continue
        previous = ""
        for sentence in iter_sentences(record.text):
            found.setdefault((record.doc_id, dedup_key(sentence.text)), previous)
            previous = sentence.text
    return found


def with_context(row: dict, context: str) -> dict:
    """``row`` with ``context`` and a space before its text, its mentions moved along."""
    if not context:
        return row
    shift = len(context) + 1
    actors = [{**a, "start": a["start"] + shift, "end": a["end"] + shift} for a in row.get("actors", [])]
    return {**row, "text": f"{context} {row['text']}", "actors": actors}


def main() -> None:
    from framing.data.select import dedup_key

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="+")
    parser.add_argument("-o", "--out", required=True, type=Path)
    parser.add_argument("--gold", default=str(ROOT / "eval/gold/gold.jsonl"))
    args = parser.parse_args()
    rows = [json.loads(line) for line in Path(args.gold).read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r.get("split") in ("train", "dev")]
    found = previous_sentences(args.corpora, {r["doc_id"] for r in rows})
    counts = {"with context": 0, "first sentence": 0, "not found": 0}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for row in rows:
            key = (row["doc_id"], dedup_key(row["text"]))
            context = found.get(key)
            counts["not found" if context is None else "with context" if context else "first sentence"] += 1
            out.write(json.dumps(with_context(row, context or ""), ensure_ascii=False) + "\n")
    print(f"wrote {args.out}: {len(rows)} train/dev rows; " + ", ".join(f"{v} {k}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
