"""Read what users feed ``framing score``: files, directories, JSONL corpora, stdin.

* Text is decoded from UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252,
  else Latin-1; binary files (PDF, images, archives, NUL-heavy data) are rejected.
* HTML: parsed as a browser does (HTML5); scripts, styles and the head are dropped;
  offsets index the extracted text.
* Markdown: read as text (its markup characters are ordinary characters to the model).
* JSONL corpora (also gzipped, ``.jsonl.gz``): one document a line, ``--text-field`` and
  ``--id-field`` name the keys.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from framing.errors import FramingError

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".jsonl.gz")
MAX_FILE_BYTES = 200 * 1024 * 1024
BINARY_CONTROL_SHARE = 0.05  # more control characters than this, and it is not text
_CONTROL = frozenset(chr(c) for c in [*range(0, 32), *range(127, 160)]) - set("\t\n\r\f\v")
_MAGIC = {
    b"%PDF": "a PDF", b"\x89PNG": "a PNG image", b"\x1f\x8b": "a gzip archive", b"PK\x03\x04": "a zip archive",
    b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"\x7fELF": "an executable",
}


@dataclass
class Document:
    doc_id: str
    text: str
    origin: str  # file path (or file:line for a JSONL record), for messages
    meta: dict = field(default_factory=dict)  # a JSONL record's other fields (country, year, date, ...)


@dataclass
class BadRecord:
    origin: str
    message: str


def decode(data: bytes, origin: str) -> str:
    """Bytes to text, or a FramingError for binary data."""
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise FramingError(f"{origin}: expected text, found {kind}; convert it to .txt first")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    sample = text[:65536]
    controls = sum(1 for ch in sample if ch in _CONTROL)
    if sample and controls > BINARY_CONTROL_SHARE * len(sample):
        raise FramingError(f"{origin}: expected text, found binary data ({controls} control characters in the "
                           f"first {len(sample)}); convert it to UTF-8 text first")
    return text.replace("\x00", "")


# Dropped with their content: not part of the article's text.
HTML_SKIP = "script, style, noscript, template, head, svg, math"
# Each starts and ends a paragraph.
HTML_BLOCKS = ("p, div, br, li, dt, dd, h1, h2, h3, h4, h5, h6, tr, section, article, aside, blockquote, header, "
               "footer, nav, main, figure, figcaption, ul, ol, dl, table, pre, hr, address")


def html_to_text(html: str) -> str:
    """The readable text of an HTML page, one paragraph per block element.

    Parsed as browsers parse it (selectolax's HTML5 parser, Lexbor), so a page without
    ``</head>`` or with unclosed tags reads as a browser shows it.

    >>> html_to_text("<title>x</title><p>One &amp; two.<p>Three")
    'One & two.\\n\\nThree'
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    for node in tree.css(HTML_SKIP):
        node.decompose()
    for node in tree.css(HTML_BLOCKS):
        node.insert_before("\n\n")
        node.insert_after("\n\n")
    raw = tree.root.text(deep=True) if tree.root is not None else ""
    lines = [" ".join(line.split()) for line in raw.split("\n")]
    return _PARAGRAPH_GAPS.sub("\n\n", "\n".join(lines)).strip()


_PARAGRAPH_GAPS = re.compile(r"\n{3,}")


def _check_text(text: str, origin: str) -> str:
    if not text.strip():
        raise FramingError(f"{origin}: expected text to score, found an empty file; remove it or add text")
    return text


def read_file(path: Path) -> Document:
    origin = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FramingError(f"{origin}: {size // 2**20} MB is over the {MAX_FILE_BYTES // 2**20} MB limit; split the file")
        data = path.read_bytes()
    except PermissionError:
        raise FramingError(f"{origin}: permission denied; make the file readable") from None
    text = decode(data, origin)
    if path.suffix.lower() in (".html", ".htm"):
        text = html_to_text(text)
    return Document(path.stem, _check_text(text, origin), origin)


def read_jsonl(lines, origin: str, text_field: str, id_field: str) -> Iterator[Document | BadRecord]:
    """Documents from JSONL lines (str, or bytes decoded line by line so that one binary
    line is one bad record, not a lost file)."""
    for number, line in enumerate(lines, 1):
        where = f"{origin}:{number}"
        if isinstance(line, bytes):
            try:
                line = decode(line, where)
            except FramingError as e:
                yield BadRecord(where, str(e))
                continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield BadRecord(where, f"{where}: expected one JSON object a line, found invalid JSON ({e.msg})")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get(text_field), str):
            yield BadRecord(where, f"{where}: expected a string field {text_field!r}; set --text-field to the text key")
            continue
        if not obj[text_field].strip():
            yield BadRecord(where, f"{where}: field {text_field!r} is empty")
            continue
        doc_id = obj.get(id_field)
        meta = {k: v for k, v in obj.items() if k not in (text_field, id_field)}
        yield Document(str(doc_id) if doc_id is not None else f"{Path(origin).stem}:{number}", obj[text_field], where,
                       meta)


def iter_documents(paths: list[str], text_field: str = "text", id_field: str = "id") -> Iterator[Document | BadRecord]:
    """Documents from each path in order; problems come back as BadRecord, never raised.

    A path is a file, a directory (its .txt/.md/.html/.jsonl files, sorted) or ``-`` (stdin).
    """
    for raw in paths:
        if raw == "-":
            data = sys.stdin.buffer.read()
            try:
                text = decode(data, "<stdin>")
            except FramingError as e:
                yield BadRecord("<stdin>", str(e))
                continue
            if text.lstrip().startswith("{"):
                yield from read_jsonl(text.splitlines(), "<stdin>", text_field, id_field)
            elif text.strip():
                yield Document("stdin", text, "<stdin>")
            else:
                yield BadRecord("<stdin>", "<stdin>: expected text to score, found nothing on standard input")
            continue
        path = Path(raw)
        if path.is_dir():
            files = text_files(path)
            if not files:
                yield BadRecord(raw, f"{raw}: directory has no {'/'.join(TEXT_SUFFIXES)} files to score")
            for f in files:
                yield from _one_file(f, text_field, id_field, _doc_id_in(path, f))
        elif path.exists():
            yield from _one_file(path, text_field, id_field)
        else:
            yield BadRecord(raw, f"{raw}: no such file or directory")


def text_files(folder: Path) -> list[Path]:
    """The files ``framing score FOLDER`` reads: those with a TEXT_SUFFIXES ending, at any
    depth, sorted."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name.lower().endswith(TEXT_SUFFIXES))


def _doc_id_in(folder: Path, path: Path) -> str:
    """A file's document id within a scanned folder: its relative path without the suffix
    ("2024/speech"), so same-named files in different subfolders stay distinct."""
    relative = path.relative_to(folder)
    return str(relative.parent / path.stem) if relative.parent != Path(".") else path.stem


def _one_file(path: Path, text_field: str, id_field: str, doc_id: str | None = None):
    if path.name.lower().endswith((".jsonl", ".jsonl.gz")):
        opener = gzip.open if path.suffix.lower() == ".gz" else open
        try:
            with opener(path, "rb") as f:
                yield from read_jsonl(f, str(path), text_field, id_field)
        except (OSError, EOFError) as e:  # a corrupt or truncated .gz
            yield BadRecord(str(path), f"{path}: could not read it ({e}); check the file is whole")
        return
    try:
        document = read_file(path)
        if doc_id is not None:
            document.doc_id = doc_id
        yield document
    except FramingError as e:
        yield BadRecord(str(path), str(e))


def count_documents(paths: list[str]) -> int | None:
    """How many documents ``iter_documents`` will yield (for a progress bar), or None for stdin."""
    total = 0
    for raw in paths:
        if raw == "-":
            return None
        path = Path(raw)
        for f in text_files(path) if path.is_dir() else [path]:
            if not f.exists():
                continue
            if f.name.lower().endswith((".jsonl", ".jsonl.gz")):
                opener = gzip.open if f.suffix.lower() == ".gz" else open
                try:
                    with opener(f, "rb") as handle:
                        total += sum(1 for line in handle if line.strip())
                except OSError:
                    continue
            else:
                total += 1
    return total
