"""Annotations read back from an annotation tool, checked, and merged into gold rows.

Each tool module (framing.data.tools.*) turns its export into :class:`Annotation`
objects; this module checks them against the text and the taxonomy, keeps one row per
task where the annotators agree, and lists the tasks where they do not, for adjudication
(never merged silently).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from framing.errors import DataError
from framing.labels import Taxonomy

NO_FRAME = "no-frame"  # the explicit "none of these" choice offered where a tool needs one


@dataclass
class Mention:
    start: int
    end: int
    mention: str
    actor: str | None
    sentiment: str | None

    def key(self):
        return (self.start, self.end, self.actor, self.sentiment)


@dataclass
class Annotation:
    task: str  # the batch id of the sentence
    annotator: str
    text: str
    frames: list[str] | None  # None: the annotator skipped or rejected the task
    mentions: list[Mention] = field(default_factory=list)
    doc_id: str = ""
    source: str = ""
    where: str = ""  # "file, task N" for messages

    @property
    def skipped(self) -> bool:
        return self.frames is None

    def labels(self):
        return (tuple(sorted(self.frames or ())), tuple(sorted(m.key() for m in self.mentions)))


@dataclass
class ImportResult:
    rows: list[dict]  # gold rows, one per agreed task
    conflicts: list[dict]  # tasks whose annotators disagree, with each one's labels
    skipped: list[str]  # tasks every annotator skipped
    unannotated: list[str]  # tasks nobody annotated
    annotators: list[str]


def check_annotation(a: Annotation, taxonomy: Taxonomy, problems: list[str]) -> None:
    """Spans inside the text and matching it, no overlaps, labels from the taxonomy."""
    for f in a.frames or ():
        if f not in taxonomy.frames:
            problems.append(f"{a.where}: frame {f!r} is not in the taxonomy ({', '.join(taxonomy.frames)})")
    spans = sorted(a.mentions, key=lambda m: (m.start, m.end))
    for m in spans:
        if not (0 <= m.start < m.end <= len(a.text)):
            problems.append(f"{a.where}: span {m.start}..{m.end} is outside the text (length {len(a.text)})")
        elif a.text[m.start:m.end] != m.mention:
            problems.append(f"{a.where}: span {m.start}..{m.end} is {a.text[m.start:m.end]!r} in the text, "
                            f"not {m.mention!r}")
        if m.sentiment is None:
            problems.append(f"{a.where}: mention {m.mention!r} has no sentiment; choose one of "
                            f"{', '.join(taxonomy.sentiments)}")
        elif m.sentiment not in taxonomy.sentiments:
            problems.append(f"{a.where}: sentiment {m.sentiment!r} is not in the taxonomy "
                            f"({', '.join(taxonomy.sentiments)})")
    for left, right in zip(spans, spans[1:]):
        if right.start < left.end:
            problems.append(f"{a.where}: spans {left.mention!r} ({left.start}..{left.end}) and {right.mention!r} "
                            f"({right.start}..{right.end}) overlap; keep one")


def merge(annotations: list[Annotation], tasks: list[str], taxonomy: Taxonomy, split: str | None,
          batch: str, codebook: str | None = None) -> ImportResult:
    """Gold rows from checked annotations; raises :class:`DataError` with every problem.

    ``tasks`` lists every task id the export holds, in order (annotated or not).
    """
    problems: list[str] = []
    for a in annotations:
        check_annotation(a, taxonomy, problems)
    if problems:
        raise DataError(problems)
    by_task: dict[str, dict[str, Annotation]] = {t: {} for t in tasks}
    for a in annotations:
        by_task.setdefault(a.task, {})[a.annotator] = a  # an annotator's later answer replaces the earlier
    rows, conflicts, skipped, unannotated = [], [], [], []
    for task, answers in by_task.items():
        done = [a for a in answers.values() if not a.skipped]
        if not answers:
            unannotated.append(task)
        elif not done:
            skipped.append(task)
        elif len({a.labels() for a in done}) > 1:
            conflicts.append({"id": task, "text": done[0].text,
                              "annotations": {a.annotator: _labels_record(a) for a in done}})
        else:
            rows.append(_gold_row(done, split, batch, codebook))
    annotators = sorted({a.annotator for a in annotations})
    return ImportResult(rows, conflicts, skipped, unannotated, annotators)


def _labels_record(a: Annotation) -> dict:
    return {"frames": sorted(a.frames or []), "actors": [_mention_record(m) for m in a.mentions]}


def _mention_record(m: Mention) -> dict:
    record = {"actor": m.actor, "mention": m.mention, "start": m.start, "end": m.end, "sentiment": m.sentiment}
    if m.actor is None:
        del record["actor"]  # a mention with no canonical actor (the gold schema allows it)
    return record


def _gold_row(done: list[Annotation], split, batch, codebook) -> dict:
    first = done[0]
    row = {"id": first.task, "doc_id": first.doc_id, "source": first.source, "text": first.text,
           "frames": [f for f in (first.frames or [])],
           "actors": [_mention_record(m) for m in sorted(first.mentions, key=lambda m: m.start)],
           "split": split, "annotator": "+".join(sorted(a.annotator for a in done)), "batch": batch}
    if split is None:
        del row["split"]
    if codebook:
        row["codebook"] = codebook
    return row


def canonical_actor(text: str, start: int, end: int, prefilled: list[dict], registry) -> str | None:
    """The actor a span names: the pre-filled mention at the same offsets, else the registry's
    match covering the whole span, else None (a mention the registry does not know)."""
    for a in prefilled:
        if a.get("start") == start and a.get("end") == end and a.get("actor"):
            return a["actor"]
    found = registry.find(text[start:end]) if registry is not None else []
    if len(found) == 1 and found[0].start == 0 and found[0].end == end - start:
        return found[0].actor
    return None
