"""Multi-task training: frames (gold rows) and actor sentiment (gold and NewsMTSC rows).

:func:`train` returns a :class:`TrainResult` and never prints; progress goes to an
optional callback (the CLI draws Rich bars from it). It runs these steps:

1. :func:`_setup`: seeds, data, encoder and network;
2. :func:`_optimizer`: AdamW with one learning rate for the heads and one for the encoder,
   linear warm-up and decay (transformers' schedule);
3. :func:`_train_epoch` per epoch, then :func:`_dev_score` on dev; the best epoch's
   weights are kept;
4. :func:`_finish`: calibration and frame thresholds fitted on dev, dev scores;
5. :func:`_metadata` and an atomic save (config, weights, meta, card, train.toml).
"""

from __future__ import annotations

import copy
import platform
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from framing.errors import FramingError
from framing.files import file_sha256
from framing.runtime import torch_threads
from framing.text.actors import ActorRegistry
from framing.training import checkpoint
from framing.training.config import TrainConfig
from framing.training.data import bucketed_batches, frame_pos_weight, load_training_data

LOSS_WINDOW = 50  # steps in the running mean of the loss that progress reports
MAX_GRAD_NORM = 1.0


@dataclass
class TrainResult:
    model_dir: Path
    best_epoch: int
    dev_scores: dict
    history: list[dict] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class _Run:
    """What the steps of one training run share."""

    config: TrainConfig
    model_config: object  # ModelConfig, with the backbone's sha256 filled in
    net: object
    tokenizer: object
    backbone_dir: str
    analyzer: object  # a FramingAnalyzer over ``net``, for dev evaluation
    train_rows: list
    dev_rows: list
    news_rows: list
    soft_rows: list  # a teacher's soft labels (distillation)
    rng: random.Random
    device: str
    data_hashes: dict  # sha256 of each data file, taken when it was read
    precision: str = "fp32"  # the arithmetic of training steps and dev scoring: fp32 or bf16 (autocast)
    features: dict | None = None  # frozen encoder: each row's features, computed once
    predictor: object = None  # what dev is scored with: the analyzer, or cached features


def train(config: TrainConfig, progress: Callable[[str, dict], None] | None = None,
          resume: bool = False) -> TrainResult:
    """Train a model as ``config`` says and write it (atomically) to ``config.output``.

    With ``resume``, continue from the checkpoint an interrupted run of the same config left
    (framing.training.checkpoint); without it, such a checkpoint is an error rather than
    silently thrown away.
    """
    config.validate()
    _check_no_checkpoint(config, resume)
    report = progress or (lambda event, data: None)
    started = time.perf_counter()
    with torch_threads(config.threads or None):
        run = _setup(config)
        run.predictor = run.analyzer
        if run.model_config.finetune == "frozen":
            run.features, run.predictor = _frozen_features(run, report)
        optimizer, scheduler, total = _optimizer(run)
        report("start", {"train": len(run.train_rows), "dev": len(run.dev_rows), "newsmtsc": len(run.news_rows),
                         "distill": len(run.soft_rows), "steps": total, "epochs": config.epochs})
        best_epoch, history = _fit(run, optimizer, scheduler, total, report, resume)
        dev_scores = _finish(run)
        seconds = time.perf_counter() - started
        meta = _metadata(run, best_epoch, history, dev_scores, seconds)
        out = _save(run, meta)
        checkpoint.checkpoint_path(config.output).unlink(missing_ok=True)  # the run is done
    return TrainResult(out, best_epoch, dev_scores, history, seconds)


def _check_no_checkpoint(config: TrainConfig, resume: bool) -> None:
    path = checkpoint.checkpoint_path(config.output)
    if not resume and path.is_file():
        raise FramingError(f"{path}: an interrupted run of this output left a checkpoint; continue it with --resume, "
                           "or delete the file to train from the start")


def _setup(config: TrainConfig) -> _Run:
    import torch

    from framing.inference import FramingAnalyzer
    from framing.model.backbone import weights_sha256
    from framing.model.persistence import build_net, check_model_output, default_device, load_encoder, \
        resolve_precision

    check_model_output(Path(config.output))  # before an hour of training, not after
    rng = random.Random(config.seed)
    torch.manual_seed(config.seed)
    registry = ActorRegistry.load(config.actors)
    data_hashes = {name: _hashes(paths) for name, paths in
                   (("train", config.train), ("dev", config.dev), ("newsmtsc", config.newsmtsc),
                    ("distill", config.distill))}
    train_rows, dev_rows, news_rows, soft_rows = load_training_data(config, rng)
    model_config = copy.deepcopy(config.model)
    encoder, tokenizer, resolved = load_encoder(model_config.backbone)
    model_config.backbone_sha256 = weights_sha256(resolved)
    net = build_net(model_config, encoder)
    device = default_device()
    net.to(device)
    analyzer = FramingAnalyzer(net, tokenizer, model_config, registry, device=device)
    return _Run(config, model_config, net, tokenizer, resolved, analyzer, train_rows, dev_rows, news_rows, soft_rows,
                rng, device, data_hashes, precision=resolve_precision(config.precision, device))


def _autocast(run: _Run):
    """bf16 mixed precision for a step or a dev pass when the run trains in bf16; else nothing."""
    import torch

    return torch.autocast(device_type=torch.device(run.device).type, dtype=torch.bfloat16,
                          enabled=run.precision == "bf16")


def _frozen_features(run: _Run, report):
    """Features of every training and dev row from the frozen encoder (cached, or encoded
    now), and a predictor that scores dev from them."""
    from framing.training.features import CachedPredictor, cached_features, row_spans

    items = [(ex.text, row_spans(ex)) for ex in _pool(run, repeat=1)]
    items += [(ex.text, [(m.start, m.end) for m in ex.mentions]) for ex in run.dev_rows]
    features = cached_features(run.net, run.tokenizer, run.model_config, items, run.device,
                               progress=lambda done, total: report("encode", {"done": done, "total": total}))
    return features, CachedPredictor(run.net, run.model_config, run.analyzer.registry, features, run.device)


def _optimizer(run: _Run):
    """AdamW over the trainable parameters, its schedule, and the number of steps."""
    import torch
    from transformers import get_linear_schedule_with_warmup

    config = run.config
    trainable = [(n, p) for n, p in run.net.named_parameters() if p.requires_grad]
    groups = [{"params": [p for n, p in trainable if not n.startswith("encoder.")], "lr": config.head_learning_rate}]
    body = [p for n, p in trainable if n.startswith("encoder.")]
    if body:
        groups.append({"params": body, "lr": config.learning_rate})
    optimizer = torch.optim.AdamW(groups, weight_decay=config.weight_decay)
    total = -(-len(_pool(run)) // config.batch_size) * config.epochs
    if config.max_steps:
        total = min(total, config.max_steps)
    warmup = max(1, int(total * config.warmup_ratio))
    return optimizer, get_linear_schedule_with_warmup(optimizer, warmup, total), total


def _pool(run: _Run, repeat: int | None = None) -> list:
    """An epoch's rows: gold train ``gold_repeat`` times, NewsMTSC, the teacher's soft rows."""
    return run.train_rows * (run.config.gold_repeat if repeat is None else repeat) + run.news_rows + run.soft_rows


def _fit(run: _Run, optimizer, scheduler, total: int, report, resume: bool) -> tuple[int, list[dict]]:
    """Epochs until ``total`` steps; leaves the best epoch's weights (on dev) in the network.

    A checkpoint (framing.training.checkpoint) is written every ``checkpoint_steps`` steps
    and after each epoch; with ``resume`` the run continues from one.
    """
    from framing.evaluation.metrics import evaluate
    from framing.model.persistence import trainable_state

    losses = _Losses(run)
    saver = _Checkpointer(run, optimizer, scheduler)
    progress = saver.restore(report) if resume else checkpoint.Progress()
    for epoch in range(progress.epoch, run.config.epochs + 1):
        progress.epoch = epoch
        _train_epoch(run, optimizer, scheduler, losses, progress, total, saver, report)
        run.net.eval()
        with _autocast(run):
            scores = evaluate(run.predictor, run.dev_rows)
        running = progress.running
        progress.history.append({"epoch": epoch, "loss": sum(running) / max(1, len(running)),
                                 "dev_score": _dev_score(scores), "dev_frames_macro_f1": scores.get("frames.macro_f1"),
                                 "dev_sentiment_macro_f1": scores.get("sentiment.macro_f1")})
        report("epoch", progress.history[-1])
        if progress.history[-1]["dev_score"] > progress.best_score:
            progress.best_score, progress.best_epoch = progress.history[-1]["dev_score"], epoch
            progress.best_state = {k: v.clone() for k, v in trainable_state(run.net).items()}
        # The next epoch's batch order is drawn from the rng as it is now.
        progress.epoch, progress.batches_done, progress.running = epoch + 1, 0, []
        progress.epoch_rng = run.rng.getstate()
        saver.save(progress)
        if progress.step >= total:
            break
    run.net.load_state_dict(progress.best_state, strict=False)
    run.net.eval()
    return progress.best_epoch, progress.history


def _train_epoch(run: _Run, optimizer, scheduler, losses, progress, total: int, saver, report) -> None:
    """One pass over the shuffled, length-bucketed pool (the rest of it, when resumed),
    advancing ``progress``."""
    import torch

    run.net.train()
    if progress.epoch_rng is None:  # the run's first epoch
        progress.epoch_rng = run.rng.getstate()
    run.rng.setstate(progress.epoch_rng)  # resumed: the same batches again, those done skipped
    params = [p for group in optimizer.param_groups for p in group["params"]]
    batches = bucketed_batches(_pool(run), run.config.batch_size, run.rng)
    for rows in batches[progress.batches_done:]:
        if progress.step >= total:
            break
        with _autocast(run):
            loss = losses(rows)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, MAX_GRAD_NORM)
        optimizer.step()
        scheduler.step()
        progress.step += 1
        progress.batches_done += 1
        progress.running.append(float(loss.detach()))
        recent = progress.running[-LOSS_WINDOW:]
        report("step", {"epoch": progress.epoch, "step": progress.step, "loss": sum(recent) / len(recent)})
        if run.config.checkpoint_steps and progress.step % run.config.checkpoint_steps == 0:
            saver.save(progress)


class _Checkpointer:
    """Saves and restores the run's checkpoint (framing.training.checkpoint)."""

    def __init__(self, run: _Run, optimizer, scheduler):
        self.run, self.optimizer, self.scheduler = run, optimizer, scheduler
        self.path = checkpoint.checkpoint_path(run.config.output)
        self.stamp = checkpoint.fingerprint(run.config.to_dict(), run.data_hashes)

    def save(self, progress) -> None:
        checkpoint.save(self.path, self.run.net, self.optimizer, self.scheduler, progress, self.stamp)

    def restore(self, report):
        if not self.path.is_file():
            report("resume", {"from": None})
            return checkpoint.Progress()
        progress = checkpoint.load(self.path, self.run.net, self.optimizer, self.scheduler, self.stamp)
        report("resume", {"from": str(self.path), "epoch": progress.epoch, "step": progress.step})
        return progress


class _Losses:
    """The multi-task loss of a batch: BCE over frames (rows labelled for frames) plus
    ``sentiment_weight`` times cross-entropy over the mentions that carry a sentiment.
    A teacher's soft rows add the same two losses against its probabilities, weighted by
    ``distill_weight``."""

    def __init__(self, run: _Run):
        import torch

        self.run, self.torch = run, torch
        cfg = run.model_config
        weight = (torch.tensor(frame_pos_weight(run.train_rows, cfg.frames)).to(run.device)
                  if run.config.frame_pos_weight else None)
        self.frame_loss = torch.nn.BCEWithLogitsLoss(pos_weight=weight)
        self.sentiment_loss = torch.nn.CrossEntropyLoss()
        self.frame_index = {f: k for k, f in enumerate(cfg.frames)}
        self.sentiment_index = {s: k for k, s in enumerate(cfg.sentiments)}

    def __call__(self, rows):
        from framing.training.distill import SoftExample

        torch, run, config = self.torch, self.run, self.run.config
        frame_logits, sentiment_logits = self._logits(rows)
        frame_targets, sentiment_targets, soft_frames, soft_mentions = [], [], [], []
        mention = 0
        for k, ex in enumerate(rows):
            if isinstance(ex, SoftExample):
                frame_targets.append((k, ex.frame_probs, True))
                for probs in ex.sentiment_probs:
                    sentiment_targets.append((mention, probs, True))
                    mention += 1
                continue
            if ex.frames is not None:
                frame_targets.append((k, [float(f in ex.frames) for f in self.frame_index], False))
            for m in ex.mentions:
                if m.sentiment:
                    one_hot = [float(s == m.sentiment) for s in self.sentiment_index]
                    sentiment_targets.append((mention, one_hot, False))
                    mention += 1
        loss = frame_logits.new_zeros(())
        for soft in (False, True):
            weight = config.distill_weight if soft else 1.0
            frames = [(k, t) for k, t, s in frame_targets if s == soft]
            if frames:
                index, target = zip(*frames)
                loss = loss + weight * self.frame_loss(frame_logits[list(index)], torch.tensor(target, device=run.device))
            mentions = [(k, t) for k, t, s in sentiment_targets if s == soft]
            if mentions:
                index, target = zip(*mentions)
                loss = loss + weight * config.sentiment_weight * self.sentiment_loss(
                    sentiment_logits[list(index)], torch.tensor(target, device=run.device))
        return loss

    def _logits(self, rows):
        from framing.model.network import make_batch
        from framing.training.features import row_key, row_spans

        run = self.run
        if run.features is not None:
            cached = [run.features[row_key(ex)] for ex in rows]
            text = self.torch.stack([c.text for c in cached]).to(run.device)
            mentions = self.torch.cat([c.mentions for c in cached]).to(run.device)
            return run.net.heads(text, mentions)
        batch = make_batch(run.tokenizer, [ex.text for ex in rows], [row_spans(ex) for ex in rows], run.model_config)
        return run.net(batch.to(run.device))


def _dev_score(scores: dict) -> float:
    """Model selection: the mean of frame and sentiment macro F1 on dev (those present)."""
    parts = [scores[k] for k in ("frames.macro_f1", "sentiment.macro_f1") if k in scores]
    return sum(parts) / len(parts) if parts else 0.0


def _finish(run: _Run) -> dict:
    """Fit calibration and frame thresholds on dev (into the model config); return the dev scores."""
    from framing.evaluation.metrics import evaluate
    from framing.training.calibrate import calibrate

    predictions = calibrate(run.predictor, run.dev_rows, run.config.frame_thresholds)
    return evaluate(run.predictor, run.dev_rows, predictions)


def _metadata(run: _Run, best_epoch: int, history: list[dict], dev_scores: dict, seconds: float) -> dict:
    import torch

    from framing.outputs import recorded_setup

    config = run.config
    return {
        "framing_version": _version("framing"),
        "versions": {name: _version(name) for name in ("torch", "transformers", "peft", "scikit-learn")},
        "python": platform.python_version(),
        "backbone": run.model_config.backbone,
        "data": {**run.data_hashes,
                 "n_train": len(run.train_rows), "n_dev": len(run.dev_rows), "n_newsmtsc": len(run.news_rows),
                 "n_distill": len(run.soft_rows),
                 # which teacher wrote each soft-label file (its `framing score` sidecar)
                 "distill_teachers": {path: recorded_setup(Path(path)) for path in config.distill}},
        "train_config": config.to_dict(),
        "best_epoch": best_epoch,
        "history": history,
        "train_seconds": round(seconds, 1),
        "torch_threads": torch.get_num_threads(),
        "train_precision": run.precision,
        "scores": {"dev": dev_scores},
    }


def _save(run: _Run, meta: dict) -> Path:
    from framing.model.card import model_card
    from framing.model.persistence import save_model

    card = model_card(run.model_config, meta)
    return save_model(run.net, run.config.output, meta, card, run.config.actors,
                      extra_files={"train.toml": run.config.to_toml()})


def _hashes(paths):
    return {str(p): file_sha256(Path(p)) for p in paths}


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"
