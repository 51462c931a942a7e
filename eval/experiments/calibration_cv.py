"""Calibration and frame-threshold rules, compared on dev halves (eval/EXPERIMENTS.md).

For each model: its raw (uncalibrated) dev predictions, then 100 random halvings of gold
dev. Each rule is fitted on one half and scored on the other: frames macro F1, frames ECE
and sentiment ECE. Rules: per-frame thresholds tuned for F1 (framing before calibration),
the frame head's own decision (raw logit > 0), each with and without Platt scaling; dev-f1
thresholds bagged (median over bootstrap resamples of the half); a
temperature per frame (Platt without its bias); a sentiment temperature. Last, the temperature fitted on all of gold dev + NewsMTSC dev-mt
(what training does) is checked on NewsMTSC dev-rw, a source it never saw. Dev only.

    python eval/experiments/calibration_cv.py models/default models/accurate [MORE_DIRS]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

HALVINGS = 100


def raw_predictions(analyzer, examples):
    from framing.evaluation.metrics import predict_examples, sentence_arrays

    config = analyzer.config
    config.frame_calibration = {f: [1.0, 0.0] for f in config.frames}
    config.sentiment_temperature = 1.0
    return sentence_arrays(examples, config, predict_examples(analyzer, examples))


def sentiment_ece(log_probs: np.ndarray, truth: np.ndarray, temperature: float) -> float:
    """ECE of the top sentiment label (as `framing eval --calibration`) at ``temperature``."""
    import torch

    from framing.evaluation.calibration import reliability
    from framing.model.calibration import sentiment_probabilities

    p = sentiment_probabilities(torch.from_numpy(log_probs), temperature).numpy()
    return reliability((p.argmax(1) == truth).astype(int), p.max(1))[0]


def bagged_f1_thresholds(truth: np.ndarray, probs: np.ndarray, rng, rounds: int = 50) -> np.ndarray:
    """The median over bootstrap resamples of the per-frame best-F1 thresholds: a lower-
    variance version of dev-f1 for frames with few dev positives."""
    from framing.evaluation.metrics import best_f1_thresholds

    picks = [best_f1_thresholds(truth[i], probs[i]) for i in (rng.integers(0, len(truth), len(truth))
                                                             for _ in range(rounds))]
    return np.median(np.array(picks), axis=0)


def halving(arrays, rng) -> dict:
    import torch
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    from framing.evaluation.calibration import reliability
    from framing.evaluation.metrics import best_f1_thresholds
    from framing.model.calibration import frame_probabilities, head_thresholds
    from framing.training.calibrate import fit_frame_calibration, fit_temperature, logits_from_probabilities

    y, z = arrays["frames_true"], logits_from_probabilities(arrays["frames_prob"])
    order = rng.permutation(len(y))
    # Bagging draws from its own generator, so the halvings stay those of the other rules.
    bag_rng = np.random.default_rng(order[:4])
    a, b = order[: len(y) // 2], order[len(y) // 2 :]
    frames = list(range(y.shape[1]))

    def probabilities(calibration: dict) -> np.ndarray:
        return frame_probabilities(torch.from_numpy(z), calibration, frames).numpy()

    platt = fit_frame_calibration(z[a], y[a], frames)
    calibrated = probabilities(platt)
    raw = probabilities({k: [1.0, 0.0] for k in frames})
    # A temperature per frame: Platt scaling without the bias.
    tempered = probabilities({k: [LogisticRegression(C=1e6, fit_intercept=False)
                                  .fit(z[a][:, k : k + 1], y[a][:, k]).coef_[0, 0], 0.0] for k in frames})
    out = {}
    for name, probs, thresholds in (
        ("raw, dev-f1 thresholds", raw, lambda: np.array(best_f1_thresholds(y[a], raw[a]))),
        ("raw, bagged dev-f1", raw, lambda: bagged_f1_thresholds(y[a], raw[a], bag_rng)),
        ("raw, head decision", raw, lambda: np.full(y.shape[1], 0.5)),
        ("Platt, dev-f1 thresholds", calibrated, lambda: np.array(best_f1_thresholds(y[a], calibrated[a]))),
        ("Platt, head decision", calibrated, lambda: np.array(list(head_thresholds(platt).values()))),
        ("temperature per frame, head", tempered, lambda: np.full(y.shape[1], 0.5)),
    ):
        out[name] = (f1_score(y[b], probs[b] >= thresholds(), average="macro", zero_division=0),
                     reliability(y[b].ravel(), probs[b].ravel())[0])
    s_true, s_log = arrays["sentiment_true"], np.log(np.clip(arrays["sentiment_prob"], 1e-7, 1))
    order = rng.permutation(len(s_true))
    a, b = order[: len(s_true) // 2], order[len(s_true) // 2 :]
    t = fit_temperature(s_log[a], s_true[a])
    for name, temp in (("sentiment raw", 1.0), ("sentiment temperature", t)):
        out[name] = (float("nan"), sentiment_ece(s_log[b], s_true[b], temp))
    return out


def main(model_dirs: list[str]) -> None:
    from framing.data.gold import read_examples
    from framing.inference import FramingAnalyzer
    from framing.training.calibrate import fit_temperature

    gold_dev = read_examples([ROOT / "eval/gold/gold.jsonl"], splits=("dev",))
    dev_mt = read_examples([ROOT / "eval/newsmtsc/dev-mt.jsonl"])
    dev_rw = read_examples([ROOT / "eval/newsmtsc/dev-rw.jsonl"])
    for model_dir in model_dirs:
        analyzer = FramingAnalyzer.load(model_dir)
        arrays = raw_predictions(analyzer, gold_dev)
        rng = np.random.default_rng(0)
        runs = [halving(arrays, rng) for _ in range(HALVINGS)]
        print(f"{model_dir}: {HALVINGS} halvings of gold dev, fitted on one half, scored on the other (mean, sd)")
        for name in runs[0]:
            f1 = np.array([r[name][0] for r in runs])
            ece = np.array([r[name][1] for r in runs])
            f1_text = "" if np.isnan(f1).all() else f"frames macro F1 {f1.mean():.3f} ({f1.std():.3f})  "
            print(f"  {name:26s} {f1_text}ECE {ece.mean():.3f} ({ece.std():.3f})")
        both = raw_predictions(analyzer, gold_dev + dev_mt)
        t = fit_temperature(np.log(np.clip(both["sentiment_prob"], 1e-7, 1)), both["sentiment_true"])
        rw = raw_predictions(analyzer, dev_rw)
        s_log, s_true = np.log(np.clip(rw["sentiment_prob"], 1e-7, 1)), rw["sentiment_true"]
        eces = [sentiment_ece(s_log, s_true, temp) for temp in (1.0, t)]
        print(f"  temperature on gold dev + dev-mt: T = {t:.2f}; NewsMTSC dev-rw ECE {eces[0]:.3f} -> {eces[1]:.3f}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["models/default"])
