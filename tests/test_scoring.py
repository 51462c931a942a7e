"""Corpus mode: in-order JSONL, flushed per document, resumable after a kill."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from framing.scoring import completed_documents


def corpus(path, n=300):
    with path.open("w") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"d{i:04d}", "text": f"Russia warned Ukraine in note {i}. China and the EU agreed."}) + "\n")
    return path


def test_completed_documents_trims_partial_work(tmp_path):
    out = tmp_path / "out.jsonl"
    whole = [{"doc_id": "a", "doc_sentences": 2}, {"doc_id": "a", "doc_sentences": 2}]
    cut = [{"doc_id": "b", "doc_sentences": 3}]
    out.write_text("".join(json.dumps(r) + "\n" for r in whole + cut) + '{"doc_id": "b", "doc_sen')
    assert completed_documents(out) == {"a"}
    assert out.read_text() == "".join(json.dumps(r) + "\n" for r in whole)


def test_resume_skips_done_documents(tiny_model, tmp_path):
    from typer.testing import CliRunner

    from framing.cli import app

    data = corpus(tmp_path / "c.jsonl", 40)
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    full = runner.invoke(app, ["score", str(data), "--model", str(tiny_model), "-f", "jsonl", "-o", str(out)])
    assert full.exit_code == 0
    expected = out.read_text()
    lines = expected.splitlines(keepends=True)
    out.write_text("".join(lines[:31]) + lines[31][:10])  # 15.5 documents and half a line
    again = runner.invoke(app, ["score", str(data), "--model", str(tiny_model), "-f", "jsonl", "-o", str(out), "--resume"])
    assert again.exit_code == 0, again.stderr
    assert out.read_text() == expected
    assert "15 already done" in again.stderr


@pytest.mark.slow
def test_kill_and_resume(tiny_model, tmp_path):
    data = corpus(tmp_path / "c.jsonl", 3000)
    out, reference = tmp_path / "out.jsonl", tmp_path / "ref.jsonl"
    command = [sys.executable, "-m", "framing", "score", str(data), "--model", str(tiny_model), "-f", "jsonl",
               "--no-progress", "--threads", "1"]
    subprocess.run(command + ["-o", str(reference)], check=True, capture_output=True)
    process = subprocess.Popen(command + ["-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.stat().st_size < 20000):
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert 0 < out.stat().st_size < reference.stat().st_size  # killed part way
    subprocess.run(command + ["-o", str(out), "--resume"], check=True, capture_output=True)
    assert out.read_bytes() == reference.read_bytes()
