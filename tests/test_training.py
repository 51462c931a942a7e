import json
from pathlib import Path

import pytest

from framing.training.config import TrainConfig
from framing.errors import FramingError
from framing.inference import FramingAnalyzer
from framing.training.loop import train
from tests.conftest import DATA


def test_model_directory_is_self_describing(tiny_model):
    names = {p.name for p in tiny_model.iterdir()}
    assert {"config.json", "weights.safetensors", "meta.json", "README.md", "actors.toml", "train.toml"} <= names
    meta = json.loads((tiny_model / "meta.json").read_text())
    assert meta["data"]["n_train"] > 0 and meta["data"]["n_newsmtsc"] == 5
    assert "frames.macro_f1" in meta["scores"]["dev"]
    config = json.loads((tiny_model / "config.json").read_text())
    assert len(config["backbone_sha256"]) == 64
    assert set(config["thresholds"]) == {"solidarity", "caution", "rivalry", "dependency"}
    assert "framing train --config" in (tiny_model / "README.md").read_text()


def test_saved_train_toml_reproduces(tiny_model, tmp_path):
    cfg = TrainConfig.from_toml(tiny_model / "train.toml", {"output": str(tmp_path / "again")})
    assert cfg.epochs == 2 and cfg.model.lora_rank == 4


def test_training_is_deterministic(train_toml, tmp_path):
    from safetensors.torch import load_file

    outs = []
    for name in ("a", "b"):
        cfg = TrainConfig.from_toml(train_toml(tmp_path / name, epochs=1, max_steps=3))
        train(cfg)
        outs.append(load_file(str(tmp_path / name / "weights.safetensors")))
    assert outs[0].keys() == outs[1].keys()
    assert all((outs[0][k] == outs[1][k]).all() for k in outs[0])


@pytest.mark.parametrize("finetune, encoder_tensors", [("top_layers", "encoder.encoder.layer."), ("frozen", None)])
def test_other_finetune_modes(train_toml, tmp_path, finetune, encoder_tensors, monkeypatch):
    from safetensors.torch import load_file

    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path / "cache"))  # frozen: the feature cache

    result = train(TrainConfig.from_toml(train_toml(tmp_path / finetune, finetune=finetune, epochs=1, max_steps=2)))
    names = set(load_file(str(result.model_dir / "weights.safetensors")))
    assert any(n.startswith("frame_head.") for n in names) and any(n.startswith("sentiment_head.") for n in names)
    encoder = {n for n in names if n.startswith("encoder.")}
    if encoder_tensors is None:  # frozen: the heads alone are saved
        assert not encoder
    else:  # the top two layers (all of the tiny encoder's), not its embeddings or pooler
        assert encoder and all(n.startswith(encoder_tensors) for n in encoder)
    assert FramingAnalyzer.load(result.model_dir).score("Moscow warned Kyiv.").sentences[0].actors


def test_progress_events(train_toml, tmp_path):
    events = []
    train(TrainConfig.from_toml(train_toml(tmp_path / "p", epochs=1, max_steps=2)), lambda e, d: events.append(e))
    assert events[0] == "start" and "step" in events and events[-1] == "epoch"


def test_no_dev_rows_is_an_error(train_toml, tmp_path):
    cfg = TrainConfig.from_toml(train_toml(tmp_path / "x"))
    cfg.dev = [str(DATA / "bad" / "gold" / "no_test_split.jsonl")]  # train rows only
    with pytest.raises(FramingError, match="no rows with split 'dev'"):
        train(cfg)
    assert not (tmp_path / "x").exists()  # nothing half-written


def _leftovers(folder, name):
    return [p.name for p in folder.iterdir() if p.name != name]


def test_interrupted_save_keeps_old_model(train_toml, tmp_path, monkeypatch):
    """Ctrl-C while the new weights are being written: the old model stays whole."""
    out = tmp_path / "keep"
    train(TrainConfig.from_toml(train_toml(out, epochs=1, max_steps=1)))
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    import safetensors.torch

    real_save = safetensors.torch.save_file

    def interrupted(tensors, filename, *args, **kwargs):
        real_save(tensors, filename, *args, **kwargs)
        if Path(filename).name == "weights.safetensors":  # the model's, not a checkpoint's
            Path(filename).write_bytes(Path(filename).read_bytes()[:100])  # half-written
            raise KeyboardInterrupt

    monkeypatch.setattr(safetensors.torch, "save_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        train(TrainConfig.from_toml(train_toml(out, epochs=1, max_steps=1, seed=5)))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    # Only the run's last checkpoint is left: --resume retries the save without retraining.
    assert _leftovers(tmp_path, "keep") == [".keep.checkpoint.safetensors"]


def test_failed_final_rename_puts_old_model_back(train_toml, tmp_path, monkeypatch):
    """The new model is complete but cannot be renamed into place: the old one is restored."""
    out = tmp_path / "keep"
    train(TrainConfig.from_toml(train_toml(out, epochs=1, max_steps=1)))
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    import framing.model.persistence as persistence

    real_replace = persistence.os.replace

    def failing(src, dst):
        name = Path(src).name
        if name.startswith(".keep.") and not name.endswith(".old") and "checkpoint" not in name:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(persistence.os, "replace", failing)
    with pytest.raises(OSError):
        train(TrainConfig.from_toml(train_toml(out, epochs=1, max_steps=1, seed=5)))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert _leftovers(tmp_path, "keep") == [".keep.checkpoint.safetensors"]  # for --resume


@pytest.mark.parametrize("existing", ["file", "folder"])
def test_output_that_is_not_a_model_is_refused(train_toml, tmp_path, existing):
    out = tmp_path / "notes"
    if existing == "file":
        out.write_text("my notes")
    else:
        out.mkdir()
        (out / "notes.txt").write_text("my notes")
    with pytest.raises(FramingError, match="choose another --output"):
        train(TrainConfig.from_toml(train_toml(out, epochs=1, max_steps=1)))
    assert (out.read_text() if existing == "file" else (out / "notes.txt").read_text()) == "my notes"


def _frozen_net(tiny_backbone):
    from framing.model.config import ModelConfig
    from framing.model.persistence import build_net, load_encoder

    config = ModelConfig(backbone=str(tiny_backbone), finetune="frozen", max_length=48, stride=8)
    encoder, tokenizer, _ = load_encoder(config.backbone)
    return build_net(config, encoder).eval(), tokenizer, config


def test_frozen_features_equal_the_network_and_resume(tiny_backbone, tmp_path, monkeypatch):
    """Cached features are what the network computes; an interrupted pass keeps its chunks."""
    import torch

    from framing.data.gold import read_examples
    from framing.model.network import make_batch
    from framing.training import features as F

    net, tokenizer, config = _frozen_net(tiny_backbone)
    rows = read_examples([DATA / "tiny_gold.jsonl"]) + read_examples([DATA / "tiny_newsmtsc.jsonl"])
    items = [(r.text, F.row_spans(r)) for r in rows]
    monkeypatch.setattr(F, "CHUNK_ROWS", 4)
    real_encode, calls = F._encode_chunk, []

    def failing_second_chunk(*args):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_encode(*args)

    monkeypatch.setattr(F, "_encode_chunk", failing_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        F.cached_features(net, tokenizer, config, items, "cpu", folder=tmp_path)
    assert len(list(tmp_path.glob("*.safetensors"))) == 1 and not list(tmp_path.glob(".chunk.*"))
    monkeypatch.setattr(F, "_encode_chunk", real_encode)
    progress = []
    found = F.cached_features(net, tokenizer, config, items, "cpu", lambda d, t: progress.append(t), folder=tmp_path)
    unique = len({F.item_key(*i) for i in items})
    assert progress and progress[-1] == unique - 4 and len(found) == unique
    for row in rows[:6]:
        with torch.inference_mode():
            text, mentions = net.features(make_batch(tokenizer, [row.text], [F.row_spans(row)], config))
        got = found[F.row_key(row)]
        assert torch.allclose(got.text, text[0], atol=1e-5) and torch.allclose(got.mentions, mentions, atol=1e-5)
    again = []
    F.cached_features(net, tokenizer, config, items, "cpu", lambda d, t: again.append(t), folder=tmp_path)
    assert again == []  # everything came from the cache


def test_feature_cache_key_follows_the_encoder():
    from framing.model.config import ModelConfig
    from framing.training.features import feature_key

    base = ModelConfig(backbone="b", backbone_sha256="1" * 64)
    assert feature_key(base) == feature_key(ModelConfig(backbone="b", backbone_sha256="1" * 64, lora_rank=2))
    assert feature_key(base) != feature_key(ModelConfig(backbone="b", backbone_sha256="2" * 64))
    assert feature_key(base) != feature_key(ModelConfig(backbone="b", backbone_sha256="1" * 64, max_length=64))


def test_frozen_training_scores_dev_from_cached_features_as_the_analyzer_does(train_toml, tmp_path, monkeypatch):
    """The dev scores saved in meta (from cached features) are the saved model's own."""
    from framing.data.gold import read_examples
    from framing.evaluation.metrics import evaluate

    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path / "cache"))
    result = train(TrainConfig.from_toml(train_toml(tmp_path / "frozen", finetune="frozen", epochs=2)))
    reloaded = evaluate(FramingAnalyzer.load(result.model_dir), read_examples([DATA / "tiny_gold.jsonl"], splits=("dev",)))
    for key in ("frames.macro_f1", "sentiment.macro_f1"):
        assert reloaded[key] == pytest.approx(result.dev_scores[key], abs=1e-6)


def _teacher_file(path: Path, texts: list[str], solidarity: float) -> Path:
    """Teacher records as `framing score -f jsonl` writes them: one sentence, one mention each."""
    with path.open("w") as f:
        for k, text in enumerate(texts):
            start = 100 * k  # document offsets: the reader makes them sentence-relative
            f.write(json.dumps({
                "doc_id": "d", "sentence_id": k, "start": start, "end": start + len(text), "text": text,
                "frames": {"solidarity": solidarity, "caution": 0.0, "rivalry": 0.0, "dependency": 0.0},
                "labels": ["solidarity"] if solidarity >= 0.5 else [],
                "actors": [{"actor": "China", "mention": "China", "start": start, "end": start + 5,
                            "sentiment": "positive", "scores": {"negative": 0.0, "neutral": 0.0, "positive": 1.0}}],
            }) + "\n")
    return path


def test_distillation_pulls_the_student_to_the_teacher(train_toml, tmp_path, monkeypatch):
    """Soft rows are learnt: the same run with distill_weight 0 and 3 ends far apart."""
    from framing.data.gold import read_examples

    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path / "cache"))
    texts = [f"China signed agreement number {k} with its partners." for k in range(40)]
    held_out = read_examples([DATA / "tiny_gold.jsonl"], splits=("dev",))[0].text
    teacher = _teacher_file(tmp_path / "teacher.jsonl", texts + [held_out], solidarity=1.0)
    teacher_weights = "ab" * 32
    (tmp_path / "teacher.jsonl.framing.json").write_text(json.dumps({"model_weights_sha256": teacher_weights,
                                                                     "precision": "bf16"}))
    probe = [f"China signed agreement number {k} with its partners." for k in range(40, 50)]
    means = {}
    for weight in (0, 3):
        result = train(TrainConfig.from_toml(train_toml(
            tmp_path / f"w{weight}", finetune="frozen", epochs=10, head_learning_rate=0.01, distill=f'["{teacher}"]', distill_weight=weight)))
        meta = json.loads((result.model_dir / "meta.json").read_text())
        assert meta["data"]["n_distill"] == 40  # the dev sentence is kept out
        assert meta["data"]["distill_teachers"][str(teacher)]["model_weights_sha256"] == teacher_weights
        assert f"written by `framing score` with the model whose weights have sha256 `{teacher_weights}` (bf16)" \
            in (result.model_dir / "README.md").read_text()
        analyzer = FramingAnalyzer.load(result.model_dir)
        frames, sentiments = analyzer.predict(probe, [[(0, 5)]] * len(probe))
        means[weight] = (sum(f[0] for f in frames) / len(probe), sum(s[0][2] for s in sentiments) / len(probe))
    assert means[3][0] > means[0][0] + 0.2 and means[3][1] > means[0][1] + 0.2, means


def test_max_distill_caps_each_teacher_file(tmp_path):
    """A small teacher file (news) keeps all its rows beside a capped large one, and the
    large file's sample is the one it gets alone (a recipe with one file reproduces)."""
    import random

    from framing.training.data import _distill_rows

    large = _teacher_file(tmp_path / "large.jsonl", [f"China signed pact {k}." for k in range(30)], 0.9)
    small = _teacher_file(tmp_path / "small.jsonl", [f"China met envoy {k}." for k in range(4)], 0.1)
    config = TrainConfig(train=["t.jsonl"], distill=[str(large)], max_distill=10)
    alone = [r.text for r in _distill_rows(config, random.Random(1), set())]
    config.distill = [str(large), str(small)]
    both = [r.text for r in _distill_rows(config, random.Random(1), {"China met envoy 3."})]
    assert len(alone) == 10 and both[:10] == alone
    assert both[10:] == [f"China met envoy {k}." for k in range(3)]


def test_distill_labelled_keeps_train_sentences_and_never_dev(tmp_path):
    import random

    from framing.data.gold import read_examples
    from framing.training.data import load_training_data

    gold = DATA / "tiny_gold.jsonl"
    train_text = read_examples([gold], splits=("train",))[0].text
    dev_text = read_examples([gold], splits=("dev",))[0].text
    teacher = _teacher_file(tmp_path / "t.jsonl", [train_text, dev_text, "China signed a pact."], 0.9)
    kept = {}
    for labelled in (False, True):
        config = TrainConfig(train=[str(gold)], dev=[str(gold)], distill=[str(teacher)], distill_labelled=labelled)
        kept[labelled] = {r.text for r in load_training_data(config, random.Random(0))[3]}
    assert kept == {False: {"China signed a pact."}, True: {"China signed a pact.", train_text}}


def test_teacher_records_are_checked(tmp_path):
    from framing.errors import DataError
    from framing.training.distill import read_soft_examples

    path = _teacher_file(tmp_path / "t.jsonl", ["China agreed."], 0.5)
    path.write_text(path.read_text() + '{"text": "No frames here.", "start": 0, "actors": []}\n' + "not json\n")
    with pytest.raises(DataError) as caught:
        read_soft_examples([str(path)], ["solidarity", "caution", "rivalry", "dependency"],
                           ["negative", "neutral", "positive"])
    first, second = caught.value.problems
    assert first.startswith(f"{path}:2:") and "'frames'" in first
    assert second.startswith(f"{path}:3:") and "invalid JSON" in second
    with pytest.raises(DataError) as caught:
        read_soft_examples([str(tmp_path / "absent.jsonl")], ["solidarity"], ["negative"])
    assert caught.value.problems == [f"{tmp_path / 'absent.jsonl'}: expected a teacher's `framing score -f jsonl` "
                                     "output, found no such file; write it with `framing score SENTENCES --model "
                                     f"TEACHER -f jsonl -o {tmp_path / 'absent.jsonl'}` (a distilled model's card "
                                     "gives its recipe)"]


def test_entity_markers_train_and_score(train_toml, tmp_path):
    """With entity_markers the mentions are marked inside the model only: the scored
    mentions keep the sentence's own offsets, one row per registry mention."""
    out = tmp_path / "markers"
    train(TrainConfig.from_toml(train_toml(out, max_steps=2, epochs=1), {"model.entity_markers": True}))
    assert json.loads((out / "config.json").read_text())["entity_markers"] is True
    text = "Russia needs China much more than the opposite is true."
    sentence = FramingAnalyzer.load(out).score(text).sentences[0]
    assert [(a.actor, text[a.start:a.end]) for a in sentence.actors] == [("Russia", "Russia"), ("China", "China")]


def test_entity_markers_change_what_the_encoder_reads(tiny_model):
    from framing.model.network import make_batch
    from framing.model.persistence import load_model

    net, tokenizer, config, _ = load_model(tiny_model)
    plain = make_batch(tokenizer, ["Russia needs China."], [[(0, 6), (13, 18)]], config)
    config.entity_markers = True
    marked = make_batch(tokenizer, ["Russia needs China."], [[(0, 6), (13, 18)]], config)
    assert int(marked.attention_mask.sum()) == int(plain.attention_mask.sum()) + 4
    assert marked.mention_mask.sum(1).tolist() == (plain.mention_mask.sum(1) + 2).tolist()  # @ and @ per mention


def test_bf16_mixed_precision_training(train_toml, tmp_path):
    """precision = "bf16" trains under autocast: fp32 weights saved, other numbers than an
    fp32 run of the same seed, and the precision recorded in meta.json."""
    import torch
    from safetensors.torch import load_file

    weights = {}
    for precision in ("fp32", "bf16"):
        out = tmp_path / precision
        train(TrainConfig.from_toml(train_toml(out, epochs=1, max_steps=3), {"precision": precision}))
        weights[precision] = load_file(str(out / "weights.safetensors"))
        assert json.loads((out / "meta.json").read_text())["train_precision"] == precision
    assert all(t.dtype == torch.float32 for t in weights["bf16"].values())
    assert any(not torch.equal(weights["fp32"][k], weights["bf16"][k]) for k in weights["fp32"])


def test_auto_training_precision_follows_the_hardware(train_toml, tmp_path):
    from framing.model.persistence import resolve_precision

    out = tmp_path / "auto"
    train(TrainConfig.from_toml(train_toml(out, epochs=1, max_steps=1), {"precision": "auto"}))
    assert json.loads((out / "meta.json").read_text())["train_precision"] == resolve_precision("auto", "cpu")


def test_int8_is_not_a_training_precision(train_toml, tmp_path):
    with pytest.raises(FramingError, match="precision must be one of fp32, bf16, auto, found 'int8'"):
        TrainConfig.from_toml(train_toml(tmp_path / "x"), {"precision": "int8"}).validate()


def _interrupt_at_step(monkeypatch, step: int):
    """Make the ``step``-th training step raise KeyboardInterrupt, as Ctrl-C would."""
    from framing.training import loop

    calls = {"n": 0}
    real = loop._Losses.__call__

    def interrupted(self, rows):
        calls["n"] += 1
        if calls["n"] == step:
            raise KeyboardInterrupt
        return real(self, rows)

    monkeypatch.setattr(loop._Losses, "__call__", interrupted)


@pytest.mark.parametrize("stop_at", [3, 6])  # mid-epoch 1 (after a step checkpoint), and in epoch 2
def test_interrupted_training_resumes_to_the_same_model(train_toml, tmp_path, monkeypatch, stop_at):
    """A run killed mid-way and continued with resume=True ends with exactly the weights of
    a run that was never interrupted; the checkpoint is gone once the model is saved."""
    from safetensors.torch import load_file

    from framing.training.checkpoint import checkpoint_path

    settings = dict(epochs=2, max_steps=8, checkpoint_steps=2)
    whole = tmp_path / "whole"
    train(TrainConfig.from_toml(train_toml(whole, **settings)))
    out = tmp_path / "resumed"
    config = TrainConfig.from_toml(train_toml(out, **settings))
    with monkeypatch.context() as patch:
        _interrupt_at_step(patch, stop_at)
        with pytest.raises(KeyboardInterrupt):
            train(config)
    assert checkpoint_path(out).is_file() and not out.exists()
    events = []
    result = train(config, lambda event, data: events.append((event, data)), resume=True)
    assert [d for e, d in events if e == "resume"][0]["step"] > 0
    assert not checkpoint_path(out).exists()
    a, b = load_file(str(whole / "weights.safetensors")), load_file(str(out / "weights.safetensors"))
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)
    assert result.history == json.loads((whole / "meta.json").read_text())["history"]


def test_a_left_checkpoint_needs_resume_and_the_same_settings(train_toml, tmp_path, monkeypatch):
    from framing.training.checkpoint import checkpoint_path

    out = tmp_path / "m"
    with monkeypatch.context() as patch:
        _interrupt_at_step(patch, 3)
        with pytest.raises(KeyboardInterrupt):
            train(TrainConfig.from_toml(train_toml(out, epochs=1, checkpoint_steps=1)))
    left = checkpoint_path(out).read_bytes()
    with pytest.raises(FramingError, match="left a checkpoint; continue it with --resume, or delete the file"):
        train(TrainConfig.from_toml(train_toml(out, epochs=1, checkpoint_steps=1)))
    with pytest.raises(FramingError, match="written by a run with other settings or data"):
        train(TrainConfig.from_toml(train_toml(out, epochs=1, checkpoint_steps=1, seed=99)), resume=True)
    assert checkpoint_path(out).read_bytes() == left and not out.exists()  # nothing lost, nothing half-written


def test_card_names_the_writer_of_teacher_labels():
    """A teacher file written by another tool than `framing score` is credited to it."""
    from framing.model.card import _distill_lines

    digest = "cd" * 32
    data = {"distill": {"a.jsonl": "1" * 64, "b.jsonl": "2" * 64},
            "distill_teachers": {"a.jsonl": {"model_weights_sha256": digest, "precision": "bf16"},
                                 "b.jsonl": {"model_weights_sha256": digest, "precision": "bf16",
                                             "writer": "eval/experiments/teacher_on_spans.py"}}}
    first, second = _distill_lines(data)
    assert f"written by `framing score` with the model whose weights have sha256 `{digest}` (bf16)" in first
    assert "written by `eval/experiments/teacher_on_spans.py` with the model" in second
