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
from framing.errors import FramingError
from framing.inference import FramingAnalyzer
from framing.outputs import run_identity, sidecar_path
from framing.text.actors import Mention
from framing.text.segment import Sentence

BATCH = 512  # sentences per predict call, for a progress line


def record(analyzer, example, frame_probs, sentiment_probs) -> dict:
    """The `framing score -f jsonl` record of a labelled sentence, its given spans as mentions."""
    mentions = [Mention(m.actor or m.mention, m.mention, m.start, m.end, "given") for m in example.mentions]
    sentence = Sentence(0, len(example.text), example.text, 0)
    return analyzer.scored_sentence(example.doc_id or example.id, 0, sentence, mentions, frame_probs,
                                    sentiment_probs).to_dict()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="+", help="gold or NewsMTSC JSONL files (train rows only are scored)")
    parser.add_argument("--model", default="accurate")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.out.exists():
        raise SystemExit(f"error: {args.out}: expected a new output path, found an existing file; remove it to "
                         "re-score or choose another --out")
    try:
        examples = [ex for ex in read_examples(args.gold) if ex.mentions and ex.split in (None, "train")]
        analyzer = FramingAnalyzer.load(args.model, precision="auto", threads=2)
    except FramingError as e:
        raise SystemExit(f"error: {e}") from None
    lines = []
    for b in range(0, len(examples), BATCH):
        batch = examples[b : b + BATCH]
        frame_probs, sentiment_probs = analyzer.predict(
            [ex.text for ex in batch], [[(m.start, m.end) for m in ex.mentions] for ex in batch])
        lines += [json.dumps(record(analyzer, ex, fp, sp), ensure_ascii=False)
                  for ex, fp, sp in zip(batch, frame_probs, sentiment_probs)]
        print(f"{min(b + BATCH, len(examples))}/{len(examples)} sentences", flush=True)
    identity = {**run_identity(analyzer), "writer": "eval/experiments/teacher_on_spans.py"}  # for the card
    atomic_write(sidecar_path(args.out), json.dumps(identity, indent=2) + "\n")
    atomic_write(args.out, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
