from typer.testing import CliRunner

from framing.benchmark import speed
from framing.cli import app


def small_corpus(tmp_path):
    import json

    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "text": "Russia warned Kyiv. China and the EU agreed."}) + "\n"
                            for i in range(5)))
    return path


def test_speed_figures(tiny_model, tmp_path):
    figures = speed(tiny_model, small_corpus(tmp_path), precisions=("fp32", "int8"), repeats=2, threads=1)
    names = [(r["name"], r["precision"]) for r in figures["runs"]]
    assert names == [("project", "fp32"), ("baseline", "fp32"), ("project", "int8")]
    for r in figures["runs"]:
        assert r["sentences"] == 10 and r["min"] <= r["median"] <= r["max"] and r["ratio_to_baseline"] > 0
    assert figures["peak_rss_mb"] > 0 and all(r["peak_rss_mb"] > 50 for r in figures["runs"])


def test_speed_resolves_auto_and_marks_the_default(tiny_model, tmp_path, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False)
    figures = speed(tiny_model, small_corpus(tmp_path), precisions=("auto", "fp32"), repeats=1, threads=1,
                    baseline=False, memory=False)
    assert [(r["precision"], r["default"]) for r in figures["runs"]] == [("fp32", True)]  # auto is fp32 here


def test_speed_cli(tiny_model, tmp_path):
    result = CliRunner().invoke(app, ["benchmark", "speed", "--model", str(tiny_model), "--corpus",
                                      str(small_corpus(tmp_path)), "--repeats", "1", "--precision", "fp32"])
    assert result.exit_code == 0, result.stderr
    assert "median" in result.stdout and "baseline" in result.stdout


def test_speed_refuses_a_corpus_without_text(tiny_model, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "1", "body": "Russia warned Kyiv."}\n')
    result = CliRunner().invoke(app, ["benchmark", "speed", "--model", str(tiny_model), "--corpus", str(corpus),
                                      "--repeats", "1", "--no-memory"])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"error: {corpus}:1: expected a string field 'text'")
