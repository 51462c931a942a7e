"""Settings of ``framing train``: one validated dataclass, read from a TOML file.

A trained model keeps its copy as ``train.toml``, so ``framing train --config
models/<name>/train.toml`` reproduces it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from framing.errors import FramingError
from framing.model.config import ModelConfig
from framing.validation import build_dataclass, read_structured

THRESHOLD_RULES = ("dev-f1", "head")  # how training chooses frame thresholds (framing.training.calibrate)
# Training arithmetic: fp32, or bf16 mixed precision (fp32 weights, matrix products in
# bfloat16 under torch.autocast: about 2x faster a step where the CPU has bfloat16
# instructions, emulated and slower where it has not); auto picks bf16 where it is fast.
TRAIN_PRECISIONS = ("fp32", "bf16", "auto")


@dataclass
class TrainConfig:
    """Settings of ``framing train``; a TOML file gives them, CLI options override keys.

    ``train`` and ``dev`` are gold JSONL files (the ``split`` field picks the rows);
    ``newsmtsc`` are NewsMTSC JSONL files used as sentiment-only training examples;
    ``distill`` are a teacher's ``framing score -f jsonl`` outputs, learnt as soft labels
    (framing.training.distill).
    """

    train: list[str] = field(default_factory=lambda: ["eval/gold/gold.jsonl"])
    dev: list[str] = field(default_factory=lambda: ["eval/gold/gold.jsonl"])
    newsmtsc: list[str] = field(default_factory=list)
    distill: list[str] = field(default_factory=list)
    output: str = "models/default"
    actors: str = "models/actors.toml"
    epochs: int = 4
    batch_size: int = 16
    learning_rate: float = 3e-4  # adapters / unfrozen layers
    head_learning_rate: float = 1e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    seed: int = 13
    max_newsmtsc: int = 0  # 0: all NewsMTSC examples; else a seeded sample of that many
    max_distill: int = 0  # 0: every teacher-scored sentence; else a seeded sample of that many per file
    distill_weight: float = 1.0  # weight of the soft-label losses against the gold ones
    distill_labelled: bool = False  # also learn the teacher on train sentences that have human labels
    gold_repeat: int = 1  # how often each gold example is seen per epoch (gold is small)
    sentiment_weight: float = 1.0  # weight of the sentiment loss against the frame loss
    frame_pos_weight: bool = True  # weight rare frames up in the BCE loss (neg/pos ratio)
    max_steps: int = 0  # 0: no limit (tests use a few steps)
    threads: int = 0  # torch threads; 0 leaves torch's default
    frame_thresholds: str = "dev-f1"  # one of THRESHOLD_RULES
    precision: str = "fp32"  # one of TRAIN_PRECISIONS
    checkpoint_steps: int = 500  # steps between checkpoints of a run in progress (framing train --resume); 0: epochs only
    model: ModelConfig = field(default_factory=ModelConfig)

    def validate(self) -> "TrainConfig":
        if self.epochs < 1 or self.batch_size < 1:
            raise FramingError(f"epochs and batch_size must be at least 1, found {self.epochs} and {self.batch_size}")
        if self.learning_rate <= 0 or self.head_learning_rate <= 0:
            raise FramingError("learning rates must be positive")
        if self.distill_weight < 0 or self.max_distill < 0:
            raise FramingError(f"distill_weight and max_distill must not be negative, found "
                               f"{self.distill_weight} and {self.max_distill}")
        if not self.train:
            raise FramingError("train: expected at least one training file")
        if self.frame_thresholds not in THRESHOLD_RULES:
            raise FramingError(f"frame_thresholds must be one of {', '.join(THRESHOLD_RULES)}, "
                               f"found {self.frame_thresholds!r}")
        if self.checkpoint_steps < 0:
            raise FramingError(f"checkpoint_steps must not be negative, found {self.checkpoint_steps}")
        if self.precision not in TRAIN_PRECISIONS:
            raise FramingError(f"precision must be one of {', '.join(TRAIN_PRECISIONS)}, found {self.precision!r}")
        self.model.validate()
        return self

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_toml(self) -> str:
        """The config as TOML, which has no null: unset optional values are left out."""
        import tomli_w

        return tomli_w.dumps(_without_none(self.to_dict()))

    @classmethod
    def from_dict(cls, data: dict, source: str = "config") -> "TrainConfig":
        data = dict(data)
        model = data.pop("model", None) or {}
        if not isinstance(model, dict):
            raise FramingError(f"{source}: [model] must be a table of settings, found {model!r}")
        return build_dataclass(cls, {**data, "model": ModelConfig.from_dict(model, f"{source} [model]")}, source)

    @classmethod
    def from_toml(cls, path: str | Path, overrides: dict | None = None) -> "TrainConfig":
        data = read_structured(path, "toml", "training config")
        for key, value in (overrides or {}).items():
            if value is not None:
                target = data
                *parents, leaf = key.split(".")
                for p in parents:
                    target = target.setdefault(p, {})
                target[leaf] = value
        return cls.from_dict(data, str(path))


def _without_none(value):
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    return value
