"""Evidence: the words that drove each predicted frame and each actor mention's sentiment.

Word occlusion: each word of a sentence is deleted in turn and the sentence scored again;
a word's weight is how far the predicted label's log-odds fall without it (the frame's
sigmoid, the mention's predicted sentiment class). Log-odds, not probabilities: the model
is confident, and a fall from 0.999 to 0.99 is a real effect that probabilities flatten. It was chosen over gradient x
input on the encoder's word embeddings because deleting its top words lowers the
predicted probability more on gold dev (comprehensiveness; README, "Evidence", and
``python eval/experiments/evidence_faithfulness.py``), and because it needs nothing but the
model's own scoring path, so it works on int8 models too.

>>> word_spans("Russia needs China, doesn't it?")
[(0, 6), (7, 12), (13, 18), (20, 27), (28, 30)]
>>> delete_span("Russia needs China.", [(0, 6), (13, 18)], 7, 12)
('Russia  China.', [(0, 6), (8, 13)])
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

WORD = re.compile(r"\w+(?:['’-]\w+)*")
EVIDENCE_WORDS = 3  # words kept per label: the few that matter most, readable as highlights
MIN_WEIGHT = 0.1  # a smaller fall in log-odds (odds down by under 10 %) is noise, not evidence
PROBABILITY_FLOOR = 1e-6  # keeps log-odds finite for probabilities of exactly 0 or 1


@dataclass(frozen=True)
class Target:
    """One explained output of a sentence: a frame, or one mention's sentiment class."""

    kind: str  # "frame" or "actor"
    index: int  # the frame's index in config.frames, or the mention's index in the sentence
    label: int  # actors: the sentiment class's index in config.sentiments (frames: unused)


@dataclass
class Explained:
    """A sentence to explain: its text, mention spans (sentence offsets) and targets."""

    text: str
    spans: list[tuple[int, int]]
    targets: list[Target]


def word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in WORD.finditer(text)]


def delete_span(text: str, spans: list[tuple[int, int]], start: int, end: int):
    """``text`` without ``text[start:end]``, and ``spans`` moved to match."""
    cut = end - start

    def moved(x: int) -> int:
        return x if x <= start else (start if x < end else x - cut)

    return text[:start] + text[end:], [(moved(a), moved(b)) for a, b in spans]


def target_probability(target: Target, frame_probs, sentiment_probs) -> float:
    if target.kind == "frame":
        return float(frame_probs[target.index])
    return float(sentiment_probs[target.index][target.label])


def log_odds(probability: float) -> float:
    p = min(max(probability, PROBABILITY_FLOOR), 1 - PROBABILITY_FLOOR)
    return math.log(p / (1 - p))


def targets_of(sentence, config) -> list[Target]:
    """The predicted frames and every mention's predicted sentiment of a scored sentence."""
    frames = [Target("frame", config.frames.index(f), 0) for f in sentence.labels]
    actors = [Target("actor", k, config.sentiments.index(a.sentiment)) for k, a in enumerate(sentence.actors)]
    return frames + actors


def occlusion_weights(analyzer, items: list[Explained]) -> list[list[list[float]]]:
    """Per item, per target, per word: the fall in the target's log-odds when the word is
    deleted. Words inside a mention weigh 0 for that mention's own sentiment (they are what
    is judged, not evidence). All variants of all items are scored in one batched pass."""
    texts, spans, first = [], [], []
    for item in items:
        first.append(len(texts))
        texts.append(item.text)
        spans.append(item.spans)
        for start, end in word_spans(item.text):
            variant, moved = delete_span(item.text, item.spans, start, end)
            texts.append(variant)
            spans.append(moved)
    frame_probs, sentiment_probs = analyzer.predict(texts, spans)
    out = []
    for item, base in zip(items, first):
        words = word_spans(item.text)
        per_target = []
        for target in item.targets:
            full = log_odds(target_probability(target, frame_probs[base], sentiment_probs[base]))
            weights = [full - log_odds(target_probability(target, frame_probs[base + 1 + w], sentiment_probs[base + 1 + w]))
                       for w in range(len(words))]
            per_target.append(_without_mention_words(weights, words, item, target))
        out.append(per_target)
    return out


def gradient_weights(analyzer, items: list[Explained]) -> list[list[list[float]]]:
    """Gradient x input on the encoder's word embeddings (of the target's log-odds), summed
    over each word's tokens: the alternative occlusion was chosen over (fp32 models only)."""
    import torch

    from framing.model.network import make_batch

    config, net = analyzer.config, analyzer.net
    captured = {}

    def keep(module, inputs, output):
        output = output if output.requires_grad else output.detach().requires_grad_()
        captured["embeddings"] = output
        return output

    handle = net.encoder.get_input_embeddings().register_forward_hook(keep)
    out = []
    try:
        for item in items:
            batch = make_batch(analyzer.tokenizer, [item.text], [item.spans], config)
            offsets = analyzer.tokenizer.windows([item.text], config.max_length, config.stride).offsets
            with torch.enable_grad():
                frame_logits, sentiment_logits = net(batch.to(analyzer.device))
                frame_probs = torch.sigmoid(frame_logits[0])
                sentiment_probs = torch.softmax(sentiment_logits, dim=-1)
                embeddings = captured["embeddings"]
                per_target = []
                for target in item.targets:
                    probability = (frame_probs[target.index] if target.kind == "frame"
                                   else sentiment_probs[target.index, target.label])
                    probability = probability.clamp(PROBABILITY_FLOOR, 1 - PROBABILITY_FLOOR)
                    (grad,) = torch.autograd.grad(torch.log(probability / (1 - probability)), embeddings,
                                                  retain_graph=True)
                    token_scores = (grad * embeddings).sum(-1).detach().cpu().tolist()
                    weights = _tokens_to_words(token_scores, offsets, word_spans(item.text))
                    per_target.append(_without_mention_words(weights, word_spans(item.text), item, target))
            out.append(per_target)
    finally:
        handle.remove()
    return out


def _tokens_to_words(token_scores, offsets, words) -> list[float]:
    weights = [0.0] * len(words)
    for window_scores, window_offsets in zip(token_scores, offsets):
        for score, (a, b) in zip(window_scores, window_offsets):
            if b <= a:
                continue  # special tokens and padding
            for w, (start, end) in enumerate(words):
                if start <= a < end:
                    weights[w] += score
                    break
    return weights


def _without_mention_words(weights, words, item: Explained, target: Target) -> list[float]:
    if target.kind != "actor":
        return weights
    start, end = item.spans[target.index]
    return [0.0 if a < end and b > start else weight for weight, (a, b) in zip(weights, words)]


def comprehensiveness(analyzer, items: list[Explained], weights, k: int) -> dict[str, float]:
    """How far each target's probability and log-odds fall when its ``k`` highest-weighted
    words are deleted together (ERASER's comprehensiveness): the higher, the more faithful
    the weights. Means over targets."""
    texts, spans, owners = [], [], []
    for i, (item, per_target) in enumerate(zip(items, weights)):
        words = word_spans(item.text)
        for t, target_weights in enumerate(per_target):
            top = sorted(range(len(words)), key=lambda w: -target_weights[w])[:k]
            text, moved = item.text, item.spans
            for w in sorted(top, reverse=True):  # right to left: earlier offsets stay valid
                text, moved = delete_span(text, moved, *words[w])
            texts.append(text)
            spans.append(moved)
            owners.append((i, t))
    full_frames, full_sentiments = analyzer.predict([item.text for item in items], [item.spans for item in items])
    frame_probs, sentiment_probs = analyzer.predict(texts, spans)
    probability_drops, log_odds_drops = [], []
    for (i, t), fp, sp in zip(owners, frame_probs, sentiment_probs):
        target = items[i].targets[t]
        before = target_probability(target, full_frames[i], full_sentiments[i])
        after = target_probability(target, fp, sp)
        probability_drops.append(before - after)
        log_odds_drops.append(log_odds(before) - log_odds(after))
    n = max(1, len(owners))
    return {"targets": len(owners), "probability_drop": sum(probability_drops) / n,
            "log_odds_drop": sum(log_odds_drops) / n}


def evidence_for(analyzer, sentences) -> list[dict]:
    """The evidence record of each scored sentence: for each predicted frame and each
    mention, up to EVIDENCE_WORDS words (document offsets) with their weights, strongest first."""
    items = [Explained(s.text, [(a.start - s.start, a.end - s.start) for a in s.actors], targets_of(s, analyzer.config))
             for s in sentences]
    weights = occlusion_weights(analyzer, items)
    records = []
    for sentence, item, per_target in zip(sentences, items, weights):
        words = word_spans(item.text)
        record = {"frames": {}, "actors": []}
        for target, target_weights in zip(item.targets, per_target):
            top = _top_words(sentence, words, target_weights)
            if target.kind == "frame":
                record["frames"][analyzer.config.frames[target.index]] = top
            else:
                record["actors"].append(top)
        records.append(record)
    return records


def _top_words(sentence, words, weights) -> list[dict]:
    ranked = sorted(range(len(words)), key=lambda w: -weights[w])[:EVIDENCE_WORDS]
    return [{"word": sentence.text[words[w][0]:words[w][1]], "start": sentence.start + words[w][0],
             "end": sentence.start + words[w][1], "weight": round(weights[w], 4)}
            for w in ranked if weights[w] >= MIN_WEIGHT]


class ExplainingAnalyzer:
    """A FramingAnalyzer whose scored sentences carry their evidence (``framing score --explain``).

    Costs one extra scoring pass per word of each sentence (about 25 times plain scoring).
    """

    def __init__(self, analyzer):
        self.analyzer = analyzer

    def __getattr__(self, name):
        return getattr(self.analyzer, name)

    def score_sentences(self, items):
        scored = self.analyzer.score_sentences(items)
        for sentence, evidence in zip(scored, evidence_for(self.analyzer, scored)):
            sentence.evidence = evidence
        return scored
