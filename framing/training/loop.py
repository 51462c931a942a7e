"""Multi-task training: frames (gold rows) and actor sentiment (gold and NewsMTSC rows).

:func:`train` returns a :class:`TrainResult` and never prints; progress goes to an
optional callback (the CLI draws Rich bars from it).
"""

from __future__ import annotations

import copy
import platform
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from framing.text.actors import ActorRegistry
from framing.training.config import TrainConfig
from framing.data.gold import Example, read_examples
from framing.errors import FramingError


@dataclass
class TrainResult:
    model_dir: Path
    best_epoch: int
    dev_scores: dict
    history: list[dict] = field(default_factory=list)
    seconds: float = 0.0


def _norm(text: str) -> str:
    return " ".join(text.split())


def load_training_data(config: TrainConfig, rng: random.Random):
    """Gold train and dev rows plus NewsMTSC rows, with dev/test sentences kept out of training."""
    # One read of every file (train and dev are often the same gold file), all problems at once.
    paths = list(dict.fromkeys(map(str, config.train + config.dev)))
    rows_of: dict[str, list[Example]] = {p: [] for p in paths}
    for ex in read_examples(paths):
        rows_of[ex.location.rsplit(":", 1)[0]].append(ex)
    train = [ex for p in dict.fromkeys(map(str, config.train)) for ex in rows_of[p] if ex.split == "train"]
    dev = [ex for p in dict.fromkeys(map(str, config.dev)) for ex in rows_of[p] if ex.split in ("dev", None)]
    held_out = {_norm(ex.text) for rows in rows_of.values() for ex in rows if ex.split in ("dev", "test")}
    held_out |= {_norm(ex.text) for ex in dev}
    news = []
    if config.newsmtsc:
        gold_texts = {_norm(ex.text) for ex in train}
        news = [ex for ex in read_examples(config.newsmtsc)
                if ex.mentions and _norm(ex.text) not in held_out and _norm(ex.text) not in gold_texts]
        if config.max_newsmtsc and len(news) > config.max_newsmtsc:
            news = rng.sample(news, config.max_newsmtsc)
    if not train:
        raise FramingError(f"no rows with split 'train' in {', '.join(config.train)}")
    if not dev:
        raise FramingError(f"no rows with split 'dev' in {', '.join(config.dev)}; a dev split selects the best epoch")
    train = [ex for ex in train if _norm(ex.text) not in held_out]
    return train, dev, news


def _frame_pos_weight(examples: list[Example], frames, torch):
    labelled = [ex for ex in examples if ex.frames is not None]
    weights = []
    for f in frames:
        pos = sum(f in ex.frames for ex in labelled)
        weights.append(min(10.0, max(1.0, (len(labelled) - pos) / max(pos, 1))))
    return torch.tensor(weights)


def train(config: TrainConfig, progress: Callable[[str, dict], None] | None = None) -> TrainResult:
    """Train a model as ``config`` says and write it (atomically) to ``config.output``."""
    import numpy as np
    import torch

    from framing.model.backbone import weights_sha256
    from framing.model.card import model_card
    from framing.evaluation.metrics import evaluate, predict_examples, tune_thresholds
    from framing.model.network import make_batch
    from framing.model.persistence import build_net, load_encoder, save_model, trainable_state
    from framing.inference import FramingAnalyzer

    config.validate()
    report = progress or (lambda event, data: None)
    started = time.perf_counter()
    rng = random.Random(config.seed)
    torch.manual_seed(config.seed)
    np.random.seed(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    registry = ActorRegistry.load(config.actors)
    train_rows, dev_rows, news_rows = load_training_data(config, rng)
    mcfg = copy.deepcopy(config.model)
    encoder, tokenizer, resolved = load_encoder(mcfg.backbone)
    mcfg.backbone_sha256 = weights_sha256(resolved)
    net = build_net(mcfg, encoder)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    net.to(device)

    pos_weight = _frame_pos_weight(train_rows, mcfg.frames, torch).to(device) if config.frame_pos_weight else None
    frame_loss = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    sentiment_loss = torch.nn.CrossEntropyLoss()
    head_params = [p for n, p in net.named_parameters() if p.requires_grad and not n.startswith("encoder.")]
    body_params = [p for n, p in net.named_parameters() if p.requires_grad and n.startswith("encoder.")]
    groups = [{"params": head_params, "lr": config.head_learning_rate}]
    if body_params:
        groups.append({"params": body_params, "lr": config.learning_rate})
    optimizer = torch.optim.AdamW(groups, weight_decay=config.weight_decay)
    pool = train_rows * config.gold_repeat + news_rows
    steps_per_epoch = (len(pool) + config.batch_size - 1) // config.batch_size
    total = steps_per_epoch * config.epochs
    if config.max_steps:
        total = min(total, config.max_steps)
    warmup = max(1, int(total * config.warmup_ratio))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup)))
    )
    analyzer = FramingAnalyzer(net, tokenizer, mcfg, registry, device=device)
    report("start", {"train": len(train_rows), "dev": len(dev_rows), "newsmtsc": len(news_rows),
                     "steps": total, "epochs": config.epochs})
    best_score, best_state, best_epoch, history, step = -1.0, None, 0, [], 0
    frame_index = {f: k for k, f in enumerate(mcfg.frames)}
    sentiment_index = {s: k for k, s in enumerate(mcfg.sentiments)}
    for epoch in range(1, config.epochs + 1):
        net.train()
        running = []
        for rows in _bucketed_batches(pool, config.batch_size, rng):
            if step >= total:
                break
            spans = [[(m.start, m.end) for m in ex.mentions if m.sentiment] for ex in rows]
            batch = make_batch(tokenizer, [ex.text for ex in rows], spans, mcfg).to(device)
            frame_logits, sentiment_logits = net(batch)
            loss = frame_logits.new_zeros(())
            labelled = [k for k, ex in enumerate(rows) if ex.frames is not None]
            if labelled:
                target = torch.zeros(len(labelled), len(mcfg.frames), device=device)
                for r, k in enumerate(labelled):
                    for f in rows[k].frames:
                        target[r, frame_index[f]] = 1.0
                loss = loss + frame_loss(frame_logits[labelled], target)
            gold_sentiments = [sentiment_index[m.sentiment] for ex in rows for m in ex.mentions if m.sentiment]
            if gold_sentiments:
                target = torch.tensor(gold_sentiments, device=device)
                loss = loss + config.sentiment_weight * sentiment_loss(sentiment_logits, target)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for g in groups for p in g["params"]], 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            running.append(float(loss.detach()))
            report("step", {"epoch": epoch, "step": step, "loss": sum(running[-50:]) / len(running[-50:])})
        net.eval()
        scores = evaluate(analyzer, dev_rows)
        dev_score = _dev_score(scores)
        history.append({"epoch": epoch, "loss": sum(running) / max(1, len(running)), "dev_score": dev_score,
                        "dev_frames_macro_f1": scores.get("frames.macro_f1"),
                        "dev_sentiment_macro_f1": scores.get("sentiment.macro_f1")})
        report("epoch", history[-1])
        if dev_score > best_score:
            best_score, best_epoch = dev_score, epoch
            best_state = {k: v.clone() for k, v in trainable_state(net).items()}
        if step >= total:
            break
    net.load_state_dict(best_state, strict=False)
    net.eval()
    predictions = predict_examples(analyzer, dev_rows)
    mcfg.thresholds = tune_thresholds(dev_rows, mcfg.frames, predictions["frame_probs"])
    dev_scores = evaluate(analyzer, dev_rows, predictions)
    seconds = time.perf_counter() - started
    meta = {
        "framing_version": _version("framing"),
        "versions": {name: _version(name) for name in ("torch", "transformers", "peft", "scikit-learn")},
        "python": platform.python_version(),
        "backbone": mcfg.backbone,
        "data": {"train": _hashes(config.train), "dev": _hashes(config.dev), "newsmtsc": _hashes(config.newsmtsc),
                 "n_train": len(train_rows), "n_dev": len(dev_rows), "n_newsmtsc": len(news_rows)},
        "train_config": config.to_dict(),
        "best_epoch": best_epoch,
        "history": history,
        "train_seconds": round(seconds, 1),
        "torch_threads": torch.get_num_threads(),
        "scores": {"dev": dev_scores},
    }
    card = model_card(mcfg, meta)
    out = save_model(net, resolved, config.output, meta, card, config.actors,
                     extra_files={"train.toml": _to_toml(config)})
    return TrainResult(out, best_epoch, dev_scores, history, seconds)


BUCKET_BATCHES = 50  # batches per length bucket: similar lengths pad little, order stays random


def _bucketed_batches(pool: list[Example], batch_size: int, rng: random.Random) -> list[list[Example]]:
    """Shuffle, sort by length within chunks of BUCKET_BATCHES batches, shuffle the batches."""
    order = pool[:]
    rng.shuffle(order)
    chunk = batch_size * BUCKET_BATCHES
    batches = []
    for c in range(0, len(order), chunk):
        part = sorted(order[c : c + chunk], key=lambda ex: len(ex.text))
        batches += [part[b : b + batch_size] for b in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def _dev_score(scores: dict) -> float:
    """Model selection: the mean of frame and sentiment macro F1 on dev (those present)."""
    parts = [scores[k] for k in ("frames.macro_f1", "sentiment.macro_f1") if k in scores]
    return sum(parts) / len(parts) if parts else 0.0


def _hashes(paths):
    from framing.model.persistence import file_sha256

    return {str(p): file_sha256(Path(p)) for p in paths}


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def _to_toml(config: TrainConfig) -> str:
    """The training config as TOML (flat keys plus a [model] table)."""
    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
        return repr(v)

    data = config.to_dict()
    model = data.pop("model")
    lines = [f"{k} = {value(v)}" for k, v in data.items()]
    lines += ["", "[model]"] + [f"{k} = {value(v)}" for k, v in model.items() if v is not None]
    return "\n".join(lines) + "\n"
