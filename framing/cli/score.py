"""framing score PATH...: frames and actor sentiment for articles or whole corpora."""

from __future__ import annotations

import io
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from framing.cli._common import PRECISION_HELP, Precision, console, fail, user_errors
from framing.sharding import SHARD_DOCUMENTS


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class Engine(str, Enum):
    local = "local"
    ray = "ray"


@user_errors
def score(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(help="Files, directories (.txt/.md/.html/.jsonl) or - for stdin.")],
    model: Annotated[Optional[Path], typer.Option(help="Model directory [default: models/default].")] = None,
    actors: Annotated[Optional[Path], typer.Option(help="Actor registry TOML [default: the model's].", exists=True,
                                                   dir_okay=False)] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write here instead of standard output.")] = None,
    precision: Annotated[Precision, typer.Option(help=PRECISION_HELP)] = Precision.auto,
    roll_up: Annotated[bool, typer.Option("--roll-up", help="Count leaders toward their state in summaries.")] = False,
    text_field: Annotated[str, typer.Option(help="JSONL corpora: the text key.")] = "text",
    id_field: Annotated[str, typer.Option(help="JSONL corpora: the document id key.")] = "id",
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Skip bad JSONL lines (counted) instead of stopping.")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="JSONL --out: skip documents already written.")] = False,
    threads: Annotated[int, typer.Option(help="CPU threads for torch (0: torch's default; --engine ray: 1 a "
                                              "worker).", min=0)] = 0,
    progress: Annotated[bool, typer.Option(help="Progress bar on stderr (JSONL/CSV/JSON).")] = True,
    engine: Annotated[Engine, typer.Option(help="local: this process; ray: Ray Data, here or on a cluster "
                                                "(-f jsonl -o FILE; pip install -e \".[ray]\").")] = Engine.local,
    address: Annotated[Optional[str], typer.Option(help="--engine ray: a cluster to join (auto, ray://host:port) "
                                                        "[default: start Ray here].")] = None,
    workers: Annotated[int, typer.Option(help="--engine ray: model-holding workers (0: one per --threads "
                                              "CPUs of the cluster).", min=0)] = 0,
    shard_documents: Annotated[int, typer.Option(help="--engine ray: documents a shard, the unit of work and "
                                                      "of --resume.", min=1)] = SHARD_DOCUMENTS,
    explain: Annotated[bool, typer.Option("--explain", help="JSON/JSONL: the words behind each frame and "
                                                            "sentiment (word occlusion; about 25x slower).")] = False,
) -> None:
    """Score articles: a table per article, or JSONL/JSON/CSV records per sentence."""
    from framing.files import atomic_write, temporary_beside
    from framing.inference import FramingAnalyzer
    from framing.outputs import check_output, exclusive_output, run_identity, start_jsonl_output
    from framing.text.reader import count_documents, iter_documents
    from framing.streaming import CsvWriter, DocumentCollector, JsonlWriter, completed_documents, json_text

    if resume and (format != OutputFormat.jsonl or out is None):
        fail("--resume needs --format jsonl and --out FILE", 2)
    if engine == Engine.ray and (format != OutputFormat.jsonl or out is None):
        fail("--engine ray writes JSONL to a file: pass --format jsonl and --out FILE", 2)
    if engine == Engine.local and (address or workers):
        fail("--address and --workers are options of --engine ray; add --engine ray or drop them", 2)
    if explain and engine == Engine.ray:
        fail("--explain runs with the local engine only; drop --engine ray", 2)
    if explain and format not in (OutputFormat.json, OutputFormat.jsonl):
        fail(f"--explain writes evidence into JSON or JSONL, found --format {format.value}; add -f jsonl "
             "(or make a page with framing report)", 2)
    if out is not None:
        _check_writable(out)  # before scoring, not after an hour of it
        check_output(out, paths)
        ctx.with_resource(exclusive_output(out))  # held until the command ends
    if engine == Engine.ray:
        from framing.ray_engine import RayOptions, ScoringOptions, score_on_ray

        scoring = ScoringOptions(str(model.resolve()) if model else None, str(actors.resolve()) if actors else None,
                                 precision.value, text_field, id_field)
        run = score_on_ray(paths, out, scoring, RayOptions(address, workers, threads or 1, progress), skip_bad,
                           resume, shard_documents)
        return _report(run, skip_bad, out)
    analyzer = FramingAnalyzer.load(model, actors=actors, precision=precision.value, threads=threads or None)
    if explain:
        from framing.explain import ExplainingAnalyzer

        analyzer = ExplainingAnalyzer(analyzer)
    records = iter_documents(paths, text_field=text_field, id_field=id_field)
    err = console(stderr=True)
    if out is not None and format == OutputFormat.jsonl:
        start_jsonl_output(out, run_identity(analyzer), resume)
    done_ids = completed_documents(out) if resume else set()
    bar = err if progress and format != OutputFormat.table and out is not None else None

    if format in (OutputFormat.jsonl, OutputFormat.csv):
        # Streamed: JSONL appends in place (resumable), CSV goes to a temporary file renamed at the end.
        if out is None:
            handle, tmp = sys.stdout, None
        elif format == OutputFormat.jsonl:
            handle, tmp = out.open("a" if resume else "w", encoding="utf-8"), None
        else:
            handle, tmp = temporary_beside(out)
        try:
            writer = (JsonlWriter(handle) if format == OutputFormat.jsonl
                      else CsvWriter(handle, analyzer.config.frames))
            run = _run_with_progress(analyzer, records, writer, skip_bad, done_ids, bar,
                                     count_documents(paths) if bar else None)
        except BaseException:
            if tmp is not None:
                os.unlink(tmp)
            raise
        finally:
            if out is not None:
                handle.close()
        if tmp is not None:
            os.chmod(tmp, 0o644)
            os.replace(tmp, out)
    else:
        collector = DocumentCollector()
        run = _run_with_progress(analyzer, records, collector, skip_bad, None, bar)
        scored = collector.documents
        if format == OutputFormat.table:
            from rich.console import Console

            # To a file: render off-screen, then write it whole.
            target = console() if out is None else Console(file=io.StringIO(), record=True, width=160)
            for doc in scored:
                for table in _tables(analyzer, doc, roll_up):
                    target.print(table)
            if out is not None:
                atomic_write(out, target.export_text())
        else:
            text = json_text(scored, [d.summary(analyzer.registry, roll_up) for d in scored])
            if out is None:
                sys.stdout.write(text)
            else:
                atomic_write(out, text)

    _report(run, skip_bad, out)


def _report(run, skip_bad: bool, out: Optional[Path]) -> None:
    """Warnings, bad records and the summary line on stderr; the exit code."""
    if run.duplicate_ids:
        typer.echo(f"warning: document ids seen more than once: {', '.join(map(repr, run.duplicate_ids))}; "
                   "their records share a doc_id (and --resume treats them as one): give each document its own "
                   "id (--id-field)", err=True)
    for message in run.bad:
        if message == run.stopped_on:  # one line: what is wrong, then how to go on
            typer.echo(f"error: {message}; the run stopped there: fix the line or pass --skip-bad", err=True)
        else:
            typer.echo(f"skipped: {message}", err=True)
    if run.stopped_on:
        raise typer.Exit(1)
    if out is not None or run.bad or run.skipped_resumed:
        typer.echo(f"{run.documents} documents, {run.sentences} sentences in {run.seconds:.1f} s "
                   f"({run.sentences / max(run.seconds, 1e-9):.0f} sentences/s)"
                   + (f", {run.skipped_resumed} already done" if run.skipped_resumed else "")
                   + (f", {len(run.bad)} skipped as bad" if run.bad else ""), err=True)
    if run.bad and not skip_bad:
        raise typer.Exit(1)
    if run.documents == 0 and not run.skipped_resumed:
        raise typer.Exit(1)


def _tables(analyzer, doc, roll_up):
    from framing.render import document_tables

    return document_tables(doc, doc.summary(analyzer.registry, roll_up))


def _run_with_progress(analyzer, records, write, skip_bad, done_ids, err, total=None):
    """Score the stream; with ``err``, draw a progress bar (documents, sentences/s, time left) there."""
    import time

    from framing.streaming import score_stream

    if err is None:
        return score_stream(analyzer, records, write, skip_bad=skip_bad, skip_ids=done_ids)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("[bold]scoring"), BarColumn(), MofNCompleteColumn(), TextColumn("docs"),
                  TextColumn("{task.fields[rate]:.0f} sentences/s"), TimeRemainingColumn(),
                  console=err, transient=True) as bar:
        skipped = len(done_ids or ())
        task = bar.add_task("score", total=total, completed=skipped, rate=0.0)
        started = time.perf_counter()

        def tick(docs, sentences):
            bar.update(task, completed=skipped + docs, rate=sentences / max(1e-9, time.perf_counter() - started))

        return score_stream(analyzer, records, write, skip_bad=skip_bad, skip_ids=done_ids, progress=tick)


def _check_writable(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        fail(f"{path}: cannot create its folder ({e.strerror}); choose another --out")
    if path.is_dir() or not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        fail(f"{path}: expected a writable file path for --out, found " +
             ("a directory" if path.is_dir() else "no write permission") + "; choose another --out")
