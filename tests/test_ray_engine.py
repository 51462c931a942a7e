"""framing score --engine ray on a local Ray instance of 2 workers: the local path's records,
resumable after a kill, a dead worker retried, a bad line stopped at with its number.

Each run starts Ray in a subprocess (its own session, so a killed run's Ray processes are
killed with it): slow, and needs the extra (pip install -e ".[ray]"; CI installs it).
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_sharding import corpus, local_jsonl

pytestmark = pytest.mark.slow
TOLERANCE = 1e-5  # fp32 probabilities


def framing(*args, engine="ray", timeout=300, **popen):
    command = [sys.executable, "-m", "framing", "score", *map(str, args), "-f", "jsonl", "--no-progress"]
    if engine == "ray":
        command += ["--engine", "ray", "--workers", "2"]
    else:
        command += ["--threads", "1"]
    if popen:
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def without_probabilities(record: dict) -> dict:
    return {**record, "frames": sorted(record["frames"]),
            "actors": [{k: v for k, v in a.items() if k != "scores"} for a in record["actors"]]}


def probabilities(record: dict) -> list[float]:
    return [*record["frames"].values(), *(p for a in record["actors"] for p in a["scores"].values())]


def wait_for_parts(out: Path, process, at_least: int):
    parts = out.parent / f".{out.name}.parts"
    deadline = time.time() + 240
    while time.time() < deadline and process.poll() is None and len(list(parts.glob("*.jsonl"))) < at_least:
        time.sleep(0.05)
    assert process.poll() is None, f"finished before it could be interrupted: {process.stderr.read()}"


def descendants(pid: int) -> list[int]:
    """Processes started under ``pid`` (Ray's raylet and its workers), from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        below = children.get(todo.pop(), [])
        found += below
        todo += below
    return found


def test_ray_scores_the_records_of_the_local_path(tiny_model, tmp_path):
    data = corpus(tmp_path / "c.jsonl.gz", 40)
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text("Moscow and Beijing pledged a united front. Kyiv objected. " * 3)
    (folder / "b.html").write_text("<p>Putin met Xi in Beijing.<p>The EU and NATO warned Russia.")
    local, ray = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    assert framing(data, folder, "--model", tiny_model, "-o", local, engine="local").returncode == 0
    result = framing(data, folder, "--model", tiny_model, "-o", ray, "--shard-documents", "7")
    assert result.returncode == 0, result.stderr
    expected, got = records(local), records(ray)
    assert [without_probabilities(r) for r in got] == [without_probabilities(r) for r in expected]
    assert max(abs(a - b) for r, s in zip(got, expected) for a, b in zip(probabilities(r), probabilities(s))) \
        <= TOLERANCE
    summary = result.stderr.splitlines()[-1]
    assert summary.startswith(f"42 documents, {len(expected)} sentences in ") and summary.endswith(" sentences/s)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl.gz", "local.jsonl", "local.jsonl.framing.json",
                                                          "ray.jsonl", "ray.jsonl.framing.json", "texts"]
    # the same record of what scored them, so the local path's --resume accepts either
    assert (tmp_path / "ray.jsonl.framing.json").read_text() == (tmp_path / "local.jsonl.framing.json").read_text()


def test_killed_run_resumes_with_only_the_missing_shards(tiny_model, tmp_path):
    data = corpus(tmp_path / "c.jsonl", 3000)
    out, reference = tmp_path / "out.jsonl", tmp_path / "ref.jsonl"
    assert framing(data, "--model", tiny_model, "-o", reference, engine="local").returncode == 0
    options = [data, "--model", tiny_model, "-o", out, "--shard-documents", "100"]
    process = framing(*options, popen=True)
    wait_for_parts(out, process, at_least=3)
    os.killpg(process.pid, signal.SIGKILL)  # the driver and the Ray it started, as a crash would
    process.wait()
    assert not out.exists()
    resumed = framing(*options, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert out.read_bytes() == reference.read_bytes()
    scored, done = resumed.stderr.splitlines()[-1].split(" documents, ")[0], resumed.stderr.split(", ")[-1]
    assert done.endswith(" already done\n") and int(scored) + int(done.split()[0]) == 3000 and int(scored) < 3000


def test_a_dead_worker_is_retried_without_losing_or_doubling_records(tiny_model, tmp_path):
    data = corpus(tmp_path / "c.jsonl", 3000)
    out, reference = tmp_path / "out.jsonl", tmp_path / "ref.jsonl"
    assert framing(data, "--model", tiny_model, "-o", reference, engine="local").returncode == 0
    process = framing(data, "--model", tiny_model, "-o", out, "--shard-documents", "100", popen=True)
    wait_for_parts(out, process, at_least=2)
    workers = [pid for pid in descendants(process.pid)
               if b"MapWorker" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert workers
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    assert out.read_bytes() == reference.read_bytes()


def test_bad_line_stops_with_its_number_then_resumes_past_it(tiny_model, tmp_path):
    data = corpus(tmp_path / "c.jsonl", 20, bad_line=13)
    out, reference = tmp_path / "out.jsonl", tmp_path / "ref.jsonl"
    options = [data, "--model", tiny_model, "-o", out, "--shard-documents", "5"]
    stopped = framing(*options)
    assert stopped.returncode == 1
    assert f"error: {data}:13: expected one JSON object a line, found invalid JSON" in stopped.stderr
    assert "Traceback" not in stopped.stderr and not out.exists()
    assert framing(data, "--model", tiny_model, "-o", reference, "--skip-bad", engine="local").returncode == 0
    resumed = framing(*options, "--resume", "--skip-bad")
    assert resumed.returncode == 0, resumed.stderr
    assert f"skipped: {data}:13: expected one JSON object" in resumed.stderr
    assert out.read_bytes() == reference.read_bytes()


def test_benchmark_engines_prints_figures(tiny_model, tmp_path):
    data = corpus(tmp_path / "c.jsonl", 200)
    figures_file = tmp_path / "engines.json"
    done = subprocess.run([sys.executable, "-m", "framing", "benchmark", "engines", "--corpus", str(data), "--model",
                           str(tiny_model), "--repeats", "1", "--shard-documents", "50", "--json", str(figures_file)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    figures = json.loads(figures_file.read_text())
    assert figures["sentences"] == 400 and figures["same_output"]
    assert [r["engine"] for r in figures["runs"]] == ["local", "local, 1 thread", "ray, 2 workers x 1 thread"]
    assert all(r["median_wall_s"] > 0 and r["median_rate"] > 0 for r in figures["runs"])
    assert "ray," in done.stdout and "identical" in done.stdout  # the table (its cells wrap at 80 columns)


def test_storage_uris_read_as_local_paths(analyzer, tmp_path):
    """file:// goes through pyarrow's file systems, the code that reads s3:// and gs://."""
    from framing.sharding import plan_shards, score_shard

    folder = tmp_path / "archive"
    (folder / "2024").mkdir(parents=True)
    corpus(folder / "2024" / "c.jsonl.gz", 9)
    (folder / "a.txt").write_text("Moscow and Beijing pledged a united front. Kyiv objected.")
    (folder / "b.html").write_text("<p>Putin met Xi in Beijing.<p>The EU and NATO warned Russia.")
    uri = folder.as_uri()
    shards, bad = plan_shards([uri, f"{uri}/missing.jsonl"], shard_documents=4)
    assert bad == [f"{uri}/missing.jsonl: no such file or directory"]
    assert [s.path for s in shards if s.path] == [f"{uri}/2024/c.jsonl.gz"] * 3
    assert [doc_id for s in shards for _, doc_id in s.files] == ["a", "b"]
    assert "".join(score_shard(analyzer, s)[0] for s in shards) == local_jsonl(analyzer, [folder])
