"""The default label scheme, read from the shipped ``models/taxonomy.toml``.

A model carries its own labels in its config (``ModelConfig.frames``, ``.sentiments``);
these are the defaults for new models and the gold data of this project.
"""

from __future__ import annotations

import tomllib

from framing.resources import taxonomy_file


def _load() -> tuple[dict[str, str], tuple[str, ...]]:
    data = tomllib.loads(taxonomy_file().read_text(encoding="utf-8"))
    return dict(data["frames"]), tuple(data["sentiments"])


FRAME_DEFINITIONS, SENTIMENTS = _load()
FRAMES = tuple(FRAME_DEFINITIONS)
SPLITS = ("train", "dev", "test")
# NewsMTSC polarity codes.
NEWSMTSC_POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
