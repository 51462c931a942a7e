"""Wall time of `framing score` on one sentence, from a fresh process (imports, model load,
scoring, output), per shipped model: median and range of N runs after one warm-up run
(which fills the OS file cache).

    python eval/experiments/latency.py [--runs 7] [--model default --model accurate]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENTENCE = "Russia needs China much more than the opposite is true.\n"


def wall_seconds(model: str, path: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "framing", "score", str(path), "--model", model],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--model", action="append")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "one.txt"
        path.write_text(SENTENCE, encoding="utf-8")
        for model in args.model or ["default"]:
            wall_seconds(model, path)
            runs = sorted(wall_seconds(model, path) for _ in range(args.runs))
            print(f"{model}: median {statistics.median(runs):.2f} s (min {runs[0]:.2f}, max {runs[-1]:.2f}) "
                  f"over {args.runs} runs")


if __name__ == "__main__":
    main()
