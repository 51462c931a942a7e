"""The CLI through Typer's CliRunner: exit codes, stdout and stderr."""

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from framing.cli import app
from tests.conftest import DATA, ROOT, SEED_ARTICLE

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def test_help_lists_commands():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("score", "train", "eval", "data", "benchmark"):
        assert command in result.stdout


def test_score_table(tiny_model):
    result = run("score", SEED_ARTICLE, "--model", tiny_model)
    assert result.exit_code == 0, result.stderr
    assert "xi-putin-fine-line" in result.stdout and "Xi Jinping" in result.stdout and "summary" in result.stdout


def test_score_jsonl_schema(tiny_model):
    result = run("score", SEED_ARTICLE, "--model", tiny_model, "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 19
    for i, record in enumerate(lines):
        assert {"doc_id", "sentence_id", "start", "end", "text", "frames", "labels", "actors"} <= set(record)
        assert record["sentence_id"] == i and text[record["start"] : record["end"]] == record["text"]
        assert set(record["frames"]) == {"solidarity", "caution", "rivalry", "dependency"}
        for actor in record["actors"]:
            assert {"actor", "mention", "start", "end", "sentiment", "scores"} <= set(actor)
            assert text[actor["start"] : actor["end"]] == actor["mention"]
            assert set(actor["scores"]) == {"negative", "neutral", "positive"}


def test_score_csv_and_json(tiny_model, tmp_path):
    out = tmp_path / "out.csv"
    result = run("score", SEED_ARTICLE, "--model", tiny_model, "--format", "csv", "--out", out)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 19 and "p_rivalry" in rows[0]
    result = run("score", SEED_ARTICLE, "--model", tiny_model, "--format", "json", "--roll-up")
    payload = json.loads(result.stdout)
    assert payload[0]["summary"]["n_sentences"] == 19
    assert "Vladimir Putin" not in payload[0]["summary"]["actors"]  # rolled up to Russia


def test_score_stdin(tiny_model):
    result = run("score", "-", "--model", tiny_model, "--format", "jsonl", input="Moscow warned Kyiv.")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["actors"][0]["actor"] == "Russia"


def test_score_deterministic(tiny_model):
    first = run("score", SEED_ARTICLE, "--model", tiny_model, "--format", "jsonl").stdout
    second = run("score", SEED_ARTICLE, "--model", tiny_model, "--format", "jsonl").stdout
    assert first == second and first


def test_bad_choice_is_usage_error(tiny_model):
    result = run("score", SEED_ARTICLE, "--model", tiny_model, "--format", "xml")
    assert result.exit_code == 2


def test_score_missing_model(tmp_path):
    result = run("score", SEED_ARTICLE, "--model", tmp_path / "none")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "model directory not found" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_eval_json_keys(tiny_model, tmp_path):
    out = tmp_path / "m.json"
    result = run("eval", "--model", tiny_model, "--gold", DATA / "tiny_gold.jsonl", "--split", "test", "--json", out)
    assert result.exit_code == 0, result.stderr
    metrics = json.loads(out.read_text())
    for key in ("frames.macro_f1", "frames.micro_f1", "frames.per_label.rivalry.f1", "frames.per_label.rivalry.support",
                "frames.per_label.rivalry.precision", "frames.per_label.rivalry.recall", "sentiment.macro_f1",
                "sentiment.accuracy", "sentiment.per_label.neutral.f1", "actors.precision", "actors.recall",
                "actors.f1", "n_sentences"):
        assert key in metrics, key
    assert metrics["n_sentences"] == 10
    assert "frames" in result.stdout and "macro" in result.stdout


def test_eval_rejects_bad_gold(tiny_model, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "Moscow.", "frames": ["hope"]}\n{oops\n')
    result = run("eval", "--model", tiny_model, "--gold", bad)
    assert result.exit_code == 1
    first, second = result.stderr.splitlines()[:2]
    assert first.startswith(f"error: {bad}:1: unknown frame 'hope'") and f"{bad}:2:" in second


def test_data_check_and_stats(tmp_path):
    result = run("data", "check", DATA / "tiny_gold.jsonl")
    assert result.exit_code == 0 and result.stdout.startswith("ok")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "Moscow.", "actors": [{"mention": "Moscow", "start": 1, "end": 7}]}\n')
    result = run("data", "check", bad)
    assert result.exit_code == 1 and f"{bad}:1:" in result.stderr
    result = run("data", "stats", DATA / "tiny_gold.jsonl")
    assert result.exit_code == 0 and "no frame" in result.stdout and "sentiment" in result.stdout


def test_data_agree(tmp_path):
    rows = [json.loads(line) for line in (DATA / "tiny_gold.jsonl").read_text().splitlines()]
    other = tmp_path / "b.jsonl"
    changed = [dict(r, frames=[] if i % 5 == 0 else r["frames"]) for i, r in enumerate(rows)]
    other.write_text("".join(json.dumps(r) + "\n" for r in changed))
    result = run("data", "agree", DATA / "tiny_gold.jsonl", other)
    assert result.exit_code == 0, result.stderr
    assert "Cohen's kappa: solidarity" in result.stdout and "Krippendorff" in result.stdout


def test_agreement_figures_match_sklearn():
    from sklearn.metrics import cohen_kappa_score

    from framing.evaluation.agreement import agreement
    from framing.data.gold import read_examples

    a = read_examples([DATA / "tiny_gold.jsonl"])
    b = read_examples([DATA / "tiny_gold.jsonl"])
    for ex in b[::4]:
        ex.frames = ["caution"]
    figures = agreement(a, b)
    expected = cohen_kappa_score([("caution" in x.frames) for x in a], [("caution" in y.frames) for y in b])
    assert figures["frames.kappa.caution"] == pytest.approx(expected)
    assert figures["sentiment.kappa"] == pytest.approx(1.0)


def test_train_cli(train_toml, tmp_path, monkeypatch):
    """Trains; a log that is not a terminal gets plain progress lines (a Rich bar draws there
    only when it stops)."""
    from framing.cli import train as train_command

    monkeypatch.setattr(train_command, "PLAIN_PROGRESS_SECONDS", 0.0)
    out = tmp_path / "cli-model"
    result = run("train", "--config", train_toml(out), "--max-steps", "2", "--epochs", "1")
    assert result.exit_code == 0, result.stderr
    assert f"wrote {out}" in result.stdout
    assert "step 1/2: epoch 1, loss " in result.stderr and "step 2/2: epoch 1" in result.stderr
    meta = json.loads((out / "meta.json").read_text())
    assert meta["train_config"]["max_steps"] == 2 and meta["train_config"]["epochs"] == 1  # the options took effect
    assert len(meta["history"]) == 1


def test_train_cli_resume(train_toml, tmp_path, monkeypatch):
    """A checkpoint left by an interrupted run: refused without --resume (one line, exit 1),
    continued with it; --precision reaches the run."""
    from framing.training import loop
    from framing.training.checkpoint import checkpoint_path

    out = tmp_path / "cli-resumed"
    args = ("train", "--config", train_toml(out, checkpoint_steps=1), "--max-steps", "3", "--epochs", "1",
            "--precision", "bf16")
    real, calls = loop._Losses.__call__, []

    def interrupted(self, rows):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, rows)

    with monkeypatch.context() as patch:
        patch.setattr(loop._Losses, "__call__", interrupted)
        assert run(*args).exit_code == 130
    assert checkpoint_path(out).is_file() and not out.exists()
    refused = run(*args)
    assert refused.exit_code == 1 and "continue it with --resume" in refused.stderr
    assert len(refused.stderr.splitlines()) == 1 and "Traceback" not in refused.stderr
    resumed = run(*args, "--resume")
    assert resumed.exit_code == 0, resumed.stderr
    assert "resuming from" in resumed.stderr and "step 1" in resumed.stderr
    assert json.loads((out / "meta.json").read_text())["train_precision"] == "bf16"


@pytest.mark.parametrize(
    "toml, message",
    [
        ("epochs = 0\n", "epochs and batch_size must be at least 1"),
        ('epochs = "many"\n', "epochs must be int, found 'many'"),
        ("frame_pos_weight = 1\n", "frame_pos_weight must be bool, found 1"),
        ('[model]\nlora_rank = "x"\n', "[model]: lora_rank must be int, found 'x'"),
        ("epochz = 3\n", "unknown keys ['epochz']"),
    ],
)
def test_train_cli_bad_config(tmp_path, toml, message):
    cfg = tmp_path / "t.toml"
    cfg.write_text(toml)
    result = run("train", "--config", cfg)
    assert result.exit_code == 1 and result.stderr.startswith(f"error: {cfg}") and message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_score_to_unwritable_out(tiny_model, tmp_path):
    result = run("score", SEED_ARTICLE, "--model", tiny_model, "-f", "jsonl", "--out", tmp_path)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"error: {tmp_path}: expected a writable file path for --out, found a directory")


def test_score_table_to_file(tiny_model, tmp_path):
    out = tmp_path / "t.txt"
    result = run("score", SEED_ARTICLE, "--model", tiny_model, "--out", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert "Xi Jinping" in out.read_text() and "19 sentences" in result.stderr


def test_resume_needs_jsonl_out(tiny_model):
    result = run("score", SEED_ARTICLE, "--model", tiny_model, "--resume")
    assert result.exit_code == 2 and "--resume needs --format jsonl and --out FILE" in result.stderr


def test_eval_finds_the_checkouts_gold_data(tiny_model, tmp_path):
    out = tmp_path / "m.json"
    result = run("eval", "--model", str(tiny_model), "--split", "dev", "--bootstrap", "0", "--json", str(out))
    assert result.exit_code == 0, result.stderr
    from framing.data.gold import read_examples

    dev = read_examples([ROOT / "eval" / "gold" / "gold.jsonl"], splits=("dev",))
    assert json.loads(out.read_text())["n_sentences"] == len(dev)


def test_eval_without_gold_data_says_to_pass_gold(tiny_model, monkeypatch):
    from framing import resources

    monkeypatch.setattr(resources, "project_file", lambda relative: None)  # as in an installed wheel
    result = run("eval", "--model", str(tiny_model))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: no --gold given") and "pass --gold FILE.jsonl" in result.stderr


def test_training_paths_written_with_dot_slash(train_toml, tmp_path, monkeypatch):
    """A training TOML that says ./data/gold.jsonl (once a KeyError)."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "gold.jsonl").write_bytes((DATA / "tiny_gold.jsonl").read_bytes())
    config = train_toml(tmp_path / "model", max_steps=1, epochs=1).read_text()
    config = "\n".join(line for line in config.splitlines() if not line.startswith(("train =", "dev =")))
    toml = tmp_path / "train.toml"
    toml.write_text('train = ["./data/gold.jsonl"]\ndev = ["./data/gold.jsonl"]\n' + config + "\n")
    monkeypatch.chdir(tmp_path)
    result = run("train", "--config", str(toml))
    assert result.exit_code == 0, result.stderr
    meta = json.loads((tmp_path / "model" / "meta.json").read_text())
    assert list(meta["data"]["train"]) == ["./data/gold.jsonl"] and meta["data"]["n_train"] > 0
