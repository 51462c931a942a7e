"""framing data agree A B: agreement between two annotations of the same sentences."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from framing.cli._common import console, user_errors
from framing.cli.data._options import TaxonomyOption, load_taxonomy


@user_errors
def agree(
    a: Annotated[Path, typer.Argument(help="First annotation (gold JSONL).", exists=True, dir_okay=False)],
    b: Annotated[Path, typer.Argument(help="Second annotation of the same sentences.", exists=True, dir_okay=False)],
    taxonomy: TaxonomyOption = None,
) -> None:
    """Cohen's kappa per frame, Krippendorff's alpha over frames, sentiment kappa."""
    from framing.data.gold import read_examples
    from framing.evaluation.agreement import agreement
    from framing.render import agreement_table

    scheme = load_taxonomy(taxonomy)
    figures = agreement(read_examples([a], taxonomy=scheme), read_examples([b], taxonomy=scheme), scheme)
    console().print(agreement_table(figures))
