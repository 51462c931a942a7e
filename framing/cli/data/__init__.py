"""framing data ...: check, count and compare gold data; select, export and import batches
for annotation tools. One module per command."""

from __future__ import annotations

import typer

from framing.cli.data import agree, check, export, import_, select, stats

app = typer.Typer(help="Gold data: check, count, compare annotators; select, export and import batches to label.",
                  no_args_is_help=True)
app.command("check")(check.check)
app.command("stats")(stats.stats)
app.command("agree")(agree.agree)
app.command("select")(select.select)
app.command("export")(export.export)
app.command("import")(import_.import_)
