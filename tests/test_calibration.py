"""Calibration: the fits recover known maps, the head's decision survives calibration,
and `framing calibrate` writes a recalibrated copy without touching the original."""

import json

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from framing.cli import app
from framing.errors import FramingError
from framing.model.calibration import frame_probabilities, head_thresholds, sentiment_probabilities
from framing.model.config import ModelConfig
from framing.training.calibrate import calibrate_model, fit_frame_calibration, fit_temperature
from tests.conftest import DATA, assert_one_line_error

runner = CliRunner()


def test_platt_fit_recovers_a_known_map():
    rng = np.random.default_rng(0)
    z = rng.normal(0, 3, size=(20000, 2))
    truth = (rng.random(z.shape) < 1 / (1 + np.exp(-(z * [0.5, 2.0] + [-1.0, 0.5])))).astype(int)
    cal = fit_frame_calibration(z, truth, ["a", "b"])
    assert cal["a"] == pytest.approx([0.5, -1.0], abs=0.1)
    assert cal["b"] == pytest.approx([2.0, 0.5], abs=0.15)


def test_frame_never_seen_on_dev_keeps_the_identity():
    z = np.array([[-1.0], [0.0], [2.0]])
    assert fit_frame_calibration(z, np.zeros((3, 1), dtype=int), ["a"]) == {"a": [1.0, 0.0]}


def test_temperature_fit_recovers_a_known_temperature():
    rng = np.random.default_rng(1)
    logits = rng.normal(0, 4, size=(20000, 3))
    p = np.exp(logits / 2.5)
    p /= p.sum(1, keepdims=True)
    truth = np.array([rng.choice(3, p=row) for row in p])
    assert fit_temperature(logits, truth) == pytest.approx(2.5, rel=0.08)
    assert fit_temperature(logits[:0], truth[:0]) == 1.0


def test_head_decision_is_kept_after_calibration():
    rng = np.random.default_rng(2)
    z = torch.tensor(rng.normal(0, 3, size=(500, 2)), dtype=torch.float64)
    cal = {"a": [0.4, -1.5], "b": [1.7, 0.8]}
    thresholds = head_thresholds(cal)
    probs = frame_probabilities(z, cal, ["a", "b"]).numpy()
    assert ((probs >= [thresholds["a"], thresholds["b"]]) == (z.numpy() >= 0)).all()
    s = sentiment_probabilities(z, 3.0)
    assert torch.equal(s.argmax(-1), z.argmax(-1)) and torch.allclose(s.sum(-1), torch.ones(500, dtype=torch.float64))


@pytest.mark.parametrize("changes, message", [
    ({"frame_calibration": {"solidarity": [-1.0, 0.0]}}, "positive scale"),
    ({"frame_calibration": {"solidarity": [1.0, 0.0], "caution": [1.0, 0.0], "rivalry": [1.0, 0.0],
                            "dependency": [1.0]}}, "positive scale"),
    ({"sentiment_temperature": 0.0}, "sentiment_temperature must be positive"),
])
def test_calibration_config_validation(changes, message):
    with pytest.raises(FramingError, match=message):
        ModelConfig.from_dict({**ModelConfig().to_dict(), **changes}).validate()


def test_config_without_calibration_loads_as_the_raw_heads():
    data = ModelConfig().to_dict()
    del data["frame_calibration"], data["sentiment_temperature"]
    config = ModelConfig.from_dict(data).validate()
    assert config.frame_calibration == {f: [1.0, 0.0] for f in config.frames}
    assert config.sentiment_temperature == 1.0


def test_training_fits_calibration_and_dev_f1_thresholds(tiny_model):
    from framing.model.calibration import carried_thresholds

    config = json.loads((tiny_model / "config.json").read_text())
    identity = {f: [1.0, 0.0] for f in config["frames"]}
    assert config["frame_calibration"] != identity
    raw = carried_thresholds(config["thresholds"], config["frame_calibration"], identity)
    assert all(round(t / 0.05, 6) == pytest.approx(round(t / 0.05)) for t in raw.values())  # the raw grid


def test_calibrate_keeps_decisions_by_default(tiny_model, tmp_path):
    from framing.data.gold import read_examples
    from framing.evaluation.metrics import predict_examples, sentence_arrays
    from framing.inference import FramingAnalyzer

    out = tmp_path / "kept"
    calibrate_model(tiny_model, out, [str(DATA / "tiny_gold.jsonl")], frame_thresholds="head")
    again = tmp_path / "again"
    calibrate_model(out, again, [str(DATA / "tiny_gold.jsonl")])  # keep: head decisions survive a refit
    examples = read_examples([DATA / "tiny_gold.jsonl"])
    preds = []
    for model in (out, again):
        analyzer = FramingAnalyzer.load(model)
        preds.append(sentence_arrays(examples, analyzer.config, predict_examples(analyzer, examples))["frames_pred"])
    assert (preds[0] == preds[1]).all()
    config = json.loads((again / "config.json").read_text())
    assert config["thresholds"] == pytest.approx(head_thresholds(config["frame_calibration"]))


def test_calibrate_writes_a_copy_and_leaves_the_model(tiny_model, tmp_path):
    before = {p.name: p.read_bytes() for p in tiny_model.iterdir()}
    out = tmp_path / "recalibrated"
    result = runner.invoke(app, ["calibrate", str(tiny_model), "--output", str(out), "--frame-thresholds", "dev-f1",
                                 "--dev", str(DATA / "tiny_gold.jsonl")])
    assert result.exit_code == 0, result.stderr
    assert "dev frames macro F1" in result.stdout
    assert {p.name: p.read_bytes() for p in tiny_model.iterdir()} == before
    assert (out / "weights.safetensors").read_bytes() == before["weights.safetensors"]
    meta = json.loads((out / "meta.json").read_text())
    assert meta["calibration"]["frame_thresholds"] == "dev-f1"
    assert 'frame_thresholds = "dev-f1"' in (out / "train.toml").read_text()
    assert meta["scores"]["dev"]["frames.macro_f1"] >= 0


def test_calibrate_refuses_a_folder_that_is_not_a_model(tiny_model, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["calibrate", str(tiny_model), "--output", str(tmp_path)])
    assert_one_line_error(result, "expected a new or framing model directory")
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_calibrate_needs_dev_rows(tiny_model, tmp_path):
    only_train = tmp_path / "train.jsonl"
    only_train.write_text("".join(line + "\n" for line in (DATA / "tiny_gold.jsonl").read_text().splitlines()
                                  if '"split": "train"' in line))
    result = runner.invoke(app, ["calibrate", str(tiny_model), "-o", str(tmp_path / "out"), "--dev", str(only_train)])
    assert_one_line_error(result, "no rows with split 'dev'")
    assert not (tmp_path / "out").exists()


def test_calibrate_model_returns_dev_scores(tiny_model, tmp_path):
    scores = calibrate_model(tiny_model, tmp_path / "m", [str(DATA / "tiny_gold.jsonl")])
    assert 0.0 <= scores["frames.macro_f1"] <= 1.0


def test_calibrate_drops_scores_of_the_old_calibration(tiny_model, tmp_path):
    from framing.model.persistence import record_scores

    scored = tmp_path / "scored"
    calibrate_model(tiny_model, scored, [str(DATA / "tiny_gold.jsonl")])
    record_scores(scored, "test", {"frames.macro_f1": 0.5}, note="Scores `test` recorded by: framing eval")
    calibrate_model(scored, tmp_path / "again", [str(DATA / "tiny_gold.jsonl")])
    meta = json.loads((tmp_path / "again" / "meta.json").read_text())
    assert list(meta["scores"]) == ["dev"] and "card_notes" not in meta


def test_carried_thresholds_keep_every_decision():
    from framing.model.calibration import carried_thresholds

    rng = np.random.default_rng(3)
    z = torch.tensor(rng.normal(0, 3, size=(1000, 1)), dtype=torch.float64)
    old, new = {"a": [0.7, -0.4]}, {"a": [1.9, 1.2]}
    t_old = {"a": 0.63}
    t_new = carried_thresholds(t_old, old, new)
    before = frame_probabilities(z, old, ["a"]).numpy() >= t_old["a"]
    after = frame_probabilities(z, new, ["a"]).numpy() >= t_new["a"]
    assert (before == after).all() and t_new["a"] != pytest.approx(t_old["a"])


def test_calibrate_a_missing_model_says_so(tmp_path):
    result = runner.invoke(app, ["calibrate", str(tmp_path / "nope"), "-o", str(tmp_path / "out")])
    assert_one_line_error(result, "model directory not found")
    assert not (tmp_path / "out").exists()
