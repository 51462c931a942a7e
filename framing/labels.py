"""Label schemes: the frames and sentiment classes a model predicts.

The default scheme ships as ``models/taxonomy.toml``; researchers write their own in the
same form and pass it with ``--taxonomy`` (data commands) or list its frames in the
training TOML's ``[model] frames``. A trained model carries its labels in its config.

Taxonomy TOML::

    sentiments = ["negative", "neutral", "positive"]   # optional; these are the default

    [frames]
    economic = "costs, trade, jobs, markets"
    security = "threats, defence, violence"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from framing.errors import FramingError
from framing.resources import taxonomy_file

SPLITS = ("train", "dev", "test")
# NewsMTSC polarity codes.
NEWSMTSC_POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
# Label names become parts of metric names ("frames.per_label.<frame>.f1") and of XML: no dots.
LABEL_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Taxonomy:
    frames: tuple[str, ...]
    sentiments: tuple[str, ...] = ("negative", "neutral", "positive")
    descriptions: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self):
        for kind, names in (("frames", self.frames), ("sentiments", self.sentiments)):
            if not names or len(set(names)) != len(names):
                raise FramingError(f"taxonomy {kind}: expected a non-empty list of distinct names, found {list(names)}")
            bad = [n for n in names if not isinstance(n, str) or not LABEL_NAME.match(n)]
            if bad:
                raise FramingError(f"taxonomy {kind}: {bad[0]!r} is not a usable label name; use letters, digits, "
                                   "'_' and '-', starting with a letter")

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Taxonomy":
        """A taxonomy TOML file; None: the shipped default (models/taxonomy.toml)."""
        from framing.validation import read_structured

        path = Path(path) if path is not None else taxonomy_file()
        data = read_structured(path, "toml", "taxonomy", "pass an existing TOML file with --taxonomy")
        frames = data.get("frames")
        if not isinstance(frames, dict) or not all(isinstance(v, str) for v in frames.values()):
            raise FramingError(f"{path}: expected a [frames] table of name = \"what the frame means\", found {frames!r}")
        sentiments = data.get("sentiments", list(cls.__dataclass_fields__["sentiments"].default))
        if not isinstance(sentiments, list):
            raise FramingError(f"{path}: sentiments must be a list of names, found {sentiments!r}")
        try:
            return cls(tuple(frames), tuple(sentiments), dict(frames))
        except FramingError as e:
            raise FramingError(f"{path}: {e}") from None

    @classmethod
    def of_model(cls, config) -> "Taxonomy":
        """The labels a model (its :class:`~framing.model.config.ModelConfig`) predicts."""
        return cls(tuple(config.frames), tuple(config.sentiments))


DEFAULT_TAXONOMY = Taxonomy.load()
FRAMES = DEFAULT_TAXONOMY.frames
SENTIMENTS = DEFAULT_TAXONOMY.sentiments
