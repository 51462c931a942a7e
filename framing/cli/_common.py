"""What every command shares: one-line errors on stderr, no tracebacks."""

from __future__ import annotations

import functools
import sys
from enum import Enum

import typer

from framing.errors import DataError, FramingError
from framing.model.persistence import AUTO, PRECISIONS

# --precision's choices, from the one list load_model accepts.
Precision = Enum("Precision", {p: p for p in (AUTO, *PRECISIONS)}, type=str)
PRECISION_HELP = ("auto: bf16 where the CPU (AVX512-BF16 or AMX) or GPU runs it fast, else fp32; fp32; bf16; "
                  "int8 (dynamic quantization, CPU).")


def fail(message: str, code: int = 1):
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def user_errors(fn):
    """Turn FramingError into ``error: ...`` on stderr and exit code 1 (all problems for data)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DataError as e:
            typer.echo(f"error: {e}", err=True)
            for problem in e.problems[1:50]:
                typer.echo(f"  {problem}", err=True)
            if len(e.problems) > 50:
                typer.echo(f"  ... {len(e.problems) - 50} more", err=True)
            raise typer.Exit(1)
        except FramingError as e:
            fail(str(e))
        except KeyboardInterrupt:
            typer.echo("error: interrupted; a JSONL --out keeps its whole documents and `framing train` its last "
                       "checkpoint (continue either with --resume); nothing else was written", err=True)
            raise typer.Exit(130)
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0)
        except OSError as e:  # an unwritable --out, a full disk: the file and the reason, no traceback
            where = f"{e.filename}: " if e.filename else ""
            fail(f"{where}{e.strerror or e}; check the path, its permissions and free space")

    return wrapper


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr)
