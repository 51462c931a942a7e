"""``framing benchmark report``: the corpus report's time, size and memory on a synthetic
scored corpus the size of the whole UN General Debate output (582,000 sentences).

The corpus is generated (seeded) with the real record schema: UN-like metadata (country,
session, year), four frame probabilities, labels over 0.5, registry actors with sentiment
scores, so aggregation, charts and pages do the work they do on the real output.
"""

from __future__ import annotations

import json
import random
import resource
import tempfile
import time
from pathlib import Path

UN_SENTENCES = 582_000
SENTENCES_PER_SPEECH = 92  # the UN corpus's mean
FIRST_YEAR, LAST_YEAR = 1990, 2022
COUNTRIES = 193
WORDS = ("the assembly nations peace security development cooperation sovereignty support threat crisis trade aid "
         "sanctions dialogue partnership region people government council conflict climate debt future").split()
FRAMES = ("solidarity", "caution", "rivalry", "dependency")
ACTORS = ("United States", "Russia", "China", "United Nations", "European Union", "Israel", "Iran", "Ukraine",
          "India", "France", "United Kingdom", "Japan", "Germany", "Brazil", "Cuba", "NATO")


def synthetic_corpus(path: Path, sentences: int = UN_SENTENCES, seed: int = 0) -> int:
    """Write ``sentences`` scored sentence records (in whole speeches) to ``path``; returns
    the number of documents."""
    rng = random.Random(seed)
    countries = [f"C{k:03d}" for k in range(COUNTRIES)]
    written = documents = 0
    with path.open("w", encoding="utf-8") as out:
        while written < sentences:
            year = rng.randint(FIRST_YEAR, LAST_YEAR)
            country = rng.choice(countries)
            meta = {"source": "synthetic", "country": country, "session": year - 1945, "year": year}
            n = min(sentences - written, max(1, int(rng.gauss(SENTENCES_PER_SPEECH, 30))))
            doc_id = f"syn-{country}_{year}_{documents}"
            offset = 0
            lines = []
            for k in range(n):
                text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))).capitalize() + "."
                frames = {f: round(rng.betavariate(0.4, 1.6), 4) for f in FRAMES}
                actors = []
                for actor in rng.sample(ACTORS, rng.choice((0, 0, 1, 1, 2))):
                    negative, positive = rng.random(), rng.random()
                    total = negative + positive + rng.random()
                    scores = {"negative": round(negative / total, 4), "neutral": round(1 - (negative + positive) / total, 4),
                              "positive": round(positive / total, 4)}
                    actors.append({"actor": actor, "mention": actor, "start": offset, "end": offset + len(actor),
                                   "sentiment": max(scores, key=scores.get), "scores": scores})
                lines.append(json.dumps({
                    "doc_id": doc_id, "sentence_id": k, "start": offset, "end": offset + len(text), "text": text,
                    "frames": frames, "labels": [f for f, p in frames.items() if p >= 0.5], "actors": actors,
                    "doc_sentences": n, "meta": meta}))
                offset += len(text) + 1
            out.write("\n".join(lines) + "\n")
            written += n
            documents += 1
    return documents


def report_benchmark(sentences: int = UN_SENTENCES, seed: int = 0, by: tuple[str, ...] = ("year", "country")) -> dict:
    """Build the corpus report of a synthetic corpus; the figures (seconds, megabytes).

    CPU seconds (this process's, chart rendering threads included) are reported beside wall
    seconds: on a busy shared machine the wall clock measures the neighbours too."""
    from framing.report.build import corpus_report, save

    with tempfile.TemporaryDirectory() as folder:
        corpus, out = Path(folder) / "scored.jsonl", Path(folder) / "corpus.html"
        documents = synthetic_corpus(corpus, sentences, seed)
        peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started, cpu_started = time.perf_counter(), time.process_time()
        report = corpus_report([str(corpus)], list(by), out.name)
        save(report, out)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        pages = list((out.parent / report.documents_dir).iterdir())
        return {
            "sentences": sentences, "documents": documents, "input_mb": corpus.stat().st_size / 2**20,
            "seconds": seconds, "cpu_seconds": cpu_seconds, "report_mb": out.stat().st_size / 2**20, "document_pages": len(pages),
            "document_pages_mb": sum(p.stat().st_size for p in pages) / 2**20,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "peak_rss_mb_before": peak_before / 1024,
        }
