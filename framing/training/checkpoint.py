"""Checkpoints of a training run in progress, so an interrupted run continues where it stopped.

Training a large encoder takes hours on two CPU cores; a run that is killed (Ctrl-C, a
closed session, a machine taken back) should lose minutes, not the run. Every
``checkpoint_steps`` steps and at the end of every epoch, :func:`save` writes one
safetensors file beside the output folder, ``.<output name>.checkpoint.safetensors``,
through a temporary file renamed into place (framing.files.atomic_file: an interruption
mid-write leaves the previous checkpoint). It holds what the next step depends on:

* the trainable weights, the best epoch's weights so far, and AdamW's moments;
* the learning-rate schedule's position, torch's random state (dropout) and the run's
  Python random state at the start of the epoch in progress (which fixes that epoch's batch
  order), with the number of batches of it already done;
* the history of finished epochs, and a fingerprint of the settings and data.

``framing train --resume`` loads it (:func:`load`) into a freshly set-up run: same
settings, same data, so the same batches follow and the result equals an uninterrupted
run's. Nothing is unpickled: tensors are safetensors, everything else JSON in its metadata.
The file is removed once the model is saved.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from framing.errors import FramingError
from framing.files import atomic_file

FORMAT = 1
# Settings that may change between an interrupted run and its continuation without changing
# what is computed.
FREE_SETTINGS = ("threads", "checkpoint_steps")


@dataclass
class Progress:
    """Where a run stands: the epoch in progress, its batches done, the best epoch so far."""

    epoch: int = 1
    batches_done: int = 0  # of the epoch in progress
    step: int = 0  # optimizer steps over the whole run
    epoch_rng: object = None  # the run's Python random state when this epoch's batches were drawn
    running: list[float] = field(default_factory=list)  # this epoch's losses so far
    history: list[dict] = field(default_factory=list)
    best_score: float = -1.0
    best_epoch: int = 0
    best_state: dict | None = None


def checkpoint_path(output: str | Path) -> Path:
    """Where the checkpoint of a run writing ``output`` lives: a hidden file beside it."""
    output = Path(output)
    return output.parent / f".{output.name}.checkpoint.safetensors"


def fingerprint(config_dict: dict, data_hashes: dict) -> str:
    """What a checkpoint must share with the run that continues it: settings and data."""
    settings = {k: v for k, v in config_dict.items() if k not in FREE_SETTINGS}
    blob = json.dumps({"config": settings, "data": data_hashes}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def save(path: Path, net, optimizer, scheduler, progress: Progress, stamp: str) -> None:
    """Write the checkpoint atomically (a temporary file renamed over the old one)."""
    import torch
    from safetensors import SafetensorError
    from safetensors.torch import save as serialize

    from framing.model.persistence import trainable_state

    tensors = {f"net.{k}": v for k, v in trainable_state(net).items()}
    tensors |= {f"best.{k}": v.contiguous() for k, v in (progress.best_state or {}).items()}
    opt = optimizer.state_dict()
    for index, state in opt["state"].items():
        for name, value in state.items():
            tensors[f"opt.{index}.{name}"] = torch.as_tensor(value).detach().cpu().contiguous()
    tensors["rng.torch"] = torch.get_rng_state()
    if torch.cuda.is_available():
        for k, state in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"rng.cuda.{k}"] = state
    version, internal, gauss = progress.epoch_rng
    meta = {
        "format": FORMAT, "fingerprint": stamp, "epoch": progress.epoch, "batches_done": progress.batches_done,
        "step": progress.step, "epoch_rng": [version, list(internal), gauss], "running": progress.running,
        "history": progress.history, "best_score": progress.best_score, "best_epoch": progress.best_epoch,
        "param_groups": opt["param_groups"],
        "scheduler": scheduler.state_dict(),
    }
    try:
        with atomic_file(path, binary=True) as handle:
            handle.write(serialize(tensors, metadata={"checkpoint": json.dumps(meta)}))
    except (SafetensorError, OSError) as e:
        raise FramingError(f"{path}: could not write the training checkpoint ({e}); check free space and "
                           "permissions beside the output") from None


def load(path: Path, net, optimizer, scheduler, stamp: str) -> Progress:
    """Restore a checkpoint into a freshly set-up run; the :class:`Progress` to continue from."""
    import torch
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(path), framework="pt") as f:
            meta = json.loads(f.metadata()["checkpoint"])
            tensors = {k: f.get_tensor(k) for k in f.keys()}
    except (SafetensorError, OSError, KeyError, json.JSONDecodeError) as e:
        raise FramingError(f"{path}: expected a training checkpoint, could not read it ({e}); delete it to "
                           "train from the start") from None
    if meta.get("format") != FORMAT or meta.get("fingerprint") != stamp:
        raise FramingError(f"{path}: this checkpoint was written by a run with other settings or data; continue it "
                           "with the same config and data files, or delete it to train from the start")
    net.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("net.")}, strict=False)
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        if key.startswith("opt."):
            _, index, name = key.split(".", 2)
            state.setdefault(int(index), {})[name] = value
    optimizer.load_state_dict({"state": state, "param_groups": meta["param_groups"]})
    scheduler.load_state_dict(meta["scheduler"])
    torch.set_rng_state(tensors["rng.torch"])
    cuda = [tensors[k] for k in sorted(t for t in tensors if t.startswith("rng.cuda."))]
    if cuda and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(cuda)
    version, internal, gauss = meta["epoch_rng"]
    best = {k[5:]: v for k, v in tensors.items() if k.startswith("best.")}
    return Progress(meta["epoch"], meta["batches_done"], meta["step"], (version, tuple(internal), gauss),
                    meta["running"], meta["history"], meta["best_score"], meta["best_epoch"], best or None)
