"""framing data select CORPUS...: the sentences to label next, as a batch JSONL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from framing.cli._common import user_errors
from framing.cli.data._options import OverwriteOption, check_new_output


@user_errors
def select(
    paths: Annotated[list[str], typer.Argument(help="Corpus: files, folders (.txt/.md/.html/.jsonl[.gz]) or -.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Batch JSONL to write.")],
    n: Annotated[int, typer.Option("--n", min=1, help="Sentences to select.")] = 500,
    strategy: Annotated[str, typer.Option(help="random, uncertainty (near the thresholds), rare (rare frames) or "
                                               "likely:FRAME (the model's likeliest instances of FRAME).")]
    = "random",
    model: Annotated[Optional[str], typer.Option(help="Model directory or shipped name whose predictions rank "
                                                      "(uncertainty, rare, likely) and pre-annotate [default: default].")] = None,
    gold: Annotated[list[Path], typer.Option("--gold", help="Gold files: their sentences and documents are never "
                                                            "selected (repeat the option).", exists=True,
                                             dir_okay=False)] = [],
    seed: Annotated[int, typer.Option(help="Seed: the same corpus, seed and model give the same batch.")] = 0,
    pool: Annotated[Optional[int], typer.Option(min=1, help="Candidates drawn at random, which the model scores for uncertainty, rare and likely "
                                               "(random: it reads only the picks) [default: 20 x n].")] = None,
    text_field: Annotated[str, typer.Option(help="JSONL corpora: the text key.")] = "text",
    id_field: Annotated[str, typer.Option(help="JSONL corpora: the document id key.")] = "id",
    overwrite: OverwriteOption = False,
) -> None:
    """Sample sentences to label, spread over documents, with actor mentions and the model's
    predictions pre-filled; seeded and reproducible."""
    from framing.data.batch import write_jsonl
    from framing.data.select import select_from_corpus
    from framing.errors import FramingError

    check_new_output(out, overwrite)
    records, stats = select_from_corpus(paths, n, strategy, model, gold, seed, pool, text_field, id_field)
    if not records:
        raise FramingError(f"{', '.join(paths)}: no sentence to select (the corpus is empty, or every sentence is "
                           "too short, a duplicate or in the gold files)")
    write_jsonl(out, records)
    typer.echo(f"wrote {out}: {len(records)} sentences from {len({r['doc_id'] for r in records})} documents "
               f"({stats.documents} documents, {stats.sentences} sentences read; {stats.candidates} candidates, "
               f"{stats.duplicates} near-duplicates and {stats.in_gold} gold sentences left out"
               + (f"; {len(stats.bad_records)} bad records skipped" if stats.bad_records else "") + ")", err=True)
