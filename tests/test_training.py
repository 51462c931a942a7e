import json

import pytest

from framing.training.config import TrainConfig
from framing.errors import FramingError
from framing.training.loop import train
from tests.conftest import DATA


def test_model_directory_is_self_describing(tiny_model):
    names = {p.name for p in tiny_model.iterdir()}
    assert {"config.json", "weights.safetensors", "meta.json", "README.md", "actors.toml", "train.toml"} <= names
    meta = json.loads((tiny_model / "meta.json").read_text())
    assert meta["data"]["n_train"] > 0 and meta["data"]["n_newsmtsc"] == 5
    assert "frames.macro_f1" in meta["scores"]["dev"]
    config = json.loads((tiny_model / "config.json").read_text())
    assert len(config["backbone_sha256"]) == 64
    assert set(config["thresholds"]) == {"solidarity", "caution", "rivalry", "dependency"}
    assert "framing train --config" in (tiny_model / "README.md").read_text()


def test_saved_train_toml_reproduces(tiny_model, tmp_path):
    cfg = TrainConfig.from_toml(tiny_model / "train.toml", {"output": str(tmp_path / "again")})
    assert cfg.epochs == 2 and cfg.model.lora_rank == 4


def test_training_is_deterministic(train_toml, tmp_path):
    from safetensors.torch import load_file

    outs = []
    for name in ("a", "b"):
        cfg = TrainConfig.from_toml(train_toml(tmp_path / name, epochs=1, max_steps=3))
        train(cfg)
        outs.append(load_file(str(tmp_path / name / "weights.safetensors")))
    assert outs[0].keys() == outs[1].keys()
    assert all((outs[0][k] == outs[1][k]).all() for k in outs[0])


@pytest.mark.parametrize("finetune", ["top_layers", "frozen"])
def test_other_finetune_modes(train_toml, tmp_path, finetune):
    result = train(TrainConfig.from_toml(train_toml(tmp_path / finetune, finetune=finetune, epochs=1, max_steps=2)))
    assert (result.model_dir / "weights.safetensors").exists()


def test_progress_events(train_toml, tmp_path):
    events = []
    train(TrainConfig.from_toml(train_toml(tmp_path / "p", epochs=1, max_steps=2)), lambda e, d: events.append(e))
    assert events[0] == "start" and "step" in events and events[-1] == "epoch"


def test_no_dev_rows_is_an_error(train_toml, tmp_path):
    cfg = TrainConfig.from_toml(train_toml(tmp_path / "x"))
    cfg.dev = [str(DATA / "bad" / "gold" / "no_test_split.jsonl")]  # train rows only
    with pytest.raises(FramingError, match="no rows with split 'dev'"):
        train(cfg)
    assert not (tmp_path / "x").exists()  # nothing half-written


def test_interrupted_training_keeps_old_model(train_toml, tmp_path, monkeypatch):
    out = tmp_path / "keep"
    train(TrainConfig.from_toml(train_toml(out, epochs=1, max_steps=1)))
    before = (out / "weights.safetensors").read_bytes()

    import framing.model.persistence as persistence

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(persistence, "trainable_state", boom)
    with pytest.raises(KeyboardInterrupt):
        train(TrainConfig.from_toml(train_toml(out, epochs=1, max_steps=1)))
    assert (out / "weights.safetensors").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".keep")]
