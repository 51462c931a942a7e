"""The Python API the CLI wraps: load a model once, score strings or documents.

>>> analyzer = FramingAnalyzer.load()
>>> doc = analyzer.score("Moscow and Beijing pledged a united front.")
>>> [(a.actor, a.sentiment) for a in doc.sentences[0].actors]
[('Russia', 'positive'), ('China', 'positive')]
>>> docs = analyzer.score(["First article ...", "Second article ..."])  # a list in, a list out
>>> len(docs)
2
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from framing.runtime import torch_threads
from framing.text.actors import ActorRegistry
from framing.text.segment import Sentence, split_sentences

# Padded tokens per forward pass. Bounds memory on long inputs; on 2 CPU cores 2,048 ran
# faster than 4,096 (cache-sized activations: int8 median 504 vs 437 sentences/s, eval/bench).
# A GPU wants bigger batches to fill it.
TOKENS_PER_BATCH = 2048
TOKENS_PER_BATCH_GPU = 32768


@dataclass
class ScoredMention:
    actor: str
    mention: str
    start: int  # character offsets into the document text
    end: int
    sentiment: str
    scores: dict[str, float]


@dataclass
class ScoredSentence:
    doc_id: str
    sentence_id: int
    start: int
    end: int
    text: str
    frames: dict[str, float]
    labels: list[str]
    actors: list[ScoredMention] = field(default_factory=list)
    evidence: dict | None = None  # the words behind each label (framing.explain), when asked for

    def to_dict(self) -> dict:
        # By hand: dataclasses.asdict deep-copies recursively and was a tenth of scoring time.
        record = {"doc_id": self.doc_id, "sentence_id": self.sentence_id, "start": self.start, "end": self.end,
                  "text": self.text, "frames": dict(self.frames), "labels": list(self.labels),
                  "actors": [{"actor": a.actor, "mention": a.mention, "start": a.start, "end": a.end,
                              "sentiment": a.sentiment, "scores": dict(a.scores)} for a in self.actors]}
        if self.evidence is not None:
            record["evidence"] = self.evidence
        return record


@dataclass
class ScoredDocument:
    doc_id: str
    sentences: list[ScoredSentence]

    def summary(self, registry: ActorRegistry | None = None, roll_up: bool = False) -> dict:
        """Share of sentences per frame; per actor: mentions and mean sentiment.

        Mean sentiment is the mean of P(positive) - P(negative) over the actor's mentions,
        in [-1, 1]. With ``roll_up``, leaders count toward their state.
        """
        n = len(self.sentences)
        frames = defaultdict(int)
        actors: dict[str, list[float]] = defaultdict(list)
        labels: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for s in self.sentences:
            for label in s.labels:
                frames[label] += 1
            for a in s.actors:
                name = registry.roll_up(a.actor) if (roll_up and registry) else a.actor
                actors[name].append(a.scores["positive"] - a.scores["negative"])
                labels[name][a.sentiment] += 1
        frame_names = list(self.sentences[0].frames) if self.sentences else []
        return {
            "doc_id": self.doc_id,
            "n_sentences": n,
            "frame_share": {f: (frames[f] / n if n else 0.0) for f in frame_names},
            "actors": {
                name: {"mentions": len(v), "mean_sentiment": sum(v) / len(v), "sentiments": dict(labels[name])}
                for name, v in sorted(actors.items(), key=lambda kv: (-len(kv[1]), kv[0]))
            },
        }


class FramingAnalyzer:
    """A loaded model plus actor registry. Thread-unsafe; load once, score many."""

    def __init__(self, net, tokenizer, config, registry: ActorRegistry, meta: dict | None = None, device="cpu",
                 threads: int | None = None, precision: str = "fp32"):
        self.net, self.tokenizer, self.config = net, tokenizer, config
        self.registry, self.meta, self.device = registry, meta or {}, device
        self.threads = threads  # torch threads while this analyzer predicts (None: torch's setting)
        self.precision = precision  # what the encoder runs in (never "auto": load resolves it)

    @classmethod
    def load(cls, model_dir: str | Path | None = None, actors: str | Path | None = None,
             precision: str = "fp32", device: str | None = None, threads: int | None = None) -> "FramingAnalyzer":
        """Load a model directory, or a shipped model by name (default: ``"default"``).

        ``actors`` overrides the registry saved with the model; ``threads`` sets torch's
        thread count while this analyzer predicts, and only then. ``precision`` is fp32,
        bf16, int8 or auto (bf16 where the hardware runs it fast, else fp32).
        """
        from framing import resources
        from framing.model.persistence import load_model, resolve_precision

        precision = resolve_precision(precision, device)
        model_dir = resources.model_dir(model_dir)
        net, tokenizer, config, meta = load_model(model_dir, precision=precision, device=device)
        if actors is None and (model_dir / "actors.toml").is_file():
            actors = model_dir / "actors.toml"
        registry = ActorRegistry.load(actors)
        return cls(net, tokenizer, config, registry, meta, next(net.parameters()).device.type, threads, precision)

    # --- scoring ---------------------------------------------------------------------
    def score(self, texts, doc_ids=None):
        """Score one article (a string: returns a ScoredDocument) or a list (returns a list)."""
        single = isinstance(texts, str)
        texts = [texts] if single else list(texts)
        doc_ids = list(doc_ids) if doc_ids is not None else [str(i) for i in range(len(texts))]
        docs = self.score_documents(list(zip(doc_ids, texts)))
        return docs[0] if single else docs

    def score_documents(self, documents: list[tuple[str, str]]) -> list[ScoredDocument]:
        """Score ``(doc_id, text)`` pairs; sentences of all documents share batches.

        Holds every sentence in memory; :func:`framing.streaming.score_stream` scores
        documents of any length in bounded memory.
        """
        out = [ScoredDocument(doc_id, []) for doc_id, _ in documents]
        items = [(d, k, sentence) for d, (_, text) in enumerate(documents)
                 for k, sentence in enumerate(split_sentences(text))]
        for (d, _, _), scored in zip(items, self.score_sentences([(documents[d][0], k, s) for d, k, s in items])):
            out[d].sentences.append(scored)
        return out

    def score_sentences(self, items: list[tuple[str, int, Sentence]]) -> list[ScoredSentence]:
        """Score ``(doc_id, sentence_id, sentence)`` triples, sentences from :mod:`framing.text.segment`;
        mention offsets in the result index the document, as the sentence's own do."""
        mentions = [self.registry.find(sentence.text) for _, _, sentence in items]
        frame_probs, sentiment_probs = self.predict(
            [sentence.text for _, _, sentence in items], [[(m.start, m.end) for m in ms] for ms in mentions]
        )
        return [self.scored_sentence(doc_id, sentence_id, sentence, found, fp, sp)
                for (doc_id, sentence_id, sentence), found, fp, sp in zip(items, mentions, frame_probs, sentiment_probs)]

    def scored_sentence(self, doc_id: str, sentence_id: int, sentence: Sentence, mentions, frame_probs,
                        sentiment_probs) -> ScoredSentence:
        """The record of one sentence from :meth:`predict`'s outputs for it; ``mentions`` have
        ``actor``, ``mention`` and ``start``/``end`` within the sentence (registry matches, or
        given spans as in eval/experiments/teacher_on_spans.py)."""
        frames = {f: round(float(p), 4) for f, p in zip(self.config.frames, frame_probs)}
        scored = []
        for m, probs in zip(mentions, sentiment_probs):
            scores = {label: round(float(p), 4) for label, p in zip(self.config.sentiments, probs)}
            scored.append(ScoredMention(m.actor, m.mention, sentence.start + m.start, sentence.start + m.end,
                                        max(scores, key=scores.get), scores))
        thresholds = self.config.thresholds
        return ScoredSentence(doc_id=doc_id, sentence_id=sentence_id, start=sentence.start, end=sentence.end,
                              text=sentence.text, frames=frames,
                              labels=[f for f, p in frames.items() if p >= thresholds[f]], actors=scored)

    def predict(self, texts: list[str], spans: list[list[tuple[int, int]]]):
        """Frame probabilities per text and sentiment probabilities per span, in input order.

        Texts are sorted by token count and packed into batches of about TOKENS_PER_BATCH
        padded tokens, so one long sentence does not pad a batch of short ones.
        """
        import torch

        from framing.model.calibration import frame_probabilities, sentiment_probabilities
        from framing.model.network import make_batch

        cfg = self.config
        shapes = self._window_shapes(texts)
        order = sorted(range(len(texts)), key=lambda i: shapes[i])
        frame_out: list = [None] * len(texts)
        sentiment_out: list = [None] * len(texts)
        with torch.inference_mode(), torch_threads(self.threads):
            for chunk in self._chunks(order, shapes):
                batch = make_batch(self.tokenizer, [texts[i] for i in chunk], [spans[i] for i in chunk], self.config)
                frame_logits, sentiment_logits = self.net(batch.to(self.device))
                fp = frame_probabilities(frame_logits.float(), cfg.frame_calibration, cfg.frames).cpu().numpy()
                sp = sentiment_probabilities(sentiment_logits.float(), cfg.sentiment_temperature).cpu().numpy()
                k = 0
                for row, i in enumerate(chunk):
                    frame_out[i] = fp[row]
                    n = len(spans[i])
                    sentiment_out[i] = sp[k : k + n]
                    k += n
        return frame_out, sentiment_out

    def _window_shapes(self, texts: list[str]) -> list[tuple[int, int]]:
        """``(windows, tokens in the longest window)`` per text, from one fast batch tokenization
        (padding ran at 23 % of batch tokens when texts were sorted by characters instead)."""
        if not texts:
            return []
        counts = self.tokenizer.token_counts(texts)
        room = self.config.max_length - 2  # [CLS] and [SEP]
        step = room - self.config.stride
        shapes = []
        for n in counts:
            windows = 1 if n <= room else 1 + -(-(n - room) // step)
            shapes.append((windows, min(n, room) + 2))
        return shapes

    def _chunks(self, order, shapes):
        budget = TOKENS_PER_BATCH if self.device == "cpu" else TOKENS_PER_BATCH_GPU
        chunk, longest, windows = [], 0, 0
        for i in order:
            w, width = shapes[i]
            if chunk and max(longest, width) * (windows + w) > budget:
                yield chunk
                chunk, longest, windows = [], 0, 0
            chunk.append(i)
            longest, windows = max(longest, width), windows + w
        if chunk:
            yield chunk
