"""The network: one encoder pass per sentence window feeds both heads.

* Frames: the mean of the sentence's token vectors (over all its windows) goes through a
  small MLP to one logit per frame (sigmoid, multi-label).
* Sentiment: for each actor mention, the mean of the mention's token vectors in the window
  where the mention sits most centrally, concatenated with that window's sentence vector,
  goes through an MLP to negative / neutral / positive logits.

Sentences longer than ``max_length`` tokens are cut into overlapping windows, so every
mention is classified from a window that contains it whole.

With ``entity_markers``, every mention of a sentence is wrapped in ``@ ... @`` before the
one encoder pass (punctuation markers the encoder already knows: Zhou and Chen 2021), and
a mention's vector pools its markers with its words.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from framing.model.config import ModelConfig


@dataclass
class Batch:
    """Tensors for one forward pass over ``n_texts`` sentences and their mentions."""

    input_ids: torch.Tensor  # [windows, tokens]
    attention_mask: torch.Tensor  # [windows, tokens]
    window_text: torch.Tensor  # [windows]: which sentence each window belongs to
    mention_window: torch.Tensor  # [mentions]: the window each mention is read from
    mention_mask: torch.Tensor  # [mentions, tokens]: the mention's tokens in that window
    n_texts: int

    def to(self, device) -> "Batch":
        return Batch(
            self.input_ids.to(device), self.attention_mask.to(device), self.window_text.to(device),
            self.mention_window.to(device), self.mention_mask.to(device), self.n_texts,
        )


def make_batch(tokenizer, texts: list[str], spans: list[list[tuple[int, int]]], config: ModelConfig) -> Batch:
    """Tokenize sentences into windows and locate each (start, end) character span.

    ``spans[i]`` lists the mention spans of ``texts[i]``; the mentions' rows in the
    output follow that order, text by text.
    """
    if config.entity_markers:
        texts, spans = mark_mentions(texts, spans)
    enc = tokenizer.windows(texts, config.max_length, config.stride)
    window_text, offsets, attention = enc.window_text, enc.offsets, enc.attention_mask
    windows_of: list[list[int]] = [[] for _ in texts]
    for w, t in enumerate(window_text.tolist()):
        windows_of[t].append(w)
    mention_window, rows = [], []
    width = enc.input_ids.shape[1]
    for t, text_spans in enumerate(spans):
        for start, end in text_spans:
            w, tokens = _best_window(windows_of[t], offsets, attention, start, end)
            mask = torch.zeros(width)
            mask[tokens] = 1.0
            mention_window.append(w)
            rows.append(mask)
    return Batch(
        input_ids=enc.input_ids, attention_mask=attention, window_text=window_text,
        mention_window=torch.tensor(mention_window, dtype=torch.long),
        mention_mask=torch.stack(rows) if rows else torch.zeros(0, width),
        n_texts=len(texts),
    )


MARKER = "@"
OPEN, CLOSE = f"{MARKER} ", f" {MARKER}"


def mark_mentions(texts: list[str], spans: list[list[tuple[int, int]]]):
    """Each mention wrapped in markers; the spans, in the same order, now cover the markers.

        >>> mark_mentions(["Russia needs China."], [[(0, 6), (13, 18)]])
        (['@ Russia @ needs @ China @.'], [[(0, 10), (17, 26)]])
    """
    out_texts, out_spans = [], []
    for text, text_spans in zip(texts, spans):
        # Insertion points, each with what goes there; an opening marker before a closing
        # one at the same point keeps adjacent mentions apart.
        inserts = sorted({(s, 1, OPEN) for s, _ in text_spans} | {(e, 0, CLOSE) for _, e in text_spans})
        pieces, shift_at, last, shift = [], {}, 0, 0
        for point, kind, mark in inserts:
            pieces.append(text[last:point])
            shift_at[(point, kind)] = shift
            pieces.append(mark)
            shift += len(mark)
            last = point
        pieces.append(text[last:])
        out_texts.append("".join(pieces))
        out_spans.append([(s + shift_at[(s, 1)], e + shift_at[(e, 0)] + len(CLOSE)) for s, e in text_spans])
    return out_texts, out_spans


def _best_window(windows, offsets, attention, start, end):
    """The window holding the span whole and most centrally, with the span's token indices."""
    best = None
    for w in windows:
        length = int(attention[w].sum())
        tokens = [
            i for i, (a, b) in enumerate(offsets[w][:length]) if b > a and a < end and b > start
        ]
        if not tokens:
            continue
        first_a, last_b = offsets[w][tokens[0]][0], offsets[w][tokens[-1]][1]
        whole = first_a <= start and last_b >= end
        centrality = min(tokens[0], length - 1 - tokens[-1])
        key = (whole, centrality)
        if best is None or key > best[0]:
            best = (key, w, tokens)
    if best is None:
        # A span of whitespace only, or past the text: nothing to read; use the first token.
        return windows[0], [0]
    return best[1], best[2]


class FramingNet(nn.Module):
    def __init__(self, encoder: nn.Module, config: ModelConfig):
        super().__init__()
        self.encoder = encoder
        self.config = config
        hidden = encoder.config.hidden_size
        self.frame_head = nn.Sequential(
            nn.Dropout(config.head_dropout), nn.Linear(hidden, hidden), nn.GELU(),
            nn.Dropout(config.head_dropout), nn.Linear(hidden, len(config.frames)),
        )
        span_in = hidden * (3 if config.sentence_in_sentiment else 1)
        self.sentiment_head = nn.Sequential(
            nn.Dropout(config.head_dropout), nn.Linear(span_in, hidden), nn.GELU(),
            nn.Dropout(config.head_dropout), nn.Linear(hidden, len(config.sentiments)),
        )

    def forward(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        """Frame logits ``[texts, frames]`` and sentiment logits ``[mentions, 3]``."""
        return self.heads(*self.features(batch))

    def features(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        """What the heads read: sentence vectors ``[texts, H]`` and mention vectors
        ``[mentions, H or 3H]``. With a frozen encoder these are fixed, so training can
        compute them once (framing.training.features) and fit the heads alone."""
        hidden = self.encoder(input_ids=batch.input_ids, attention_mask=batch.attention_mask).last_hidden_state
        hidden = hidden.float()  # a bf16 encoder (load_model) still pools and feeds the heads in fp32
        mask = batch.attention_mask.unsqueeze(-1).to(hidden.dtype)
        token_sum = (hidden * mask).sum(1)  # [W, H]
        token_count = mask.sum(1)  # [W, 1]
        window_vec = token_sum / token_count.clamp(min=1)
        # Sentence vector: mean over all tokens of all its windows.
        text_sum = torch.zeros(batch.n_texts, hidden.shape[-1], dtype=hidden.dtype, device=hidden.device)
        text_count = torch.zeros(batch.n_texts, 1, dtype=hidden.dtype, device=hidden.device)
        text_sum.index_add_(0, batch.window_text, token_sum)
        text_count.index_add_(0, batch.window_text, token_count)
        text_vec = text_sum / text_count.clamp(min=1)
        span_width = hidden.shape[-1] * (3 if self.config.sentence_in_sentiment else 1)
        if batch.mention_window.numel() == 0:
            return text_vec, hidden.new_zeros(0, span_width)
        span_hidden = hidden[batch.mention_window]  # [M, L, H]
        span_mask = batch.mention_mask.unsqueeze(-1).to(hidden.dtype)
        span_vec = (span_hidden * span_mask).sum(1) / span_mask.sum(1).clamp(min=1)
        if self.config.sentence_in_sentiment:
            sentence = window_vec[batch.mention_window]
            span_vec = torch.cat([span_vec, sentence, span_vec * sentence], dim=-1)
        return text_vec, span_vec

    def heads(self, text_vec: torch.Tensor, mention_vec: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Frame logits from sentence vectors, sentiment logits from mention vectors."""
        frame_logits = self.frame_head(text_vec)
        if mention_vec.shape[0] == 0:
            return frame_logits, frame_logits.new_zeros(0, len(self.config.sentiments))
        return frame_logits, self.sentiment_head(mention_vec)
