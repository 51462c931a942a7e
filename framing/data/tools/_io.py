"""Reading tool exports: JSON or JSONL, every failure one line naming the file."""

from __future__ import annotations

import json
from pathlib import Path

from framing.errors import DataError
from framing.validation import loads_json


def read_export(path: Path, tool: str) -> list:
    """The export's tasks: a JSON list, or one JSON object a line (JSONL)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise DataError([f"{path}: could not read the {tool} export ({e})"]) from None
    if not text.strip():
        raise DataError([f"{path}: the {tool} export is empty; export the project again with its annotations"])
    stripped = text.lstrip()
    try:
        if stripped.startswith("["):
            tasks = loads_json(text)
        else:
            tasks = [loads_json(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as e:
        raise DataError([f"{path}: expected a {tool} export (JSON or JSONL), found invalid JSON ({e.msg}, "
                         f"line {e.lineno})"]) from None
    if not all(isinstance(t, dict) for t in tasks):
        raise DataError([f"{path}: expected {tool} tasks (JSON objects), found other values"])
    if not tasks:
        raise DataError([f"{path}: the {tool} export holds no tasks"])
    return tasks


def wrong_tool(path: Path, tool: str, task: dict) -> DataError:
    """The error for an export that is not this tool's, guessing whose it is."""
    if "annotations" in task and "data" in task:
        guess = "a Label Studio export (--from label-studio)"
    elif "_input_hash" in task or "answer" in task:
        guess = "a Prodigy export (--from prodigy)"
    elif "entities" in task or "cats" in task or "label" in task:
        guess = "a doccano export (--from doccano)"
    else:
        guess = "not an annotation tool's export"
    return DataError([f"{path}: expected a {tool} export, found what looks like {guess}"])


def task_id(task: dict, fields: tuple[str, ...], where: str) -> str:
    for key in fields:
        value = task.get(key)
        if isinstance(value, dict):
            value = value.get("framing_id")
        if value not in (None, ""):
            return str(value)
    raise DataError([f"{where}: the task has no framing_id (it did not come from `framing data export`)"])


def one_answer_per_task(path, tasks: list[dict], task_key: str, parse) -> tuple[list, list[str]]:
    """Annotations and task ids of an export with one answer per line (doccano, Prodigy):
    ``parse(task, id, text, where)`` gives the line's Annotation, or None for no answer."""
    annotations, ids, problems = [], [], []
    for number, task in enumerate(tasks, 1):
        where = f"{path}, task {task.get(task_key, number)}"
        text = task.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: the task has no text")
            continue
        try:
            ident = task_id(task, ("framing_id", "meta"), where)
            if ident not in ids:
                ids.append(ident)
            annotation = parse(task, ident, text, where)
        except DataError as e:
            problems += e.problems
            continue
        if annotation is not None:
            annotations.append(annotation)
    if problems:
        raise DataError(problems)
    return annotations, ids
