"""Yardsticks trained on the gold train split, scored by the same evaluate():

* ``majority``: the most frequent value of each frame (so usually no frame) and the most
  frequent sentiment;
* ``tfidf-lr``: TF-IDF word 1-2 grams with logistic regression (scikit-learn); frames
  one-vs-rest on the sentence, sentiment on a window of words around the mention (the
  mention itself replaced by a placeholder, so the baseline reads context, not names).

Both expose ``predict(texts, spans)`` and ``config`` / ``registry`` like FramingAnalyzer.
"""

from __future__ import annotations

import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline

from framing.model.config import ModelConfig
from framing.errors import FramingError
from framing.labels import DEFAULT_TAXONOMY, Taxonomy

WINDOW_WORDS = 6
MENTION_TOKEN = "TARGETMENTION"


def mention_window(text: str, start: int, end: int, words: int = WINDOW_WORDS) -> str:
    left = text[:start].split()[-words:]
    right = text[end:].split()[:words]
    return " ".join(left + [MENTION_TOKEN] + right)


class _Baseline:
    def __init__(self, registry, frames_model, sentiment_model, taxonomy: Taxonomy = DEFAULT_TAXONOMY):
        # The model's labels, with 0.5 thresholds.
        self.config = ModelConfig(frames=list(taxonomy.frames), sentiments=list(taxonomy.sentiments))
        self.registry = registry
        self.frames_model = frames_model
        self.sentiment_model = sentiment_model

    def fit(self, examples):
        labelled = [ex for ex in examples if ex.frames is not None]
        mentions = [(ex, m) for ex in examples for m in ex.mentions if m.sentiment]
        if not labelled or not mentions:
            raise FramingError("baselines need a train split with frame labels and mention sentiments")
        y = np.array([[int(f in ex.frames) for f in self.config.frames] for ex in labelled])
        self.frames_model.fit([ex.text for ex in labelled], y)
        self.sentiment_model.fit([mention_window(ex.text, m.start, m.end) for ex, m in mentions],
                                 [self.config.sentiments.index(m.sentiment) for _, m in mentions])
        return self

    def predict(self, texts, spans):
        frame_probs = np.asarray(self.frames_model.predict_proba(texts), dtype=float)
        windows = [mention_window(t, s, e) for t, sp in zip(texts, spans) for s, e in sp]
        probs = self._sentiment_proba(windows) if windows else np.zeros((0, len(self.config.sentiments)))
        out, k = [], 0
        for sp in spans:
            out.append(probs[k : k + len(sp)])
            k += len(sp)
        return list(frame_probs), out

    def _sentiment_proba(self, windows):
        proba = self.sentiment_model.predict_proba(windows)
        full = np.zeros((len(windows), len(self.config.sentiments)))
        full[:, self.sentiment_model.classes_] = proba
        return full


def majority(registry, taxonomy: Taxonomy = DEFAULT_TAXONOMY) -> _Baseline:
    return _Baseline(registry, OneVsRestClassifier(DummyClassifier(strategy="most_frequent")),
                     DummyClassifier(strategy="most_frequent"), taxonomy)


def tfidf_lr(registry, seed: int = 0, taxonomy: Taxonomy = DEFAULT_TAXONOMY) -> _Baseline:
    frames = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                           OneVsRestClassifier(LogisticRegression(max_iter=2000, class_weight="balanced",
                                                                  random_state=seed)))
    sentiment = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True),
                              LogisticRegression(max_iter=2000, class_weight="balanced", random_state=seed))
    return _Baseline(registry, frames, sentiment, taxonomy)


def fit_baselines(train_examples, registry, seed: int = 0, taxonomy: Taxonomy = DEFAULT_TAXONOMY) -> dict[str, _Baseline]:
    return {"majority": majority(registry, taxonomy).fit(train_examples),
            "tfidf-lr": tfidf_lr(registry, seed, taxonomy).fit(train_examples)}
