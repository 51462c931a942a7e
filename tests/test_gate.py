"""The CI gate on the committed default model: it passes; a model with random heads fails.

Slow (minutes on 2 CPU cores): it scores the gold test split with the real encoder.
"""

import json
import shutil

import pytest
from typer.testing import CliRunner

from framing.cli import app
from tests.conftest import ROOT

DEFAULT = ROOT / "models" / "default"
GATE = ["--gold", str(ROOT / "eval" / "gold" / "gold.jsonl"), "--split", "test", "--bootstrap", "200",
        "--fail-under", str(ROOT / "eval" / "thresholds.toml"), "--compare", str(ROOT / "eval" / "baseline.json"),
        "--max-drop", "0.02"]

pytestmark = pytest.mark.slow
runner = CliRunner()


def test_default_model_passes_the_gate():
    result = runner.invoke(app, ["eval", "--model", str(DEFAULT), *GATE])
    assert result.exit_code == 0, result.stderr
    assert "gate passed" in result.stderr


def test_degraded_model_is_rejected(tmp_path):
    import torch
    from safetensors.torch import load_file, save_file

    from framing.files import file_sha256

    degraded = tmp_path / "degraded"
    shutil.copytree(DEFAULT, degraded)
    state = load_file(str(degraded / "weights.safetensors"))
    generator = torch.Generator().manual_seed(0)
    for name, tensor in state.items():
        if "_head." in name:
            state[name] = torch.randn(tensor.shape, generator=generator) * tensor.std().clamp(min=0.02)
    save_file(state, str(degraded / "weights.safetensors"))
    meta = json.loads((degraded / "meta.json").read_text())
    meta["weights_sha256"] = file_sha256(degraded / "weights.safetensors")
    (degraded / "meta.json").write_text(json.dumps(meta))
    result = runner.invoke(app, ["eval", "--model", str(degraded), *GATE])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("FAIL ") for line in lines)
    assert any(line.startswith("FAIL frames.macro_f1 ") for line in lines)
    assert any("below minimum" in line for line in lines) and any("more than --max-drop" in line for line in lines)


def test_committed_model_card_and_size():
    assert (DEFAULT / "weights.safetensors").stat().st_size < 10 * 2**20
    card = (DEFAULT / "README.md").read_text()
    assert "test" in card and "95% CI" in card
    meta = json.loads((DEFAULT / "meta.json").read_text())
    assert set(meta["scores"]) >= {"dev", "test"}


def test_seed_article_reads_sensibly():
    """Against the seed article's gold labels (it is in the test split): most sentences
    share a frame with gold, and in the sentence the issue quotes ("... forcing Russia to
    lean more on China for survival") the frame is dependency, Putin reads negative and the
    beleaguered Russia does not read positive (gold: negative; the first distilled default
    read it neutral, 0.50 against 0.42 negative, and the current one reads it negative by a
    small margin, 0.47 against 0.32 neutral)."""
    from framing.data.gold import read_examples
    from framing.inference import FramingAnalyzer

    analyzer = FramingAnalyzer.load(DEFAULT)
    doc = analyzer.score((ROOT / "seeds" / "xi-putin-fine-line.txt").read_text(encoding="utf-8"))
    gold = {ex.text: ex for ex in read_examples([ROOT / "eval" / "gold" / "gold.jsonl"]) if ex.source == "seed article"}
    framed = [s for s in doc.sentences if gold[s.text].frames]
    shared = [s for s in framed if set(s.labels) & set(gold[s.text].frames)]
    assert len(shared) >= 0.8 * len(framed)
    weak = next(s for s in doc.sentences if s.text.startswith("Putin's ambitions are now hindered"))
    read = {a.actor: a.sentiment for a in weak.actors}
    assert "dependency" in weak.labels and read["Vladimir Putin"] == "negative" and read["Russia"] != "positive"
