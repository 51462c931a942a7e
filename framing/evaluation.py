"""Score predictions against gold data. Compute here, render in framing.render.

:func:`evaluate` returns a flat dict of prefixed metric names::

    frames.macro_f1, frames.micro_f1, frames.per_label.<frame>.{precision,recall,f1,support}
    sentiment.macro_f1, sentiment.accuracy, sentiment.per_label.<label>.{precision,recall,f1,support}
    actors.precision, actors.recall, actors.f1, actors.support
    n_sentences, n_frame_sentences, n_mentions

Sentiment is scored on the gold mention spans (it measures the classifier, not the
matcher). Actor detection runs the registry's matcher: a predicted mention counts when it
overlaps a gold mention of the same canonical actor.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from framing.data import Example
from framing.errors import FramingError

THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.05), 2)


def predict_examples(analyzer, examples: list[Example]) -> dict:
    """Model outputs for gold examples: frame probabilities and gold-span sentiment probabilities."""
    frame_probs, sentiment_probs = analyzer.predict(
        [ex.text for ex in examples], [[(m.start, m.end) for m in ex.mentions] for ex in examples]
    )
    return {"frame_probs": np.array(frame_probs), "sentiment_probs": sentiment_probs}


def frame_arrays(examples, frames, frame_probs, thresholds):
    rows = [i for i, ex in enumerate(examples) if ex.frames is not None]
    y_true = np.array([[f in examples[i].frames for f in frames] for i in rows], dtype=int).reshape(-1, len(frames))
    probs = frame_probs[rows] if rows else np.zeros((0, len(frames)))
    y_pred = (probs >= np.array([thresholds[f] for f in frames])).astype(int)
    return y_true, y_pred, probs


def sentiment_arrays(examples, sentiments, sentiment_probs):
    y_true, probs = [], []
    for ex, sp in zip(examples, sentiment_probs):
        for m, p in zip(ex.mentions, sp):
            if m.sentiment is not None:
                y_true.append(sentiments.index(m.sentiment))
                probs.append(p)
    probs = np.array(probs).reshape(-1, len(sentiments))
    return np.array(y_true, dtype=int), probs.argmax(1) if len(probs) else np.array([], dtype=int), probs


def detection_arrays(examples, registry):
    """Binary arrays for scikit-learn: one item per gold mention and per unmatched prediction."""
    y_true, y_pred = [], []
    for ex in examples:
        gold = [m for m in ex.mentions if m.actor]
        if not gold and ex.frames is None:
            continue  # a sentiment-only row (NewsMTSC): its actors were never all marked
        predicted = registry.find(ex.text)
        used = set()
        for g in gold:
            hit = next((k for k, p in enumerate(predicted)
                        if k not in used and p.actor == g.actor and p.start < g.end and g.start < p.end), None)
            y_true.append(1)
            y_pred.append(int(hit is not None))
            if hit is not None:
                used.add(hit)
        for k in range(len(predicted)):
            if k not in used:
                y_true.append(0)
                y_pred.append(1)
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


def evaluate(analyzer, examples: list[Example], predictions: dict | None = None) -> dict:
    """Metrics of ``analyzer`` on gold ``examples`` (see the module docstring for the keys)."""
    if not examples:
        raise FramingError("no gold sentences to evaluate; check the --gold files and --split")
    config = analyzer.config
    predictions = predictions or predict_examples(analyzer, examples)
    ft, fp, _ = frame_arrays(examples, config.frames, predictions["frame_probs"], config.thresholds)
    st, sp, _ = sentiment_arrays(examples, config.sentiments, predictions["sentiment_probs"])
    dt, dp = detection_arrays(examples, analyzer.registry)
    out = {"n_sentences": len(examples), "n_frame_sentences": int(len(ft)), "n_mentions": int(len(st))}
    if len(ft):
        out.update(frame_metrics(ft, fp, config.frames))
    if len(st):
        out.update(sentiment_metrics(st, sp, config.sentiments))
    if len(dt):
        p, r, f, _ = precision_recall_fscore_support(dt, dp, average="binary", zero_division=0)
        out.update({"actors.precision": float(p), "actors.recall": float(r), "actors.f1": float(f),
                    "actors.support": int(dt.sum())})
    return out


def tune_thresholds(examples, frames, frame_probs) -> dict[str, float]:
    """Per-frame threshold maximising dev F1 (ties: the one nearest 0.5)."""
    rows = [i for i, ex in enumerate(examples) if ex.frames is not None]
    thresholds = {}
    for k, frame in enumerate(frames):
        truth = np.array([frame in examples[i].frames for i in rows], dtype=int)
        probs = frame_probs[rows, k]
        scores = [(f1_score(truth, probs >= t, zero_division=0), -abs(t - 0.5), float(t)) for t in THRESHOLD_GRID]
        thresholds[frame] = max(scores)[2] if truth.sum() else 0.5
    return thresholds
