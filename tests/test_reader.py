"""Bad and unusual input to `framing score` (tests/data/bad and tests/data/good)."""

import json

import pytest
from typer.testing import CliRunner

from framing.cli import app
from framing.text.reader import decode, html_to_text
from tests.conftest import DATA

runner = CliRunner()
BAD = DATA / "bad"
GOOD = DATA / "good"
CORPORA_WITH_GOOD_LINES = {"corpus.jsonl", "binary_line.jsonl", "truncated.jsonl.gz"}


def score(model, *paths, extra=()):
    return runner.invoke(app, ["score", *map(str, paths), "--model", str(model), "--format", "jsonl", *extra])


@pytest.mark.parametrize(
    "name, first_line",
    [
        ("empty.txt", "found an empty file"),
        ("whitespace.txt", "found an empty file"),
        ("report.pdf", "expected text, found a PDF"),
        ("chart.png", "expected text, found a PNG image"),
        ("article.txt.gz", "expected text, found a gzip archive"),
        ("binary.txt", "found binary data"),
        ("corpus.jsonl", "corpus.jsonl:2: expected one JSON object a line"),
        ("no_text_field.jsonl", "no_text_field.jsonl:1: expected a string field 'text'"),
        ("binary_line.jsonl", "binary_line.jsonl:2: expected text, found binary data"),
        ("truncated.jsonl.gz", "truncated.jsonl.gz: could not read it (Compressed file ended"),
    ],
)
def test_bad_inputs_fail_cleanly(tiny_model, name, first_line):
    result = score(tiny_model, BAD / name)
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert str(BAD / name) in first and first_line in first, first
    assert "Traceback" not in result.stderr
    if name in CORPORA_WITH_GOOD_LINES:  # the good documents before the bad line are kept
        assert result.stdout and all(json.loads(line)["doc_id"] for line in result.stdout.splitlines())
    else:
        assert result.stdout == ""


def test_missing_path_and_empty_directory(tiny_model, tmp_path):
    result = score(tiny_model, tmp_path / "nope.txt")
    assert result.exit_code == 1 and "no such file or directory" in result.stderr.splitlines()[0]
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "image.png").write_bytes(b"\x89PNG")
    result = score(tiny_model, tmp_path / "empty")
    assert result.exit_code == 1 and "directory has no" in result.stderr.splitlines()[0]


def test_skip_bad_counts_skips(tiny_model):
    result = score(tiny_model, BAD / "corpus.jsonl", extra=["--skip-bad"])
    assert result.exit_code == 0
    assert [json.loads(line)["doc_id"] for line in result.stdout.splitlines()] == ["a", "c"]
    assert "1 skipped as bad" in result.stderr


def test_one_bad_file_keeps_the_others(tiny_model):
    result = score(tiny_model, GOOD / "crlf.txt", BAD / "report.pdf", GOOD / "no_newline.txt")
    assert result.exit_code == 1
    docs = {json.loads(line)["doc_id"] for line in result.stdout.splitlines()}
    assert docs == {"crlf", "no_newline"}
    assert "report.pdf" in result.stderr


@pytest.mark.parametrize("name", sorted(p.name for p in GOOD.iterdir()))
def test_unusual_inputs_score(tiny_model, name):
    result = score(tiny_model, GOOD / name)
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records and all(r["text"].strip() for r in records)
    actors = {a["actor"] for r in records for a in r["actors"]}
    assert "Russia" in actors or "China" in actors


def test_decoding():
    assert decode("Kyiv’s".encode("utf-16"), "x") == "Kyiv’s"
    assert decode("“EU”".encode("cp1252"), "x") == "“EU”"
    assert decode(b"\xef\xbb\xbfBOM text", "x") == "BOM text"
    assert decode("café".encode("latin-1"), "x") == "café"


def test_html_drops_scripts():
    text = html_to_text("<p>Moscow</p><script>China()</script><p>Kyiv &amp; Minsk</p>")
    assert text == "Moscow\n\nKyiv & Minsk"


@pytest.mark.parametrize("page", [
    # Valid HTML5: </head>, </p>, </body> and </html> may all be left out.
    "<!doctype html><html><head><title>Page title</title><meta charset=utf-8>"
    "<p>Moscow warned Kyiv.<p>Beijing urged calm.",
    "<html><head><style>p {color: red}</style></head><body><p>Moscow warned Kyiv.</p>"
    "<div>Beijing <b>urged</b> calm.</div></body></html>",
])
def test_html_is_read_as_a_browser_reads_it(page):
    assert html_to_text(page) == "Moscow warned Kyiv.\n\nBeijing urged calm."


def test_huge_sentence_without_punctuation(tiny_model, tmp_path):
    path = tmp_path / "long.txt"
    words = ["word"] * 5000
    words[100], words[4900] = "Russia", "China"
    path.write_text(" ".join(words))
    result = score(tiny_model, path)
    assert result.exit_code == 0
    actors = [a["actor"] for line in result.stdout.splitlines() for a in json.loads(line)["actors"]]
    assert actors == ["Russia", "China"]


def test_gzipped_jsonl_corpus(tiny_model, tmp_path):
    import gzip

    path = tmp_path / "corpus.jsonl.gz"
    with gzip.open(path, "wt") as f:
        f.write(json.dumps({"id": "u1", "text": "Russia warned Ukraine."}) + "\n")
    result = score(tiny_model, path)
    assert result.exit_code == 0 and json.loads(result.stdout)["doc_id"] == "u1"


def _score_repeated_seed(tiny_model, folder, megabytes):
    """Score the seed article repeated to ``megabytes`` in a fresh process; returns its peak
    RSS (MB), the text, the output path and the expected sentence count."""
    import subprocess
    import sys

    from framing.text.segment import split_sentences
    from tests.conftest import SEED_ARTICLE

    seed = SEED_ARTICLE.read_text(encoding="utf-8")
    copies = megabytes * 1024 * 1024 // len(seed.encode("utf-8")) + 1
    article, out = folder / f"article-{megabytes}.txt", folder / f"article-{megabytes}.jsonl"
    article.write_text("\n\n".join([seed] * copies), encoding="utf-8")
    # The child reports its own high-water mark (VmHWM): ru_maxrss of a child forked from
    # this test process would start at the parent's size.
    child = ("import sys\nfrom framing.benchmark import own_peak_rss_mb\nfrom framing.cli import app\ntry:\n"
             "    app(sys.argv[1:])\nexcept SystemExit as e:\n    assert not e.code, e.code\nprint(own_peak_rss_mb())")
    done = subprocess.run([sys.executable, "-c", child, "score", str(article), "--model", str(tiny_model), "-f", "jsonl",
                           "-o", str(out), "--no-progress"], check=True, capture_output=True, text=True)
    return float(done.stdout.splitlines()[-1]), article.read_text(encoding="utf-8"), out, \
        len(split_sentences(seed)) * copies


@pytest.mark.slow
def test_long_article_in_bounded_memory(tiny_model, tmp_path):
    """One article scored whole, slice by slice: 9 MB (59,000 sentences) peaks within a few MB of
    1 MB. Holding every result would add about 45 MB per MB of text (2.9 GB at 50 MB before
    scoring was sliced); the text itself is held, as bytes and as a string."""
    small_mb, small, _, _ = _score_repeated_seed(tiny_model, tmp_path, 1)
    peak_mb, text, out, expected = _score_repeated_seed(tiny_model, tmp_path, 9)
    assert peak_mb - small_mb < 3 * 8 + 40, f"peak RSS {small_mb:.0f} MB at 1 MB, {peak_mb:.0f} MB at 9 MB"
    count = 0
    with out.open(encoding="utf-8") as f:
        for count, line in enumerate(f, 1):
            if count % 97 == 1:  # a sample: offsets index the whole text
                record = json.loads(line)
                assert text[record["start"] : record["end"]] == record["text"]
                assert record["sentence_id"] == count - 1 and record["doc_sentences"] == expected
    assert count == expected


def test_same_named_files_in_subfolders_get_distinct_ids(tiny_model, tmp_path):
    for folder in ("2023", "2024"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "speech.txt").write_text("Russia warned Kyiv.")
    (tmp_path / "top.txt").write_text("China agreed.")
    result = score(tiny_model, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["doc_id"] for line in result.stdout.splitlines()] == ["2023/speech", "2024/speech", "top"]


def test_duplicate_ids_are_warned_about(tiny_model, tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps({"id": "x", "text": t}) + "\n" for t in ("Russia warned.", "China agreed.")))
    result = score(tiny_model, path)
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: document ids seen more than once: 'x'")
