"""One exception type for problems the user can fix; the CLI prints it as one line."""


class FramingError(Exception):
    """A user-facing error: what was expected, what was found, how to fix it."""


class DataError(FramingError):
    """One or more problems in a data file; ``problems`` holds ``file:line: message`` lines."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more)


def read_structured(path, kind: str, what: str, hint: str = "") -> dict:
    """Parse a TOML or JSON file (``kind``), turning every failure into one FramingError line.

    ``what`` names the file's role in messages ("training config"); ``hint`` says how to fix
    a missing file.
    """
    import json
    import tomllib
    from pathlib import Path

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        return tomllib.loads(text) if kind == "toml" else json.loads(text)
    except FileNotFoundError:
        raise FramingError(f"{path}: {what} not found" + (f"; {hint}" if hint else "")) from None
    except IsADirectoryError:
        raise FramingError(f"{path}: expected a {what} file, found a directory") from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as e:
        raise FramingError(f"{path}: expected a {kind.upper()} {what}, could not parse it: {e}") from None
