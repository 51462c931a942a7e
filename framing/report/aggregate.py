"""What reports show, computed from scored sentence records (dicts as ``framing score -f
jsonl`` writes them): pure functions, data in, data out; charts and pages come later.

A corpus is aggregated in one pass over its records, so a report over 582,000 sentences
holds counts per cell, a few example sentences per cell, and nothing else.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field

SENTIMENTS = ("negative", "neutral", "positive")
TOP_ACTORS = 8  # actors followed over time: more lines than this are unreadable
TOP_GROUPS = 20  # groups (countries, ...) shown in the by-group and who-frames-whom charts
TOP_TARGETS = 10  # target actors in who-frames-whom
EXAMPLES_PER_CELL = 2  # example sentences kept per (axis value, frame) cell
EXAMPLES_PER_PAIR = 1  # and per (speaker, target) cell (each example's document gets a page)
MIN_CELL_SENTENCES = 5  # a cell with fewer sentences has no share worth drawing


def mention_polarity(mention: dict) -> float:
    """P(positive) - P(negative): the mean of this over mentions is an actor's sentiment."""
    return mention["scores"]["positive"] - mention["scores"]["negative"]


# --- one document -----------------------------------------------------------------------

def document_summary(records: list[dict], roll_up=None) -> dict:
    """Frame shares and per-actor sentiment of one document's records.

    ``roll_up`` maps an actor to the name it counts under (leaders to their state).
    """
    frames = list(records[0]["frames"]) if records else []
    frame_counts = Counter(label for r in records for label in r["labels"])
    polarity: dict[str, list[float]] = defaultdict(list)
    labels: dict[str, Counter] = defaultdict(Counter)
    for r in records:
        for m in r["actors"]:
            name = roll_up(m["actor"]) if roll_up else m["actor"]
            polarity[name].append(mention_polarity(m))
            labels[name][m["sentiment"]] += 1
    n = len(records)
    return {
        "n_sentences": n,
        "frame_share": {f: frame_counts[f] / n if n else 0.0 for f in frames},
        "actors": [{"actor": name, "mentions": len(v), "mean_sentiment": sum(v) / len(v),
                    **{s: labels[name][s] for s in SENTIMENTS}}
                   for name, v in sorted(polarity.items(), key=lambda kv: (-len(kv[1]), kv[0]))],
    }


def sentence_segments(record: dict) -> list[dict]:
    """The sentence text in runs for marking up: a run is a mention (``mention``: its index
    in record["actors"]) or plain text between mentions (``mention`` None); its ``parts``
    are cut at evidence words, each with the labels it is evidence for (and weights).
    """
    base, text = record["start"], record["text"]
    evidence = record.get("evidence") or {}
    marks: list[tuple[int, int, str]] = []  # (start, end, label) in sentence offsets
    for frame, words in evidence.get("frames", {}).items():
        marks += [(w["start"] - base, w["end"] - base, f"{frame} {w['weight']:+.2f}") for w in words]
    for mention, words in zip(record["actors"], evidence.get("actors", [])):
        marks += [(w["start"] - base, w["end"] - base, f"{mention['actor']} {mention['sentiment']} {w['weight']:+.2f}")
                  for w in words]
    spans = [(m["start"] - base, m["end"] - base) for m in record["actors"]]
    cuts = {0, len(text), *(c for span in spans for c in span), *(c for start, end, _ in marks for c in (start, end))}
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    runs: list[dict] = []
    for a, b in zip(points, points[1:]):
        mention = next((k for k, (start, end) in enumerate(spans) if start <= a and b <= end), None)
        part = {"text": text[a:b], "evidence": [label for start, end, label in marks if start <= a and b <= end]}
        if runs and runs[-1]["mention"] == mention and (mention is None or runs[-1]["end"] == a):
            runs[-1]["parts"].append(part)
            runs[-1]["end"] = b
        else:
            runs.append({"mention": mention, "parts": [part], "end": b})
    return runs


def paragraphs(records: list[dict]) -> list[list[dict]]:
    """Sentences grouped into paragraphs: a gap of two or more characters between two
    sentences (a blank line in the text; records keep offsets, not the text between)."""
    out: list[list[dict]] = []
    previous_end = None
    for r in records:
        if previous_end is None or r["start"] - previous_end >= 2:
            out.append([])
        out[-1].append(r)
        previous_end = r["end"]
    return out


# --- a corpus ---------------------------------------------------------------------------

@dataclass
class Example:
    doc_id: str
    sentence_id: int
    text: str
    probability: float  # of the cell's frame (for who-frames-whom: of the sentence's likeliest frame)
    labels: list[str]


@dataclass
class CorpusTally:
    """Counts per cell from one pass over a corpus; see :func:`tally_corpus`."""

    axis: str
    group: str | None
    frames: list[str] = field(default_factory=list)
    sentences: int = 0
    documents: set = field(default_factory=set)
    axis_sentences: Counter = field(default_factory=Counter)
    axis_frames: Counter = field(default_factory=Counter)  # (axis value, frame)
    group_sentences: Counter = field(default_factory=Counter)
    group_frames: Counter = field(default_factory=Counter)  # (group, frame)
    actor_mentions: Counter = field(default_factory=Counter)
    actor_axis_polarity: dict = field(default_factory=lambda: defaultdict(lambda: [0.0, 0]))  # (actor, value)
    pair_sentences: Counter = field(default_factory=Counter)  # (speaker, target)
    pair_frames: Counter = field(default_factory=Counter)  # (speaker, target, frame)
    pair_polarity: dict = field(default_factory=lambda: defaultdict(float))  # (speaker, target): summed
    pair_mentions: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=lambda: defaultdict(list))  # cell -> heap of (p, n, Example)
    missing: Counter = field(default_factory=Counter)  # field -> records without it


def field_value(record: dict, name: str):
    """A metadata field of a record: ``meta[name]``, or ``NAME:year`` for the year of an
    ISO date field (``date:year`` on Kremlin releases' ``2009-11-29``)."""
    meta = record.get("meta") or {}
    key, _, part = name.partition(":")
    value = meta.get(key)
    if value is None:
        return None
    if part == "year":
        return str(value)[:4]
    return value


def tally_corpus(records, axis: str, group: str | None = None, roll_up=None) -> CorpusTally:
    """Count frames per axis value (e.g. year) and per group (e.g. country), sentiment per
    actor over the axis, and who frames whom (the group as speaker, each mentioned actor as
    target), keeping a few of the most confident example sentences per cell."""
    tally = CorpusTally(axis, group)
    counter = 0
    for r in records:
        if not tally.frames:
            tally.frames = list(r["frames"])
        value = field_value(r, axis)
        if value is None:
            tally.missing[axis] += 1
            continue
        speaker = field_value(r, group) if group else None
        if group and speaker is None:
            tally.missing[group] += 1
        tally.sentences += 1
        tally.documents.add(r["doc_id"])
        tally.axis_sentences[value] += 1
        for label in r["labels"]:
            tally.axis_frames[value, label] += 1
            counter += 1
            _keep_example(tally, ("axis", value, label), r, r["frames"][label], counter, EXAMPLES_PER_CELL)
        if speaker is not None:
            tally.group_sentences[speaker] += 1
            for label in r["labels"]:
                tally.group_frames[speaker, label] += 1
        targets = set()
        for m in r["actors"]:
            actor = roll_up(m["actor"]) if roll_up else m["actor"]
            tally.actor_mentions[actor] += 1
            cell = tally.actor_axis_polarity[actor, value]
            cell[0] += mention_polarity(m)
            cell[1] += 1
            if speaker is not None:
                tally.pair_polarity[speaker, actor] += mention_polarity(m)
                tally.pair_mentions[speaker, actor] += 1
                targets.add(actor)
        for actor in targets:
            tally.pair_sentences[speaker, actor] += 1
            for label in r["labels"]:
                tally.pair_frames[speaker, actor, label] += 1
            if r["labels"]:
                counter += 1
                _keep_example(tally, ("pair", speaker, actor), r, max(r["frames"][f] for f in r["labels"]), counter,
                              EXAMPLES_PER_PAIR)
    return tally


def _keep_example(tally: CorpusTally, cell: tuple, record: dict, probability: float, counter: int, keep: int) -> None:
    heap = tally.examples[cell]
    if len(heap) >= keep and probability <= heap[0][0]:
        return  # most sentences: decided without building an Example
    item = (probability, counter, Example(record["doc_id"], record["sentence_id"], record["text"], probability,
                                        record["labels"]))
    if len(heap) < keep:
        heapq.heappush(heap, item)
    elif probability > heap[0][0]:
        heapq.heapreplace(heap, item)


def corpus_tables(tally: CorpusTally) -> dict:
    """Chart-ready rows (lists of dicts) and example sentences from a tally."""
    frames = tally.frames
    axis_values = sorted(tally.axis_sentences, key=_sort_key)
    frames_over_axis = [{"value": str(v), "frame": f, "share": tally.axis_frames[v, f] / tally.axis_sentences[v],
                         "sentences": tally.axis_sentences[v]}
                        for v in axis_values for f in frames if tally.axis_sentences[v] >= MIN_CELL_SENTENCES]
    groups = [g for g, _ in tally.group_sentences.most_common(TOP_GROUPS)]
    frames_by_group = [{"group": str(g), "frame": f, "share": tally.group_frames[g, f] / tally.group_sentences[g],
                        "sentences": tally.group_sentences[g]} for g in groups for f in frames]
    top_actors = [a for a, _ in tally.actor_mentions.most_common(TOP_ACTORS)]
    sentiment_over_axis = [{"value": str(v), "actor": a, "mean_sentiment": total / n, "mentions": n}
                           for a in top_actors for v in axis_values
                           for total, n in [tally.actor_axis_polarity.get((a, v), (0.0, 0))] if n >= MIN_CELL_SENTENCES]
    targets = [a for a, _ in tally.actor_mentions.most_common(TOP_TARGETS)]
    who_frames_whom = [{"speaker": str(s), "target": t, "frame": f,
                        "share": tally.pair_frames[s, t, f] / tally.pair_sentences[s, t],
                        "sentences": tally.pair_sentences[s, t],
                        "mean_sentiment": tally.pair_polarity[s, t] / tally.pair_mentions[s, t]}
                       for s in groups for t in targets for f in frames
                       if tally.pair_sentences[s, t] >= MIN_CELL_SENTENCES]
    return {
        "axis": tally.axis, "group": tally.group, "frames": frames, "sentences": tally.sentences,
        "documents": len(tally.documents), "axis_values": [str(v) for v in axis_values],
        "frames_over_axis": frames_over_axis, "frames_by_group": frames_by_group,
        "sentiment_over_axis": sentiment_over_axis, "who_frames_whom": who_frames_whom,
        "examples_over_axis": _examples(tally, "axis", axis_values, frames),
        "examples_who_frames_whom": [
            {"speaker": str(s), "target": t, "examples": _sorted_examples(tally, ("pair", s, t))}
            for s in groups for t in targets if tally.examples.get(("pair", s, t))],
        "missing": dict(tally.missing),
    }


def _examples(tally, kind, values, frames):
    return [{"value": str(v), "frame": f, "examples": _sorted_examples(tally, (kind, v, f))}
            for v in values for f in frames if tally.examples.get((kind, v, f))]


def _sorted_examples(tally, cell) -> list[Example]:
    return [example for _, _, example in sorted(tally.examples[cell], reverse=True)]


def _sort_key(value):
    """Numbers in numeric order, then everything else as text (years, dates, names)."""
    return (0, float(value), "") if isinstance(value, (int, float)) else (1, 0.0, str(value))
