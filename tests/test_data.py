import json
from pathlib import Path

import pytest

from framing.data.gold import check, read_examples, stats
from framing.errors import DataError

GOOD = {"id": "a1", "doc_id": "d1", "source": "s", "text": "Moscow warned Kyiv.", "frames": ["rivalry"],
        "actors": [{"actor": "Russia", "mention": "Moscow", "start": 0, "end": 6, "sentiment": "negative"}],
        "split": "train"}


def write(tmp_path, rows, name="gold.jsonl"):
    path = tmp_path / name
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_reads_good_rows(tmp_path):
    [ex] = read_examples([write(tmp_path, [GOOD])])
    assert ex.frames == ["rivalry"] and ex.mentions[0].actor == "Russia" and ex.split == "train"


@pytest.mark.parametrize(
    "row, message",
    [
        ("{not json", "not valid JSON"),
        (dict(GOOD, text=""), "non-empty string in 'text'"),
        (dict(GOOD, frames=["hope"]), "unknown frame 'hope'"),
        (dict(GOOD, split="holdout"), "split must be one of"),
        (dict(GOOD, actors=[dict(GOOD["actors"][0], start=1)]), "not the mention 'Moscow'"),
        (dict(GOOD, actors=[dict(GOOD["actors"][0], end=99)]), "outside the text"),
        (dict(GOOD, actors=[dict(GOOD["actors"][0], sentiment="angry")]), "sentiment must be one of"),
        (dict(GOOD, actors=[{"mention": "Moscow"}]), "missing start, end"),
    ],
)
def test_problems_name_file_and_line(tmp_path, row, message):
    path = write(tmp_path, [GOOD, row])
    with pytest.raises(DataError) as info:
        read_examples([path])
    assert info.value.problems[0].startswith(f"{path}:2: ")
    assert message in info.value.problems[0]


def test_all_problems_are_listed(tmp_path):
    path = write(tmp_path, [dict(GOOD, frames=["x"]), "{", dict(GOOD, split="y")])
    with pytest.raises(DataError) as info:
        read_examples([path])
    assert [p.split(":")[1] for p in info.value.problems] == ["1", "2", "3"]


def test_frames_null_means_unlabelled(tmp_path):
    [ex] = read_examples([write(tmp_path, [dict(GOOD, frames=None)])])
    assert ex.frames is None


def test_newsmtsc_lines(tmp_path):
    row = {"primary_gid": "allsides_1_2_3_x", "sentence_normalized": "Trump met Xi.",
           "targets": [{"from": 0, "to": 5, "mention": "Trump", "polarity": 6.0}]}
    [ex] = read_examples([write(tmp_path, [row])])
    assert ex.frames is None and ex.mentions[0].sentiment == "positive" and ex.doc_id == "newsmtsc-allsides_1_2"


def test_check_cross_file(tmp_path):
    a = write(tmp_path, [GOOD], "a.jsonl")
    b = write(tmp_path, [dict(GOOD, split="test"), dict(GOOD, id="a2", text="Other.", actors=[], split="test")], "b.jsonl")
    problems = check([a, b])
    assert any("duplicate id 'a1'" in p for p in problems)
    assert any("same text in split test and train" in p for p in problems)
    assert any("document 'd1' is in several splits" in p for p in problems)
    assert check([a]) == []


def test_missing_file(tmp_path):
    problems = check([tmp_path / "nope.jsonl"])
    assert problems == [f"{tmp_path / 'nope.jsonl'}: file not found"]


def test_stats_counts(tmp_path):
    counts = stats(read_examples([write(tmp_path, [GOOD, dict(GOOD, id="b", frames=[], split="dev")])]))
    assert counts["sentences"] == {"train": 1, "dev": 1}
    assert counts["frames"][("rivalry", "train")] == 1
    assert counts["no_frame"]["dev"] == 1
    assert counts["sentiment"][("negative", "train")] == 1


def test_committed_gold_is_valid():
    from pathlib import Path

    gold = Path(__file__).resolve().parent.parent / "eval" / "gold" / "gold.jsonl"
    assert check([gold]) == []


BAD_GOLD = Path(__file__).parent / "data" / "bad" / "gold"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("malformed_json.jsonl", [":2: not valid JSON"]),
        ("missing_keys.jsonl", [":2: expected a non-empty string in 'text'"]),
        ("unknown_frame.jsonl", [":2: unknown frame 'hope'"]),
        ("unknown_sentiment.jsonl", [":2: actor 1 sentiment must be one of"]),
        ("offset_mismatch.jsonl", [":2: actor 1 text[1:7] is 'oscow ', not the mention 'Moscow'; fix start/end"]),
        ("duplicate_ids.jsonl", [":2: duplicate id 'a1'"]),
        ("several_problems.jsonl", [":1: unknown frame", ":2: not valid JSON", ":3: split must be one of"]),
        ("empty.jsonl", [": expected JSONL rows (one JSON object a line), found an empty file"]),
    ],
)
def test_bad_gold_battery(name, expected):
    """`framing data check` on each file of tests/data/bad/gold: every problem, file:line, exit 1."""
    from typer.testing import CliRunner

    from framing.cli import app

    path = BAD_GOLD / name
    result = CliRunner().invoke(app, ["data", "check", str(path)])
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == len(expected) + 1 and "Traceback" not in result.stderr
    for line, fragment in zip(lines, expected):
        assert line.startswith(f"{path}:") and fragment in line, line
    assert lines[-1].startswith(f"{len(expected)} problem")
