"""README's labelling walkthrough, command by command, as written there.

The commands are read from README.md itself, so the README cannot drift from what runs.
Training is cut to two steps (the walkthrough's full run takes about 15 minutes).
"""

import json
import re
import shlex

import pytest
from typer.testing import CliRunner

from framing.cli import app
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # the real encoder: selection, training steps, evaluation


def walkthrough_commands() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("Walkthrough (run from a checkout", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    joined = re.sub(r"\\\n\s*", " ", block)
    commands = []
    for line in joined.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("framing "):
            commands.append(shlex.split(line)[1:])
    return commands


def test_readme_walkthrough_runs_as_written(tmp_path, monkeypatch):
    commands = walkthrough_commands()
    assert [c[0:2] for c in commands] == [["data", "select"], ["data", "export"], ["data", "import"],
                                          ["data", "check"], ["train", "--config"], ["eval", "--model"]]
    for name in ("eval", "docs", "seeds"):
        (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "actors.toml").symlink_to(ROOT / "models" / "actors.toml")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in commands:
        if args[0] == "train":
            args = args + ["--max-steps", "2", "--epochs", "1"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.stderr)
    batch = [json.loads(line) for line in (tmp_path / "work" / "batch.jsonl").read_text().splitlines()]
    committed = [json.loads(line) for line in (ROOT / "docs/walkthrough/batch.jsonl").read_text().splitlines()]
    assert [r["id"] for r in batch] == [r["id"] for r in committed]  # seeded: the batch the export was made for
    assert (tmp_path / "work" / "tasks.xml").is_file()
    export = json.loads((ROOT / "docs/walkthrough/label-studio-export.json").read_text())
    assert {t["data"]["framing_id"] for t in export} == {r["id"] for r in batch}
    new = [json.loads(line) for line in (tmp_path / "work" / "new.jsonl").read_text().splitlines()]
    conflicts = (tmp_path / "work" / "new.conflicts.jsonl")
    n_conflicts = len(conflicts.read_text().splitlines()) if conflicts.exists() else 0
    assert len(new) + n_conflicts == 50 and all(r["annotator"] == "w3@annotators.framing+w4@annotators.framing"
                                                for r in new)
    meta = json.loads((tmp_path / "models" / "mine" / "meta.json").read_text())
    assert meta["data"]["n_train"] > 4813  # gold train and silver, plus the new rows
