"""Reading the structured files a user hands over (TOML, JSON) into validated dataclasses.

Every failure is one :class:`~framing.errors.FramingError` line naming the file, what was
expected and what was found: a missing file, a parse error, an unknown key, a value of
the wrong type, a value out of range (the dataclass's own ``validate``).
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
import types
import typing
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
        data = tomllib.loads(text) if kind == "toml" else loads_json(text)
    except FileNotFoundError:
        raise FramingError(f"{path}: {what} not found" + (f"; {hint}" if hint else "")) from None
    except IsADirectoryError:
        raise FramingError(f"{path}: expected a {what} file, found a directory") from None
    except OSError as e:
        raise FramingError(f"{path}: could not read the {what} ({e.strerror or e}); check the file") from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError, RecursionError) as e:
        reason = "nested too deeply" if isinstance(e, RecursionError) else str(e)
        raise FramingError(f"{path}: expected a {kind.upper()} {what}, could not parse it: {reason}") from None
    if not isinstance(data, dict):
        raise FramingError(f"{path}: expected a {kind.upper()} {what} with keys at the top, found {type(data).__name__}"
                           + (f"; {hint}" if hint else ""))
    return data


def loads_json(text: str | bytes):
    """``json.loads``, with JSON nested too deeply for Python's parser reported as the
    JSONDecodeError every caller already handles, not a RecursionError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text if isinstance(text, str) else "", 0) from None


def build_dataclass(cls, data: dict, source: str):
    """``cls(**data)`` after checking keys and value types, then ``validate()``.

    A value must fit its field's annotation: bool, int, float (an int is accepted), str,
    ``list[X]``, ``dict[str, X]``, ``X | None`` or a class, element by element, so that a
    hand-edited ``"0.5"`` in a list or table is caught here rather than deep in the code.
    """
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise FramingError(f"{source}: unknown keys {unknown}; known keys are {sorted(names)}")
    missing = [f.name for f in dataclasses.fields(cls) if f.name not in data
               and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    if missing:
        raise FramingError(f"{source}: expected the keys {missing}, found none; add them")
    for key, value in data.items():
        check_type(value, hints[key], f"{source}: {key}")
    try:
        return cls(**data).validate()
    except FramingError as e:
        raise FramingError(f"{source}: {e}") from None


def check_type(value, hint, where: str) -> None:
    """A FramingError naming ``where`` unless ``value`` fits the type annotation ``hint``."""
    if not fits(value, hint):
        raise FramingError(f"{where} must be {describe(hint)}, found {value!r}; fix the value")


def fits(value, hint) -> bool:
    """Whether a parsed TOML/JSON value fits a type annotation (see :func:`build_dataclass`)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(fits(value, arg) for arg in args)
    if origin in (list, tuple):
        return isinstance(value, list) and all(fits(item, args[0]) for item in value) if args else isinstance(value, list)
    if origin is dict:
        return isinstance(value, dict) and all(fits(k, args[0]) and fits(v, args[1]) for k, v in value.items())
    if hint is type(None):
        return value is None
    if hint is bool or isinstance(value, bool):
        return hint is bool and isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float))
    return isinstance(value, hint) if isinstance(hint, type) else True


def describe(hint) -> str:
    """A type annotation in words: ``list of str``, ``table of str to float``."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(describe(arg) for arg in args)
    if origin in (list, tuple):
        return f"a list of {describe(args[0])}" if args else "a list"
    if origin is dict:
        return f"a table of {describe(args[0])} to {describe(args[1])}"
    return "none" if hint is type(None) else getattr(hint, "__name__", str(hint))
