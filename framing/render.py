"""Rich tables: computed results in, renderables out (nothing here computes a metric)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

SENTIMENT_STYLE = {"negative": "red", "neutral": "white", "positive": "green"}


def document_tables(doc, summary: dict) -> list[Table]:
    """A sentence table and a summary table for one scored document."""
    table = Table(title=f"{doc.doc_id}", show_lines=True, expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("sentence", ratio=5)
    table.add_column("frames", ratio=2)
    table.add_column("actors: sentiment", ratio=2)
    for s in doc.sentences:
        frames = Text()
        for f, p in sorted(s.frames.items(), key=lambda kv: -kv[1]):
            if f in s.labels:
                frames.append(f"{f} {p:.2f}\n", style="bold")
            elif p >= 0.25:
                frames.append(f"{f} {p:.2f}\n", style="dim")
        actors = Text()
        for a in s.actors:
            actors.append(f"{a.actor}", style="bold")
            if a.mention != a.actor:
                actors.append(f" ({a.mention})", style="dim")
            actors.append(": ")
            actors.append(f"{a.sentiment} {a.scores[a.sentiment]:.2f}\n", style=SENTIMENT_STYLE.get(a.sentiment, ""))
        table.add_row(str(s.sentence_id), s.text, frames if frames else Text("-", style="dim"),
                      actors if actors else Text("-", style="dim"))
    return [table, summary_table(summary)]


def summary_table(summary: dict) -> Table:
    table = Table(title=f"summary of {summary['doc_id']} ({summary['n_sentences']} sentences)")
    table.add_column("frame")
    table.add_column("share of sentences", justify="right")
    for f, share in summary["frame_share"].items():
        table.add_row(f, f"{share:.0%}")
    actors = Table(title="actors")
    actors.add_column("actor")
    actors.add_column("mentions", justify="right")
    actors.add_column("mean sentiment (-1..1)", justify="right")
    actors.add_column("negative / neutral / positive", justify="right")
    for name, a in summary["actors"].items():
        s = a["sentiments"]
        actors.add_row(name, str(a["mentions"]), f"{a['mean_sentiment']:+.2f}",
                       f"{s.get('negative', 0)} / {s.get('neutral', 0)} / {s.get('positive', 0)}")
    grid = Table.grid(padding=(0, 4))
    grid.add_row(table, actors)
    return grid


def _cell(metrics: dict, key: str, ci: bool = True) -> str:
    value = metrics.get(key)
    if value is None:
        return "-"
    if isinstance(value, int):
        return str(value)
    text = f"{value:.3f}"
    interval = metrics.get(key + "_ci")
    if ci and interval:
        text += f" [{interval[0]:.2f}, {interval[1]:.2f}]"
    return text


def metric_tables(metrics: dict, labels: dict[str, list[str]], baselines: dict[str, dict] | None = None) -> list[Table]:
    """Per-label and average rows for frames and sentiment, and actor detection.

    ``labels`` maps ``frames``/``sentiment`` to label names; ``baselines`` maps a baseline
    name to its own metrics dict (same keys), shown as extra F1 columns.
    """
    baselines = baselines or {}
    tables = []
    for task, names in labels.items():
        if f"{task}.macro_f1" not in metrics:
            continue
        table = Table(title=f"{task} (n={metrics.get('n_frame_sentences' if task == 'frames' else 'n_mentions')})")
        for col in ("label", "precision", "recall", "F1 [95% CI]", "support", *[f"F1 {b}" for b in baselines]):
            table.add_column(col, justify="left" if col == "label" else "right")
        for name in names:
            key = f"{task}.per_label.{name}"
            table.add_row(name, _cell(metrics, key + ".precision", False), _cell(metrics, key + ".recall", False),
                          _cell(metrics, key + ".f1"), _cell(metrics, key + ".support"),
                          *[_cell(b, key + ".f1", False) for b in baselines.values()])
        averages = ["macro_f1", "micro_f1"] if task == "frames" else ["macro_f1", "accuracy"]
        for avg in averages:
            key = f"{task}.{avg}"
            table.add_row(Text(avg.replace("_f1", ""), style="bold"), "", "", _cell(metrics, key), "",
                          *[_cell(b, key, False) for b in baselines.values()])
        tables.append(table)
    if "actors.f1" in metrics:
        table = Table(title="actor detection (matcher vs gold mentions)")
        for col in ("precision", "recall", "F1", "gold mentions"):
            table.add_column(col, justify="right")
        table.add_row(_cell(metrics, "actors.precision"), _cell(metrics, "actors.recall"),
                      _cell(metrics, "actors.f1"), _cell(metrics, "actors.support"))
        tables.append(table)
    return tables


def stats_tables(counts: dict) -> list[Table]:
    splits = sorted(counts["sentences"], key=lambda s: ("train", "dev", "test", "-").index(s) if s in ("train", "dev", "test", "-") else 9)
    def table(title, rows):
        t = Table(title=title)
        t.add_column("")
        for s in splits:
            t.add_column(s, justify="right")
        t.add_column("all", justify="right")
        for name, values in rows:
            t.add_row(name, *[str(values.get(s, 0)) for s in splits], str(sum(values.values())))
        return t

    def pivot(counter):
        out = {}
        for (name, split), n in counter.items():
            out.setdefault(name, {})[split] = n
        return sorted(out.items())

    none_share = {s: f"{counts['no_frame'][s] / counts['frame_labelled'][s]:.0%}" for s in splits if counts["frame_labelled"][s]}
    frames = table("frames (sentences)", pivot(counts["frames"]) + [("no frame", dict(counts["no_frame"]))])
    frames.caption = "no-frame share: " + ", ".join(f"{s} {v}" for s, v in none_share.items())
    return [
        table("sentences", [("sentences", dict(counts["sentences"])), ("frame-labelled", dict(counts["frame_labelled"])),
                            ("mentions", dict(counts["mentions"]))]),
        frames,
        table("sentiment (mentions)", pivot(counts["sentiment"])),
        table("source (sentences)", pivot(counts["source"])),
    ]


def agreement_table(figures: dict) -> Table:
    table = Table(title=f"agreement on {figures['n_sentences']} sentences")
    for col in ("measure", "value", "positives (a / b)"):
        table.add_column(col, justify="left" if col == "measure" else "right")
    for key, value in figures.items():
        if key.startswith("frames.kappa."):
            frame = key.rsplit(".", 1)[1]
            table.add_row(f"Cohen's kappa: {frame}", f"{value:.3f}",
                          f"{figures[f'frames.positives_a.{frame}']} / {figures[f'frames.positives_b.{frame}']}")
    table.add_row("Krippendorff's alpha: all frames", f"{figures['frames.alpha']:.3f}", "")
    table.add_row("mention F1 (a vs b)", f"{figures['mentions.f1']:.3f}", f"{figures['mentions.a']} / {figures['mentions.b']}")
    table.add_row(f"Cohen's kappa: sentiment (n={figures['sentiment.n']})", f"{figures['sentiment.kappa']:.3f}", "")
    return table


def slice_table(metrics: dict, by: str) -> Table:
    prefix = f"slices.{by}."
    values = sorted({k[len(prefix):].split(".")[0] for k in metrics if k.startswith(prefix)})
    table = Table(title=f"by {by}")
    for col in (by, "sentences", "frames macro F1", "frames micro F1", "sentiment macro F1", "sentiment accuracy"):
        table.add_column(col, justify="left" if col == by else "right")
    for v in values:
        p = prefix + v + "."
        table.add_row(v, _cell(metrics, p + "n_sentences"), _cell(metrics, p + "frames.macro_f1"),
                      _cell(metrics, p + "frames.micro_f1"), _cell(metrics, p + "sentiment.macro_f1"),
                      _cell(metrics, p + "sentiment.accuracy"))
    return table


def calibration_table(metrics: dict) -> Table:
    table = Table(title="calibration (reliability: mean confidence vs observed frequency per bin)")
    for col in ("task", "bin", "count", "confidence", "frequency"):
        table.add_column(col, justify="left" if col in ("task", "bin") else "right")
    for task in ("frames", "sentiment"):
        if f"calibration.{task}.ece" not in metrics:
            continue
        for b in metrics[f"calibration.{task}.bins"]:
            table.add_row(task, f"{b['low']:.1f}-{b['high']:.1f}", str(b["count"]), f"{b['confidence']:.3f}",
                          f"{b['frequency']:.3f}")
        table.add_row(Text(f"{task} ECE", style="bold"), "", "", f"{metrics[f'calibration.{task}.ece']:.3f}", "",
                      end_section=True)
    return table


def errors_table(errors: list[dict]) -> Table:
    table = Table(title="most confident mistakes", show_lines=True)
    for col in ("task", "label", "sentence", "gold", "predicted", "p"):
        table.add_column(col, ratio=5 if col == "sentence" else None)
    for e in errors:
        sentence = e["text"] if "mention" not in e else e["text"].replace(e["mention"], f"[{e['mention']}]", 1)
        table.add_row(e["task"], e["label"], sentence, str(e["gold"]), str(e["predicted"]), f"{e['probability']:.2f}")
    return table


def comparison_table(rows, p_values: dict, old_name: str) -> Table:
    table = Table(title=f"comparison with {old_name}")
    for col in ("metric", "old", "new", "delta", "paired bootstrap p"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for key, a, b, delta in rows:
        style = "red" if delta < -0.005 else "green" if delta > 0.005 else ""
        p = p_values.get(f"{key}_p_value")
        table.add_row(key, f"{a:.3f}", f"{b:.3f}", Text(f"{delta:+.3f}", style=style), f"{p:.3f}" if p is not None else "")
    return table


def speed_table(figures: dict) -> Table:
    """``framing benchmark speed``: sentences/s per path, ratio to the baseline, peak memory."""
    table = Table(title=f"framing score speed on {figures['corpus']} ({figures['threads']} threads, "
                        f"median of {figures['repeats']} after a warm-up)")
    for col in ("path", "precision", "sentences", "median s/s", "min", "max", "x baseline", "peak MB"):
        table.add_column(col, justify="left" if col in ("path", "precision") else "right")
    for r in figures["runs"]:
        precision = r["precision"] + (" (default)" if r.get("default") else "")
        table.add_row(r["name"], precision, str(r["sentences"]), f"{r['median']:.0f}", f"{r['min']:.0f}",
                      f"{r['max']:.0f}", f"{r['ratio_to_baseline']:.2f}" if "ratio_to_baseline" in r else "-",
                      f"{r['peak_rss_mb']:.0f}" if "peak_rss_mb" in r else "-")
    table.caption = ("peak MB: resident memory of a fresh process loading the model and scoring the corpus once; "
                     f"this benchmark process (all models loaded): {figures['peak_rss_mb']:.0f} MB")
    return table


def engines_table(figures: dict) -> Table:
    """``framing benchmark engines``: end-to-end seconds and scoring rates per engine."""
    table = Table(title=f"framing score end to end on {figures['corpus']} ({figures['sentences']} sentences, "
                        f"{figures['precision']}, median of {figures['repeats']} fresh processes)")
    for col in ("engine", "wall s (median)", "min-max", "end to end s/s", "scoring s/s", "vs local"):
        table.add_column(col, justify="left" if col == "engine" else "right")
    local = figures["runs"][0]["median_wall_s"]
    for r in figures["runs"]:
        table.add_row(r["engine"], f"{r['median_wall_s']:.1f}", f"{min(r['wall_s']):.1f}-{max(r['wall_s']):.1f}",
                      f"{figures['sentences'] / r['median_wall_s']:.0f}", f"{r['median_rate']:.0f}",
                      f"{r['median_wall_s'] - local:+.1f} s")
    table.caption = ("scoring s/s: the run's own summary line (local: model loaded to last record; ray: the whole "
                     "run, Ray's start-up included); outputs " + ("identical" if figures["same_output"] else "DIFFER"))
    return table


def eval_tables(report, slice_by: list[str], calibration: bool, compare_name: str | None) -> list[Table]:
    """Every table of ``framing eval``, from an :class:`~framing.evaluation.harness.EvalReport`."""
    tables = metric_tables(report.metrics, report.labels, report.baselines)
    tables += [slice_table(report.metrics, by) for by in slice_by]
    if calibration:
        tables.append(calibration_table(report.metrics))
    if report.errors:
        tables.append(errors_table(report.errors))
    if compare_name is not None:
        tables.append(comparison_table(report.comparison, report.p_values, compare_name))
    return tables


def figures_table(title: str, figures: dict) -> Table:
    """A benchmark's named figures, one row each."""
    table = Table(title=title)
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name, value in figures.items():
        table.add_row(name.replace("_", " "), f"{value:,.1f}" if isinstance(value, float) else f"{value:,}")
    return table
