"""The labelling loop: select, export to an annotation tool, import its export, check.

The tool exports in tests/data/tools were written by hand from each tool's documented
export format: a task annotated once, one never annotated, one skipped, one annotated by
two annotators who agree and one by two who disagree.
"""

import json

import pytest
from typer.testing import CliRunner

from framing.cli import app
from framing.data.annotations import NO_FRAME
from framing.data.gold import check, read_examples
from tests.conftest import DATA, ROOT

TOOLS = DATA / "tools"
SAMPLE = ROOT / "eval" / "bench" / "un-kremlin-sample.jsonl"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def rows_of(path):
    return {r["id"]: r for r in map(json.loads, path.read_text().splitlines())}


# --- select -------------------------------------------------------------------------

def select(tmp_path, name, *extra):
    out = tmp_path / name
    result = run("data", "select", SAMPLE, "-o", out, *extra)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_select_is_seeded_spread_and_leaves_gold_out(tiny_model, tmp_path):
    gold = tmp_path / "gold.jsonl"
    first = select(tmp_path, "a.jsonl", "--n", "30", "--model", tiny_model, "--seed", "3")
    # Two of the picked sentences become "gold": a rerun must not pick them or their documents.
    gold.write_text("".join(json.dumps({"id": f"g{k}", "doc_id": r["doc_id"], "text": r["text"], "frames": [],
                                        "actors": [], "split": "train"}) + "\n" for k, r in enumerate(first[:2])))
    again = select(tmp_path, "b.jsonl", "--n", "30", "--model", tiny_model, "--seed", "3")
    assert again == first  # same corpus, seed and model: the same batch
    other = select(tmp_path, "c.jsonl", "--n", "30", "--model", tiny_model, "--seed", "4")
    assert [r["id"] for r in other] != [r["id"] for r in first]
    assert len({r["doc_id"] for r in first}) == 30  # 60 documents: one sentence each
    without = select(tmp_path, "d.jsonl", "--n", "30", "--model", tiny_model, "--seed", "3", "--gold", gold)
    assert not {r["doc_id"] for r in without} & {r["doc_id"] for r in first[:2]}
    record = first[0]
    documents = {d["id"]: d["text"] for d in map(json.loads, SAMPLE.read_text(encoding="utf-8").splitlines())}
    assert all(r["text"] in documents[r["doc_id"]] for r in first)
    assert set(record["predictions"]["frames"]) == {"solidarity", "caution", "rivalry", "dependency"}
    assert len(record["predictions"]["sentiments"]) == len(record["actors"])
    for a in record["actors"]:
        assert record["text"][a["start"]:a["end"]] == a["mention"]


def test_random_selection_has_the_model_read_only_the_picks(tiny_model):
    """Random ranks nothing, so the model predicts the n picks, not the 20 x n pool; the picks
    and their pre-annotations are what predicting the whole pool gave."""
    from framing.data import select as selection
    from framing.inference import FramingAnalyzer
    from framing.text.reader import iter_documents

    analyzer = FramingAnalyzer.load(tiny_model)
    read = []
    real_predict = analyzer.predict

    def counting(texts, spans):
        read.append(len(texts))
        return real_predict(texts, spans)

    analyzer.predict = counting
    picks, _ = selection.select(iter_documents([str(SAMPLE)]), 12, "random", analyzer, seed=5, pool_size=240)
    assert sum(read) == 12
    ranked, _ = selection.select_mix(iter_documents([str(SAMPLE)]), {"random": 12, "uncertainty": 1}, analyzer,
                                     seed=5, pool_size=240)
    assert sum(read) > 12 + 13  # a ranking strategy: the whole pool is read
    assert [c.to_record(5, "m") for c in picks] == [c.to_record(5, "m") for c in ranked[:12]]


def test_uncertainty_ranks_by_distance_to_the_thresholds(tiny_model, tmp_path):
    picked = select(tmp_path, "u.jsonl", "--n", "20", "--model", tiny_model, "--strategy", "uncertainty",
                    "--pool", "400")
    scores = [r["selection"]["score"] for r in picked]
    assert all(0.0 <= s <= 1.0 for s in scores) and min(scores) > 0.5
    # The score is 1 minus the smallest normalised distance to a threshold, or a sentiment margin.
    from framing.inference import FramingAnalyzer

    thresholds = FramingAnalyzer.load(tiny_model).config.thresholds
    r = picked[0]
    frame = max(1 - abs(p - thresholds[f]) / max(thresholds[f], 1 - thresholds[f])
                for f, p in r["predictions"]["frames"].items())
    margins = [1 - (sorted(s.values())[-1] - sorted(s.values())[-2]) for s in r["predictions"]["sentiments"]]
    assert r["selection"]["score"] == pytest.approx(max([frame] + margins), abs=1e-3)


class StubAnalyzer:
    """Predicts dependency (a rare frame) for sentences about gas, solidarity for the rest."""

    def __init__(self):
        from framing.model.config import ModelConfig
        from framing.text.actors import ActorRegistry

        self.config, self.registry = ModelConfig(), ActorRegistry.load()

    def predict(self, texts, spans):
        frames = [[0.9, 0.1, 0.1, 0.8 if "gas" in t else 0.02] for t in texts]
        return frames, [[[0.2, 0.6, 0.2]] * len(sp) for sp in spans]


def test_rare_oversamples_the_rarest_predicted_frame():
    from framing.data.select import select as run_select
    from framing.text.reader import Document

    towns = [a + b + "ville" for a in "abcdefghij" for b in "abcdefghijklmnopqrst"]  # 200 distinct words
    documents = [Document(f"d{k}", f"Russia sells {'gas' if k % 10 == 0 else 'grain'} to its neighbours in "
                                   f"{town} this year.", "x") for k, town in enumerate(towns)]
    picks, stats = run_select(documents, 20, "rare", StubAnalyzer(), seed=1)
    assert stats.candidates == 200 and stats.duplicates == 0
    gas = sum("gas" in c.text for c in picks)
    assert gas >= 7  # 10% of the pool, over a third of the picks
    random_picks, _ = run_select(documents, 20, "random", StubAnalyzer(), seed=1)
    assert sum("gas" in c.text for c in random_picks) < gas


def test_likely_takes_the_likeliest_instances_of_one_frame():
    from framing.data.select import select as run_select
    from framing.errors import FramingError
    from framing.text.reader import Document

    towns = [a + b + "ville" for a in "abcdefghij" for b in "abcdefghijklmnopqrst"]
    documents = [Document(f"d{k}", f"Russia sells {'gas' if k % 10 == 0 else 'grain'} to its neighbours in "
                                   f"{town} this year.", "x") for k, town in enumerate(towns)]
    picks, _ = run_select(documents, 20, "likely:dependency", StubAnalyzer(), seed=1)
    assert sum("gas" in c.text for c in picks) == 20  # all 20 of the pool's likely instances
    assert {c.strategy for c in picks} == {"likely:dependency"} and all(c.score == 0.8 for c in picks)
    for bad in ("likely:hope", "likely", "likely:"):
        with pytest.raises(FramingError, match="likely"):
            run_select(documents, 5, bad, StubAnalyzer())


def test_near_duplicates_are_offered_once():
    from framing.data.select import select as run_select
    from framing.text.reader import Document

    documents = [Document(f"d{k}", f"In {2000 + k}, Russia and China signed {k} agreements on trade.", "x")
                 for k in range(5)]
    picks, stats = run_select(documents, 5, "random")
    assert len(picks) == 1 and stats.duplicates == 4


def test_strategies_that_rank_need_a_model_and_outputs_are_not_overwritten(tmp_path):
    out = tmp_path / "batch.jsonl"
    out.write_text("my labels\n")
    result = run("data", "select", SAMPLE, "-o", out, "--n", "5")
    assert result.exit_code == 1 and "exists; choose another --out" in result.stderr
    assert out.read_text() == "my labels\n"
    result = run("data", "select", SAMPLE, "-o", tmp_path / "x.jsonl", "--strategy", "clever")
    assert result.exit_code == 1 and "--strategy must be one of" in result.stderr


# --- import: hand-written exports ----------------------------------------------------

def import_(tmp_path, tool, *exports, extra=()):
    out = tmp_path / f"{tool}.jsonl"
    result = run("data", "import", *exports, "--from", tool, "--split", "train", "-o", out, "--codebook", "1.1",
                 *extra)
    assert result.exit_code == 0, result.stderr
    return out, result


def test_label_studio_export(tmp_path):
    out, result = import_(tmp_path, "label-studio", TOOLS / "label_studio_export.json")
    rows = rows_of(out)
    assert set(rows) == {"doc-1#0", "doc-3#4"}
    first = rows["doc-1#0"]
    assert first["frames"] == ["rivalry"] and first["annotator"] == "alice@example.org"
    assert [(a["actor"], a["mention"], a["sentiment"]) for a in first["actors"]] == [
        ("Russia", "Moscow", "negative"), ("Ukraine", "Kyiv", "neutral"), ("NATO", "NATO", "neutral")]
    assert rows["doc-3#4"]["annotator"] == "alice@example.org+bob@example.org"
    assert first["batch"] == "label_studio_export" and first["codebook"] == "1.1" and first["split"] == "train"
    conflicts = rows_of(out.with_suffix(".conflicts.jsonl"))
    assert list(conflicts) == ["doc-4#0"]
    assert conflicts["doc-4#0"]["annotations"]["bob@example.org"]["frames"] == ["caution", "solidarity"]
    assert "1 in conflict" in result.stderr and "1 skipped, 1 not annotated" in result.stderr
    assert check([out]) == []  # valid gold


def test_doccano_exports_one_file_per_annotator(tmp_path):
    out, result = import_(tmp_path, "doccano", TOOLS / "doccano" / "alice.jsonl", TOOLS / "doccano" / "bob.jsonl")
    rows = rows_of(out)
    assert set(rows) == {"doc-1#0", "doc-3#4", "doc-5#2"}
    assert rows["doc-1#0"]["annotator"] == "alice+bob" and rows["doc-3#4"]["annotator"] == "alice"
    assert rows["doc-5#2"]["frames"] == []  # "no-frame" is an answer
    assert [(a.get("actor"), a["sentiment"]) for a in rows["doc-1#0"]["actors"]] == [
        ("Russia", "negative"), ("Ukraine", "neutral"), ("NATO", "neutral")]  # NATO: from the registry
    assert list(rows_of(out.with_suffix(".conflicts.jsonl"))) == ["doc-4#0"]  # Moscow: neutral or positive
    assert "1 not annotated" in result.stderr
    assert check([out]) == []


def test_prodigy_db_out(tmp_path):
    out, result = import_(tmp_path, "prodigy", TOOLS / "prodigy_export.jsonl")
    rows = rows_of(out)
    assert set(rows) == {"doc-1#0", "doc-3#4"}
    assert rows["doc-3#4"]["annotator"] == "framing_batch-alice+framing_batch-bob"
    assert [a["actor"] for a in rows["doc-1#0"]["actors"]] == ["Russia", "Ukraine", "NATO"]
    assert list(rows_of(out.with_suffix(".conflicts.jsonl"))) == ["doc-4#0"]
    assert "2 skipped" in result.stderr  # ignore and reject
    assert check([out]) == []


# --- export, then import what an annotator who accepts every prediction sends back ----------

def accept_predictions(tool, tasks):
    if tool == "label-studio":
        return [dict(t, id=k, annotations=[{"id": k, "completed_by": {"id": 1, "email": "a@x"},
                                            "was_cancelled": False, "result": t["predictions"][0]["result"]}])
                for k, t in enumerate(tasks)]
    if tool == "doccano":
        return [dict(t, cats=t["predicted_frames"] or [NO_FRAME]) for t in tasks]
    return [dict(t, answer="accept", _annotator_id="batch-a", accept=t["accept"] or [NO_FRAME]) for t in tasks]


@pytest.mark.parametrize("tool, suffix", [("label-studio", ".json"), ("doccano", ".jsonl"), ("prodigy", ".jsonl")])
def test_round_trip(tiny_model, tmp_path, tool, suffix):
    batch = tmp_path / "batch.jsonl"
    assert run("data", "select", SAMPLE, "--n", "25", "--model", tiny_model, "-o", batch).exit_code == 0
    tasks_file = tmp_path / f"tasks{suffix}"
    result = run("data", "export", batch, "--to", tool, "-o", tasks_file)
    assert result.exit_code == 0, result.stderr
    text = tasks_file.read_text()
    tasks = json.loads(text) if suffix == ".json" else [json.loads(line) for line in text.splitlines()]
    annotated = tmp_path / f"annotated{suffix}"
    answers = accept_predictions(tool, tasks)
    annotated.write_text(json.dumps(answers) if suffix == ".json" else "".join(json.dumps(t) + "\n" for t in answers))
    out, _ = import_(tmp_path, tool, annotated)
    rows = rows_of(out)
    for record in map(json.loads, batch.read_text().splitlines()):
        row = rows[record["id"]]
        assert row["text"] == record["text"] and row["doc_id"] == record["doc_id"]
        assert sorted(row["frames"]) == sorted(record["predictions"]["labels"])
        expected = [(a["actor"], a["start"], a["end"], max(s, key=s.get))
                    for a, s in zip(record["actors"], record["predictions"]["sentiments"])]
        assert [(a["actor"], a["start"], a["end"], a["sentiment"]) for a in row["actors"]] == expected
    assert check([out]) == []
    if tool == "label-studio":
        assert "<Choice value=\"dependency\"" in tasks_file.with_suffix(".xml").read_text()


@pytest.mark.slow  # CI installs the optional extra for the slow step
def test_label_studio_sdk_accepts_config_tasks_and_the_hand_written_export(tiny_model, tmp_path):
    sdk = pytest.importorskip("label_studio_sdk.label_interface", reason="optional extra: pip install -e '.[label-studio]'")
    batch, tasks_file = tmp_path / "batch.jsonl", tmp_path / "tasks.json"
    assert run("data", "select", SAMPLE, "--n", "10", "--model", tiny_model, "-o", batch).exit_code == 0
    assert run("data", "export", batch, "--to", "label-studio", "-o", tasks_file).exit_code == 0
    interface = sdk.LabelInterface(tasks_file.with_suffix(".xml").read_text())
    for task in json.loads(tasks_file.read_text()):
        assert interface.validate_prediction(task["predictions"][0], return_errors=True) == []
    for task in json.loads((TOOLS / "label_studio_export.json").read_text()):
        for answer in task["annotations"]:
            assert interface.validate_annotation(answer)


# --- bad input -------------------------------------------------------------------------

def label_studio_task(text="Moscow warned Kyiv.", frames=("rivalry",), spans=((0, 6, "Moscow", "negative"),)):
    result = [{"id": "frames", "from_name": "frames", "to_name": "text", "type": "choices",
               "value": {"choices": list(frames)}}]
    for k, (start, end, mention, sentiment) in enumerate(spans):
        result += [{"id": f"r{k}", "from_name": "mention", "to_name": "text", "type": "labels",
                    "value": {"start": start, "end": end, "text": mention, "labels": ["actor"]}},
                   {"id": f"r{k}", "from_name": "sentiment", "to_name": "text", "type": "choices",
                    "value": {"start": start, "end": end, "choices": [sentiment]}}]
    return {"id": 7, "data": {"text": text, "framing_id": "d#0"},
            "annotations": [{"id": 1, "completed_by": 1, "was_cancelled": False, "result": result}]}


@pytest.mark.parametrize("content, tool, message", [
    ((TOOLS / "prodigy_export.jsonl").read_text(), "label-studio", "looks like a Prodigy export"),
    ((TOOLS / "label_studio_export.json").read_text(), "doccano", "looks like a Label Studio export"),
    (json.dumps([label_studio_task(text="")]), "label-studio", "task 7: the task has no text"),
    (json.dumps([label_studio_task(spans=((0, 6, "Moscow", "negative"), (3, 10, "cow war", "neutral")))]),
     "label-studio", "overlap"),
    (json.dumps([label_studio_task(spans=((14, 40, "Kyiv.", "neutral"),))]), "label-studio", "outside the text"),
    (json.dumps([label_studio_task(spans=((0, 6, "Minsk", "neutral"),))]), "label-studio", "not 'Minsk'"),
    (json.dumps([label_studio_task(frames=("economic",))]), "label-studio", "frame 'economic' is not in the taxonomy"),
    (json.dumps([label_studio_task(spans=((0, 6, "Moscow", "angry"),))]), "label-studio", "sentiment 'angry'"),
    ("", "prodigy", "export is empty"),
    ("[]", "label-studio", "holds no tasks"),
])
def test_bad_exports_fail_in_one_line_and_write_nothing(tmp_path, content, tool, message):
    export = tmp_path / "export.json"
    export.write_text(content)
    out = tmp_path / "gold.jsonl"
    result = run("data", "import", export, "--from", tool, "-o", out)
    assert result.exit_code == 1 and result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"error: {export}") and message in first, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() and not out.with_suffix(".conflicts.jsonl").exists()


def test_gold_from_an_import_trains_with_the_rest(tmp_path):
    """Imported rows read as gold: the schema the trainer and evaluator read."""
    out, _ = import_(tmp_path, "label-studio", TOOLS / "label_studio_export.json")
    rows = read_examples([out])
    assert {ex.split for ex in rows} == {"train"} and all(ex.frames is not None for ex in rows)


# --- a researcher's own taxonomy, end to end -------------------------------------------

CUSTOM = DATA / "custom_taxonomy"


def test_custom_taxonomy_select_export_import_train_eval(train_toml, tmp_path):
    taxonomy = CUSTOM / "taxonomy.toml"
    frames = ["economic", "security", "humanitarian"]
    toml = train_toml(tmp_path / "custom", epochs=1).read_text().replace(str(DATA / "tiny_gold.jsonl"),
                                                                          str(CUSTOM / "gold.jsonl"))
    config = tmp_path / "custom.toml"
    config.write_text(toml + f"frames = {json.dumps(frames)}\n")  # the last table is [model]
    assert run("train", "--config", config).exit_code == 0
    model = tmp_path / "custom"
    assert json.loads((model / "config.json").read_text())["frames"] == frames
    scores = tmp_path / "scores.json"
    result = run("eval", "--model", model, "--gold", CUSTOM / "gold.jsonl", "--split", "test", "--bootstrap", "0",
                 "--json", scores, "--baselines")
    assert result.exit_code == 0, result.stderr
    metrics = json.loads(scores.read_text())
    assert {f"frames.per_label.{f}.f1" for f in frames} <= set(metrics) and "security" in result.stdout
    assert "baselines.tfidf-lr.frames.per_label.security.f1" in metrics

    batch = tmp_path / "batch.jsonl"
    assert run("data", "select", SAMPLE, "--n", "5", "--model", model, "--strategy", "uncertainty",
               "-o", batch).exit_code == 0
    assert set(json.loads(batch.read_text().splitlines()[0])["predictions"]["frames"]) == set(frames)
    tasks = tmp_path / "tasks.json"
    result = run("data", "export", batch, "--to", "label-studio", "--taxonomy", taxonomy, "-o", tasks)
    assert result.exit_code == 0, result.stderr
    assert '<Choice value="humanitarian" hint="suffering' in tasks.with_suffix(".xml").read_text()
    annotated = tmp_path / "annotated.json"
    answers = accept_predictions("label-studio", json.loads(tasks.read_text()))
    answers[0]["annotations"][0]["result"][0]["value"]["choices"] = ["economic", "security"]
    annotated.write_text(json.dumps(answers))
    out = tmp_path / "new.jsonl"
    result = run("data", "import", annotated, "--from", "label-studio", "--taxonomy", taxonomy, "--split", "train",
                 "-o", out)
    assert result.exit_code == 0, result.stderr
    assert rows_of(out)[answers[0]["data"]["framing_id"]]["frames"] == ["economic", "security"]
    assert run("data", "check", "--taxonomy", taxonomy, out, CUSTOM / "gold.jsonl").exit_code == 0
    wrong = run("data", "import", annotated, "--from", "label-studio", "-o", tmp_path / "x.jsonl")
    assert wrong.exit_code == 1 and "frame 'economic' is not in the taxonomy" in wrong.stderr
