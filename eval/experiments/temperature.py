"""Temperature scaling, tried and not adopted (eval/EXPERIMENTS.md): fit one temperature
for sentiment and one for frames on gold dev by log loss (scikit-learn), then compare
expected calibration error on gold dev (in sample) and NewsMTSC dev-rw (out of sample).

    python eval/experiments/temperature.py
"""
import sys
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np  # noqa: E402
from sklearn.metrics import log_loss  # noqa: E402
from framing.pipeline import FramingAnalyzer  # noqa: E402
from framing.data import read_examples  # noqa: E402
from framing.evaluation import predict_examples  # noqa: E402
from framing.calibration import reliability  # noqa: E402
a = FramingAnalyzer.load()
dev = read_examples([str(Path(__file__).resolve().parents[1] / "gold" / "gold.jsonl")], splits=("dev",))
rw = read_examples([str(Path(__file__).resolve().parents[1] / "newsmtsc" / "dev-rw.jsonl")])
S = a.config.sentiments
def sent(exs):
    p = predict_examples(a, exs)
    probs = np.concatenate([x for x in p["sentiment_probs"] if len(x)])
    y = np.array([S.index(m.sentiment) for ex in exs for m in ex.mentions])
    return probs, y, p["frame_probs"]
def scale(probs, T):
    z = np.log(np.clip(probs, 1e-9, 1)) / T
    z = np.exp(z - z.max(1, keepdims=True)); return z / z.sum(1, keepdims=True)
pd, yd, fd = sent(dev); pr, yr, _ = sent(rw)
grid = np.round(np.arange(0.5, 4.01, 0.05), 2)
nll = [log_loss(yd, scale(pd, T), labels=[0,1,2]) for T in grid]
T = grid[int(np.argmin(nll))]
def ece(p, y): return reliability((p.argmax(1) == y).astype(int), p.max(1))[0]
print("sentiment T", T, "dev ECE", round(ece(pd, yd), 3), "->", round(ece(scale(pd, T), yd), 3), "dev-rw ECE", round(ece(pr, yr), 3), "->", round(ece(scale(pr, T), yr), 3))
F = a.config.frames
yf = np.array([[f in ex.frames for f in F] for ex in dev if ex.frames is not None], dtype=int)
fdl = np.array([fd[i] for i, ex in enumerate(dev) if ex.frames is not None])
logit = np.log(np.clip(fdl, 1e-9, 1 - 1e-9) / np.clip(1 - fdl, 1e-9, 1))
def fs(T): return 1 / (1 + np.exp(-logit / T))
nll = [log_loss(yf.ravel(), fs(T).ravel()) for T in grid]
T2 = grid[int(np.argmin(nll))]
print("frames T", T2, "dev ECE", round(reliability(yf.ravel(), fdl.ravel())[0], 3), "->", round(reliability(yf.ravel(), fs(T2).ravel())[0], 3))
