"""The ``framing`` command line. One module per command; each parses options and calls
the library (framing.inference, framing.training.loop, framing.training.calibrate, framing.evaluation.metrics, framing.data.gold).

Heavy imports (torch, transformers) happen inside commands, so ``--help`` stays fast.
"""

from __future__ import annotations

import typer

from framing.cli import benchmark, calibrate, data, evaluate, report, score, train

app = typer.Typer(
    name="framing",
    help="Narrative frames and actor sentiment in news and political text.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("score")(score.score)
app.command("train")(train.train)
app.command("calibrate")(calibrate.calibrate)
app.command("eval")(evaluate.evaluate)
app.command("report")(report.report)
app.add_typer(data.app, name="data")
app.add_typer(benchmark.app, name="benchmark")


def main() -> None:
    import signal

    def terminated(signum, frame):
        # `kill` (SIGTERM) then ends like Ctrl-C: temporary files removed, one-line message.
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminated)
    app()
