"""Label Studio: tasks, labelling config and exports (labelstud.io/guide/tasks,
labelstud.io/guide/export#Label-Studio-JSON-format-of-annotated-tasks).

Per sentence, one task: ``data`` holds the sentence, its context and framing's ids;
``predictions[0].result`` pre-annotates the frames (a ``choices`` result) and each actor
mention (a ``labels`` region, with a per-region ``choices`` result for its sentiment and a
per-region ``textarea`` for its canonical actor name, sharing the region's id).
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from framing.data.annotations import Annotation, Mention, canonical_actor
from framing.data.tools._io import read_export, task_id, wrong_tool
from framing.errors import DataError

SUFFIX = ".json"
MENTION_LABEL = "actor"


def labelling_config(taxonomy) -> str:
    """The Label Studio labelling config (XML) that matches ``taxonomy``."""
    def choice(name):
        hint = taxonomy.descriptions.get(name)
        return f'      <Choice value={quoteattr(name)}' + (f" hint={quoteattr(hint)}" if hint else "") + "/>"

    return "\n".join([
        "<View>",
        '  <Header value="Context (the sentence before)"/>',
        '  <Text name="context" value="$context"/>',
        '  <Header value="Sentence to label"/>',
        '  <Text name="text" value="$text"/>',
        '  <Header value="Frames (any number; none is an answer too)"/>',
        '  <Choices name="frames" toName="text" choice="multiple" showInLine="true">',
        *[choice(f) for f in taxonomy.frames],
        "  </Choices>",
        '  <Header value="Actor mentions: mark each span, then give its sentiment and actor name"/>',
        '  <Labels name="mention" toName="text">',
        f'    <Label value="{MENTION_LABEL}"/>',
        "  </Labels>",
        '  <View visibleWhen="region-selected">',
        '    <Choices name="sentiment" toName="text" perRegion="true" required="true" showInLine="true">',
        *["  " + choice(s) for s in taxonomy.sentiments],
        "    </Choices>",
        '    <TextArea name="actor" toName="text" perRegion="true" maxSubmissions="1" '
        'placeholder="canonical actor name (China, Vladimir Putin, ...)"/>',
        "  </View>",
        "</View>",
        "",
    ])


def export_tasks(items, taxonomy, model: str | None) -> list[dict]:
    tasks = []
    for item in items:
        task = {"data": {"text": item.text, "context": item.context, "framing_id": item.id, "doc_id": item.doc_id,
                         "source": item.origin, "actors": item.actors}}
        if item.frames or item.actors:
            task["predictions"] = [{"model_version": f"framing {model or 'default'}", "result": _result(item)}]
        tasks.append(task)
    return tasks


def _result(item) -> list[dict]:
    result = [{"id": "frames", "from_name": "frames", "to_name": "text", "type": "choices",
               "value": {"choices": list(item.labels)}}]
    for k, a in enumerate(item.actors):
        span = {"start": a["start"], "end": a["end"]}
        region = f"m{k}"
        result.append({"id": region, "from_name": "mention", "to_name": "text", "type": "labels",
                       "value": {**span, "text": a["mention"], "labels": [MENTION_LABEL]}})
        if k < len(item.sentiments):
            scores = item.sentiments[k]
            result.append({"id": region, "from_name": "sentiment", "to_name": "text", "type": "choices",
                           "value": {**span, "choices": [max(scores, key=scores.get)]}})
        result.append({"id": region, "from_name": "actor", "to_name": "text", "type": "textarea",
                       "value": {**span, "text": [a["actor"]]}})
    return result


def read_annotations(path, registry) -> tuple[list[Annotation], list[str]]:
    """Annotations and every task id of a Label Studio JSON export."""
    tasks = read_export(path, "Label Studio")
    if not isinstance(tasks[0].get("data"), dict) or "annotations" not in tasks[0]:
        raise wrong_tool(path, "Label Studio JSON", tasks[0])
    annotations, ids, problems = [], [], []
    for number, task in enumerate(tasks, 1):
        where = f"{path}, task {task.get('id', number)}"
        data = task.get("data") or {}
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: the task has no text")
            continue
        ident = task_id(data, ("framing_id",), where)
        ids.append(ident)
        for answer in task.get("annotations") or []:
            try:
                annotations.append(_annotation(answer, ident, text, data, f"{where}, annotation {answer.get('id')}",
                                               registry))
            except DataError as e:
                problems += e.problems
    if problems:
        raise DataError(problems)
    return annotations, ids


def _annotation(answer: dict, ident: str, text: str, data: dict, where: str, registry) -> Annotation:
    annotator = _annotator(answer.get("completed_by"))
    common = {"task": ident, "annotator": annotator, "text": text, "doc_id": str(data.get("doc_id", "")),
              "source": str(data.get("source", "")), "where": where}
    if answer.get("was_cancelled"):
        return Annotation(frames=None, **common)
    frames, regions = [], {}
    for r in answer.get("result") or []:
        value = r.get("value") or {}
        if r.get("from_name") == "frames":
            frames = list(value.get("choices") or [])
        elif r.get("from_name") in ("mention", "sentiment", "actor"):
            if "start" not in value or "end" not in value:
                raise DataError([f"{where}: a {r.get('from_name')} result without start and end"])
            region = regions.setdefault(r.get("id"), {"start": value["start"], "end": value["end"]})
            if r["from_name"] == "mention":
                region["mention"] = value.get("text")
            elif r["from_name"] == "sentiment":
                region["sentiment"] = (value.get("choices") or [None])[0]
            else:
                region["actor"] = ((value.get("text") or [None])[0] or "").strip() or None
    mentions = []
    for region in regions.values():
        if "mention" not in region:
            raise DataError([f"{where}: a sentiment or actor name without its marked span"])
        start, end = region["start"], region["end"]
        mention = region["mention"] if region["mention"] is not None else text[start:end]
        actor = region.get("actor") or canonical_actor(text, start, end, data.get("actors") or [], registry)
        mentions.append(Mention(start, end, mention, actor, region.get("sentiment")))
    return Annotation(frames=frames, mentions=mentions, **common)


def _annotator(completed_by) -> str:
    if isinstance(completed_by, dict):
        return str(completed_by.get("email") or completed_by.get("id") or "unknown")
    return str(completed_by) if completed_by is not None else "unknown"
