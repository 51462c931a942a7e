"""Property tests (hypothesis) for the reader: any byte string, as a file of any kind or
on standard input, either scores or fails with one line, never a traceback."""

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from framing.cli import app
from framing.errors import FramingError
from framing.text.reader import TEXT_SUFFIXES, BadRecord, Document, decode, iter_documents

runner = CliRunner()

# Random bytes, and bytes built to look like what the reader branches on: BOMs, magic
# numbers, JSONL lines, HTML, NULs, surrogate escapes.
PREFIXES = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"%PDF", b"\x1f\x8b", b"<html><p>", b"{", b"\x00"]
PIECES = [b'{"id": "\\ud800", "text": "China \\udfff said."}\n', b'{"text": 1}\n', b"[[[[", b"\n", b"\r\n",
          "Moscow warned Kyiv. ".encode("utf-16-le"), "Kyiv’s".encode("cp1252"), b"\x00\xd8", b"</head>"]
BYTES = st.builds(lambda prefix, body: prefix + b"".join(body), st.sampled_from(PREFIXES),
                  st.lists(st.one_of(st.binary(max_size=64), st.sampled_from(PIECES)), max_size=12))


@given(BYTES)
@settings(max_examples=300, deadline=None)
def test_decode_gives_text_or_a_framing_error(data):
    try:
        text = decode(data, "x")
    except FramingError as e:
        assert str(e).startswith("x: expected text") and "\n" not in str(e)
        return
    text.encode("utf-8")  # UnicodeEncodeError on a lone surrogate would fail here
    assert "\x00" not in text


@given(BYTES, st.sampled_from(TEXT_SUFFIXES))
@settings(max_examples=200, deadline=None)
def test_any_file_reads_as_documents_or_bad_records(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        for record in iter_documents([str(path)]):
            assert isinstance(record, (Document, BadRecord))
            if isinstance(record, Document):
                (record.text + record.doc_id).encode("utf-8")
                assert record.text.strip()
            else:
                assert "\n" not in record.message and record.message.startswith(str(path))


@given(BYTES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_bytes_on_stdin_score_or_fail_in_one_line(tiny_model, data):
    result = runner.invoke(app, ["score", "-", "--model", str(tiny_model), "-f", "jsonl"], input=data)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stderr
    problems = [line for line in result.stderr.splitlines() if line.startswith(("error:", "skipped:"))]
    if result.exit_code == 0:
        assert not problems and all(json.loads(line)["doc_id"] for line in result.stdout.splitlines())
    else:
        assert result.exit_code == 1 and len(problems) == 1, result.stderr
