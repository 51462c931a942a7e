"""Calibration: expected calibration error and reliability bins for frames and sentiment.

Frames: every (sentence, frame) decision, the frame's probability against its gold 0/1.
Sentiment: every gold mention, the top class's probability against whether it was right.
Bins are ten equal-width probability ranges; ECE is the count-weighted mean gap between
a bin's mean confidence and its observed frequency (scikit-learn's calibration_curve
gives both per non-empty bin).
"""

from __future__ import annotations

import numpy as np
from sklearn.calibration import calibration_curve

N_BINS = 10


def reliability(y_true: np.ndarray, confidence: np.ndarray, n_bins: int = N_BINS) -> tuple[float, list[dict]]:
    if len(y_true) == 0:
        return float("nan"), []
    if len(np.unique(y_true)) < 2:
        # calibration_curve needs both outcomes; a constant outcome is measured directly.
        gap = float(np.abs(confidence - y_true).mean())
        return gap, [{"low": 0.0, "high": 1.0, "confidence": float(confidence.mean()),
                      "frequency": float(y_true.mean()), "count": int(len(y_true))}]
    frequency, mean_conf = calibration_curve(y_true, confidence, n_bins=n_bins, strategy="uniform")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, n_bins - 1)
    counts = np.bincount(which, minlength=n_bins)
    occupied = np.nonzero(counts)[0]
    bins = [{"low": float(edges[b]), "high": float(edges[b + 1]), "confidence": float(c), "frequency": float(f),
             "count": int(counts[b])} for b, c, f in zip(occupied, mean_conf, frequency)]
    ece = float(sum(b["count"] * abs(b["confidence"] - b["frequency"]) for b in bins) / len(y_true))
    return ece, bins


def calibration_metrics(arrays: dict) -> dict:
    out = {}
    if len(arrays["frames_true"]):
        ece, bins = reliability(arrays["frames_true"].ravel(), arrays["frames_prob"].ravel())
        out["calibration.frames.ece"], out["calibration.frames.bins"] = ece, bins
    if len(arrays["sentiment_true"]):
        correct = (arrays["sentiment_pred"] == arrays["sentiment_true"]).astype(int)
        ece, bins = reliability(correct, arrays["sentiment_prob"].max(1))
        out["calibration.sentiment.ece"], out["calibration.sentiment.bins"] = ece, bins
    return out
