"""Fault injection, runs that never end: devices, FIFOs, endless streams and registries
whose patterns match nothing, all end with one line (or a score) in bounded memory."""

import os
import subprocess
import sys
import threading

import pytest
from typer.testing import CliRunner

import framing.text.reader as reader
from framing.cli import app
from framing.errors import FramingError
from framing.text.actors import Actor, ActorRegistry
from framing.text.reader import BadRecord, Document, count_documents, iter_documents, read_bounded
from tests.conftest import assert_one_line_error

runner = CliRunner()


class Endless:
    """A stream that never ends (``yes``, ``/dev/zero`` behind a pipe)."""

    def __init__(self, byte: bytes):
        self.byte, self.given = byte, 0

    def read(self, n=-1):
        assert n >= 0, "an unbounded read of an endless stream"
        self.given += n
        return self.byte * n

    def readline(self, limit=-1):
        return self.read(limit)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused_from_their_first_block(tiny_model, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    result = runner.invoke(app, ["score", device, "--model", str(tiny_model), "-f", "jsonl"])
    assert_one_line_error(result, device, "binary data", prefix="skipped:")


def test_endless_text_stops_at_the_size_limit(monkeypatch):
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1 << 20)
    stream = Endless(b"Moscow warned Kyiv. ")
    with pytest.raises(FramingError, match="over the 1 MB limit"):
        read_bounded(stream, "<stdin>")
    assert stream.given <= (1 << 20) + 1


def test_an_endless_jsonl_line_stops_at_the_size_limit(monkeypatch):
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1 << 20)
    lines = reader.bounded_lines(Endless(b"a"), "corpus.jsonl")
    with pytest.raises(FramingError, match="a line over the 1 MB limit"):
        next(lines)


def _fifo(tmp_path, name, payload: bytes):
    path = tmp_path / name
    os.mkfifo(path)

    def feed():
        try:
            with open(path, "wb") as f:
                f.write(payload)
        except BrokenPipeError:  # the reader refused the data and closed its end: as intended
            pass

    threading.Thread(target=feed, daemon=True).start()
    return path


def test_counting_documents_does_not_consume_a_fifo(tmp_path):
    fifo = tmp_path / "corpus.jsonl"
    os.mkfifo(fifo)
    assert count_documents([str(fifo)]) is None  # returns at once: nothing opened, nothing read


@pytest.mark.parametrize("name, payload", [
    ("article.txt", b"Moscow warned Kyiv. China stood aside."),
    ("corpus.jsonl", b'{"id": "a", "text": "Moscow warned Kyiv."}\n{"id": "b", "text": "China stood aside."}\n'),
])
def test_a_fifo_is_read_once(tmp_path, name, payload):
    records = list(iter_documents([str(_fifo(tmp_path, name, payload))]))
    assert records and all(isinstance(r, Document) for r in records)


@pytest.mark.slow
def test_a_fifo_scores_from_the_cli_with_a_progress_bar(tiny_model, tmp_path):
    """A subprocess with a timeout: a hang fails the test instead of stalling the suite."""
    fifo = _fifo(tmp_path, "corpus.jsonl", b'{"id": "a", "text": "Moscow warned Kyiv."}\n')  # written once
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "framing", "score", str(fifo), "--model", str(tiny_model),
                             "-f", "jsonl", "-o", str(out)], stderr=subprocess.PIPE, text=True)
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert out.read_text().count('"doc_id": "a"') == 1


def test_a_fifo_fed_from_dev_zero_is_refused(tmp_path):
    fifo = _fifo(tmp_path, "zeros.txt", b"\0" * 200_000)
    (record,) = iter_documents([str(fifo)])
    assert isinstance(record, BadRecord) and "binary data" in record.message


@pytest.mark.parametrize("aliases", ['[""]', '["China", " "]'])
def test_an_empty_alias_is_refused(tiny_model, tmp_path, aliases):
    registry = tmp_path / "actors.toml"
    registry.write_text(f'[[actor]]\nname = "China"\nkind = "state"\naliases = {aliases}\n')
    result = runner.invoke(app, ["score", "-", "--model", str(tiny_model), "--actors", str(registry)],
                           input="China spoke.")
    assert_one_line_error(result, str(registry), "empty strings")


def test_an_empty_alias_is_refused_in_python_too():
    with pytest.raises(FramingError, match="empty alias"):
        ActorRegistry([Actor("X", "state", ("",))])
