"""Reading the structured files a user hands over (TOML, JSON) into validated dataclasses.

Every failure is one :class:`~framing.errors.FramingError` line naming the file, what was
expected and what was found: a missing file, a parse error, an unknown key, a value of
the wrong type, a value out of range (the dataclass's own ``validate``).
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from pathlib import Path

from framing.errors import FramingError


def read_structured(path, kind: str, what: str, hint: str = "") -> dict:
    """Parse a TOML or JSON file (``kind``) whose top level is a table.

    ``what`` names the file's role in messages ("training config"); ``hint`` says how to fix
    a missing file.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if kind == "toml" else json.loads(text)
    except FileNotFoundError:
        raise FramingError(f"{path}: {what} not found" + (f"; {hint}" if hint else "")) from None
    except IsADirectoryError:
        raise FramingError(f"{path}: expected a {what} file, found a directory") from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError, RecursionError) as e:
        reason = "nested too deeply" if isinstance(e, RecursionError) else str(e)
        raise FramingError(f"{path}: expected a {kind.upper()} {what}, could not parse it: {reason}") from None
    if not isinstance(data, dict):
        raise FramingError(f"{path}: expected a {kind.upper()} {what} with keys at the top, found {type(data).__name__}"
                           + (f"; {hint}" if hint else ""))
    return data


def build_dataclass(cls, data: dict, source: str):
    """``cls(**data)`` after checking keys and value types, then ``validate()``.

    A field's expected type is its default's type (bool, int, float, str, list, dict);
    an int is accepted for a float. Fields with other defaults are not type-checked here.
    """
    names = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise FramingError(f"{source}: unknown keys {unknown}; known keys are {sorted(names)}")
    for key, value in data.items():
        expected = _expected_type(names[key])
        if expected is not None and not _fits(value, expected):
            raise FramingError(f"{source}: {key} must be {expected.__name__}, found {value!r}; fix the value")
    try:
        return cls(**data).validate()
    except FramingError as e:
        raise FramingError(f"{source}: {e}") from None


def _expected_type(f: dataclasses.Field):
    """The type of a field's default: what a TOML or JSON value for it must be (None: not checked)."""
    if f.default is not dataclasses.MISSING:
        default = f.default
    elif f.default_factory is not dataclasses.MISSING:
        default = f.default_factory()
    else:
        return None
    return type(default) if isinstance(default, (bool, int, float, str, list, dict)) else None


def _fits(value, expected: type) -> bool:
    if expected is bool or isinstance(value, bool):
        return isinstance(value, bool) and expected is bool
    if expected is float:
        return isinstance(value, (int, float))
    return isinstance(value, expected)
