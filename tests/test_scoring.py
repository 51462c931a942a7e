"""Corpus mode: in-order JSONL, flushed per document, resumable after a kill."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from framing import streaming as scoring
from framing.text.reader import BadRecord, Document
from framing.streaming import DocumentCollector, completed_documents, score_stream


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


@pytest.mark.parametrize("per_slice", [1, 3, 7, 512])
@pytest.mark.parametrize("hold_chars", [10, 1_000_000])
def test_slicing_does_not_change_results(analyzer, monkeypatch, per_slice, hold_chars):
    """Documents cut into slices (and long ones segmented lazily) score exactly as whole ones."""
    texts = ["Russia warned Ukraine. China and the EU agreed. Putin spoke.", "", "Kyiv thanked Washington.",
             "Beijing and Moscow met. " * 5]
    expected = analyzer.score(texts, doc_ids=["a", "b", "c", "d"])
    monkeypatch.setattr(scoring, "SENTENCES_PER_SLICE", per_slice)
    monkeypatch.setattr(scoring, "HOLD_SPLIT_CHARS", hold_chars)
    parts, collector = [], DocumentCollector()

    def write(part):
        parts.append(part)
        collector(part)

    run = score_stream(analyzer, [Document(d, t, d) for d, t in zip("abcd", texts)], write)
    assert run.documents == 4 and run.sentences == sum(len(d.sentences) for d in expected)
    assert [[s.to_dict() for s in d.sentences] for d in collector.documents] == \
        [[s.to_dict() for s in d.sentences] for d in expected]
    assert all(len(p.sentences) <= per_slice for p in parts)
    assert [p.doc_id for p in parts if p.last] == ["a", "b", "c", "d"]
    assert all(p.doc_sentences == len(next(d for d in expected if d.doc_id == p.doc_id).sentences) for p in parts)


def test_bad_line_stops_after_writing_what_came_before(analyzer):
    records = [Document("a", "Russia warned Ukraine.", "c.jsonl:1"), BadRecord("c.jsonl:2", "c.jsonl:2: bad"),
               Document("c", "China agreed.", "c.jsonl:3")]
    collector = DocumentCollector()
    run = score_stream(analyzer, records, collector)
    assert run.stopped_on == "c.jsonl:2: bad"
    assert [d.doc_id for d in collector.documents] == ["a"]


@pytest.mark.slow
def test_sigterm_leaves_no_partial_csv(tiny_model, tmp_path):
    data = corpus(tmp_path / "c.jsonl", 3000)
    out = tmp_path / "out.csv"
    process = subprocess.Popen([sys.executable, "-m", "framing", "score", str(data), "--model", str(tiny_model),
                                "-f", "csv", "-o", str(out), "--no-progress", "--threads", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not any(p.name.startswith(".out.csv.") for p in tmp_path.iterdir()):
        time.sleep(0.05)
    time.sleep(0.5)  # let it score a little
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.startswith("error: interrupted") and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl"]  # no out.csv, no temporary file
