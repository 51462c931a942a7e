"""``framing report`` as library calls: inputs in, finished pages out (nothing printed).

* :func:`article_report`: documents to score (anything ``framing score`` reads) or scored
  JSONL, one section per document.
* :func:`corpus_report`: scored JSONL whose records carry metadata (``meta``), aggregated
  in one pass; the documents of the example sentences get pages of their own, linked.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from framing.errors import FramingError
from framing.files import atomic_write
from framing.report import aggregate, pages
from framing.report.records import documents_of, is_scored_jsonl, read_documents, read_scored


@dataclass
class Report:
    html: str
    documents: dict[str, str] = field(default_factory=dict)  # file name -> page, written into a folder beside
    documents_dir: str | None = None  # that folder's name, relative to the report


def _need_report_libraries() -> None:
    try:
        import altair  # noqa: F401
        import jinja2  # noqa: F401
        import vl_convert  # noqa: F401
    except ImportError as e:
        raise FramingError(f"framing report: expected the report libraries, found {e.name} missing; "
                           "install them with pip install 'framing[report]'") from None


def scored_records(paths: list[str], analyzer, text_field: str = "text", id_field: str = "id") -> list[dict]:
    """Score documents into sentence records as ``framing score -f jsonl`` writes them."""
    from framing.streaming import score_stream, sentence_record
    from framing.text.reader import iter_documents

    records: list[dict] = []

    def collect(part):
        records.extend(sentence_record(s, part.doc_sentences, part.meta) for s in part.sentences)

    run = score_stream(analyzer, iter_documents(paths, text_field=text_field, id_field=id_field), collect)
    if run.bad:
        raise FramingError(run.bad[0])
    return records


def article_report(paths: list[str], analyzer_loader, title: str | None = None, roll_up=None,
                   text_field: str = "text", id_field: str = "id") -> Report:
    """The article page of scored JSONL files, or of documents scored with ``analyzer_loader()``."""
    _need_report_libraries()
    scored = [p for p in paths if is_scored_jsonl(p)]
    if scored and len(scored) < len(paths):
        raise FramingError(f"{scored[0]}: expected inputs of one kind, found scored JSONL beside documents to score; "
                           "report on them separately")
    if scored:
        records = list(chain.from_iterable(read_scored(p) for p in paths))
    else:
        records = scored_records(paths, analyzer_loader(), text_field, id_field)
    documents = list(documents_of(records))
    if not documents:
        raise FramingError(f"{', '.join(paths)}: expected sentences to report on, found none; check the input")
    return Report(pages.article_html(documents, title or _title(documents), roll_up))


def _title(documents) -> str:
    first = documents[0][0]
    return first if len(documents) == 1 else f"{first} and {len(documents) - 1} more documents"


def corpus_report(paths: list[str], by: list[str], out_name: str, title: str | None = None, roll_up=None) -> Report:
    """The corpus page: the first ``by`` field is the axis (years, dates), the second the
    group and speaker (countries). ``out_name`` names the report file (its documents' folder
    is named after it)."""
    _need_report_libraries()
    if len(by) > 2:
        raise FramingError(f"--by: expected one or two fields (an axis such as year, then a group such as "
                           f"country), found {len(by)}; drop the extra ones")
    unscored = [p for p in paths if not is_scored_jsonl(p)]
    if unscored:
        raise FramingError(f"{unscored[0]}: expected scored JSONL for --by (the output of framing score -f jsonl), "
                           "found something else; score the corpus first")
    axis, group = by[0], (by[1] if len(by) > 1 else None)
    tally = aggregate.tally_corpus(chain.from_iterable(read_scored(p) for p in paths), axis, group, roll_up)
    if not tally.sentences:
        raise FramingError(f"{', '.join(paths)}: expected records with a {axis!r} field in their meta (metadata "
                           f"from the input JSONL), found none; check --by, or rescore a JSONL corpus that has it")
    data = aggregate.corpus_tables(tally)
    documents_dir = f"{Path(out_name).stem}_documents"
    wanted = {e.doc_id for cell in (*data["examples_over_axis"], *data["examples_who_frames_whom"])
              for e in cell["examples"]}
    documents = {}
    for doc_id, records in documents_of(chain.from_iterable(read_documents(p, wanted) for p in paths)):
        documents[pages.document_file_name(doc_id)] = pages.article_html([(doc_id, records)], doc_id, roll_up,
                                                                                with_charts=False)

    def link(example) -> str:
        return f"{documents_dir}/{pages.document_file_name(example.doc_id)}#{pages.FIRST_DOCUMENT}-s{example.sentence_id}"

    html = pages.corpus_html(data, title or f"Frames and actor sentiment by {' and '.join(by)}", link)
    return Report(html, documents, documents_dir)


def save(report: Report, out: Path) -> None:
    """The documents' folder first (built aside, then swapped in), the page last: a failed
    run leaves an earlier report as it was."""
    if report.documents_dir:
        folder = out.parent / report.documents_dir
        staging = Path(tempfile.mkdtemp(prefix=f".{report.documents_dir}.", dir=out.parent))
        try:
            for name, html in report.documents.items():
                (staging / name).write_text(html, encoding="utf-8")
            os.chmod(staging, 0o755)
            if folder.exists():
                shutil.rmtree(folder)
            os.replace(staging, folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    atomic_write(out, report.html)


def registry_roll_up(actors: Path | None = None):
    """The registry's leader-to-state mapping (``--roll-up``)."""
    from framing.text.actors import ActorRegistry

    return ActorRegistry.load(actors).roll_up
