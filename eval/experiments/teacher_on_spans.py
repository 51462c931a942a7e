"""A teacher's soft labels on labelled sentences at their *given* mention spans, written as
`framing score -f jsonl` records (with the sidecar naming the teacher), so that `distill =
[...]` in a train.toml can learn them.

`framing score` finds mentions with the actor registry; NewsMTSC's targets are mostly
people the registry does not know ("Winner", "she"), so scoring its sentences would give
the student the teacher's reading of few of them. Here the teacher reads every target.

    python eval/experiments/teacher_on_spans.py eval/newsmtsc/train.jsonl \
        --model accurate --out work/distill/teacher-newsmtsc.jsonl
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from framing.data.gold import read_examples
from framing.files import atomic_write
from framing.inference import FramingAnalyzer, ScoredMention, ScoredSentence
from framing.outputs import run_identity, sidecar_path

BATCH = 512  # sentences per predict call, for a progress line


def scored(analyzer, example, frame_probs, sentiment_probs) -> ScoredSentence:
    config = analyzer.config
    frames = {f: round(float(p), 4) for f, p in zip(config.frames, frame_probs)}
    mentions = []
    for mention, probs in zip(example.mentions, sentiment_probs):
        scores = {s: round(float(p), 4) for s, p in zip(config.sentiments, probs)}
        mentions.append(ScoredMention(mention.actor or mention.mention, mention.mention, mention.start,
                                      mention.end, max(scores, key=scores.get), scores))
    labels = [f for f in config.frames if frames[f] >= config.thresholds[f]]
    return ScoredSentence(example.doc_id or example.id, 0, 0, len(example.text), example.text, frames, labels,
                          mentions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="+", help="gold or NewsMTSC JSONL files (train rows only are scored)")
    parser.add_argument("--model", default="accurate")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.out.exists():
        raise SystemExit(f"{args.out}: exists; expected a new path (remove it to re-score)")
    examples = [ex for ex in read_examples(args.gold) if ex.mentions and ex.split in (None, "train")]
    analyzer = FramingAnalyzer.load(args.model, precision="auto", threads=2)
    lines = []
    for b in range(0, len(examples), BATCH):
        batch = examples[b : b + BATCH]
        frame_probs, sentiment_probs = analyzer.predict(
            [ex.text for ex in batch], [[(m.start, m.end) for m in ex.mentions] for ex in batch])
        lines += [json.dumps(scored(analyzer, ex, fp, sp).to_dict(), ensure_ascii=False)
                  for ex, fp, sp in zip(batch, frame_probs, sentiment_probs)]
        print(f"{min(b + BATCH, len(examples))}/{len(examples)} sentences", flush=True)
    identity = {**run_identity(analyzer), "writer": "eval/experiments/teacher_on_spans.py"}  # for the card
    atomic_write(sidecar_path(args.out), json.dumps(identity, indent=2) + "\n")
    atomic_write(args.out, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
