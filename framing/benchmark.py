"""Speed benchmark: the project's scoring path against a straightforward baseline.

* project: ``framing score`` end to end on a JSONL corpus file: reading, segmentation,
  actor matching, one encoder pass per sentence for every output, length-bucketed
  batches under ``torch.inference_mode``, JSONL written to a file;
* baseline: what a Hugging Face pipeline loop does: the same reading, segmentation and
  matching, then one fp32 forward pass per sentence for frames plus one per (sentence,
  actor) pair for sentiment, in batches in input order (unsorted), JSONL written.

Both run on the same documents, after a warm-up, several times, the repetitions
interleaved (the project at each precision and the baseline in turn, then again) so that a machine growing
busier or quieter mid-run affects every path alike. Figures are sentences a second
(median, min, max) and, per path, the peak resident memory of a fresh process that loads
the model and scores the corpus once (``python -m framing.benchmark``).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from framing.errors import FramingError

SAMPLE = "eval/bench/un-kremlin-sample.jsonl"  # in a checkout; an installed wheel needs --corpus
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
    from framing.text.reader import iter_documents
    from framing.streaming import JsonlWriter, score_stream

    with tempfile.TemporaryDirectory() as tmp, open(os.path.join(tmp, "out.jsonl"), "w", encoding="utf-8") as f:
        run = score_stream(analyzer, iter_documents([str(corpus)], text_field, id_field), JsonlWriter(f))
    if run.bad:
        raise FramingError(f"{run.bad[0]} (the benchmark needs a clean corpus)")
    if run.sentences == 0:
        raise FramingError(f"{corpus}: expected documents with text to time, found no sentences; check --text-field")
    return run.sentences


def _baseline_run(analyzer, corpus: Path, text_field: str, id_field: str) -> int:
    import torch

    from framing.model.network import make_batch
    from framing.runtime import torch_threads
    from framing.text.reader import Document, iter_documents
    from framing.text.segment import split_sentences

    net, tok, cfg = analyzer.net, analyzer.tokenizer, analyzer.config
    n = 0
    with tempfile.TemporaryDirectory() as tmp, open(os.path.join(tmp, "out.jsonl"), "w", encoding="utf-8") as out:
        for doc in iter_documents([str(corpus)], text_field, id_field):
            if not isinstance(doc, Document):
                continue
            sentences = split_sentences(doc.text)
            mentions = [analyzer.registry.find(s.text) for s in sentences]
            frames, sentiments = [], {}
            with torch.no_grad(), torch_threads(analyzer.threads):
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


RUNNERS = {"project": _project_run, "baseline": _baseline_run}


def speed(model_dir=None, corpus: Path | None = None, precisions=("auto", "fp32", "int8"), repeats: int = 3,
          baseline: bool = True, threads: int | None = None, text_field: str = "text", id_field: str = "id",
          memory: bool = True, progress=None) -> dict:
    """Run the benchmark; returns figures (sentences/s per run, ratio, peak memory per path).

    ``precisions`` are resolved first ("auto" becomes bf16 or fp32, as ``framing score``
    would run here) and each is run once; the run at score's default is marked ``default``.
    """
    import torch

    from framing import resources
    from framing.inference import FramingAnalyzer
    from framing.model.persistence import AUTO, resolve_precision

    corpus = corpus or resources.project_file(SAMPLE)
    if corpus is None:
        raise FramingError(f"no --corpus given and no {SAMPLE} here (it comes with a checkout of framing); "
                           "pass --corpus FILE.jsonl")
    report = progress or (lambda message: None)
    default = resolve_precision(AUTO)
    precisions = list(dict.fromkeys(resolve_precision(p) for p in precisions))  # auto is fp32 or bf16 here
    analyzers = {p: FramingAnalyzer.load(model_dir, precision=p, threads=threads) for p in precisions}
    paths = [("project", p) for p in precisions]
    if baseline:
        paths.insert(1, ("baseline", "fp32"))
        if "fp32" not in analyzers:  # (setdefault would load a second fp32 model every time)
            analyzers["fp32"] = FramingAnalyzer.load(model_dir, precision="fp32", threads=threads)
    results = {key: SpeedResult(key[0], key[1], 0, []) for key in paths}
    for name, precision in paths:
        report(f"{name} {precision}: warm-up")
        RUNNERS[name](analyzers[precision], corpus, text_field, id_field)
    for k in range(repeats):
        for name, precision in paths:
            started = time.perf_counter()
            n = RUNNERS[name](analyzers[precision], corpus, text_field, id_field)
            result = results[(name, precision)]
            result.sentences = n
            result.rates.append(n / (time.perf_counter() - started))
            report(f"{name} {precision}: run {k + 1}/{repeats}: {result.rates[-1]:.0f} sentences/s")
    runs = []
    for (name, precision), r in results.items():
        run = {"name": name, "precision": precision, "default": name == "project" and precision == default,
               "sentences": r.sentences,
               "median": r.median, "min": min(r.rates), "max": max(r.rates), "rates": r.rates}
        if memory:
            report(f"{name} {precision}: peak memory in a fresh process")
            run["peak_rss_mb"] = peak_memory_mb(name, precision, model_dir, corpus, threads, text_field, id_field)
        runs.append(run)
    base = results.get(("baseline", "fp32"))
    if base:
        for run in runs:
            run["ratio_to_baseline"] = run["median"] / base.median
    return {"corpus": str(corpus), "threads": threads or torch.get_num_threads(), "repeats": repeats, "runs": runs,
            "peak_rss_mb": peak_rss_mb()}


def peak_memory_mb(name: str, precision: str, model_dir, corpus: Path, threads, text_field: str, id_field: str) -> float:
    """Peak resident memory of a fresh process that loads the model and scores ``corpus`` once."""
    args = json.dumps([name, precision, str(model_dir) if model_dir else None, str(corpus), threads, text_field,
                       id_field])
    done = subprocess.run([sys.executable, "-m", "framing.benchmark", args], capture_output=True, text=True)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise RuntimeError(f"memory run {name} {precision} failed: {lines[-1] if lines else done.returncode}")
    return float(done.stdout.strip().splitlines()[-1])


def own_peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM where Linux has it: ru_maxrss survives exec, so a child
    forked from a big benchmark process would report its parent's size."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def _memory_child(args: str) -> None:
    from framing.inference import FramingAnalyzer

    name, precision, model_dir, corpus, threads, text_field, id_field = json.loads(args)
    RUNNERS[name](FramingAnalyzer.load(model_dir, precision=precision, threads=threads), Path(corpus), text_field,
                  id_field)
    print(f"{own_peak_rss_mb():.1f}")


if __name__ == "__main__":
    _memory_child(sys.argv[1])
