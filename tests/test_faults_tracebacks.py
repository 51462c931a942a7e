"""Fault injection, tracebacks: damaged encodings, hand-edited model directories, hostile
backbones and registries, deep JSON. Each ends in a score or one line, never a traceback."""

import json
import shutil

import pytest
from typer.testing import CliRunner

from framing.cli import app
from tests.conftest import DATA, assert_one_line_error

runner = CliRunner()


def score(model, *args, input=None):
    return runner.invoke(app, ["score", *map(str, args), "--model", str(model), "-f", "jsonl"], input=input)


def records(result):
    assert result.exit_code == 0 and "Traceback" not in result.stderr, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


# --- damaged text ------------------------------------------------------------------
@pytest.mark.parametrize("name, data", [
    ("odd.txt", b"\xff\xfe" + "Moscow warned Kyiv.".encode("utf-16-le") + b"A"),  # odd byte count
    ("surrogate.txt", b"\xff\xfe" + "Moscow warned Kyiv. ".encode("utf-16-le") + b"\x00\xd8"
     + "China.".encode("utf-16-le")),  # a lone high surrogate
    ("big_endian.txt", b"\xfe\xff" + "Moscow warned Kyiv.".encode("utf-16-be") + b"\xdc\x00"),
    ("bad_utf8_bom.txt", b"\xef\xbb\xbfMoscow warned Kyiv. \xc3"),
])
def test_damaged_encodings_score_with_replacement_characters(tiny_model, tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    rows = records(score(tiny_model, tmp_path / name))
    assert rows[0]["text"].startswith("Moscow warned Kyiv.")


@pytest.mark.parametrize("line", [
    r'{"id": "a", "text": "Moscow \ud800 warned Kyiv."}',
    r'{"id": "\udc00", "text": "Moscow warned Kyiv."}',
    r'{"id": "a", "text": "Moscow warned Kyiv. \udfff"}',
])
def test_lone_surrogate_escapes_in_jsonl(tiny_model, tmp_path, line):
    out = tmp_path / "out.jsonl"
    (tmp_path / "corpus.jsonl").write_text(line + "\n", encoding="utf-8")
    result = runner.invoke(app, ["score", str(tmp_path / "corpus.jsonl"), "--model", str(tiny_model),
                                 "-f", "jsonl", "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.stderr
    (row,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert "\ufffd" in row["text"] + row["doc_id"] and row["text"][row["start"]:row["end"]] == row["text"]


def test_file_names_that_are_not_utf8(tiny_model, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "x\udcff.txt").write_text("Moscow warned Kyiv.", encoding="utf-8")  # the byte 0xff in the name
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["score", str(folder), "--model", str(tiny_model), "-f", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "x\ufffd" in out.read_text(encoding="utf-8")


def test_deeply_nested_json_line_is_a_bad_line(tiny_model, tmp_path):
    (tmp_path / "deep.jsonl").write_text('{"text": ' + "[" * 100_000 + "\n", encoding="utf-8")
    result = score(tiny_model, tmp_path / "deep.jsonl")
    assert_one_line_error(result, "deep.jsonl:1", "nested too deeply")


# --- hand-edited model directories ---------------------------------------------------
@pytest.fixture
def edited_model(tiny_model, tmp_path):
    """A copy of the tiny model whose config.json or meta.json the test edits."""
    copy = tmp_path / "model"
    shutil.copytree(tiny_model, copy)
    return copy


def _edit_config(model, **changes):
    config = json.loads((model / "config.json").read_text())
    for key, value in changes.items():
        if "." in key:
            outer, inner = key.split(".")
            config[outer][inner] = value
        else:
            config[key] = value
    (model / "config.json").write_text(json.dumps(config))


@pytest.mark.parametrize("key, value, expected", [
    ("lora_rank", "4", "lora_rank must be int"),
    ("thresholds.caution", "0.5", "thresholds must be a table of str to float"),
    ("thresholds.caution", None, "thresholds must be a table of str to float"),
    ("frames", [1, 2, 3, 4], "frames must be a list of str"),
    ("lora_targets", "query", "lora_targets must be a list of str"),
    ("backbone_sha256", 5, "backbone_sha256 must be str or none"),
    ("finetune", ["lora"], "finetune must be str"),
    ("max_length", 48.5, "max_length must be int"),
    ("lora_rank", 8, "the config says lora_rank 8"),  # the right type, the wrong value
    ("lora_alpha", True, "lora_alpha must be int"),
])
def test_hand_edited_config_is_one_line(tiny_model, edited_model, key, value, expected):
    _edit_config(edited_model, **{key: value})
    assert_one_line_error(score(edited_model, "-", input="Moscow warned Kyiv."), expected)


@pytest.mark.parametrize("file, data, expected", [
    ("config.json", b"[" * 100_000, "nested too deeply"),
    ("config.json", b"[1, 2]", "with keys at the top"),
    ("config.json", b'{"backbone": "\xff"}', "could not parse it"),
    ("meta.json", b'{"note": "\xff\xfe"}', "could not parse it"),
    ("meta.json", b"[1, 2]", "with keys at the top"),
    ("meta.json", b"{" * 100_000, "could not parse it"),
    ("meta.json", b'{"weights_sha256": 5}', "weights_sha256 must be a hex string"),
])
def test_damaged_model_files_are_one_line(edited_model, file, data, expected):
    (edited_model / file).write_bytes(data)
    assert_one_line_error(score(edited_model, "-", input="Moscow warned Kyiv."), file, expected)


# --- hostile backbones -----------------------------------------------------------------
@pytest.fixture
def hostile_backbone(tiny_backbone, edited_model, tmp_path):
    """A copy of the tiny backbone, and the model pointed at it; the test edits its config."""
    backbone = tmp_path / "backbone"
    shutil.copytree(tiny_backbone, backbone)
    _edit_config(edited_model, backbone=str(backbone), backbone_sha256=None)
    return backbone


def test_backbone_asking_for_remote_code_is_refused_unrun(hostile_backbone, edited_model, tmp_path):
    marker = tmp_path / "ran"
    (hostile_backbone / "evil.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    _edit_config(hostile_backbone, auto_map={"AutoModel": "evil.EvilModel", "AutoConfig": "evil.EvilConfig"})
    assert_one_line_error(score(edited_model, "-", input="Moscow warned Kyiv."), "never runs remote code")
    assert not marker.exists()


@pytest.mark.parametrize("change, expected", [
    ({"model_type": "no-such-model"}, "could not load it"),
    ({"model_type": 5}, "could not load it"),
])
def test_backbone_with_an_unknown_model_type_is_one_line(hostile_backbone, edited_model, change, expected):
    _edit_config(hostile_backbone, **change)
    assert_one_line_error(score(edited_model, "-", input="Moscow warned Kyiv."), expected)


def test_backbone_config_that_is_not_json_is_one_line(hostile_backbone, edited_model):
    (hostile_backbone / "config.json").write_text("{not json")
    assert_one_line_error(score(edited_model, "-", input="Moscow warned Kyiv."), "backbone config")


# --- hostile registries and training configs -------------------------------------------
ACTOR = '[[actor]]\nname = "China"\nkind = "state"\naliases = ["China"]\n'


@pytest.mark.parametrize("toml, expected", [
    ('[[actor]]\nname = 3\nkind = "state"\naliases = ["A"]\n', "name must be str"),
    ('[[actor]]\nname = "X"\nkind = "state"\naliases = [1, 2]\n', "aliases must be a list of str"),
    ('[[actor]]\nname = "China"\nkind = "state"\naliases = "China"\n', "aliases must be a list of str"),
    ('[[actor]]\nname = "X"\nkind = ["state"]\naliases = ["X"]\n', "kind must be str"),
    ('[[actor]]\nname = "X"\nkind = "state"\n', "expected the keys ['aliases']"),
    ('[[actor]]\nname = "X"\nkind = "state"\naliases = ["X"]\nalias = ["Y"]\n', "unknown keys ['alias']"),
    ("actor = [1]\n", "actor must be a list of dict"),
    ("actor = [[1]]\n", "actor must be a list of dict"),
    (ACTOR + 'state = 3\n', "state must be str or none"),
    (ACTOR + 'not_after = "Latin"\n', "not_after must be a list of str"),
    ("matcher = 3\n" + ACTOR, "[matcher] must be a table of str to a list of str"),
    ('[matcher]\ndemonym_heads = "forces"\n' + ACTOR, "[matcher] must be a table of str to a list of str"),
])
def test_wrong_types_in_an_actors_toml_are_one_line(tiny_model, tmp_path, toml, expected):
    registry = tmp_path / "actors.toml"
    registry.write_text(toml)
    result = runner.invoke(app, ["score", "-", "--model", str(tiny_model), "--actors", str(registry)],
                           input="China spoke.")
    assert_one_line_error(result, str(registry), expected)


@pytest.mark.parametrize("toml, expected", [
    ("train = [1]\n", "train must be a list of str"),
    ('train = "gold.jsonl"\n', "train must be a list of str"),
    ("[model]\nthresholds = { caution = \"x\" }\n", "thresholds must be a table of str to float"),
    ("model = 3\n", "[model] must be a table"),
    ("a = " + "[" * 100_000 + "\n", "nested too deeply"),
])
def test_wrong_types_in_a_training_toml_are_one_line(tmp_path, toml, expected):
    config = tmp_path / "train.toml"
    config.write_text(toml)
    assert_one_line_error(runner.invoke(app, ["train", "--config", str(config)]), expected)


# --- gold data -------------------------------------------------------------------------
def test_agreement_on_sentences_without_frames(tmp_path):
    rows = [{"id": str(k), "text": f"Sentence {k}.", "frames": [], "split": "train"} for k in range(3)]
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = runner.invoke(app, ["data", "agree", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl")])
    assert result.exit_code == 0, result.stderr
    assert "Krippendorff's alpha" in result.stdout and "nan" in result.stdout


@pytest.mark.parametrize("command", [["data", "check"], ["data", "stats"]])
def test_deeply_nested_gold_is_a_problem_line(tmp_path, command):
    gold = tmp_path / "gold.jsonl"
    gold.write_text((DATA / "tiny_gold.jsonl").read_text().splitlines()[0] + "\n" + "[" * 100_000 + "\n")
    result = runner.invoke(app, [*command, str(gold)])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert f"{gold}:2: not valid JSON (nested too deeply" in result.stderr + result.stdout


def test_a_lone_surrogate_in_gold_text_is_a_problem_line(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "1", "text": "China \ud800 said.", "frames": [], "split": "train"}) + "\n")
    result = runner.invoke(app, ["data", "check", str(gold)])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert f"{gold}:1: 'text' holds a lone surrogate escape" in result.stderr + result.stdout
