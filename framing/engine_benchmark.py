"""``framing benchmark engines``: ``framing score`` end to end in fresh processes, per engine.

Each run is a new ``framing score CORPUS -f jsonl -o FILE`` process timed from start to exit
(Python and torch imports, model loading, Ray's start-up and its workers' model loading
included), so the difference between engines is Ray's overhead on this machine. Runs are
interleaved (local, local on one thread, Ray, then again) so that a machine growing busier
affects every engine alike. Besides wall time, each run's own summary line gives its
scoring rate; the one-thread local run's rate is the throughput to expect per worker core.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from framing.benchmark import SAMPLE
from framing.errors import FramingError

SUMMARY_RATE = " sentences/s)"  # the end of framing score's last line: "... in S s (R sentences/s)"


def engine_commands(corpus: Path, model, workers: int, shard_documents: int, precision: str) -> dict[str, list[str]]:
    base = [sys.executable, "-m", "framing", "score", str(corpus), "-f", "jsonl", "--no-progress",
            "--precision", precision, *(["--model", str(model)] if model else [])]
    return {
        "local": base,
        "local, 1 thread": [*base, "--threads", "1"],
        f"ray, {workers} workers x 1 thread": [*base, "--engine", "ray", "--workers", str(workers),
                                               "--shard-documents", str(shard_documents)],
    }


def engines(corpus: Path | None = None, model=None, repeats: int = 3, workers: int = 2, shard_documents: int = 10,
            precision: str = "fp32", progress=None) -> dict:
    """Wall seconds and scoring rates per engine (lists, one entry a run) and their medians."""
    from framing import resources

    corpus = corpus or resources.project_file(SAMPLE)
    if corpus is None:
        raise FramingError(f"no --corpus given and no {SAMPLE} here; pass --corpus FILE.jsonl")
    report = progress or (lambda message: None)
    commands = engine_commands(corpus, model, workers, shard_documents, precision)
    walls: dict[str, list[float]] = {name: [] for name in commands}
    rates: dict[str, list[float]] = {name: [] for name in commands}
    outputs: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(repeats):
            for name, command in commands.items():
                out = Path(tmp) / "out.jsonl"
                wall, rate = _timed_run([*command, "-o", str(out)])
                walls[name].append(wall)
                rates[name].append(rate)
                outputs[name] = out.read_text(encoding="utf-8")
                report(f"{name}: run {k + 1}/{repeats}: {wall:.1f} s end to end, {rate:.0f} sentences/s scoring")
    sentences = len(next(iter(outputs.values())).splitlines())
    return {"corpus": str(corpus), "precision": precision, "repeats": repeats, "sentences": sentences,
            "same_output": len(set(outputs.values())) == 1,
            "runs": [{"engine": name, "wall_s": walls[name], "median_wall_s": statistics.median(walls[name]),
                      "rates": rates[name], "median_rate": statistics.median(rates[name])} for name in commands]}


def _timed_run(command: list[str]) -> tuple[float, float]:
    """Seconds from start to exit, and the rate the run's summary line reports."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    if done.returncode != 0 or not last.endswith(SUMMARY_RATE):
        raise FramingError(f"{' '.join(command[3:])}: expected a finished run, found exit code {done.returncode} "
                           f"({last or 'no output'})")
    return wall, float(last[:-len(SUMMARY_RATE)].rsplit("(", 1)[1])
