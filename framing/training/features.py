"""Frozen-encoder features of training rows, computed once and kept on disk.

With ``finetune = "frozen"`` the encoder never changes, so a row's sentence vector and
mention vectors (:meth:`FramingNet.features`) are the same in every epoch. Computing them
once turns an epoch into a pass over two small MLPs: on two CPU cores a large encoder such
as all-mpnet-base-v2 trains in minutes after one encoding pass, and reruns (other seeds,
other head settings) skip even that pass.

The cache sits beside the joined backbones, in ``$FRAMING_CACHE`` (default
``~/.cache/framing``) ``/features/<key>/``, where the key fingerprints the encoder weights
and every setting that shapes a feature. Rows are encoded in chunks, each saved as one
safetensors file (renamed into place whole), so an interrupted pass resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from framing.files import atomic_file
from framing.model.split_backbone import cache_root
from framing.training.distill import SoftExample

CHUNK_ROWS = 256  # rows per cache file: what an interruption can cost
ENCODE_BATCH = 32
FEATURE_FORMAT = 1  # bump when FramingNet.features changes what it computes


@dataclass
class RowFeatures:
    """One row's sentence vector ``[H]`` and its sentiment-labelled mentions' vectors ``[m, D]``."""

    text: object
    mentions: object


def feature_key(model_config) -> str:
    """The cache folder's name: the encoder's weights and the settings that shape a feature."""
    shape = {k: getattr(model_config, k) for k in ("backbone", "backbone_sha256", "max_length", "stride",
                                                   "sentence_in_sentiment")}
    shape["format"] = FEATURE_FORMAT
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:24]


def row_spans(row) -> list[tuple[int, int]]:
    """The mentions a row trains sentiment on (those with a label, or all of a teacher's
    soft row), in the loss's order."""
    if isinstance(row, SoftExample):
        return list(row.spans)
    return [(m.start, m.end) for m in row.mentions if m.sentiment]


def item_key(text: str, spans: list[tuple[int, int]]) -> str:
    """The cache key of a sentence read with these mention spans."""
    return hashlib.sha256(json.dumps([text, [list(s) for s in spans]]).encode()).hexdigest()


def row_key(row) -> str:
    return item_key(row.text, row_spans(row))


def cached_features(net, tokenizer, model_config, items: list[tuple[str, list]], device: str,
                    progress: Callable[[int, int], None] | None = None,
                    folder: Path | None = None) -> dict[str, RowFeatures]:
    """``{item_key: RowFeatures}`` for ``(text, spans)`` items, encoding only what the cache lacks.

    ``progress(done, total)`` is called after each chunk; ``folder`` overrides the cache
    location (tests).
    """
    folder = folder or cache_root() / "features" / feature_key(model_config)
    folder.mkdir(parents=True, exist_ok=True)
    found = _read_chunks(folder)
    missing = [(key, item) for key, item in {item_key(*i): i for i in items}.items() if key not in found]
    missing.sort(key=lambda entry: len(entry[1][0]))  # similar lengths batch with little padding
    for start in range(0, len(missing), CHUNK_ROWS):
        chunk = missing[start : start + CHUNK_ROWS]
        found.update(_encode_chunk(net, tokenizer, model_config, chunk, device, folder))
        if progress:
            progress(min(start + CHUNK_ROWS, len(missing)), len(missing))
    return found


def _encode_chunk(net, tokenizer, model_config, chunk, device, folder: Path) -> dict[str, RowFeatures]:
    import torch
    from safetensors.torch import save as serialize

    from framing.model.network import make_batch

    texts, mentions, counts = [], [], []
    net.eval()
    with torch.inference_mode():
        for b in range(0, len(chunk), ENCODE_BATCH):
            texts_b = [text for _, (text, _) in chunk[b : b + ENCODE_BATCH]]
            spans = [list(s) for _, (_, s) in chunk[b : b + ENCODE_BATCH]]
            batch = make_batch(tokenizer, texts_b, spans, model_config).to(device)
            text_vec, mention_vec = net.features(batch)
            texts.append(text_vec.float().cpu())
            mentions.append(mention_vec.float().cpu())
            counts += [len(s) for s in spans]
    tensors = {"text": torch.cat(texts), "mentions": torch.cat(mentions), "counts": torch.tensor(counts)}
    keys = [key for key, _ in chunk]
    name = f"{hashlib.sha256(''.join(keys).encode()).hexdigest()[:16]}.safetensors"
    with atomic_file(folder / name, binary=True) as handle:
        handle.write(serialize(tensors, metadata={"keys": json.dumps(keys)}))
    return _split(keys, tensors)


def _read_chunks(folder: Path) -> dict[str, RowFeatures]:
    from safetensors import safe_open

    found: dict[str, RowFeatures] = {}
    for path in sorted(folder.glob("*.safetensors")):
        with safe_open(str(path), framework="pt") as f:
            keys = json.loads(f.metadata()["keys"])
            tensors = {name: f.get_tensor(name) for name in ("text", "mentions", "counts")}
        found.update(_split(keys, tensors))
    return found


def _split(keys: list[str], tensors: dict) -> dict[str, RowFeatures]:
    out, offset = {}, 0
    for k, (key, count) in enumerate(zip(keys, tensors["counts"].tolist())):
        out[key] = RowFeatures(tensors["text"][k], tensors["mentions"][offset : offset + count])
        offset += count
    return out


class CachedPredictor:
    """The frozen model's predictions on gold rows, from cached features: what
    :func:`framing.evaluation.metrics.evaluate` needs of a predictor, without encoding dev
    again after every epoch."""

    def __init__(self, net, config, registry, features: dict[str, RowFeatures], device: str = "cpu"):
        self.net, self.config, self.registry, self.features, self.device = net, config, registry, features, device

    def predict(self, texts: list[str], spans: list[list[tuple[int, int]]]):
        import torch

        from framing.model.calibration import frame_probabilities, sentiment_probabilities

        cached = [self.features[item_key(t, s)] for t, s in zip(texts, spans)]
        with torch.inference_mode():
            frame_logits, sentiment_logits = self.net.heads(
                torch.stack([c.text for c in cached]).to(self.device),
                torch.cat([c.mentions for c in cached]).to(self.device))
        cfg = self.config
        frames = frame_probabilities(frame_logits.float(), cfg.frame_calibration, cfg.frames).cpu().numpy()
        sentiments = sentiment_probabilities(sentiment_logits.float(), cfg.sentiment_temperature).cpu().numpy()
        bounds = [0]
        for c in cached:
            bounds.append(bounds[-1] + len(c.mentions))
        return list(frames), [sentiments[a:b] for a, b in zip(bounds, bounds[1:])]
