"""Merge annotators' label files into eval/gold/gold.jsonl (gold schema) and the
double-annotated sample into eval/gold/agreement/{a,b}.jsonl.

Offsets come from each mention's exact string and occurrence number (a lookup, not a
label). NewsMTSC targets keep their human polarity; annotators add the other mentions.
Where an adjudication file gives a decision for a doubly labelled sentence, it wins.

    python eval/gold/scripts/merge_labels.py eval/gold/work eval/gold
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from framing.text.actors import ActorRegistry  # noqa: E402


def offsets(text: str, mention: str, occurrence: int) -> tuple[int, int]:
    pattern = r"(?<!\w)" + re.escape(mention) + r"(?!\w)"
    found = [m.span() for m in re.finditer(pattern, text)]
    return found[occurrence - 1]


def canonical(name: str, registry: ActorRegistry) -> str:
    """The registry's name for an annotator's actor name ("Viet Nam" -> "Vietnam"), else as given."""
    if name in registry.by_name:
        return name
    found = registry.find(name)
    if len(found) == 1 and found[0].mention == name:
        return found[0].actor
    return name


def to_actors(candidate: dict, label: dict, registry: ActorRegistry) -> list[dict]:
    text = candidate["text"]
    actors = []
    for t in candidate.get("newsmtsc_targets", []):
        found = registry.find(t["mention"])
        actor = found[0].actor if len(found) == 1 and found[0].mention == t["mention"] else None
        entry = {"mention": t["mention"], "start": t["start"], "end": t["end"], "sentiment": t["sentiment"],
                 "origin": "newsmtsc"}
        if actor:
            entry["actor"] = actor
        actors.append(entry)
    given = [(a["start"], a["end"]) for a in actors]
    for a in label.get("actors", []):
        start, end = offsets(text, a["mention"], a.get("occurrence", 1))
        if any(s < end and start < e for s, e in given):
            continue
        actors.append({"actor": canonical(a["actor"], registry), "mention": a["mention"], "start": start, "end": end,
                       "sentiment": a["sentiment"]})
    return sorted(actors, key=lambda a: a["start"])


def main(work: Path, gold_dir: Path) -> None:
    registry = ActorRegistry.load()
    candidates = {json.loads(l)["id"]: json.loads(l) for l in (work / "candidates.jsonl").open(encoding="utf-8")}
    primary, second = {}, {}
    for path in sorted((work / "labels").glob("batch_*.jsonl")):
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            (second if row.get("second") else primary)[row["id"]] = row
    adjudicated = {}
    adj_path = work / "adjudication.jsonl"
    if adj_path.exists():
        adjudicated = {json.loads(l)["id"]: json.loads(l) for l in adj_path.open(encoding="utf-8")}
    gold_dir.mkdir(parents=True, exist_ok=True)
    (gold_dir / "agreement").mkdir(exist_ok=True)
    n = 0
    with (gold_dir / "gold.jsonl").open("w", encoding="utf-8") as out, \
         (gold_dir / "agreement" / "a.jsonl").open("w", encoding="utf-8") as fa, \
         (gold_dir / "agreement" / "b.jsonl").open("w", encoding="utf-8") as fb:
        for ident, cand in candidates.items():
            if ident not in primary:
                continue
            label = primary[ident]
            row = {"id": ident, "doc_id": cand["doc_id"], "source": cand["source"], "text": cand["text"],
                   "frames": label["frames"], "actors": to_actors(cand, label, registry), "split": cand["split"],
                   "annotator": label.get("annotator")}
            if ident in second:
                other = second[ident]
                a_row = dict(row)
                b_row = dict(row, frames=other["frames"], actors=to_actors(cand, other, registry),
                             annotator=other.get("annotator"))
                fa.write(json.dumps(a_row, ensure_ascii=False) + "\n")
                fb.write(json.dumps(b_row, ensure_ascii=False) + "\n")
                row["labels_a"] = {"annotator": a_row["annotator"], "frames": a_row["frames"], "actors": a_row["actors"]}
                row["labels_b"] = {"annotator": b_row["annotator"], "frames": b_row["frames"], "actors": b_row["actors"]}
                if ident in adjudicated:
                    decision = adjudicated[ident]
                    row["frames"] = decision["frames"]
                    row["actors"] = to_actors(cand, decision, registry)
                    row["adjudication"] = decision.get("note", "adjudicated")
                    row["annotator"] = "adjudicated"
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    print(n, "gold rows;", len(second), "doubly labelled")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
