"""Fault injection, data loss: an output never destroys an input or a file framing did not
write, two runs never share an output, a full disk leaves nothing half-written behind."""

import json
import os

import pytest
from typer.testing import CliRunner

from framing.cli import app
from framing.errors import FramingError
from framing.outputs import exclusive_output, sidecar_path
from tests.conftest import SEED_ARTICLE, assert_one_line_error

runner = CliRunner()
ARTICLE = SEED_ARTICLE.read_text(encoding="utf-8")[:600]


def score(model, *args):
    return runner.invoke(app, ["score", *map(str, args), "--model", str(model), "--no-progress"])


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json", "table"])
def test_out_equal_to_an_input_is_refused(tiny_model, article, fmt):
    result = score(tiny_model, article, "-f", fmt, "-o", article)
    assert_one_line_error(result, "--out is the input file")
    assert article.read_text(encoding="utf-8") == ARTICLE


def test_out_that_is_a_hard_link_or_symlink_to_an_input_is_refused(tiny_model, article, tmp_path):
    for name, make in (("hard.jsonl", os.link), ("soft.jsonl", os.symlink)):
        make(article, tmp_path / name)
        assert_one_line_error(score(tiny_model, article, "-f", "jsonl", "-o", tmp_path / name), "--out is the input")
    assert article.read_text(encoding="utf-8") == ARTICLE


def test_out_inside_the_scanned_folder_is_refused(tiny_model, tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "2024").mkdir(parents=True)
    (corpus / "one.txt").write_text(ARTICLE, encoding="utf-8")
    for out in (corpus / "out.jsonl", corpus / "2024" / "out.jsonl", corpus / "scores.csv"):
        assert_one_line_error(score(tiny_model, corpus, "-f", "jsonl", "-o", out), "inside the scanned folder")
        assert not out.exists()


def test_resume_onto_a_file_framing_did_not_write_is_refused(tiny_model, article, tmp_path):
    foreign = tmp_path / "notes.jsonl"
    foreign.write_text('{"mine": "precious"}\n', encoding="utf-8")
    result = score(tiny_model, article, "-f", "jsonl", "-o", foreign, "--resume")
    assert_one_line_error(result, "notes.jsonl.framing.json", "found a file without one")
    assert foreign.read_text(encoding="utf-8") == '{"mine": "precious"}\n'


def test_resume_with_another_precision_or_model_is_refused(tiny_model, article, tmp_path):
    out = tmp_path / "out.jsonl"
    assert score(tiny_model, article, "-f", "jsonl", "-o", out, "--precision", "fp32").exit_code == 0
    written = out.read_bytes()
    assert json.loads(sidecar_path(out).read_text())["precision"] == "fp32"
    result = score(tiny_model, article, "-f", "jsonl", "-o", out, "--resume", "--precision", "int8")
    assert_one_line_error(result, "precision 'fp32' (this run: 'int8')")
    meta = json.loads((tiny_model / "meta.json").read_text())
    sidecar = json.loads(sidecar_path(out).read_text())
    sidecar["model_weights_sha256"] = "0" * 64  # as if another model wrote it
    sidecar_path(out).write_text(json.dumps(sidecar))
    result = score(tiny_model, article, "-f", "jsonl", "-o", out, "--resume")
    assert_one_line_error(result, "model_weights_sha256", meta["weights_sha256"][:12])
    assert out.read_bytes() == written


def test_resume_with_the_same_setup_continues(tiny_model, article, tmp_path):
    out = tmp_path / "out.jsonl"
    assert score(tiny_model, article, "-f", "jsonl", "-o", out).exit_code == 0
    second = tmp_path / "second.txt"
    second.write_text("Moscow warned Kyiv.", encoding="utf-8")
    result = score(tiny_model, article, second, "-f", "jsonl", "-o", out, "--resume")
    assert result.exit_code == 0, result.stderr
    assert {json.loads(line)["doc_id"] for line in out.read_text().splitlines()} == {"article", "second"}


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "json"])
def test_a_second_writer_is_refused_while_the_first_holds_the_output(tiny_model, article, tmp_path, fmt):
    out = tmp_path / f"shared.{fmt}"
    out.write_text("first run's output\n")
    with exclusive_output(out):
        result = score(tiny_model, article, "-f", fmt, "-o", out)
        assert_one_line_error(result, "another framing run is writing it")
        assert out.read_text() == "first run's output\n"
    assert score(tiny_model, article, "-f", fmt, "-o", out).exit_code == 0  # released: the next run may write
    assert not list(tmp_path.glob(".shared*"))  # no lock file left behind


def test_the_lock_is_exclusive_across_processes(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "shared.jsonl"
    holder = ("import sys, time; from pathlib import Path; from framing.outputs import exclusive_output\n"
              "with exclusive_output(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(30)")
    proc = subprocess.Popen([sys.executable, "-c", holder, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        with pytest.raises(FramingError, match="another framing run"):
            with exclusive_output(out):
                pass
    finally:
        proc.kill()
        proc.wait()
    with exclusive_output(out):  # a killed holder's lock is free again (the kernel drops it)
        pass


def _hidden_leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_full_disk_keeps_the_old_output_and_leaves_no_temporary_file(tiny_model, small_disk, tmp_path, fmt):
    big = tmp_path / "big.txt"
    big.write_text(ARTICLE * 60, encoding="utf-8")  # tens of KB of output: over the 16 KB left
    out = small_disk / f"scores.{fmt}"
    out.write_text("old output\n")
    result = score(tiny_model, big, "-f", fmt, "-o", out)
    assert_one_line_error(result, "No space left on device")
    assert out.read_text() == "old output\n"
    assert _hidden_leftovers(small_disk) == []


def test_full_disk_in_jsonl_keeps_whole_documents_and_resumes(tiny_model, small_disk, tmp_path):
    docs = []
    for k in range(30):
        docs.append(tmp_path / f"doc{k:02}.txt")
        docs[-1].write_text(ARTICLE, encoding="utf-8")
    out = small_disk / "scores.jsonl"
    result = score(tiny_model, *docs, "-f", "jsonl", "-o", out)
    assert_one_line_error(result, "No space left on device")
    assert _hidden_leftovers(small_disk) == []
    (small_disk / "filler").unlink()  # space freed: --resume finishes the job
    result = score(tiny_model, *docs, "-f", "jsonl", "-o", out, "--resume")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted({r["doc_id"] for r in records}) == [d.stem for d in docs]
    assert len(records) == len({(r["doc_id"], r["sentence_id"]) for r in records})


def test_full_disk_while_training_saves(train_toml, small_disk):
    out = small_disk / "model"
    result = runner.invoke(app, ["train", "--config", str(train_toml(out, epochs=1, max_steps=1))])
    assert_one_line_error(result, "No space left on device")
    assert not out.exists()
    assert _hidden_leftovers(small_disk) == []


def test_out_that_is_a_fifo_or_device_is_refused(tiny_model, article, tmp_path):
    fifo = tmp_path / "out.jsonl"
    os.mkfifo(fifo)  # opening it to write would block forever with no reader
    assert_one_line_error(score(tiny_model, article, "-f", "jsonl", "-o", fifo), "found a device, FIFO or socket")
    if os.path.exists("/dev/null"):  # the final rename of a CSV would replace the device node
        assert_one_line_error(score(tiny_model, article, "-f", "csv", "-o", "/dev/null"), "found a device")
        assert not os.path.isfile("/dev/null")
