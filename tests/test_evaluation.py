"""Metrics, baselines, bootstrap, calibration, slices, errors and the gate, on small fixtures."""

import json

import numpy as np
import pytest
from sklearn.metrics import f1_score
from typer.testing import CliRunner

from framing.text.actors import ActorRegistry
from framing.cli import app
from framing.model.config import ModelConfig
from framing.data.gold import read_examples
from framing.evaluation.metrics import evaluate, tune_thresholds
from framing.evaluation.gate import check_drops, check_minimums, comparison, load_thresholds
from tests.conftest import DATA

GOLD = DATA / "tiny_gold.jsonl"
runner = CliRunner()


class Oracle:
    """Predicts the gold labels (optionally flipping some), to check metrics exactly."""

    def __init__(self, examples, flip_every=0):
        self.config = ModelConfig()
        self.registry = ActorRegistry.load()
        self.by_text = {ex.text: ex for ex in examples}
        self.flip_every = flip_every

    def predict(self, texts, spans):
        frames, sentiments = [], []
        for i, (text, sp) in enumerate(zip(texts, spans)):
            ex = self.by_text[text]
            row = np.array([float(f in (ex.frames or [])) for f in self.config.frames])
            if self.flip_every and i % self.flip_every == 0:
                row = 1 - row
            frames.append(row)
            sentiments.append(np.array([np.eye(3)[self.config.sentiments.index(m.sentiment or "neutral")]
                                        for m in ex.mentions]).reshape(-1, 3))
        return frames, sentiments


@pytest.fixture(scope="module")
def examples():
    return read_examples([GOLD])


def test_perfect_predictions(examples):
    m = evaluate(Oracle(examples), examples)
    assert m["frames.macro_f1"] == pytest.approx(1.0) or m["frames.per_label.caution.support"] == 0
    assert m["frames.micro_f1"] == 1.0 and m["sentiment.accuracy"] == 1.0
    assert m["n_sentences"] == len(examples)


def test_metrics_match_sklearn(examples):
    oracle = Oracle(examples, flip_every=3)
    m = evaluate(oracle, examples)
    frames, _ = oracle.predict([e.text for e in examples], [[] for _ in examples])
    y_true = np.array([[f in e.frames for f in oracle.config.frames] for e in examples], dtype=int)
    y_pred = (np.array(frames) >= 0.5).astype(int)
    assert m["frames.micro_f1"] == pytest.approx(f1_score(y_true, y_pred, average="micro"))
    assert m["frames.macro_f1"] == pytest.approx(f1_score(y_true, y_pred, average="macro", zero_division=0))


def test_bootstrap_intervals_bracket_the_estimate(examples):
    m = evaluate(Oracle(examples, flip_every=4), examples, bootstrap=200, seed=1)
    for key in ("frames.macro_f1", "frames.micro_f1", "frames.per_label.solidarity.f1"):
        low, high = m[key + "_ci"]
        assert low <= m[key] <= high, key
        # A quarter of the sentences have their frames flipped: resamples differ, so the interval has width.
        assert 0.02 < high - low < 0.8, key
    assert m["sentiment.macro_f1_ci"] == [1.0, 1.0]  # sentiment is never flipped: every resample scores 1
    again = evaluate(Oracle(examples, flip_every=4), examples, bootstrap=200, seed=1)
    assert again["frames.macro_f1_ci"] == m["frames.macro_f1_ci"]  # seeded
    other = evaluate(Oracle(examples, flip_every=4), examples, bootstrap=200, seed=2)
    assert other["frames.macro_f1_ci"] != m["frames.macro_f1_ci"]


def test_slices_and_calibration(examples):
    m = evaluate(Oracle(examples, flip_every=5), examples, slice_by=["source", "length"], calibration=True)
    sources = {e.source.replace(".", "-") for e in examples}
    assert all(f"slices.source.{s}.n_sentences" in m for s in sources)
    assert sum(m[f"slices.source.{s}.n_sentences"] for s in sources) == len(examples)
    # Probabilities are 0 or 1 and every fifth sentence is flipped: each of its decisions is
    # wrong with full confidence, the others right, so ECE is the share of flipped sentences.
    assert m["calibration.frames.ece"] == pytest.approx(-(-len(examples) // 5) / len(examples))
    assert sum(b["count"] for b in m["calibration.frames.bins"]) == len(examples) * 4


def test_thresholds_are_tuned_on_given_rows(examples):
    probs = np.array([[0.9 if f in e.frames else 0.2 for f in ModelConfig().frames] for e in examples])
    thresholds = tune_thresholds(examples, ModelConfig().frames, probs)
    assert all(0.2 < t <= 0.9 for f, t in thresholds.items() if any(f in e.frames for e in examples))


def test_baselines(examples):
    from framing.evaluation.baselines import fit_baselines

    train = [e for e in examples if e.split == "train"]
    fitted = fit_baselines(train, ActorRegistry.load())
    test = [e for e in examples if e.split == "test"]
    scores = {name: evaluate(predictor, test) for name, predictor in fitted.items()}
    assert scores["majority"]["frames.macro_f1"] == 0.0  # no frame is a majority label
    for key in ("frames.macro_f1", "sentiment.macro_f1"):
        assert scores["tfidf-lr"][key] > scores["majority"][key] + 0.1, key
    majority = scores["majority"]
    assert majority["sentiment.accuracy"] == pytest.approx(
        np.mean([m.sentiment == "neutral" for e in test for m in e.mentions if m.sentiment]))


def test_gate_helpers(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('[minimum]\n"frames.macro_f1" = 0.5\n"sentiment.macro_f1" = 0.9\n')
    minimum = load_thresholds(path)
    failures = check_minimums({"frames.macro_f1": 0.6, "sentiment.macro_f1": 0.7}, minimum)
    assert failures == ["sentiment.macro_f1 0.700 below minimum 0.900"]
    rows = comparison({"frames.macro_f1": 0.7, "n_sentences": 3}, {"frames.macro_f1": 0.6, "n_sentences": 3})
    assert check_drops(rows, 0.02) == ["frames.macro_f1 dropped 0.100 (old 0.700, new 0.600), more than --max-drop 0.020"]
    assert check_drops(rows, 0.2) == []


def test_eval_cli_gate(tiny_model, tmp_path):
    old = tmp_path / "old.json"
    args = ["eval", "--model", str(tiny_model), "--gold", str(GOLD), "--bootstrap", "50"]
    result = runner.invoke(app, args + ["--json", str(old), "--baselines", "--slice-by", "source", "--calibration",
                                        "--errors", "2"])
    assert result.exit_code == 0, result.stderr
    saved = json.loads(old.read_text())
    assert "frames.macro_f1_ci" in saved and "predictions" in saved and "baselines.tfidf-lr.frames.macro_f1" in saved
    assert "most confident mistakes" in result.stdout and "calibration" in result.stdout
    same = runner.invoke(app, args + ["--compare", str(old), "--max-drop", "0.0"])
    assert same.exit_code == 0 and "gate passed" in same.stderr and "comparison with" in same.stdout
    strict = tmp_path / "strict.toml"
    strict.write_text('[minimum]\n"frames.macro_f1" = 0.999\n')
    failed = runner.invoke(app, args + ["--fail-under", str(strict)])
    assert failed.exit_code == 1
    assert failed.stderr.startswith("FAIL frames.macro_f1 ") and "below minimum 0.999" in failed.stderr


def test_eval_cli_usage_errors(tiny_model, tmp_path):
    result = runner.invoke(app, ["eval", "--model", str(tiny_model), "--gold", str(GOLD), "--max-drop", "0.1"])
    assert result.exit_code == 1 and "--max-drop needs --compare" in result.stderr
    bad = tmp_path / "old.json"
    bad.write_text("[1, 2]")
    result = runner.invoke(app, ["eval", "--model", str(tiny_model), "--gold", str(GOLD), "--compare", str(bad)])
    assert result.exit_code == 1 and "pass an earlier `framing eval --json` output" in result.stderr


def test_compare_needs_the_same_sentences(tiny_model, tmp_path):
    old = tmp_path / "old.json"
    base = ["eval", "--model", str(tiny_model), "--gold", str(GOLD), "--bootstrap", "0"]
    assert runner.invoke(app, base + ["--split", "dev", "--json", str(old)]).exit_code == 0
    result = runner.invoke(app, base + ["--split", "test", "--compare", str(old)])
    assert result.exit_code == 1
    assert "its predictions are for other sentences (0 of 10 ids match)" in result.stderr


def test_empty_split_is_an_error(tiny_model):
    gold = DATA / "bad" / "gold" / "no_test_split.jsonl"
    result = runner.invoke(app, ["eval", "--model", str(tiny_model), "--gold", str(gold), "--split", "test"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: no gold sentences to evaluate")
