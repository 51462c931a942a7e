import pytest

from framing.model.config import ModelConfig
from framing.training.config import TrainConfig
from framing.errors import FramingError


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"finetune": "everything"}, "finetune must be one of"),
        ({"thresholds": {"solidarity": 0.5}}, "one value per frame"),
        ({"thresholds": {"solidarity": 1.5, "caution": 0.5, "rivalry": 0.5, "dependency": 0.5}}, "strictly between"),
        ({"max_length": 8}, "max_length must be"),
        ({"format_version": 99}, "newer than this framing supports"),
        ({"colour": "blue"}, "unknown keys"),
    ],
)
def test_model_config_validation(changes, message):
    with pytest.raises(FramingError, match=message):
        ModelConfig.from_dict({**ModelConfig().to_dict(), **changes})


def test_round_trip():
    config = ModelConfig(finetune="top_layers", top_layers=1)
    assert ModelConfig.from_dict(config.to_dict()) == config


def test_toml_and_overrides(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('train = ["a.jsonl"]\nepochs = 3\n[model]\nfinetune = "frozen"\n')
    cfg = TrainConfig.from_toml(path, {"epochs": 5, "model.lora_rank": 4, "seed": None})
    assert cfg.epochs == 5 and cfg.model.finetune == "frozen" and cfg.model.lora_rank == 4 and cfg.seed == 13


def test_toml_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("epochs = = 3")
    with pytest.raises(FramingError, match="expected a TOML training config, could not parse it"):
        TrainConfig.from_toml(bad)
    with pytest.raises(FramingError, match="unknown keys"):
        TrainConfig.from_dict({"epoch": 3})


@pytest.mark.parametrize("name", ["default", "accurate"])
def test_shipped_train_toml_is_the_recipe_the_model_was_trained_with(name):
    """`framing train --config models/<name>/train.toml` must reproduce the shipped weights:
    the TOML beside them may not drift from the config recorded in meta.json."""
    import json

    from tests.conftest import ROOT

    model_dir = ROOT / "models" / name
    in_toml = TrainConfig.from_toml(model_dir / "train.toml").to_dict()
    in_meta = TrainConfig.from_dict(json.loads((model_dir / "meta.json").read_text())["train_config"]).to_dict()
    assert in_toml.pop("output") == f"models/{name}"  # the recipe writes where the model ships
    in_meta.pop("output")  # where the run wrote it (a scratch folder, then moved) is not part of the recipe
    assert in_toml == in_meta
