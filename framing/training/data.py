"""The rows a training run learns from: gold train rows, gold dev rows (model selection and
thresholds) and NewsMTSC rows (sentiment only), with every dev and test sentence kept out
of training."""

from __future__ import annotations

import random

from framing.data.gold import Example, read_example_files, read_examples
from framing.errors import FramingError
from framing.labels import Taxonomy
from framing.training.config import TrainConfig
from framing.training.distill import SoftExample, read_soft_examples, sample_soft_examples

BUCKET_BATCHES = 50  # batches per length bucket: similar lengths pad little, order stays random


def normalized(text: str) -> str:
    """Whitespace-normalized text: the key that keeps a held-out sentence out of training."""
    return " ".join(text.split())


def dev_rows(files: list[str], rows_of: dict[str, list[Example]]) -> list[Example]:
    """The dev rows of ``files`` (gold rows of split dev; NewsMTSC rows, which have no split)."""
    dev = [ex for p in dict.fromkeys(files) for ex in rows_of[p] if ex.split in ("dev", None)]
    if not dev:
        raise FramingError(f"no rows with split 'dev' in {', '.join(files)}; a dev split selects the best epoch "
                           "and calibrates the model")
    return dev


def load_training_data(config: TrainConfig, rng: random.Random):
    """``(train, dev, newsmtsc, distill)`` rows as ``config`` names them."""
    # One read of every file (train and dev are often the same gold file), all problems at once.
    taxonomy = Taxonomy.of_model(config.model)
    rows_of = read_example_files(config.train + config.dev, taxonomy=taxonomy)
    train = [ex for p in dict.fromkeys(config.train) for ex in rows_of[p] if ex.split == "train"]
    dev = dev_rows(config.dev, rows_of)
    if not train:
        raise FramingError(f"no rows with split 'train' in {', '.join(config.train)}")
    held_out = {normalized(ex.text) for rows in rows_of.values() for ex in rows if ex.split in ("dev", "test")}
    held_out |= {normalized(ex.text) for ex in dev}
    train = [ex for ex in train if normalized(ex.text) not in held_out]
    seen = held_out | {normalized(ex.text) for ex in train}
    # A teacher's reading of a labelled train sentence is more signal, not a leak; dev and test stay out.
    return (train, dev, _newsmtsc_rows(config, rng, seen),
            _distill_rows(config, rng, held_out if config.distill_labelled else seen))


def _distill_rows(config: TrainConfig, rng: random.Random, exclude: set[str]) -> list[SoftExample]:
    # Capped per file, so a small teacher file (news) is not drowned in a large one (corpora).
    rows = read_soft_examples(config.distill, config.model.frames, config.model.sentiments)
    by_file: dict[str, list[SoftExample]] = {}
    for row in rows:
        by_file.setdefault(row.path, []).append(row)
    return [kept for part in by_file.values()
            for kept in sample_soft_examples(part, config.max_distill, rng, exclude, normalized)]


def _newsmtsc_rows(config: TrainConfig, rng: random.Random, exclude: set[str]) -> list[Example]:
    if not config.newsmtsc:
        return []
    news = [ex for ex in read_examples(config.newsmtsc, taxonomy=Taxonomy.of_model(config.model)) if ex.mentions and normalized(ex.text) not in exclude]
    if config.max_newsmtsc and len(news) > config.max_newsmtsc:
        news = rng.sample(news, config.max_newsmtsc)
    return news


def bucketed_batches(pool: list[Example], batch_size: int, rng: random.Random) -> list[list[Example]]:
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


def frame_pos_weight(examples: list[Example], frames) -> list[float]:
    """Per-frame weight of positives in the BCE loss: negatives / positives, within 1..10."""
    labelled = [ex for ex in examples if ex.frames is not None]
    weights = []
    for f in frames:
        pos = sum(f in ex.frames for ex in labelled)
        weights.append(min(10.0, max(1.0, (len(labelled) - pos) / max(pos, 1))))
    return weights
