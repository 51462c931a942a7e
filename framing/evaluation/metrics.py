"""Score predictions against gold data. Compute here, render in framing.render.

:func:`evaluate` returns a flat dict of prefixed metric names::

    frames.macro_f1, frames.micro_f1, frames.per_label.<frame>.{precision,recall,f1,support}
    sentiment.macro_f1, sentiment.accuracy, sentiment.per_label.<label>.{precision,recall,f1,support}
    actors.precision, actors.recall, actors.f1, actors.support
    n_sentences, n_frame_sentences, n_mentions
    <metric>_ci: [low, high]                 (with bootstrap)
    slices.<by>.<value>.<metric>             (with slice_by)
    calibration.frames.ece, calibration.sentiment.ece, calibration.*.bins   (with calibration)

Sentiment is scored on the gold mention spans (it measures the classifier, not the
matcher). Actor detection runs the registry's matcher: a predicted mention counts when it
overlaps a gold mention of the same canonical actor.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from framing.data.gold import Example
from framing.errors import FramingError
from framing.evaluation.spans import match_spans

THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.05), 2)


def predict_examples(predictor, examples: list[Example]) -> dict:
    """Model outputs for gold examples: frame probabilities and gold-span sentiment probabilities."""
    frame_probs, sentiment_probs = predictor.predict(
        [ex.text for ex in examples], [[(m.start, m.end) for m in ex.mentions] for ex in examples]
    )
    return {"frame_probs": np.array(frame_probs).reshape(len(examples), -1), "sentiment_probs": sentiment_probs}


def sentence_arrays(examples: list[Example], config, predictions: dict) -> dict:
    """Per-sentence gold and predicted labels, in a form the bootstrap and --compare share.

    ``sentence_frame_row[i]`` is sentence i's row in the frame arrays (-1: not labelled
    for frames); ``sentence_mentions[i]`` lists its rows in the sentiment arrays.
    """
    frames, sentiments = config.frames, config.sentiments
    thresholds = np.array([config.thresholds[f] for f in frames])
    frame_row, f_true, f_prob = [], [], []
    mentions, s_true, s_prob = [], [], []
    for i, ex in enumerate(examples):
        if ex.frames is not None:
            frame_row.append(len(f_true))
            f_true.append([int(f in ex.frames) for f in frames])
            f_prob.append(predictions["frame_probs"][i])
        else:
            frame_row.append(-1)
        rows = []
        for m, p in zip(ex.mentions, predictions["sentiment_probs"][i]):
            if m.sentiment is not None:
                rows.append(len(s_true))
                s_true.append(sentiments.index(m.sentiment))
                s_prob.append(p)
        mentions.append(rows)
    f_prob = np.array(f_prob, dtype=float).reshape(-1, len(frames))
    s_prob = np.array(s_prob, dtype=float).reshape(-1, len(sentiments))
    return {
        "ids": [ex.id for ex in examples],
        "sentence_frame_row": frame_row,
        "frames_true": np.array(f_true, dtype=int).reshape(-1, len(frames)),
        "frames_prob": f_prob,
        "frames_pred": (f_prob >= thresholds).astype(int),
        "sentence_mentions": mentions,
        "sentiment_true": np.array(s_true, dtype=int),
        "sentiment_prob": s_prob,
        "sentiment_pred": s_prob.argmax(1) if len(s_prob) else np.array([], dtype=int),
    }


def arrays_to_json(arrays: dict) -> dict:
    return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in arrays.items()}


def arrays_from_json(data: dict) -> dict:
    return {k: (np.array(v) if k in ("frames_true", "frames_prob", "frames_pred", "sentiment_true", "sentiment_prob",
                                     "sentiment_pred") else v) for k, v in data.items()}


def detection_arrays(examples, registry):
    """Binary arrays for scikit-learn: one item per gold mention and per unmatched prediction."""
    y_true, y_pred = [], []
    for ex in examples:
        gold = [m for m in ex.mentions if m.actor]
        if not gold and ex.frames is None:
            continue  # a sentiment-only row (NewsMTSC): its actors were never all marked
        predicted = registry.find(ex.text)
        pairs = match_spans(gold, predicted, lambda g, p: g.actor == p.actor)
        y_true += [1] * len(gold)
        y_pred += [int(k in pairs) for k in range(len(gold))]
        unmatched = len(predicted) - len(pairs)
        y_true += [0] * unmatched
        y_pred += [1] * unmatched
    return np.array(y_true, dtype=int), np.array(y_pred, dtype=int)


def _per_label(prefix, names, y_true, y_pred, labels=None):
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=None, zero_division=0)
    out = {}
    for k, name in enumerate(names):
        out.update({f"{prefix}.per_label.{name}.precision": float(p[k]), f"{prefix}.per_label.{name}.recall": float(r[k]),
                    f"{prefix}.per_label.{name}.f1": float(f[k]), f"{prefix}.per_label.{name}.support": int(s[k])})
    return out


def frame_metrics(y_true, y_pred, frames) -> dict:
    out = _per_label("frames", frames, y_true, y_pred)
    out["frames.macro_f1"] = float(f1_score(y_true, y_pred, average="macro", zero_division=0))
    out["frames.micro_f1"] = float(f1_score(y_true, y_pred, average="micro", zero_division=0))
    return out


def sentiment_metrics(y_true, y_pred, sentiments) -> dict:
    labels = list(range(len(sentiments)))
    out = _per_label("sentiment", sentiments, y_true, y_pred, labels=labels)
    out["sentiment.macro_f1"] = float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0))
    out["sentiment.accuracy"] = float(accuracy_score(y_true, y_pred)) if len(y_true) else 0.0
    return out


def metrics_from_arrays(arrays: dict, config) -> dict:
    out = {"n_frame_sentences": int(len(arrays["frames_true"])), "n_mentions": int(len(arrays["sentiment_true"]))}
    if len(arrays["frames_true"]):
        out.update(frame_metrics(arrays["frames_true"], arrays["frames_pred"], config.frames))
    if len(arrays["sentiment_true"]):
        out.update(sentiment_metrics(arrays["sentiment_true"], arrays["sentiment_pred"], config.sentiments))
    return out


def evaluate(predictor, examples: list[Example], predictions: dict | None = None, bootstrap: int = 0,
             seed: int = 0, slice_by: list[str] | None = None, keep_predictions: bool = False,
             calibration: bool = False) -> dict:
    """Metrics of ``predictor`` (a FramingAnalyzer or a baseline) on gold ``examples``.

    ``bootstrap`` > 0 adds ``<metric>_ci`` intervals; ``slice_by`` ("source", "length")
    adds ``slices.<by>.<value>.<metric>``; ``keep_predictions`` adds the per-sentence
    arrays under ``predictions`` (for --compare); ``calibration`` adds ECE and reliability bins.
    """
    if not examples:
        raise FramingError("no gold sentences to evaluate; check the --gold files and --split")
    config = predictor.config
    predictions = predictions or predict_examples(predictor, examples)
    arrays = sentence_arrays(examples, config, predictions)
    out = {"n_sentences": len(examples), **metrics_from_arrays(arrays, config)}
    dt, dp = detection_arrays(examples, predictor.registry)
    if len(dt):
        p, r, f, _ = precision_recall_fscore_support(dt, dp, average="binary", zero_division=0)
        out.update({"actors.precision": float(p), "actors.recall": float(r), "actors.f1": float(f),
                    "actors.support": int(dt.sum())})
    if bootstrap:
        from framing.evaluation.bootstrap import confidence_intervals

        out.update(confidence_intervals(arrays, config.frames, config.sentiments, bootstrap, seed))
    for by in slice_by or []:
        for value, idx in slices(examples, by).items():
            sub = [examples[i] for i in idx]
            sub_pred = {"frame_probs": predictions["frame_probs"][idx],
                        "sentiment_probs": [predictions["sentiment_probs"][i] for i in idx]}
            part = metrics_from_arrays(sentence_arrays(sub, config, sub_pred), config)
            out[f"slices.{by}.{value}.n_sentences"] = len(idx)
            for key in ("frames.macro_f1", "frames.micro_f1", "sentiment.macro_f1", "sentiment.accuracy"):
                if key in part:
                    out[f"slices.{by}.{value}.{key}"] = part[key]
    if calibration:
        from framing.evaluation.calibration import calibration_metrics

        out.update(calibration_metrics(arrays))
    if keep_predictions:
        out["predictions"] = arrays_to_json(arrays)
    return out


LENGTH_BANDS = ((0, 15, "short (<15 words)"), (15, 30, "medium (15-29 words)"), (30, 10**9, "long (30+ words)"))


def slices(examples: list[Example], by: str) -> dict[str, list[int]]:
    """Sentence indices per slice: by ``source`` or by ``length`` band (words)."""
    groups: dict[str, list[int]] = {}
    for i, ex in enumerate(examples):
        if by == "source":
            key = (ex.source or "unknown").replace(".", "-")  # dots separate the parts of metric names
        elif by == "length":
            n = len(ex.text.split())
            key = next(name for low, high, name in LENGTH_BANDS if low <= n < high)
        else:
            raise FramingError(f"--slice-by must be source or length, found {by!r}")
        groups.setdefault(key, []).append(i)
    return dict(sorted(groups.items()))


def confident_errors(examples: list[Example], predictor, predictions: dict, n: int) -> list[dict]:
    """The ``n`` most confident mistakes per frame and per sentiment label."""
    config = predictor.config
    arrays = sentence_arrays(examples, config, predictions)
    text_of_row = {row: examples[i].text for i, row in enumerate(arrays["sentence_frame_row"]) if row >= 0}
    out = []
    for k, frame in enumerate(config.frames):
        t = config.thresholds[frame]
        wrong = np.nonzero(arrays["frames_true"][:, k] != arrays["frames_pred"][:, k])[0]
        ranked = sorted(wrong, key=lambda r: -abs(arrays["frames_prob"][r, k] - t))[:n]
        for r in ranked:
            out.append({"task": "frames", "label": frame, "text": text_of_row[r],
                        "gold": bool(arrays["frames_true"][r, k]), "predicted": bool(arrays["frames_pred"][r, k]),
                        "probability": float(arrays["frames_prob"][r, k])})
    mention_of = {}
    for i, rows in enumerate(arrays["sentence_mentions"]):
        gold = [m for m in examples[i].mentions if m.sentiment is not None]
        for row, m in zip(rows, gold):
            mention_of[row] = (examples[i].text, m.mention)
    for k, label in enumerate(config.sentiments):
        wrong = np.nonzero((arrays["sentiment_true"] == k) & (arrays["sentiment_pred"] != k))[0]
        ranked = sorted(wrong, key=lambda r: -arrays["sentiment_prob"][r].max())[:n]
        for r in ranked:
            text, mention = mention_of[r]
            out.append({"task": "sentiment", "label": label, "text": text, "mention": mention, "gold": label,
                        "predicted": config.sentiments[int(arrays["sentiment_pred"][r])],
                        "probability": float(arrays["sentiment_prob"][r].max())})
    return out


def tune_thresholds(examples, frames, frame_probs) -> dict[str, float]:
    """Per-frame threshold maximising dev F1 (ties: the one nearest 0.5)."""
    rows = [i for i, ex in enumerate(examples) if ex.frames is not None]
    truth = np.array([[frame in examples[i].frames for frame in frames] for i in rows], dtype=int)
    return dict(zip(frames, best_f1_thresholds(truth.reshape(-1, len(frames)), np.asarray(frame_probs)[rows])))


def best_f1_thresholds(truth: np.ndarray, probs: np.ndarray) -> list[float]:
    """Per column of (rows x frames) arrays, the grid threshold with the best F1 (0.5 for a
    frame with no positives)."""
    out = []
    for k in range(truth.shape[1]):
        scores = [(f1_score(truth[:, k], probs[:, k] >= t, zero_division=0), -abs(t - 0.5), float(t))
                  for t in THRESHOLD_GRID]
        out.append(max(scores)[2] if truth[:, k].sum() else 0.5)
    return out
