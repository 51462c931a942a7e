"""framing data stats FILE...: counts per split, frame, sentiment and source."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from framing.cli._common import console, user_errors
from framing.cli.data._options import TaxonomyOption, load_taxonomy


@user_errors
def stats(paths: Annotated[list[Path], typer.Argument(help="Gold JSONL files.")], taxonomy: TaxonomyOption = None) -> None:
    """Counts per split, frame, sentiment and source."""
    from framing.data.gold import read_examples, stats as count
    from framing.render import stats_tables

    out = console()
    for table in stats_tables(count(read_examples(paths, taxonomy=load_taxonomy(taxonomy)))):
        out.print(table)
