"""Fault injection, wrong but silent, and the network: inputs that used to be misread
without a word, and backbones that used to send framing to the hub."""

import gzip
import json

import pytest
from typer.testing import CliRunner

from framing.cli import app
from framing.errors import FramingError
from framing.model.backbone import looks_like_path, resolve_backbone
from framing.text.reader import BadRecord, Document, iter_documents
from tests.conftest import assert_one_line_error
from tests.test_offline import no_network  # noqa: F401 (a fixture)

runner = CliRunner()


def score(model, *args, input=None):
    return runner.invoke(app, ["score", *map(str, args), "--model", str(model), "-f", "jsonl"], input=input)


@pytest.mark.parametrize("name, data", [
    ("empty.jsonl", b""),
    ("blank.jsonl", b"\n  \n\n"),
    ("empty.jsonl.gz", gzip.compress(b"")),
])
def test_a_jsonl_without_rows_says_so(tiny_model, tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    assert_one_line_error(score(tiny_model, tmp_path / name), name, "found none", prefix="skipped:")


@pytest.mark.parametrize("text", [
    '{"a": 1} is how JSON looks. China said so.',
    "{Braces} open this article. China said so.",
    "{\n  not json at all. China said so.",
])
def test_plain_text_on_stdin_that_starts_with_a_brace_is_text(tiny_model, text):
    result = score(tiny_model, "-", input=text)
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["doc_id"] for r in rows} == {"stdin"} and "China" in rows[-1]["text"]


def test_jsonl_on_stdin_is_still_jsonl(tiny_model):
    result = score(tiny_model, "-", input='\n{"id": "a", "text": "China said so."}\n{"id": "b", "text": "Yes."}\n')
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["doc_id"] for line in result.stdout.splitlines()] == ["a", "b"]


def test_a_file_deleted_mid_run_is_skipped_and_the_rest_scored(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.jsonl"):
        (folder / name).write_text('{"id": "c", "text": "China."}' if name.endswith("jsonl") else "China.")
    stream = iter_documents([str(folder)])
    assert next(stream).doc_id == "a"
    (folder / "b.txt").unlink()  # gone after the folder was listed
    (folder / "c.jsonl").unlink()
    rest = list(stream)
    assert [type(r) for r in rest] == [BadRecord, BadRecord]
    assert "b.txt: could not read it" in rest[0].message and "c.jsonl: could not read it" in rest[1].message


def test_a_string_of_aliases_is_refused_not_split_into_letters(tiny_model, tmp_path):
    registry = tmp_path / "actors.toml"
    registry.write_text('[[actor]]\nname = "China"\nkind = "state"\naliases = "China"\n')
    result = runner.invoke(app, ["score", "-", "--model", str(tiny_model), "--actors", str(registry)],
                           input="A cat sat.")
    assert_one_line_error(result, "aliases must be a list of str")


def test_an_html_page_without_head_end_reads_its_body(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<!doctype html><title>t</title><p>China said hello.")
    (document,) = iter_documents([str(page)])
    assert isinstance(document, Document) and document.text == "China said hello."


# --- the network ------------------------------------------------------------------------
@pytest.mark.parametrize("name, is_path", [
    ("/no/such/encoder", True), ("./encoder", True), ("~/encoder", True), ("models/enc/v2", True),
    ("..", True), ("C:\\encoders\\mini", True), ("bad id!", True),
    ("sentence-transformers/all-MiniLM-L6-v2", False), ("bert-base-uncased", False),
])
def test_what_counts_as_a_path(name, is_path):
    assert looks_like_path(name) is is_path


def test_a_missing_backbone_path_is_an_error_not_a_hub_id(no_network):  # noqa: F811
    with pytest.raises(FramingError, match="found nothing; fix the path"):
        resolve_backbone("/no/such/encoder")


def test_a_hub_id_not_in_the_cache_is_one_line_without_the_network(no_network, tiny_model, tmp_path,  # noqa: F811
                                                                   monkeypatch):
    import shutil

    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-cache"))
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    config = json.loads((model / "config.json").read_text())
    (model / "config.json").write_text(json.dumps(dict(config, backbone="someone/some-encoder", backbone_sha256=None)))
    result = score(model, "-", input="China said so.")
    assert_one_line_error(result, "someone/some-encoder", "could not load it", "huggingface-cli download")


def test_training_with_a_missing_backbone_path_stops_before_training(train_toml, tmp_path, no_network):  # noqa: F811
    config = train_toml(tmp_path / "out")
    lines = ['backbone = "/no/such/encoder"' if line.startswith("backbone") else line
             for line in config.read_text().splitlines()]
    config.write_text("\n".join(lines) + "\n")
    result = runner.invoke(app, ["train", "--config", str(config)])
    assert_one_line_error(result, "/no/such/encoder", "found nothing")
    assert not (tmp_path / "out").exists()
