"""Choose the sentences to label next (``framing data select``).

From any corpus ``framing score`` reads, in one streaming pass:

1. every sentence of every document becomes a candidate unless it is too short or too
   long to be worth an annotator's time, near-identical to one seen before (same words,
   ignoring case, digits and punctuation), already in the given gold files, or from a
   document the gold files hold (so dev and test documents never leak into new labels);
2. a seeded random pool of candidates is kept (reservoir sampling: memory is bounded by
   the pool, not the corpus), and the model scores the pool;
3. the strategy ranks the pool, and picks are spread over documents: each document gives
   at most one sentence until every document has given one, then two, and so on.

Strategies:

* ``random``: the pool's random order;
* ``uncertainty``: sentences whose frame probabilities lie closest to their thresholds,
  or whose actor sentiment has the smallest margin between its two likeliest classes;
* ``rare``: a weighted random sample that favours the frames the model predicts least
  (a sentence weighs its largest ratio of a frame's probability to that frame's mean
  over the pool);
* ``likely:FRAME``: the pool's most likely instances of one frame, highest probability
  first: the quickest way to many positives of a rare frame (and, where the model is
  wrong, to its hard negatives). ``rare`` spreads its picks over every frame and stays
  random, so it finds fewer: in silver round 4, 6 % of its picks were caution (2 % of
  random picks).

The result carries, per sentence, the registry's actor mentions and the model's
predictions, for pre-annotation in an annotation tool (``framing data export``).
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from dataclasses import dataclass, field

from framing.errors import FramingError
from framing.text.reader import BadRecord

STRATEGIES = ("random", "uncertainty", "rare", "likely:FRAME")
MIN_WORDS = 6  # shorter: headings, datelines, "Thank you."
MAX_CHARS = 600  # longer: run-on text an annotator cannot judge as one sentence
POOL_PER_PICK = 20  # candidates the model scores per sentence picked
_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class Candidate:
    """A sentence offered for labelling, with what the model thinks of it."""

    id: str  # "<doc_id>#<sentence number>"
    doc_id: str
    sentence_id: int
    text: str
    context: str  # the sentence before it in its document ("" for the first)
    origin: str  # file (or file:line) it came from
    actors: list[dict] = field(default_factory=list)  # registry matches: actor, mention, start, end
    frames: dict[str, float] = field(default_factory=dict)  # model probabilities
    labels: list[str] = field(default_factory=list)  # frames over their thresholds
    sentiments: list[dict] = field(default_factory=list)  # per mention: {label: probability}
    score: float = 0.0  # the strategy's score (higher: picked earlier)
    strategy: str = ""  # the strategy that picked it

    def to_record(self, seed: int, model: str | None) -> dict:
        return {"id": self.id, "doc_id": self.doc_id, "sentence_id": self.sentence_id, "text": self.text,
                "context": self.context, "origin": self.origin, "actors": self.actors,
                "predictions": {"frames": self.frames, "labels": self.labels, "sentiments": self.sentiments},
                "selection": {"strategy": self.strategy, "score": round(self.score, 4), "seed": seed, "model": model}}


@dataclass
class SelectStats:
    documents: int = 0
    sentences: int = 0
    candidates: int = 0  # after the filters
    duplicates: int = 0
    in_gold: int = 0  # sentences of gold documents, or with a gold text
    bad_records: list[str] = field(default_factory=list)


def dedup_key(text: str) -> str:
    """Near-identical sentences share this key: their words, lower-cased, without digits
    or punctuation ("In 2019, Russia..." and "In 2020 Russia..." are one)."""
    return " ".join(_WORD.findall(text.lower()))


def select(records, n: int, strategy: str = "random", analyzer=None, seed: int = 0,
           exclude_texts: set[str] | None = None, exclude_docs: set[str] | None = None,
           pool_size: int | None = None) -> tuple[list[Candidate], SelectStats]:
    """Pick ``n`` sentences from ``records`` (Documents and BadRecords, as
    :func:`framing.text.reader.iter_documents` yields them).

    ``analyzer`` (a FramingAnalyzer) is needed by ``uncertainty`` and ``rare``, and when
    given to ``random`` fills in predictions. ``exclude_texts`` are :func:`dedup_key` keys
    of gold sentences; ``exclude_docs`` gold document ids.
    """
    return select_mix(records, {strategy: n}, analyzer, seed, exclude_texts, exclude_docs, pool_size)


def select_mix(records, mix: dict[str, int], analyzer=None, seed: int = 0, exclude_texts: set[str] | None = None,
               exclude_docs: set[str] | None = None, pool_size: int | None = None) -> tuple[list[Candidate], SelectStats]:
    """Several strategies over one pool, in the order given (``{"rare": 300, "random":
    100}``); a sentence picked by one is not picked again."""
    for strategy, n in mix.items():
        _ranker(strategy, analyzer)
        if n < 1:
            raise FramingError(f"--n must be at least 1, found {n}")
    rng = random.Random(seed)
    total = sum(mix.values())
    pool, stats = _pool(records, pool_size or total * POOL_PER_PICK, rng, exclude_texts or set(), exclude_docs or set())
    # Random ranks nothing: the model then reads only the picks (for pre-annotation), not
    # the whole pool (20 per pick: two million sentences for a 100,000-sentence sample).
    ranks = any(strategy != "random" for strategy in mix)
    if analyzer is not None and ranks:
        _predict(analyzer, pool)
    picks: list[Candidate] = []
    for strategy, n in mix.items():
        taken = {id(c) for c in picks}
        left = [c for c in pool if id(c) not in taken]
        chosen = spread_over_documents(_ranker(strategy, analyzer)(left, rng, analyzer), n)
        for c in chosen:
            c.strategy = strategy
        picks += chosen
    if analyzer is not None and not ranks:
        _predict(analyzer, picks)
    return picks, stats


def _pool(records, size: int, rng: random.Random, exclude_texts: set[str], exclude_docs: set[str]):
    """A uniform random sample of ``size`` candidates (reservoir), in random order."""
    from framing.text.segment import iter_sentences

    stats, seen, pool = SelectStats(), set(), []
    for record in records:
        if isinstance(record, BadRecord):
            stats.bad_records.append(record.message)
            continue
        stats.documents += 1
        previous = ""
        for k, sentence in enumerate(iter_sentences(record.text)):
            stats.sentences += 1
            text, context, previous = sentence.text, previous, sentence.text
            if len(text.split()) < MIN_WORDS or len(text) > MAX_CHARS:
                continue
            key = dedup_key(text)
            if record.doc_id in exclude_docs or key in exclude_texts:
                stats.in_gold += 1
                continue
            if key in seen:
                stats.duplicates += 1
                continue
            seen.add(key)
            stats.candidates += 1
            candidate = Candidate(f"{record.doc_id}#{k}", record.doc_id, k, text, context, record.origin)
            if len(pool) < size:
                pool.append(candidate)
            else:
                j = rng.randrange(stats.candidates)
                if j < size:
                    pool[j] = candidate
    rng.shuffle(pool)
    return pool, stats


def _predict(analyzer, pool: list[Candidate]) -> None:
    mentions = [analyzer.registry.find(c.text) for c in pool]
    frame_probs, sentiment_probs = analyzer.predict([c.text for c in pool],
                                                    [[(m.start, m.end) for m in ms] for ms in mentions])
    frames, sentiments = analyzer.config.frames, analyzer.config.sentiments
    for c, ms, fp, sp in zip(pool, mentions, frame_probs, sentiment_probs):
        c.actors = [{"actor": m.actor, "mention": m.mention, "start": m.start, "end": m.end} for m in ms]
        c.frames = {f: round(float(p), 4) for f, p in zip(frames, fp)}
        c.labels = [f for f, p in c.frames.items() if p >= analyzer.config.thresholds[f]]
        c.sentiments = [{s: round(float(p), 4) for s, p in zip(sentiments, row)} for row in sp]


def _rank_random(pool, rng, analyzer):
    for c in pool:
        c.score = 0.0  # not a ranking: the pool is already in random order
    return pool


def _rank_uncertainty(pool, rng, analyzer):
    """Closest to a decision: 1 - the smallest normalised distance of a frame probability
    to its threshold, or 1 - the smallest top-two margin of a mention's sentiment."""
    thresholds = analyzer.config.thresholds
    for c in pool:
        frame = max(1 - abs(p - thresholds[f]) / max(thresholds[f], 1 - thresholds[f]) for f, p in c.frames.items())
        margins = [a - b for a, b, *_ in (sorted(s.values(), reverse=True) for s in c.sentiments)]
        c.score = max([frame] + [1 - m for m in margins])
    return sorted(pool, key=lambda c: -c.score)


def _rank_rare(pool, rng, analyzer):
    """Weighted sampling without replacement (Efraimidis-Spirakis keys): a sentence weighs
    its largest ratio of a frame's probability to that frame's mean probability in the pool,
    so a likely instance of a rarely predicted frame weighs most."""
    if not pool:
        return pool
    means = {f: max(1e-6, sum(c.frames[f] for c in pool) / len(pool)) for f in pool[0].frames}
    for c in pool:
        c.score = max(p / means[f] for f, p in c.frames.items())
    keys = {id(c): math.log(rng.random() or 1e-12) / max(c.score, 1e-9) for c in pool}
    return sorted(pool, key=lambda c: -keys[id(c)])


def _rank_likely(frame: str):
    def rank(pool, rng, analyzer):
        for c in pool:
            c.score = c.frames[frame]
        return sorted(pool, key=lambda c: -c.score)  # stable: ties keep the pool's random order

    return rank


RANKERS = {"random": _rank_random, "uncertainty": _rank_uncertainty, "rare": _rank_rare}


def _ranker(strategy: str, analyzer):
    """The ranking function of a strategy name, checked against the model's frames."""
    name, _, frame = strategy.partition(":")
    if name not in RANKERS and name != "likely" or (name == "likely") != bool(frame):
        raise FramingError(f"--strategy must be one of {', '.join(STRATEGIES)}, found {strategy!r}")
    if name != "random" and analyzer is None:
        raise FramingError(f"strategy {strategy!r} ranks by the model's probabilities; pass --model")
    if name == "likely":
        if frame not in analyzer.config.frames:
            raise FramingError(f"--strategy {strategy}: expected one of the model's frames after 'likely:' "
                               f"({', '.join(analyzer.config.frames)}), found {frame!r}")
        return _rank_likely(frame)
    return RANKERS[name]


def spread_over_documents(ranked: list[Candidate], n: int) -> list[Candidate]:
    """The first ``n`` of ``ranked`` with at most one per document, then two, and so on.

    >>> from types import SimpleNamespace as C
    >>> picks = spread_over_documents([C(doc_id=d) for d in "aaab"], 3)
    >>> [c.doc_id for c in picks]
    ['a', 'b', 'a']
    """
    picked, per_doc, taken = [], Counter(), set()
    cap = 1
    while len(picked) < min(n, len(ranked)):
        for k, c in enumerate(ranked):
            if k not in taken and per_doc[c.doc_id] < cap:
                picked.append(c)
                taken.add(k)
                per_doc[c.doc_id] += 1
                if len(picked) == n:
                    break
        cap += 1
    return picked


def select_from_corpus(paths: list[str], n: int, strategy: str = "random", model=None, gold: list | None = None,
                       seed: int = 0, pool_size: int | None = None, text_field: str = "text",
                       id_field: str = "id") -> tuple[list[dict], SelectStats]:
    """:func:`select` over files and folders, excluding the sentences and documents of the
    ``gold`` files; returns batch records (see :meth:`Candidate.to_record`)."""
    from framing.data.gold import read_examples
    from framing.text.reader import iter_documents

    from framing.inference import FramingAnalyzer
    from framing.labels import Taxonomy

    # Always a model: every batch carries its predictions, for pre-annotation in the tools.
    analyzer = FramingAnalyzer.load(model)
    examples = read_examples(gold, taxonomy=Taxonomy.of_model(analyzer.config)) if gold else []
    exclude_texts = {dedup_key(ex.text) for ex in examples}
    exclude_docs = {ex.doc_id for ex in examples if ex.doc_id}
    picks, stats = select(iter_documents(paths, text_field, id_field), n, strategy, analyzer, seed, exclude_texts,
                          exclude_docs, pool_size)
    return [c.to_record(seed, str(model) if model is not None else "default") for c in picks], stats
