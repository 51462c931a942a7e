"""Bootstrap over sentences: 95% confidence intervals and a paired test between models.

Resampling unit: the sentence (its frame decisions and all its mentions travel together).
Each resample's metrics come from scikit-learn, like the point estimates.
"""

from __future__ import annotations

import numpy as np

from framing.evaluation.metrics import frame_metrics, sentiment_metrics


def resample_indices(n: int, rounds: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n, size=(rounds, n))


def confidence_intervals(pred: dict, frames: list[str], sentiments: list[str], rounds: int = 1000,
                         seed: int = 0, level: float = 0.95) -> dict:
    """``<metric>_ci: [low, high]`` for frame and sentiment macro/micro F1 and per-label F1.

    ``pred`` holds per-sentence arrays (see :func:`framing.evaluation.sentence_arrays`).
    """
    n = len(pred["sentence_frame_row"])
    if n == 0 or rounds <= 0:
        return {}
    samples: dict[str, list[float]] = {}

    def add(key, value):
        samples.setdefault(key, []).append(value)

    frame_rows = pred["sentence_frame_row"]
    mention_rows = pred["sentence_mentions"]
    for idx in resample_indices(n, rounds, seed):
        rows = [frame_rows[i] for i in idx if frame_rows[i] >= 0]
        if rows:
            s = frame_metrics(pred["frames_true"][rows], pred["frames_pred"][rows], frames)
            for key in ("frames.macro_f1", "frames.micro_f1", *(f"frames.per_label.{f}.f1" for f in frames)):
                add(key, s[key])
        mentions = [m for i in idx for m in mention_rows[i]]
        if mentions:
            s = sentiment_metrics(pred["sentiment_true"][mentions], pred["sentiment_pred"][mentions], sentiments)
            for key in ("sentiment.macro_f1", "sentiment.accuracy", *(f"sentiment.per_label.{x}.f1" for x in sentiments)):
                add(key, s[key])
    tail = (1 - level) / 2 * 100
    return {f"{k}_ci": [float(np.percentile(v, tail)), float(np.percentile(v, 100 - tail))] for k, v in samples.items()}


def paired_p_values(new: dict, old: dict, n_sentiments: int, rounds: int = 1000, seed: int = 0) -> dict:
    """Paired bootstrap p-values for the macro F1 differences of two prediction sets.

    Both dicts hold ``ids`` and the per-sentence arrays; sentences are matched by id.
    The p-value is two-sided: twice the share of resamples whose difference has the
    opposite sign to the observed one (capped at 1).
    """
    common = [i for i in new["ids"] if i in set(old["ids"])]
    if not common:
        return {}
    pos_new = {i: k for k, i in enumerate(new["ids"])}
    pos_old = {i: k for k, i in enumerate(old["ids"])}
    out = {}
    for metric in ("frames.macro_f1", "sentiment.macro_f1"):
        deltas = []
        for idx in resample_indices(len(common), rounds, seed):
            ids = [common[k] for k in idx]
            a = _metric(new, [pos_new[i] for i in ids], metric, n_sentiments)
            b = _metric(old, [pos_old[i] for i in ids], metric, n_sentiments)
            if a is not None and b is not None:
                deltas.append(a - b)
        if not deltas:
            continue
        deltas = np.array(deltas)
        observed = deltas.mean()
        opposite = (deltas <= 0).mean() if observed > 0 else (deltas >= 0).mean()
        out[f"{metric}_p_value"] = float(min(1.0, 2 * opposite))
    return out


def _metric(pred, positions, metric, n_sentiments):
    if metric.startswith("frames"):
        rows = [pred["sentence_frame_row"][p] for p in positions if pred["sentence_frame_row"][p] >= 0]
        if not rows:
            return None
        frames = [str(k) for k in range(pred["frames_true"].shape[1])]
        return frame_metrics(pred["frames_true"][rows], pred["frames_pred"][rows], frames)[metric]
    mentions = [m for p in positions for m in pred["sentence_mentions"][p]]
    if not mentions:
        return None
    labels = [str(k) for k in range(n_sentiments)]
    return sentiment_metrics(pred["sentiment_true"][mentions], pred["sentiment_pred"][mentions], labels)[metric]
