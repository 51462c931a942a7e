"""Probability calibration: what turns the heads' logits into the probabilities users see.

The frame head is trained with positive-class weights (rare frames weighted up), so its
raw sigmoid over-states every frame; the sentiment head's softmax is over-confident.
Both are corrected after training, on dev, with as few parameters as keep the estimate
stable on a few hundred sentences:

* frames: Platt scaling per frame, ``p = sigmoid(scale * logit + bias)`` (scikit-learn's
  logistic regression on the one logit);
* sentiment: one temperature, ``p = softmax(logits / T)``.

Both maps are monotone, so they change probabilities, not rankings: a threshold on the
raw head moves into calibrated probability with every decision kept
(:func:`carried_thresholds`; the head's own decision, raw logit > 0, becomes
``sigmoid(bias)``, :func:`head_thresholds`). framing.training.calibrate fits the
parameters and chooses the thresholds; they are saved in the model's config.json.

    >>> head_thresholds({"caution": [0.8, -1.0]})
    {'caution': 0.2689414213699951}
"""

from __future__ import annotations

import math


def frame_probabilities(logits, calibration: dict[str, list[float]], frames: list[str]):
    """Calibrated frame probabilities from raw logits (a torch tensor, frames last)."""
    import torch

    scale = torch.tensor([calibration[f][0] for f in frames], dtype=logits.dtype, device=logits.device)
    bias = torch.tensor([calibration[f][1] for f in frames], dtype=logits.dtype, device=logits.device)
    return torch.sigmoid(logits * scale + bias)


def sentiment_probabilities(logits, temperature: float):
    """Calibrated sentiment distributions from raw logits (a torch tensor, labels last)."""
    import torch

    return torch.softmax(logits / temperature, dim=-1)


def carried_thresholds(thresholds: dict[str, float], old: dict[str, list[float]],
                       new: dict[str, list[float]]) -> dict[str, float]:
    """Thresholds on ``old``-calibrated probabilities moved onto ``new``-calibrated ones so
    that every decision stays the same (both maps are monotone in the raw logit)."""
    out = {}
    for frame, t in thresholds.items():
        (a0, b0), (a1, b1) = old[frame], new[frame]
        raw = (math.log(t / (1 - t)) - b0) / a0
        out[frame] = 1 / (1 + math.exp(-(a1 * raw + b1)))
    return out


def head_thresholds(calibration: dict[str, list[float]]) -> dict[str, float]:
    """The head's own decision (raw logit > 0) in calibrated probability: sigmoid(bias)."""
    return {frame: 1 / (1 + math.exp(-bias)) for frame, (_, bias) in calibration.items()}
