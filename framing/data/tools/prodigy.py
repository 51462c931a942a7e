"""Prodigy: tasks and ``prodigy db-out`` exports (prodi.gy/docs/api-interfaces: ``spans``,
``options`` and ``accept``; prodi.gy/docs/api-database for the ``answer`` and
``_annotator_id`` of exported examples).

A task is one JSONL line for a "blocks" interface with a ``ner_manual`` block (the actor
mentions as ``spans`` labelled with their sentiment) and a ``choice`` block (the frames as
``options``, the model's frames pre-selected in ``accept``, plus ``no-frame``). In the
export, ``answer`` is ``accept`` for a labelled example; ``reject`` and ``ignore`` mean
skipped.
"""

from __future__ import annotations

from framing.data.annotations import NO_FRAME, Annotation, Mention, canonical_actor
from framing.data.tools._io import one_answer_per_task, read_export, wrong_tool
from framing.errors import DataError

SUFFIX = ".jsonl"


def export_tasks(items, taxonomy, model: str | None) -> list[dict]:
    options = [{"id": f, "text": f + (f": {taxonomy.descriptions[f]}" if f in taxonomy.descriptions else "")}
               for f in taxonomy.frames] + [{"id": NO_FRAME, "text": "no frame"}]
    tasks = []
    for item in items:
        sentiments = [max(s, key=s.get) for s in item.sentiments]
        spans = [{"start": a["start"], "end": a["end"], "label": sentiments[k] if k < len(sentiments) else "neutral",
                  "actor": a["actor"]} for k, a in enumerate(item.actors)]
        tasks.append({"text": item.text, "spans": spans, "options": options,
                      "accept": list(item.labels) if item.frames else [],
                      "meta": {"framing_id": item.id, "doc_id": item.doc_id, "context": item.context},
                      "framing_id": item.id, "doc_id": item.doc_id, "source": item.origin, "actors": item.actors})
    return tasks


def read_annotations(path, registry) -> tuple[list[Annotation], list[str]]:
    tasks = read_export(path, "Prodigy")
    if "text" not in tasks[0] or "answer" not in tasks[0] and "_input_hash" not in tasks[0]:
        raise wrong_tool(path, "Prodigy JSONL (prodigy db-out)", tasks[0])
    return one_answer_per_task(path, tasks, "_task_hash", lambda task, ident, text, where: _annotation(
        task, ident, text, where, registry))


def _annotation(task, ident, text, where, registry) -> Annotation:
    annotator = str(task.get("_annotator_id") or task.get("_session_id") or "prodigy")
    common = {"task": ident, "annotator": annotator, "text": text, "doc_id": str(task.get("doc_id", "")),
              "source": str(task.get("source", "")), "where": where}
    answer = task.get("answer")
    if answer in ("reject", "ignore"):
        return Annotation(frames=None, **common)
    if answer != "accept":
        raise DataError([f"{where}: expected answer accept, reject or ignore, found {answer!r}"])
    accept = list(task.get("accept") or [])
    frames = [f for f in accept if f != NO_FRAME]
    if NO_FRAME in accept and frames:
        raise DataError([f"{where}: {NO_FRAME!r} together with frames {frames}; keep one"])
    mentions = []
    for span in task.get("spans") or []:
        start, end = span.get("start"), span.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            raise DataError([f"{where}: a span without integer start and end: {span!r}"])
        in_text = 0 <= start < end <= len(text)
        actor = span.get("actor") or canonical_actor(text, start, end, task.get("actors") or [], registry)
        mentions.append(Mention(start, end, span.get("text") or (text[start:end] if in_text else ""), actor,
                                span.get("label")))
    return Annotation(frames=frames, mentions=mentions, **common)
