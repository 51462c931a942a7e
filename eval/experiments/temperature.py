"""Temperature scaling, tried and not adopted (eval/EXPERIMENTS.md); superseded by Platt
scaling per frame (calibration_cv.py, framing.training.calibrate).

Fits one temperature for the sentiment head and one for the frame head on gold dev by
log loss (scikit-learn), then compares expected calibration error before and after on
gold dev (in sample) and NewsMTSC dev-rw (out of sample, sentiment only).

    python eval/experiments/temperature.py [MODEL_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TEMPERATURES = np.round(np.arange(0.5, 4.01, 0.05), 2)


def softmax_at(probs: np.ndarray, temperature: float) -> np.ndarray:
    logits = np.log(np.clip(probs, 1e-9, 1.0)) / temperature
    scaled = np.exp(logits - logits.max(1, keepdims=True))
    return scaled / scaled.sum(1, keepdims=True)


def sigmoid_at(probs: np.ndarray, temperature: float) -> np.ndarray:
    clipped = np.clip(probs, 1e-9, 1 - 1e-9)
    return 1 / (1 + np.exp(-np.log(clipped / (1 - clipped)) / temperature))


def best_temperature(loss) -> float:
    return float(TEMPERATURES[int(np.argmin([loss(t) for t in TEMPERATURES]))])


def main(model_dir: str | None = None) -> None:
    from sklearn.metrics import log_loss

    from framing.evaluation.calibration import reliability
    from framing.data.gold import read_examples
    from framing.evaluation.metrics import predict_examples
    from framing.inference import FramingAnalyzer

    analyzer = FramingAnalyzer.load(model_dir)
    labels = analyzer.config.sentiments

    def sentiment(examples):
        probs = np.concatenate([p for p in predict_examples(analyzer, examples)["sentiment_probs"] if len(p)])
        gold = np.array([labels.index(m.sentiment) for ex in examples for m in ex.mentions])
        return probs, gold

    def sentiment_ece(probs, gold):
        return reliability((probs.argmax(1) == gold).astype(int), probs.max(1))[0]

    dev = read_examples([ROOT / "eval" / "gold" / "gold.jsonl"], splits=("dev",))
    dev_rw = read_examples([ROOT / "eval" / "newsmtsc" / "dev-rw.jsonl"])
    dev_probs, dev_gold = sentiment(dev)
    rw_probs, rw_gold = sentiment(dev_rw)
    t = best_temperature(lambda t: log_loss(dev_gold, softmax_at(dev_probs, t), labels=range(len(labels))))
    print(f"sentiment: T = {t}; ECE gold dev {sentiment_ece(dev_probs, dev_gold):.3f} -> "
          f"{sentiment_ece(softmax_at(dev_probs, t), dev_gold):.3f}; NewsMTSC dev-rw "
          f"{sentiment_ece(rw_probs, rw_gold):.3f} -> {sentiment_ece(softmax_at(rw_probs, t), rw_gold):.3f}")

    labelled = [ex for ex in dev if ex.frames is not None]
    frame_probs = predict_examples(analyzer, labelled)["frame_probs"]
    frame_gold = np.array([[f in ex.frames for f in analyzer.config.frames] for ex in labelled], dtype=int)
    t = best_temperature(lambda t: log_loss(frame_gold.ravel(), sigmoid_at(frame_probs, t).ravel()))
    print(f"frames: T = {t}; ECE gold dev {reliability(frame_gold.ravel(), frame_probs.ravel())[0]:.3f} -> "
          f"{reliability(frame_gold.ravel(), sigmoid_at(frame_probs, t).ravel())[0]:.3f}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
