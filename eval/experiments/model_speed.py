"""Sentences a second of the shipped models through FramingAnalyzer.score, at fp32 and at
scoring's default precision (auto: bf16 where the CPU has bfloat16 instructions): 300 gold
dev sentences, 2 threads, median of 3 after a warm-up.

    python eval/experiments/model_speed.py [MODEL ...]     # default: default accurate
"""
import json
import statistics
import sys
import time

from framing.inference import FramingAnalyzer

texts = [json.loads(line)["text"] for line in open("eval/gold/gold.jsonl") if json.loads(line)["split"] == "dev"][:300]
for name in sys.argv[1:] or ("default", "accurate"):
    for precision in ("fp32", "auto"):
        analyzer = FramingAnalyzer.load(name, precision=precision, threads=2)
        analyzer.score(texts[:10])
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            analyzer.score(texts)
            runs.append(len(texts) / (time.perf_counter() - start))
        print(f"{name} {precision} ({analyzer.precision}): sentences/s median {statistics.median(runs):.1f}",
              [round(r, 1) for r in runs])
