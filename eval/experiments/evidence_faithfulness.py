"""Which evidence method to show: word occlusion or gradient x input (README, "Evidence").

On gold dev sentences, each method ranks the words of each sentence for each predicted
frame and each registry mention's predicted sentiment; the top k words are deleted
together and the fall in the label's probability and log-odds measured
(comprehensiveness: higher is more faithful). Random words (seeded) are the floor. Dev
only; fp32 (gradients need it).

    python eval/experiments/evidence_faithfulness.py [--limit 200] [--model DIR]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

KS = (1, 3, 5)


def dev_items(analyzer, limit: int, seed: int):
    from framing.data.gold import read_examples
    from framing.explain import Explained, Target

    examples = read_examples([ROOT / "eval" / "gold" / "gold.jsonl"], splits=("dev",))
    random.Random(seed).shuffle(examples)
    texts = [e.text for e in examples[:limit]]
    mentions = [[(m.start, m.end) for m in analyzer.registry.find(text)] for text in texts]
    frame_probs, sentiment_probs = analyzer.predict(texts, mentions)
    config, items = analyzer.config, []
    for text, spans, fp, sp in zip(texts, mentions, frame_probs, sentiment_probs):
        targets = [Target("frame", k, 0) for k, f in enumerate(config.frames) if fp[k] >= config.thresholds[f]]
        targets += [Target("actor", m, int(probs.argmax())) for m, probs in enumerate(sp)]
        if targets:
            items.append(Explained(text, spans, targets))
    return items


def random_weights(items, seed: int):
    from framing.explain import _without_mention_words, word_spans

    rng = random.Random(seed)
    return [[_without_mention_words([rng.random() for _ in word_spans(item.text)], word_spans(item.text), item, t)
             for t in item.targets] for item in items]


def main() -> None:
    from framing.explain import comprehensiveness, gradient_weights, occlusion_weights
    from framing.inference import FramingAnalyzer

    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=200, help="dev sentences (a seeded sample)")
    parser.add_argument("--model", default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    analyzer = FramingAnalyzer.load(args.model, precision="fp32")
    items = dev_items(analyzer, args.limit, args.seed)
    print(f"{len(items)} dev sentences, {sum(len(i.targets) for i in items)} targets "
          f"({sum(t.kind == 'frame' for i in items for t in i.targets)} frames, "
          f"{sum(t.kind == 'actor' for i in items for t in i.targets)} mentions)")
    print(f"{'method':<22} {'seconds':>8} " + " ".join(f"{'k=' + str(k) + ' dP':>9} {'dLogOdds':>9}" for k in KS))
    for name, method in (("occlusion", occlusion_weights), ("gradient x input", gradient_weights),
                         ("random words", lambda _, items: random_weights(items, args.seed))):
        started = time.perf_counter()
        weights = method(analyzer, items)
        seconds = time.perf_counter() - started
        cells = []
        for k in KS:
            figures = comprehensiveness(analyzer, items, weights, k)
            cells.append(f"{figures['probability_drop']:>9.3f} {figures['log_odds_drop']:>9.2f}")
        print(f"{name:<22} {seconds:>8.1f} " + " ".join(cells), flush=True)


if __name__ == "__main__":
    main()
