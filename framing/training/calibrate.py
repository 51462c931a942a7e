"""Fit a model's calibration and frame thresholds on dev (framing.model.calibration applies
them). Training calls :func:`calibrate` as its last step; ``framing calibrate`` runs it on a
saved model (:func:`calibrate_model`), e.g. one trained before calibration existed.

Frame thresholds, ``frame_thresholds``:

* ``"dev-f1"`` (training's default): per frame, the threshold on the raw head's
  probabilities that maximises dev F1, carried into calibrated probability;
* ``"head"``: the head's own decision, a frame where its raw logit is positive, carried
  into calibrated probability. It beat dev-f1 on held-out halves of dev for all three
  models tried, but lost 0.037 frames macro F1 on gold test for the shipped default
  (eval/EXPERIMENTS.md, "Calibration and thresholds"), so it is not the default;
* ``"keep"`` (``framing calibrate``'s default): the model's current decisions, carried
  into the new calibration: only the probabilities change.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np

from framing.errors import FramingError
from framing.training.config import THRESHOLD_RULES

# Probabilities reach here as float32 sigmoids: 1e-7 keeps their logits finite (|z| < 16).
_EPS = 1e-7


def logits_from_probabilities(probs: np.ndarray) -> np.ndarray:
    """Invert a sigmoid: the logits behind frame probabilities (clipped to stay finite)."""
    p = np.clip(np.asarray(probs, dtype=float), _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def fit_frame_calibration(logits: np.ndarray, truth: np.ndarray, frames: list[str]) -> dict[str, list[float]]:
    """Per-frame Platt scaling fitted on dev: ``{frame: [scale, bias]}``.

    ``logits`` and ``truth`` are (sentences x frames). A frame that dev never shows (or
    always shows) keeps the identity, since nothing there says how to move it.

        >>> z = np.array([[-3.0], [-1.0], [0.5], [1.0], [2.0], [4.0]])
        >>> cal = fit_frame_calibration(z, np.array([[0], [0], [1], [0], [1], [1]]), ["caution"])
        >>> cal["caution"][0] > 0
        True
    """
    from sklearn.linear_model import LogisticRegression

    out = {}
    for k, frame in enumerate(frames):
        y = truth[:, k]
        if len(np.unique(y)) < 2:
            out[frame] = [1.0, 0.0]
            continue
        fit = LogisticRegression(C=1e6, max_iter=1000).fit(logits[:, k : k + 1], y)
        scale, bias = float(fit.coef_[0, 0]), float(fit.intercept_[0])
        # A non-positive scale would invert the frame's ranking; keep the identity instead.
        out[frame] = [scale, bias] if scale > 0 else [1.0, 0.0]
    return out


def fit_temperature(log_probs: np.ndarray, truth: np.ndarray) -> float:
    """The softmax temperature that minimises dev log-loss (1.0 when there are no mentions).

    ``log_probs`` are uncalibrated log-probabilities (mentions x labels): logits up to a
    constant per row, which a softmax ignores.
    """
    from scipy.optimize import minimize_scalar
    from scipy.special import log_softmax

    if len(truth) == 0:
        return 1.0
    rows = np.arange(len(truth))

    def loss(log_t: float) -> float:
        return -log_softmax(log_probs / np.exp(log_t), axis=1)[rows, truth].mean()

    # Temperatures from 1/20 to 20: wider would only fit noise on a few hundred mentions.
    return float(np.exp(minimize_scalar(loss, bounds=(-3.0, 3.0), method="bounded").x))


def calibrate(predictor, examples, frame_thresholds: str = "dev-f1") -> dict:
    """Fit ``predictor.config``'s calibration and thresholds on dev ``examples``, in place.

    Returns the calibrated predictions on ``examples`` (as
    :func:`framing.evaluation.metrics.predict_examples` gives them), so the caller can
    score dev without running the model again.
    """
    from framing.evaluation.metrics import predict_examples, sentence_arrays, tune_thresholds
    from framing.model.calibration import carried_thresholds, head_thresholds

    if frame_thresholds not in (*THRESHOLD_RULES, "keep"):
        raise FramingError(f"frame_thresholds must be one of {', '.join(THRESHOLD_RULES)} or keep, "
                           f"found {frame_thresholds!r}")
    config = predictor.config
    old_thresholds, old_calibration = dict(config.thresholds), dict(config.frame_calibration)
    identity = {f: [1.0, 0.0] for f in config.frames}
    config.frame_calibration = identity  # fit on the raw heads
    config.sentiment_temperature = 1.0
    raw = predict_examples(predictor, examples)
    arrays = sentence_arrays(examples, config, raw)
    config.frame_calibration = fit_frame_calibration(
        logits_from_probabilities(arrays["frames_prob"]), arrays["frames_true"], config.frames)
    config.sentiment_temperature = fit_temperature(_log(arrays["sentiment_prob"]), arrays["sentiment_true"])
    calibrated = _recalibrated(raw, config)
    if frame_thresholds == "keep":
        config.thresholds = carried_thresholds(old_thresholds, old_calibration, config.frame_calibration)
    elif frame_thresholds == "head":
        config.thresholds = head_thresholds(config.frame_calibration)
    else:  # tuned on the raw head's grid, then carried: the same decisions as uncalibrated
        raw_thresholds = tune_thresholds(examples, config.frames, raw["frame_probs"])
        config.thresholds = carried_thresholds(raw_thresholds, identity, config.frame_calibration)
    return calibrated


def _log(probs) -> np.ndarray:
    return np.log(np.clip(np.asarray(probs, dtype=float), _EPS, 1))


def _recalibrated(raw: dict, config) -> dict:
    """Raw predictions (identity calibration) as ``config``'s calibration would give them,
    without running the model again: the logits are recovered from the probabilities."""
    import torch

    from framing.model.calibration import frame_probabilities, sentiment_probabilities

    frame_logits = torch.from_numpy(logits_from_probabilities(raw["frame_probs"]))
    n_labels = len(config.sentiments)
    return {
        "frame_probs": frame_probabilities(frame_logits, config.frame_calibration, config.frames).numpy(),
        "sentiment_probs": [
            sentiment_probabilities(torch.from_numpy(_log(p).reshape(-1, n_labels)),
                                    config.sentiment_temperature).numpy()
            for p in raw["sentiment_probs"]],
    }


def calibrate_model(model_dir: str | Path, output: str | Path, dev: list[str] | None = None,
                    frame_thresholds: str = "keep") -> dict:
    """Copy the model at ``model_dir`` to ``output`` with calibration fitted on ``dev``.

    ``model_dir`` may be a shipped model's name. ``dev`` defaults to the dev files the model
    was trained with (meta.json), read from the current directory. Rewrites the
    copy's config.json, its scores in meta.json (dev only: scores recorded earlier no longer
    apply) and its model card; the weights are copied unchanged. Returns the new dev scores::

        scores = calibrate_model("models/default", "/tmp/default-calibrated")
    """
    from framing import resources
    from framing.data.gold import read_example_files
    from framing.evaluation.metrics import evaluate
    from framing.inference import FramingAnalyzer
    from framing.labels import Taxonomy
    from framing.model.card import model_card
    from framing.model.persistence import check_model_output, copy_model, read_config, read_meta
    from framing.training.config import TrainConfig
    from framing.training.data import dev_rows

    model_dir, output = resources.model_dir(model_dir), Path(output)
    check_model_output(output)
    read_config(model_dir)  # a missing or foreign folder is reported as such, before anything else
    meta = read_meta(model_dir)
    train_config = meta.get("train_config") or {}
    dev = list(dev or train_config.get("dev") or [])
    if not dev:
        raise FramingError(f"{model_dir}/meta.json names no dev files; pass --dev with gold JSONL that has a dev split")
    analyzer = FramingAnalyzer.load(model_dir)
    examples = dev_rows(dev, read_example_files(dev, taxonomy=Taxonomy.of_model(analyzer.config)))
    predictions = calibrate(analyzer, examples, frame_thresholds)
    scores = evaluate(analyzer, examples, predictions)
    meta = copy.deepcopy(meta)
    # Scores recorded before (test, by `framing eval --card`) described other probabilities
    # and decisions: only the new dev scores stay, with no notes on how the old were made.
    meta["scores"] = {"dev": scores}
    meta.pop("card_notes", None)
    meta["calibration"] = {"dev": dev, "n_dev": len(examples), "frame_thresholds": frame_thresholds}
    extra = {}
    if train_config:  # train.toml says how to reproduce the model, now calibrated this way
        rule = train_config.get("frame_thresholds", "dev-f1") if frame_thresholds == "keep" else frame_thresholds
        meta["train_config"] = dict(train_config, frame_thresholds=rule)
        extra["train.toml"] = TrainConfig.from_dict(meta["train_config"], f"{model_dir}/meta.json").to_toml()
    copy_model(model_dir, output, analyzer.config, meta, model_card(analyzer.config, meta), extra)
    return scores
