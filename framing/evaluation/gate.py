"""Quality gate: minimum scores from a TOML file, and allowed drops against an old run.

thresholds TOML::

    [minimum]
    "frames.macro_f1" = 0.60
    "sentiment.macro_f1" = 0.60

Each failure is one line: ``<metric> <value> below minimum <m>`` or
``<metric> dropped <d> (old <a>, new <b>), more than --max-drop <x>``.
"""

from __future__ import annotations

from pathlib import Path

from framing.errors import FramingError
from framing.validation import read_structured

# Compared between runs: scores where higher is better.
GATED_SUFFIXES = (".f1", "_f1", ".accuracy", ".precision", ".recall")
# --max-drop applies to these headline metrics (per-label F1 on small supports is too noisy to gate).
HEADLINE = ("frames.macro_f1", "frames.micro_f1", "sentiment.macro_f1", "sentiment.accuracy", "actors.f1")


def load_thresholds(path: str | Path) -> dict[str, float]:
    data = read_structured(path, "toml", "thresholds file")
    minimum = data.get("minimum")
    if not isinstance(minimum, dict) or not all(isinstance(v, (int, float)) for v in minimum.values()):
        raise FramingError(f"{path}: expected a [minimum] table of metric = number, found {minimum!r}")
    return {k: float(v) for k, v in minimum.items()}


def load_previous(path: str | Path) -> dict:
    data = read_structured(path, "json", "comparison file", "pass an earlier `framing eval --json` output")
    if not isinstance(data, dict) or "n_sentences" not in data:
        raise FramingError(f"{path}: expected the JSON of `framing eval --json` (no n_sentences key)")
    return data


def check_minimums(metrics: dict, minimum: dict[str, float]) -> list[str]:
    failures = []
    for key, floor in minimum.items():
        value = metrics.get(key)
        if value is None:
            failures.append(f"{key} missing from the results (minimum {floor:.3f})")
        elif value < floor:
            failures.append(f"{key} {value:.3f} below minimum {floor:.3f}")
    return failures


def comparison(old: dict, new: dict) -> list[tuple[str, float, float, float]]:
    """(metric, old, new, new - old) for the gated metrics both runs have."""
    rows = []
    for key in sorted(set(old) & set(new)):
        if not key.startswith("slices.") and key.endswith(GATED_SUFFIXES) and isinstance(old[key], (int, float)) and isinstance(new[key], (int, float)):
            rows.append((key, float(old[key]), float(new[key]), float(new[key]) - float(old[key])))
    return rows


def check_drops(rows, max_drop: float, only: tuple[str, ...] = HEADLINE) -> list[str]:
    failures = []
    for key, a, b, delta in rows:
        if key not in only:
            continue
        if -delta > max_drop + 1e-12:
            failures.append(f"{key} dropped {-delta:.3f} (old {a:.3f}, new {b:.3f}), more than --max-drop {max_drop:.3f}")
    return failures
