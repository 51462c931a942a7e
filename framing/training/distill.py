"""Soft labels from a teacher model, for distillation into a smaller student.

The teacher's labels are plain ``framing score -f jsonl`` output (run with ``--model
<teacher>`` over unlabelled sentences, resumable with ``--resume``): each record carries the
teacher's frame probabilities and, per actor mention, its sentiment distribution. Training
with ``distill = [files]`` adds these records as rows whose targets are those distributions
(binary cross-entropy against the frame probabilities, cross-entropy against the mention
distributions), weighted by ``distill_weight`` against the gold rows.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from framing.errors import DataError


@dataclass
class SoftExample:
    """A sentence with a teacher's probabilities: per frame, and per mention per sentiment."""

    text: str
    frame_probs: list[float]  # in the model config's frame order
    spans: list[tuple[int, int]]  # mention offsets within ``text``
    sentiment_probs: list[list[float]]  # per span, in the config's sentiment order
    path: str = ""
    line: int = 0


def read_soft_examples(paths: list[str], frames: list[str], sentiments: list[str]) -> list[SoftExample]:
    """Teacher-scored sentences from ``framing score -f jsonl`` files; every problem at once."""
    rows, problems = [], []
    for path in dict.fromkeys(map(str, paths)):
        try:
            with Path(path).open(encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    if line.strip():
                        row = _parse(line, frames, sentiments, problems, f"{path}:{number}")
                        if row is not None:
                            row.path, row.line = path, number
                            rows.append(row)
        except FileNotFoundError:
            problems.append(f"{path}: expected a teacher's `framing score -f jsonl` output, found no such file; write "
                            f"it with `framing score SENTENCES --model TEACHER -f jsonl -o {path}` (a distilled "
                            "model's card gives its recipe)")
        except (OSError, UnicodeDecodeError) as e:
            problems.append(f"{path}: expected a UTF-8 JSONL file written by `framing score -f jsonl`, "
                            f"could not read it ({e.__class__.__name__}: {e})")
    if problems:
        raise DataError(problems)
    return rows


def _parse(line: str, frames, sentiments, problems: list[str], where: str) -> SoftExample | None:
    hint = "expected a record of `framing score -f jsonl` (text, start, frames, actors)"
    try:
        obj = json.loads(line)
        text, start, probs = obj["text"], obj["start"], obj["frames"]
        frame_probs = [float(probs[f]) for f in frames]
        spans, sentiment_probs = [], []
        for actor in obj["actors"]:
            spans.append((actor["start"] - start, actor["end"] - start))
            sentiment_probs.append([float(actor["scores"][s]) for s in sentiments])
    except json.JSONDecodeError as e:
        problems.append(f"{where}: {hint}; found invalid JSON ({e.msg})")
        return None
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        problems.append(f"{where}: {hint} with this model's frames {frames} and sentiments {sentiments}; "
                        f"found a record without {e} or with a value of the wrong type")
        return None
    if not isinstance(text, str) or not all(0 <= a < b <= len(text) for a, b in spans):
        problems.append(f"{where}: {hint}; found mention offsets outside the sentence")
        return None
    return SoftExample(text, frame_probs, spans, sentiment_probs)


def sample_soft_examples(rows: list[SoftExample], limit: int, rng: random.Random,
                         exclude: set[str], normalized) -> list[SoftExample]:
    """Rows whose text is not held out (dev, test, gold train), a seeded sample of ``limit``."""
    kept = [r for r in rows if normalized(r.text) not in exclude]
    return rng.sample(kept, limit) if limit and len(kept) > limit else kept
