"""Annotation tools: each module writes tasks in the tool's own import format, with the
model's predictions pre-annotated, and reads the tool's export back as Annotations.

* label_studio: JSON tasks with ``data`` and ``predictions[].result[]``, a labelling config
  XML; exports with ``annotations[].result[]``.
* doccano: JSONL for an "Intent detection and slot filling" project (``cats`` for frames,
  ``entities`` spans labelled with their sentiment); exports the same, one file per user.
* prodigy: JSONL with ``spans`` (labelled with their sentiment) and ``options`` /
  ``accept`` for frames; ``prodigy db-out`` exports add ``answer`` and ``_annotator_id``.
"""

from __future__ import annotations

from framing.data.tools import doccano, label_studio, prodigy

TOOLS = {"label-studio": label_studio, "doccano": doccano, "prodigy": prodigy}
