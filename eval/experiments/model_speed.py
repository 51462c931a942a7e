"""Sentences a second of the shipped models through FramingAnalyzer.score (300 gold dev
sentences, 2 threads, median of 3): python eval/experiments/model_speed.py"""
import json, statistics, time
from framing.inference import FramingAnalyzer
texts = [json.loads(l)["text"] for l in open("eval/gold/gold.jsonl") if json.loads(l)["split"] == "dev"][:300]
for name in ("default", "accurate"):
    a = FramingAnalyzer.load(name, threads=2)
    a.score(texts[:10])
    runs = []
    for _ in range(3):
        t = time.perf_counter(); a.score(texts); runs.append(len(texts) / (time.perf_counter() - t))
    print(name, "sentences/s median", round(statistics.median(runs), 1), [round(r, 1) for r in runs])
