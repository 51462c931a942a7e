"""doccano: tasks and exports for an "Intent detection and slot filling" project
(doccano.github.io/doccano/tutorial: import and export formats).

A task is one JSONL line: ``text``; ``cats`` the frames, left empty (doccano counts
imported labels as the importer's own annotations, so a pre-filled frame could not be told
from an annotator's answer; ``no-frame`` makes "none" an explicit answer, and a task
without a category is not annotated); ``entities`` the actor mentions as ``[start, end,
sentiment]``, pre-filled from the registry and the model; framing's ids,
the context and the registry's actor names ride along as extra fields, which doccano
keeps and exports again. doccano exports one file per annotator (``alice.jsonl``): the
file name is the annotator unless a line says ``user``.
"""

from __future__ import annotations

from pathlib import Path

from framing.data.annotations import NO_FRAME, Annotation, Mention, canonical_actor
from framing.data.tools._io import one_answer_per_task, read_export, wrong_tool
from framing.errors import DataError

SUFFIX = ".jsonl"


def export_tasks(items, taxonomy, model: str | None) -> list[dict]:
    tasks = []
    for item in items:
        sentiments = [max(s, key=s.get) for s in item.sentiments]
        tasks.append({"text": item.text,
                      "cats": [],
                      "predicted_frames": list(item.labels),
                      "entities": [[a["start"], a["end"], sentiments[k] if k < len(sentiments) else "neutral"]
                                   for k, a in enumerate(item.actors)],
                      "framing_id": item.id, "doc_id": item.doc_id, "source": item.origin, "context": item.context,
                      "actors": item.actors})
    return tasks


def label_names(taxonomy) -> dict[str, list[str]]:
    """The labels to create in the doccano project: categories and span labels."""
    return {"category": [*taxonomy.frames, NO_FRAME], "span": list(taxonomy.sentiments)}


def read_annotations(path, registry) -> tuple[list[Annotation], list[str]]:
    tasks = read_export(path, "doccano")
    if "text" not in tasks[0] or not any(k in tasks[0] for k in ("cats", "entities", "label")):
        raise wrong_tool(path, "doccano JSONL", tasks[0])
    return one_answer_per_task(path, tasks, "id", lambda task, ident, text, where: _annotation(
        task, ident, text, str(task.get("user") or Path(path).stem), where, registry))


def _annotation(task, ident, text, annotator, where, registry) -> Annotation | None:
    cats = task.get("cats", task.get("label") if isinstance(task.get("label"), list) and all(
        isinstance(c, str) for c in task.get("label") or []) else [])
    entities = task.get("entities") or []
    if not cats:
        return None  # no category: not annotated (no-frame is an explicit answer)
    mentions = []
    for entity in entities:
        start, end, label = _entity(entity, where)
        mentions.append(Mention(start, end, text[start:end] if 0 <= start < end <= len(text) else "",
                                canonical_actor(text, start, end, task.get("actors") or [], registry), label))
    frames = [c for c in cats if c != NO_FRAME]
    if NO_FRAME in cats and frames:
        raise DataError([f"{where}: {NO_FRAME!r} together with frames {frames}; keep one"])
    return Annotation(task=ident, annotator=annotator, text=text, frames=frames, mentions=mentions,
                      doc_id=str(task.get("doc_id", "")), source=str(task.get("source", "")), where=where)


def _entity(entity, where):
    """``[start, end, label]`` or ``{"start_offset", "end_offset", "label"}`` (newer exports)."""
    if isinstance(entity, list) and len(entity) == 3:
        start, end, label = entity
    elif isinstance(entity, dict):
        start, end, label = entity.get("start_offset"), entity.get("end_offset"), entity.get("label")
    else:
        raise DataError([f"{where}: expected entities as [start, end, label], found {entity!r}"])
    if not isinstance(start, int) or not isinstance(end, int):
        raise DataError([f"{where}: entity offsets must be integers, found {start!r}..{end!r}"])
    return start, end, label
