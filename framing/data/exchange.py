"""Batches out to annotation tools, and their exports back to gold rows: the library side of
``framing data export`` and ``framing data import`` (framing.data.tools holds the formats)."""

from __future__ import annotations

import json
from pathlib import Path

from framing.data.annotations import ImportResult, merge
from framing.data.batch import jsonl_text, read_batch
from framing.errors import FramingError
from framing.labels import Taxonomy


def _tool(name: str):
    from framing.data.tools import TOOLS

    if name not in TOOLS:
        raise FramingError(f"expected a tool among {', '.join(TOOLS)}, found {name!r}")
    return TOOLS[name]


def export_batch(batch: Path, tool: str, taxonomy: Taxonomy) -> dict[str, str]:
    """The files to hand to ``tool``: ``{"tasks": text}``, plus ``"config"`` (Label Studio's
    labelling XML) or ``"labels"`` (doccano's label names, JSON)."""
    module = _tool(tool)
    items = read_batch(batch)
    unknown = sorted({f for item in items for f in item.frames} - set(taxonomy.frames))
    if unknown:
        raise FramingError(f"{batch}: predicted frames {unknown} are not in the taxonomy ({', '.join(taxonomy.frames)});"
                           " pass the model's taxonomy with --taxonomy")
    tasks = module.export_tasks(items, taxonomy, items[0].model)
    if module.SUFFIX == ".json":
        files = {"tasks": json.dumps(tasks, ensure_ascii=False, indent=1) + "\n"}
    else:
        files = {"tasks": jsonl_text(tasks)}
    if hasattr(module, "labelling_config"):
        files["config"] = module.labelling_config(taxonomy)
        _validate_with_label_studio(files["config"], tasks)
    if hasattr(module, "label_names"):
        files["labels"] = json.dumps(module.label_names(taxonomy), indent=1) + "\n"
    return files


def _validate_with_label_studio(config: str, tasks: list[dict]) -> None:
    """With the optional Label Studio SDK installed, check the config and every prediction
    as Label Studio itself would; without it, nothing to do."""
    try:
        from label_studio_sdk.label_interface import LabelInterface
    except ImportError:
        return
    interface = LabelInterface(config)
    for task in tasks:
        for prediction in task.get("predictions", []):
            errors = interface.validate_prediction(prediction, return_errors=True)
            if errors:
                raise FramingError(f"Label Studio rejects the task for {task['data']['framing_id']}: {errors[0]}")


def import_annotations(paths: list[Path], tool: str, taxonomy: Taxonomy, registry, split: str | None,
                       batch: str | None = None, codebook: str | None = None) -> ImportResult:
    """Gold rows from one or more exports of ``tool`` (several files: one per annotator, as
    doccano writes them, or several projects over the same batch)."""
    from framing.labels import SPLITS

    if split is not None and split not in SPLITS:
        raise FramingError(f"--split must be one of {', '.join(SPLITS)}, found {split!r}")
    module = _tool(tool)
    annotations, tasks = [], []
    for path in paths:
        found, ids = module.read_annotations(path, registry)
        annotations += found
        tasks += [t for t in ids if t not in tasks]
    return merge(annotations, tasks, taxonomy, split, batch or Path(paths[0]).stem, codebook)

