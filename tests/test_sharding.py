"""Shards: planned in reading order, scored exactly as the single-machine path, kept whole, joined in order.

The Ray side (tests/test_ray_engine.py) is slow; what decides its output is here, without Ray.
"""

import gzip
import json
import sys

import pytest

from framing.errors import FramingError
from framing.sharding import PartStore, Shard, merge_runs, plan_shards, score_shard
from framing.streaming import JsonlWriter, ScoreRun, score_stream
from framing.text.reader import iter_documents


def corpus(path, n, bad_line=None):
    lines = [json.dumps({"id": f"d{i:03d}", "text": f"Russia warned Ukraine in note {i}. China and the EU agreed."})
             for i in range(n)]
    if bad_line is not None:
        lines[bad_line - 1] = '{"id": "broken", "text": '
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt") as f:
        f.write("\n".join(lines) + "\n")
    return path


def local_jsonl(analyzer, paths, **options):
    import io

    buffer = io.StringIO()
    score_stream(analyzer, iter_documents([str(p) for p in paths]), JsonlWriter(buffer), **options)
    return buffer.getvalue()


def test_plan_follows_reading_order(tmp_path):
    data = corpus(tmp_path / "a.jsonl.gz", 7)
    folder = tmp_path / "texts"
    (folder / "2024").mkdir(parents=True)
    for name in ("x.txt", "2024/y.md", "z.html"):
        (folder / name).write_text("Putin met Xi.")
    corpus(folder / "w.jsonl", 2)
    shards, bad = plan_shards([str(data), str(folder), str(tmp_path / "missing.jsonl")], shard_documents=3)
    assert [(s.path and s.path.rsplit("/", 1)[-1], s.first_line, s.lines) for s in shards if s.path] == \
        [("a.jsonl.gz", 1, 3), ("a.jsonl.gz", 4, 3), ("a.jsonl.gz", 7, 1), ("w.jsonl", 1, 2)]
    assert [[doc_id for _, doc_id in s.files] for s in shards if s.files] == [["2024/y"], ["x", "z"]]
    assert [s.number for s in shards] == list(range(6))
    assert bad == [f"{tmp_path / 'missing.jsonl'}: no such file or directory"]
    assert all(Shard.from_json(s.to_json()) == s for s in shards)


def test_plan_refuses_stdin():
    with pytest.raises(FramingError, match="standard input"):
        plan_shards(["-"])


def test_shards_score_as_the_whole_corpus(analyzer, tmp_path):
    data = corpus(tmp_path / "c.jsonl", 11)
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "one.txt").write_text("Moscow and Beijing pledged a united front. Kyiv objected.")
    paths = [data, tmp_path / "t"]
    shards, _ = plan_shards([str(p) for p in paths], shard_documents=4)
    assert len(shards) == 4
    assert "".join(score_shard(analyzer, s)[0] for s in shards) == local_jsonl(analyzer, paths)


def test_bad_line_keeps_its_number_in_a_later_shard(analyzer, tmp_path):
    data = corpus(tmp_path / "c.jsonl", 9, bad_line=6)
    shards, _ = plan_shards([str(data)], shard_documents=4)
    _, run = score_shard(analyzer, shards[1])
    assert run.stopped_on.startswith(f"{data}:6: expected one JSON object a line")
    text, run = score_shard(analyzer, shards[1], skip_bad=True)
    assert run.documents == 3 and len(run.bad) == 1 and run.stopped_on is None
    assert [json.loads(line)["doc_id"] for line in text.splitlines()][::2] == ["d004", "d006", "d007"]


def test_merge_lists_messages_up_to_the_first_stop():
    runs = [ScoreRun(2, 4, bad=["a:1: bad"]), ScoreRun(1, 2, bad=["a:5: bad"], stopped_on="a:5: bad"),
            ScoreRun(3, 6, bad=["a:9: bad"], stopped_on="a:9: bad")]
    merged = merge_runs(runs)
    assert (merged.documents, merged.sentences, merged.bad, merged.stopped_on) == (6, 12, ["a:1: bad", "a:5: bad"],
                                                                                   "a:5: bad")


def test_part_store_resumes_only_its_own_plan(tmp_path):
    out = tmp_path / "out.jsonl"
    plan = {"shards": [Shard(0, "c.jsonl", 1, 2).to_json(), Shard(1, "c.jsonl", 3, 2).to_json()], "scoring": {}}
    store = PartStore(out)
    assert store.open(plan, resume=False) == {}
    store.save(1, "second\n", ScoreRun(2, 3), '{"model_weights_sha256": "abc"}\n')
    assert PartStore(out).open(plan, resume=True) == {1: ScoreRun(2, 3)}
    with pytest.raises(FramingError, match="rerun without --resume"):
        PartStore(out).open({**plan, "scoring": {"precision": "int8"}}, resume=True)
    store.save(0, "first\n", ScoreRun(2, 2), '{"model_weights_sha256": "abc"}\n')
    store.join(2)
    assert out.read_text() == "first\nsecond\n"
    # the parts are gone; what scored them is the output's sidecar, as the local path writes it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "out.jsonl.framing.json"]
    assert json.loads((tmp_path / "out.jsonl.framing.json").read_text()) == {"model_weights_sha256": "abc"}
    with pytest.raises(FramingError, match="found the whole output"):
        PartStore(out).open(plan, resume=True)


def test_fresh_run_drops_old_parts(tmp_path):
    out = tmp_path / "out.jsonl"
    plan = {"shards": [Shard(0, "c.jsonl", 1, 2).to_json()], "scoring": {}}
    PartStore(out).open(plan, resume=False)
    PartStore(out).save(0, "old\n", ScoreRun(1, 1), "{}\n")
    assert PartStore(out).open(plan, resume=False) == {}


def test_engine_ray_without_ray_says_how_to_install(tiny_model, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from framing.cli import app

    monkeypatch.setitem(sys.modules, "ray", None)  # as if the extra were not installed
    data = corpus(tmp_path / "c.jsonl", 2)
    result = CliRunner().invoke(app, ["score", str(data), "--model", str(tiny_model), "--engine", "ray",
                                      "-f", "jsonl", "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: --engine ray: expected Ray Data to be installed, found none (ray is missing); "
        'install it with pip install -e ".[ray]"']
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl"]


def test_engine_ray_needs_a_jsonl_file(tmp_path):
    from typer.testing import CliRunner

    from framing.cli import app

    result = CliRunner().invoke(app, ["score", str(corpus(tmp_path / "c.jsonl", 2)), "--engine", "ray"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --engine ray writes JSONL to a file: pass --format jsonl and --out FILE"


def test_ray_options_without_engine_ray_are_refused(tmp_path):
    from typer.testing import CliRunner

    from framing.cli import app

    result = CliRunner().invoke(app, ["score", str(corpus(tmp_path / "c.jsonl", 2)), "--workers", "4"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --address and --workers are options of --engine ray; add --engine ray or drop them"
