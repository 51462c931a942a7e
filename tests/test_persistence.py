import json
import shutil

import pytest

from framing.errors import FramingError
from framing.model.persistence import load_model
from framing.inference import FramingAnalyzer


def copy_model(tiny_model, tmp_path):
    out = tmp_path / "m"
    shutil.copytree(tiny_model, out)
    return out


def test_round_trip_predictions(tiny_model, analyzer):
    again = FramingAnalyzer.load(tiny_model)
    text = "Russia needs China much more than the opposite is true."
    a, b = analyzer.score(text), again.score(text)
    assert a.sentences[0].frames == b.sentences[0].frames
    assert [m.scores for m in a.sentences[0].actors] == [m.scores for m in b.sentences[0].actors]


def test_missing_directory(tmp_path):
    with pytest.raises(FramingError, match="model directory not found"):
        load_model(tmp_path / "none")


def test_not_a_model(tmp_path):
    with pytest.raises(FramingError, match="not a framing model directory"):
        load_model(tmp_path)


def test_missing_weights(tiny_model, tmp_path):
    m = copy_model(tiny_model, tmp_path)
    (m / "weights.safetensors").unlink()
    with pytest.raises(FramingError, match="weights file missing"):
        load_model(m)


def test_truncated_weights(tiny_model, tmp_path):
    m = copy_model(tiny_model, tmp_path)
    data = (m / "weights.safetensors").read_bytes()
    (m / "weights.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(FramingError, match="sha256 does not match meta.json"):
        load_model(m)
    meta = json.loads((m / "meta.json").read_text())
    del meta["weights_sha256"]
    (m / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(FramingError, match="not a readable safetensors file"):
        load_model(m)


def test_newer_config(tiny_model, tmp_path):
    m = copy_model(tiny_model, tmp_path)
    config = json.loads((m / "config.json").read_text())
    config["format_version"] = 99
    (m / "config.json").write_text(json.dumps(config))
    with pytest.raises(FramingError, match="newer than this framing supports"):
        load_model(m)


def test_backbone_hash_mismatch(tiny_model, tmp_path):
    m = copy_model(tiny_model, tmp_path)
    config = json.loads((m / "config.json").read_text())
    config["backbone_sha256"] = "0" * 64
    (m / "config.json").write_text(json.dumps(config))
    with pytest.raises(FramingError, match="does not match the model's"):
        load_model(m)


def test_pickle_backbone_refused(tmp_path):
    backbone = tmp_path / "bb"
    backbone.mkdir()
    (backbone / "config.json").write_text("{}")
    (backbone / "pytorch_model.bin").write_bytes(b"x")
    from framing.model.backbone import resolve_backbone

    with pytest.raises(FramingError, match="safetensors only"):
        resolve_backbone(str(backbone))


def test_int8(tiny_model):
    quantized = FramingAnalyzer.load(tiny_model, precision="int8")
    doc = quantized.score("Moscow warned Kyiv.")
    assert set(doc.sentences[0].frames) == {"solidarity", "caution", "rivalry", "dependency"}


def test_bf16_runs_the_encoder_in_bf16_and_the_heads_in_fp32(tiny_model):
    import torch

    fp32 = FramingAnalyzer.load(tiny_model, precision="fp32")
    bf16 = FramingAnalyzer.load(tiny_model, precision="bf16")
    assert bf16.precision == "bf16" and fp32.precision == "fp32"
    assert {p.dtype for p in bf16.net.encoder.parameters()} == {torch.bfloat16}
    assert {p.dtype for p in bf16.net.frame_head.parameters()} == {torch.float32}
    text = "Moscow warned Kyiv. China and the EU agreed to cooperate."
    a, b = fp32.score(text), bf16.score(text)
    for s, t in zip(a.sentences, b.sentences):
        assert set(s.frames) == set(t.frames)
        for frame, p in s.frames.items():
            assert abs(p - t.frames[frame]) < 0.05  # bfloat16 keeps ~3 significant digits


def test_auto_precision_is_bf16_only_where_the_hardware_has_it(monkeypatch):
    import torch

    from framing.model.persistence import resolve_precision

    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False)
    assert resolve_precision("auto", "cpu") == "fp32"
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: True)
    assert resolve_precision("auto", "cpu") == "bf16"
    assert resolve_precision("int8", "cpu") == "int8"
    with pytest.raises(FramingError, match="precision must be one of auto, fp32, bf16, int8, found 'fp16'"):
        resolve_precision("fp16")


def test_int8_keeps_configured_layers_and_heads_fp32(tiny_model):
    import torch

    analyzer = FramingAnalyzer.load(tiny_model, precision="int8")
    assert analyzer.config.int8_keep_fp32 == ["layer.0.output.dense", "layer.2.output.dense"]
    quantized = {name: "quantized" in type(m).__module__ for name, m in analyzer.net.named_modules()
                 if name.endswith(("dense", "query", "key", "value")) or (name.startswith(("frame_head", "sentiment_head"))
                                                                          and isinstance(m, torch.nn.Linear))}
    kept = [n for n in quantized if n.endswith("layer.0.output.dense") or "head" in n]
    assert len(kept) == 5 and not any(quantized[n] for n in kept)  # layer 0's FFN output and 4 head layers
    assert quantized["encoder.encoder.layer.1.output.dense"]
    assert all(v for n, v in quantized.items() if n not in kept and "pooler" not in n)


def test_lora_merged_without_peft_matches_peft(tiny_model):
    """Loading folds the adapters in by hand; peft's own merge gives the same network."""
    import torch
    from safetensors.torch import load_file

    from framing.model.network import make_batch
    from framing.model.persistence import build_net, load_encoder, read_config

    config = read_config(tiny_model)
    encoder, tokenizer, _ = load_encoder(config.backbone)
    reference = build_net(config, encoder)
    state = load_file(str(tiny_model / "weights.safetensors"))
    assert any(k.endswith("lora_B.default.weight") and v.abs().sum() > 0 for k, v in state.items())  # trained
    reference.load_state_dict(state, strict=False)
    reference.encoder = reference.encoder.merge_and_unload()
    reference.eval()
    net, tokenizer, config, _ = load_model(tiny_model)
    batch = make_batch(tokenizer, ["Moscow warned Kyiv.", "China and Russia agreed."], [[(0, 6)], [(0, 5), (10, 16)]],
                       config)
    with torch.inference_mode():
        for ours, theirs in zip(net(batch), reference(batch)):
            assert torch.allclose(ours, theirs, atol=1e-5)


def test_loading_a_model_does_not_import_peft(tiny_model):
    import subprocess
    import sys

    code = (f"from framing.inference import FramingAnalyzer; FramingAnalyzer.load({str(tiny_model)!r}); "
            "import sys; print('peft' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_lora_targets_that_match_no_layer_are_refused(tiny_model):
    """peft would skip a name that matches nothing (MPNet calls BERT's query q); framing refuses it."""
    import dataclasses

    from framing.model.persistence import build_net, load_encoder, read_config

    config = read_config(tiny_model)
    encoder, _, _ = load_encoder(config.backbone)
    wrong = dataclasses.replace(config, lora_targets=["query", "q", "dense"])
    with pytest.raises(FramingError, match=r"lora_targets q: .*its layers end in .*query.*; fix \[model\] lora_targets"):
        build_net(wrong, encoder)
