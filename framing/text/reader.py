"""Read what users feed ``framing score``: files, directories, JSONL corpora, stdin.

* Text is decoded from UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252,
  else Latin-1; binary files (PDF, images, archives, NUL-heavy data) are rejected.
* HTML: parsed as a browser does (HTML5); scripts, styles and the head are dropped;
  offsets index the extracted text.
* Markdown: read as text (its markup characters are ordinary characters to the model).
* JSONL corpora (also gzipped, ``.jsonl.gz``): one document a line, ``--text-field`` and
  ``--id-field`` name the keys.

Nothing here raises on bad bytes: undecodable input is replaced (U+FFFD) or reported as
a :class:`BadRecord`. Reads are bounded by MAX_FILE_BYTES whatever size a file reports
(``/dev/zero``, a FIFO, a pipe), and binary data is refused from its first block.
"""

from __future__ import annotations

import codecs
import gzip
import itertools
import json
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from framing.errors import FramingError
from framing.validation import loads_json

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".jsonl.gz")
MAX_FILE_BYTES = 200 * 1024 * 1024
BINARY_CONTROL_SHARE = 0.05  # more control characters than this, and it is not text
SNIFF_BYTES = 65536  # the first block, checked for binary data before the rest is read
_SURROGATES = re.compile("[\ud800-\udfff]")
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
    """Bytes to text, or a FramingError for binary data. Never a UnicodeError: bytes that
    do not decode become U+FFFD."""
    refuse_binary(data[:SNIFF_BYTES], origin)
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace").replace("\x00", "")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # An odd byte count or a lone surrogate is damage, not a reason to lose the file.
        return data.decode("utf-16", errors="replace").replace("\x00", "")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    return text.replace("\x00", "")


def refuse_binary(head: bytes, origin: str) -> None:
    """A FramingError when ``head`` (a file's first block) is a known binary format or
    mostly control characters; UTF-16 is judged on its decoded text."""
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            raise FramingError(f"{origin}: expected text, found {kind}; convert it to .txt first")
    sample = _decode_head(head)
    controls = sum(1 for ch in sample if ch in _CONTROL)
    if sample and controls > BINARY_CONTROL_SHARE * len(sample):
        raise FramingError(f"{origin}: expected text, found binary data ({controls} control characters in the "
                           f"first {len(sample)}); convert it to UTF-8 text first")


def _decode_head(head: bytes) -> str:
    """A file's first block as text, as :func:`decode` reads the whole (a character cut at
    the block's end is left out)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(head.removeprefix(b"\xef\xbb\xbf"), final=False)
    except UnicodeDecodeError:
        try:
            return head.decode("cp1252")
        except UnicodeDecodeError:
            return head.decode("latin-1")


def clean_text(text: str) -> str:
    """``text`` with lone surrogates (from ``\\ud800`` escapes in JSON, or file names that
    are not UTF-8) replaced by U+FFFD: they cannot be tokenized or written as UTF-8. One
    character for one, so offsets stay valid."""
    return _SURROGATES.sub("\ufffd", text)


def read_bounded(handle, origin: str) -> bytes:
    """All of a binary stream, at most MAX_FILE_BYTES of it, whatever size it reports: the
    first block is checked for binary data before more is read."""
    head = handle.read(SNIFF_BYTES)
    refuse_binary(head, origin)
    rest = handle.read(MAX_FILE_BYTES + 1 - len(head)) if len(head) == SNIFF_BYTES else b""
    if len(head) + len(rest) > MAX_FILE_BYTES:
        raise FramingError(f"{origin}: over the {MAX_FILE_BYTES // 2**20} MB limit; split the input")
    return head + rest


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
        with path.open("rb") as handle:
            data = read_bounded(handle, origin)
    except OSError as e:  # unreadable, or deleted since the folder was listed
        raise FramingError(f"{origin}: could not read it ({e.strerror or e}); check the file") from None
    return text_document(data, origin, path.name)


def check_size(size: int, origin: str) -> None:
    """Refuse a file whose reported size is over the limit (bounded reads enforce it anyway)."""
    if size > MAX_FILE_BYTES:
        raise FramingError(f"{origin}: {size // 2**20} MB is over the {MAX_FILE_BYTES // 2**20} MB limit; split the file")


def text_document(data: bytes, origin: str, name: str) -> Document:
    """A text, Markdown or HTML file's bytes as one document, its id the file ``name`` without suffix."""
    text = decode(data, origin)
    if name.lower().endswith((".html", ".htm")):
        text = html_to_text(text)
    return Document(clean_text(Path(name).stem), _check_text(text, origin), origin)


def bounded_lines(handle, origin: str) -> Iterator[bytes]:
    """Lines of a binary stream, each at most MAX_FILE_BYTES (a longer one, e.g. a FIFO fed
    from /dev/zero, ends the file with a FramingError)."""
    while line := handle.readline(MAX_FILE_BYTES + 1):
        if len(line) > MAX_FILE_BYTES:
            raise FramingError(f"{origin}: a line over the {MAX_FILE_BYTES // 2**20} MB limit; split the input")
        yield line


def read_jsonl(lines, origin: str, text_field: str, id_field: str, first_line: int = 1) -> Iterator[Document | BadRecord]:
    """Documents from JSONL lines (str, or bytes decoded line by line so that one binary
    line is one bad record, not a lost file); ``first_line`` numbers the first of them. A whole
    file (from line 1) without a single row is one bad record."""
    rows = 0
    for number, line in enumerate(lines, first_line):
        where = f"{origin}:{number}"
        if isinstance(line, bytes):
            try:
                line = decode(line, where)
            except FramingError as e:
                yield BadRecord(where, str(e))
                continue
        if not line.strip():
            continue
        rows += 1
        try:
            obj = loads_json(line)
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
        doc_id = clean_text(str(doc_id)) if doc_id is not None else f"{Path(origin).stem}:{number}"
        yield Document(doc_id, clean_text(obj[text_field]), where, meta)
    if rows == 0 and first_line == 1:
        yield BadRecord(origin, f"{origin}: expected JSONL rows (one JSON object a line), found none; "
                                "remove the file or add rows")


def iter_documents(paths: list[str], text_field: str = "text", id_field: str = "id") -> Iterator[Document | BadRecord]:
    """Documents from each path in order; problems come back as BadRecord, never raised.

    A path is a file, a directory (its .txt/.md/.html/.jsonl files, sorted) or ``-`` (stdin).
    """
    for raw in paths:
        if raw == "-":
            try:
                text = decode(read_bounded(sys.stdin.buffer, "<stdin>"), "<stdin>")
            except FramingError as e:
                yield BadRecord("<stdin>", str(e))
                continue
            if _looks_like_jsonl(text):
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
                yield from read_one_file(f, text_field, id_field, doc_id_in(path, f))
        elif path.exists():
            yield from read_one_file(path, text_field, id_field)
        else:
            yield BadRecord(raw, f"{raw}: no such file or directory")


def _looks_like_jsonl(text: str) -> bool:
    """Standard input is JSONL when its first non-blank line is a JSON object, not merely
    when it starts with ``{``."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return isinstance(loads_json(first), dict)
    except ValueError:
        return False


def text_files(folder: Path) -> list[Path]:
    """The files ``framing score FOLDER`` reads: those with a TEXT_SUFFIXES ending, at any
    depth, sorted."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name.lower().endswith(TEXT_SUFFIXES))


def doc_id_in(folder: Path, path: Path) -> str:
    """A file's document id within a scanned folder: its relative path without the suffix
    ("2024/speech"), so same-named files in different subfolders stay distinct."""
    relative = path.relative_to(folder)
    return clean_text(str(relative.parent / path.stem) if relative.parent != Path(".") else path.stem)


def is_jsonl(path: Path) -> bool:
    return path.name.lower().endswith((".jsonl", ".jsonl.gz"))


def read_one_file(path: Path, text_field: str, id_field: str, doc_id: str | None = None):
    """The documents of one file: a JSONL corpus's records, or the file as one document."""
    if is_jsonl(path):
        yield from read_jsonl_lines(path, text_field, id_field)
        return
    try:
        document = read_file(path)
        if doc_id is not None:
            document.doc_id = doc_id
        yield document
    except FramingError as e:
        yield BadRecord(str(path), str(e))


def read_jsonl_lines(path: Path | str, text_field: str, id_field: str, first_line: int = 1,
                     lines: int | None = None, opener=None) -> Iterator[Document | BadRecord]:
    """The records of a JSONL(.gz) file, all of them or ``lines`` lines from ``first_line`` on
    (numbered as in the whole file); ``opener`` (default :func:`open_jsonl`) opens ``path`` for bytes."""
    try:
        with (opener or open_jsonl)(path) as f:
            stop = None if lines is None else first_line - 1 + lines
            yield from read_jsonl(itertools.islice(bounded_lines(f, str(path)), first_line - 1, stop), str(path),
                                  text_field, id_field, first_line)
    except (OSError, EOFError) as e:  # a corrupt or truncated .gz, a file deleted mid-run
        yield BadRecord(str(path), f"{path}: could not read it ({e}); check the file is whole")
    except FramingError as e:  # a line over the size limit
        yield BadRecord(str(path), str(e))


def open_jsonl(path: Path | str):
    """A JSONL(.gz) file opened for reading bytes, decompressed if gzipped."""
    return gzip.open(path, "rb") if str(path).lower().endswith(".gz") else open(path, "rb")


def count_documents(paths: list[str]) -> int | None:
    """How many documents ``iter_documents`` will yield (for a progress bar), or None when
    that cannot be known without consuming the input (stdin, a FIFO, a device)."""
    total = 0
    for raw in paths:
        if raw == "-":
            return None
        path = Path(raw)
        for f in text_files(path) if path.is_dir() else [path]:
            try:
                mode = f.stat().st_mode
            except OSError:
                continue
            if not stat.S_ISREG(mode):
                return None
            if is_jsonl(f):
                try:
                    with open_jsonl(f) as handle:
                        total += sum(1 for line in bounded_lines(handle, str(f)) if line.strip())
                except (OSError, EOFError, FramingError):
                    continue
            else:
                total += 1
    return total
