"""Build docs/walkthrough/label-studio-export.json: what Label Studio's "Export > JSON" gives
for docs/walkthrough/tasks.json after two annotators (W3, W4) labelled every task.

The labels are theirs (work/labels_W3.jsonl, work/labels_W4.jsonl: each sentence read
against the codebook); this script only writes them in Label Studio's export format
(labelstud.io/guide/export): per task its data and predictions as imported, plus one
annotation per annotator whose ``result`` holds the frames (``choices``) and each
mention as a ``labels`` region with a per-region ``choices`` (sentiment) and ``textarea``
(actor name) sharing the region's id. Offsets come from each mention's string and
occurrence, the lookup the gold merge uses.

    python docs/walkthrough/work/make_export.py
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
ANNOTATORS = {"W3": {"id": 13, "email": "w3@annotators.framing"}, "W4": {"id": 14, "email": "w4@annotators.framing"}}


def offsets():
    spec = importlib.util.spec_from_file_location("merge_labels", ROOT / "eval/gold/scripts/merge_labels.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.offsets


def result(text: str, label: dict, find) -> list[dict]:
    items = [{"id": "frames", "from_name": "frames", "to_name": "text", "type": "choices",
              "value": {"choices": label["frames"]}, "origin": "manual"}]
    for k, a in enumerate(label["actors"]):
        start, end = find(text, a["mention"], a.get("occurrence", 1))
        span, region = {"start": start, "end": end}, f"{label['annotator']}-{k}"
        items += [
            {"id": region, "from_name": "mention", "to_name": "text", "type": "labels",
             "value": {**span, "text": text[start:end], "labels": ["actor"]}, "origin": "manual"},
            {"id": region, "from_name": "sentiment", "to_name": "text", "type": "choices",
             "value": {**span, "choices": [a["sentiment"]]}, "origin": "manual"},
            {"id": region, "from_name": "actor", "to_name": "text", "type": "textarea",
             "value": {**span, "text": [a["actor"]]}, "origin": "manual"},
        ]
    return items


def main() -> None:
    find = offsets()
    tasks = json.loads((HERE.parent / "tasks.json").read_text(encoding="utf-8"))
    labels = {name: {row["id"]: row for row in map(json.loads, (HERE / f"labels_{name}.jsonl").open(encoding="utf-8"))}
              for name in ANNOTATORS}
    exported = []
    for number, task in enumerate(tasks, 1):
        ident, text = task["data"]["framing_id"], task["data"]["text"]
        annotations = [{"id": 100 * number + k, "completed_by": user, "was_cancelled": False, "ground_truth": False,
                        "result": result(text, labels[name][ident], find)}
                       for k, (name, user) in enumerate(ANNOTATORS.items()) if ident in labels[name]]
        exported.append({"id": number, "data": task["data"], "annotations": annotations,
                         "predictions": task.get("predictions", [])})
    out = HERE.parent / "label-studio-export.json"
    out.write_text(json.dumps(exported, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(out, len(exported), "tasks")


if __name__ == "__main__":
    main()
