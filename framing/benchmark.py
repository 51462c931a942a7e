"""Speed benchmark: the project's scoring path against a straightforward baseline.

* project: ``framing score`` end to end on a JSONL corpus file: reading, segmentation,
  actor matching, one encoder pass per sentence for every output, length-bucketed
  batches under ``torch.inference_mode``, JSONL written to a file;
* baseline: what a Hugging Face pipeline loop does: the same reading, segmentation and
  matching, then one fp32 forward pass per sentence for frames plus one per (sentence,
  actor) pair for sentiment, in batches in input order (unsorted), JSONL written.

Both run on the same documents, after a warm-up, several times; figures are sentences a
second (median, min, max) and the process's peak resident memory.
"""

from __future__ import annotations

import os
import resource
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SAMPLE = Path(__file__).resolve().parent.parent / "eval" / "bench" / "un-kremlin-sample.jsonl"
BASELINE_BATCH = 32


@dataclass
class SpeedResult:
    name: str
    precision: str
    sentences: int
    rates: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.rates)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _project_run(analyzer, corpus: Path, text_field: str, id_field: str) -> int:
    from framing.reader import iter_documents
    from framing.scoring import JsonlWriter, score_stream

    with tempfile.TemporaryDirectory() as tmp, open(os.path.join(tmp, "out.jsonl"), "w", encoding="utf-8") as f:
        run = score_stream(analyzer, iter_documents([str(corpus)], text_field, id_field), JsonlWriter(f))
    return run.sentences


def _baseline_run(analyzer, corpus: Path, text_field: str, id_field: str) -> int:
    import json

    import torch

    from framing.model import make_batch
    from framing.reader import Document, iter_documents
    from framing.segment import split_sentences

    net, tok, cfg = analyzer.net, analyzer.tokenizer, analyzer.config
    n = 0
    with tempfile.TemporaryDirectory() as tmp, open(os.path.join(tmp, "out.jsonl"), "w", encoding="utf-8") as out:
        for doc in iter_documents([str(corpus)], text_field, id_field):
            if not isinstance(doc, Document):
                continue
            sentences = split_sentences(doc.text)
            mentions = [analyzer.registry.find(s.text) for s in sentences]
            frames, sentiments = [], {}
            with torch.no_grad():
                for b in range(0, len(sentences), BASELINE_BATCH):
                    texts = [s.text for s in sentences[b : b + BASELINE_BATCH]]
                    logits, _ = net(make_batch(tok, texts, [[] for _ in texts], cfg))
                    frames.extend(torch.sigmoid(logits).tolist())
                pairs = [(i, m) for i, ms in enumerate(mentions) for m in ms]
                for b in range(0, len(pairs), BASELINE_BATCH):
                    chunk = pairs[b : b + BASELINE_BATCH]
                    batch = make_batch(tok, [sentences[i].text for i, _ in chunk], [[(m.start, m.end)] for _, m in chunk], cfg)
                    _, logits = net(batch)
                    for (i, m), p in zip(chunk, torch.softmax(logits, -1).tolist()):
                        sentiments[(i, m.start)] = p
            for i, s in enumerate(sentences):
                out.write(json.dumps({"doc_id": doc.doc_id, "sentence_id": i, "text": s.text, "frames": frames[i],
                                      "actors": [sentiments[(i, m.start)] for m in mentions[i]]}) + "\n")
            n += len(sentences)
    return n


def speed(model_dir=None, corpus: Path = DEFAULT_SAMPLE, precisions=("fp32", "int8"), repeats: int = 3,
          baseline: bool = True, threads: int | None = None, text_field: str = "text", id_field: str = "id",
          progress=None) -> dict:
    """Run the benchmark; returns figures (sentences/s per run, ratio, peak memory)."""
    import torch

    from framing.pipeline import FramingAnalyzer

    if threads:
        torch.set_num_threads(threads)
    report = progress or (lambda message: None)
    results = []
    for precision in precisions:
        analyzer = FramingAnalyzer.load(model_dir, precision=precision)
        runs = [("project", _project_run)]
        if baseline and precision == "fp32":
            runs.append(("baseline", _baseline_run))
        for name, fn in runs:
            report(f"{name} {precision}: warm-up")
            n = fn(analyzer, corpus, text_field, id_field)
            rates = []
            for k in range(repeats):
                started = time.perf_counter()
                n = fn(analyzer, corpus, text_field, id_field)
                rates.append(n / (time.perf_counter() - started))
                report(f"{name} {precision}: run {k + 1}/{repeats}: {rates[-1]:.0f} sentences/s")
            results.append(SpeedResult(name, precision, n, rates))
    out = {"corpus": str(corpus), "threads": torch.get_num_threads(), "repeats": repeats,
           "runs": [{"name": r.name, "precision": r.precision, "sentences": r.sentences,
                     "median": r.median, "min": min(r.rates), "max": max(r.rates)} for r in results],
           "peak_rss_mb": peak_rss_mb()}
    base = next((r for r in results if r.name == "baseline"), None)
    if base:
        for r in out["runs"]:
            r["ratio_to_baseline"] = r["median"] / base.median
    return out
