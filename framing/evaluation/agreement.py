"""Inter-annotator agreement for two annotations of the same sentences.

* frames: Cohen's kappa per frame (scikit-learn) and Krippendorff's alpha (the
  ``krippendorff`` package, nominal) over all (sentence, frame) decisions;
* mentions: F1 of one annotator's spans against the other's (overlap, same actor);
* sentiment: Cohen's kappa over the mentions both marked.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import cohen_kappa_score, f1_score

from framing.data.gold import Example
from framing.errors import FramingError
from framing.evaluation.spans import match_spans
from framing.labels import DEFAULT_TAXONOMY, Taxonomy


def _pair(a: list[Example], b: list[Example]):
    by_id = {ex.id: ex for ex in b}
    pairs = [(ex, by_id[ex.id]) for ex in a if ex.id in by_id and ex.frames is not None and by_id[ex.id].frames is not None]
    if not pairs:
        raise FramingError("the two files share no frame-labelled sentence ids; pass two annotations of the same sentences")
    return pairs


def _same_actor(m, n) -> bool:
    """One reference when the actors agree, or when either annotator gave no actor name."""
    return n.actor == m.actor or n.actor is None or m.actor is None


def agreement(a: list[Example], b: list[Example], taxonomy: Taxonomy = DEFAULT_TAXONOMY) -> dict:
    """Agreement figures as a flat dict (``frames.kappa.<frame>``, ``frames.alpha``, ...)."""
    import krippendorff

    pairs = _pair(a, b)
    out = {"n_sentences": len(pairs)}
    units = []
    for frame in taxonomy.frames:
        ya = np.array([frame in x.frames for x, _ in pairs], dtype=int)
        yb = np.array([frame in y.frames for _, y in pairs], dtype=int)
        out[f"frames.kappa.{frame}"] = float(cohen_kappa_score(ya, yb)) if (ya.any() or yb.any()) else float("nan")
        out[f"frames.positives_a.{frame}"] = int(ya.sum())
        out[f"frames.positives_b.{frame}"] = int(yb.sum())
        units.append(np.stack([ya, yb]))
    data = np.concatenate(units, axis=1).astype(float)
    # Alpha is undefined when every decision is the same (no frame anywhere): nan, as kappa.
    out["frames.alpha"] = (float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
                           if np.unique(data).size > 1 else float("nan"))
    sa, sb, hit_a, hit_b = [], [], [], []
    for x, y in pairs:
        matched = match_spans(x.mentions, y.mentions, _same_actor)
        for i, m in enumerate(x.mentions):
            hit_a.append(i in matched)
            if i in matched and m.sentiment and y.mentions[matched[i]].sentiment:
                sa.append(taxonomy.sentiments.index(m.sentiment))
                sb.append(taxonomy.sentiments.index(y.mentions[matched[i]].sentiment))
        used = set(matched.values())
        hit_b.extend(k in used for k in range(len(y.mentions)))
    truth = [1] * len(hit_a) + [1] * sum(not h for h in hit_b)
    found = [int(h) for h in hit_a] + [0] * sum(not h for h in hit_b)
    out["mentions.f1"] = float(f1_score(truth, found, zero_division=0)) if truth else float("nan")
    out["mentions.a"], out["mentions.b"] = len(hit_a), len(hit_b)
    out["sentiment.kappa"] = float(cohen_kappa_score(sa, sb)) if sa else float("nan")
    out["sentiment.n"] = len(sa)
    return out
