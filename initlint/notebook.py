"""Jupyter notebooks ↔ one Python text: code cells joined, IPython syntax masked, and fixes
written back into the cells they came from with every other byte of the file unchanged.

Cell numbers follow ruff: a cell's 1-based position among *all* the notebook's cells
(markdown and raw cells count too), which is the number a reader scrolling the notebook
counts; rows and columns count within the cell.

The engine reads one text: each code cell's source, with a comment line between cells that
names the boundary and with every line of IPython syntax (``%magic``, ``!shell``, ``obj?``,
``x = %time f()``) replaced by a placeholder that keeps the row (``pass`` at the line's
indentation for a statement, a comment for a continuation line). Placeholders and
boundaries carry a token found nowhere in the notebook, so after fixing they can be told
apart from real code: a fix that moved or edited one is refused, and the lines they stand
for go back into the cell exactly as written. A cell with a cell magic (``%%bash``,
``%%writefile``), a line of automagic that is not Python, or another language is masked
whole, as ruff does; under ``%%time``, ``%%timeit``, ``%%capture`` and the other magics
whose body is Python only the magic's row is masked and the body is checked, as ruff does.
"""

from __future__ import annotations

import ast
import codecs
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from initlint.diagnostics import Diagnostic, Edit, Fix, Position

_NEWLINE = re.compile(r"\r\n|\r|\n")
# ``x = %time f()``, ``files = !ls``: IPython's assignment from a magic or a shell command.
_MAGIC_ASSIGN = re.compile(r"[\w.\[\](), *]+?=\s*[%!]")
_FIRST_WORD = re.compile(r"([A-Za-z_]\w*)(?:\s|$)")
# IPython line magics that run without a ``%`` when automagic is on (its default).
AUTOMAGIC = frozenset(
    {
        "alias", "autoreload", "cd", "conda", "config", "debug", "env", "history", "load",
        "load_ext", "lsmagic", "mamba", "matplotlib", "pdb", "pip", "popd", "prun", "pushd",
        "pwd", "pylab", "reload_ext", "reset", "run", "set_env", "time", "timeit", "unload_ext",
        "who", "whos", "xdel", "xmode",
    }
)  # fmt: skip


class NotebookError(Exception):
    """Not a notebook initlint can read, or fixes it cannot write back faithfully.

    ``row``/``column`` place a reading problem in the file (a JSON syntax error's place).
    """

    def __init__(self, message: str, row: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.row, self.column = row, column


@dataclass(frozen=True, slots=True)
class _Cell:
    index: int  # in the notebook's ``cells`` list
    source: str  # as written, lines joined
    masked: str  # what the engine reads: same rows, IPython syntax replaced
    masked_rows: frozenset[int]  # 1-based rows of ``masked`` that are placeholders
    whole: bool  # every row masked: a cell magic, automagic, or another language
    as_list: bool  # ``source`` was stored as a list of lines

    @property
    def number(self) -> int:
        return self.index + 1


@dataclass(frozen=True, slots=True)
class Rewrite:
    """Fixed notebook bytes, the notebook they read as, and the cells that changed."""

    data: bytes
    notebook: Notebook
    changed: tuple[tuple[int, str, str], ...]  # (cell number, source before, source after)


def _rows(text: str) -> list[tuple[str, str]]:
    """(content, line ending) per row, split as libcst counts rows; joined they are ``text``."""
    rows, start = [], 0
    for match in _NEWLINE.finditer(text):
        rows.append((text[start : match.start()], match.group()))
        start = match.end()
    rows.append((text[start:], ""))
    return rows


class _Scanner:
    """Just enough of Python's tokenizer to know where a statement starts: open brackets,
    strings that run on to the next row, backslash continuations."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None
        self.continued = False

    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, row: str) -> str:
        """Advance over one row; returns its last character of code (not string or comment)."""
        last, index, size = "", 0, len(row)
        self.continued = False
        while index < size:
            if self.quote is not None:
                end = self._string_end(row, index, self.quote)
                if end is None:  # a single-quoted string only goes on after a backslash
                    if len(self.quote) == 1 and not row.endswith("\\"):
                        self.quote = None
                    return last
                index, self.quote, last = end, None, '"'
                continue
            char = row[index]
            if char == "#":
                break
            if char in "\"'":
                triple = row[index : index + 3]
                self.quote = triple if triple in ('"""', "'''") else char
                index += len(self.quote)
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            elif char == "\\" and index == size - 1:
                self.continued = True
            if not char.isspace():
                last = char
            index += 1
        return last

    @staticmethod
    def _string_end(row: str, index: int, quote: str) -> int | None:
        while index < len(row):
            if row[index] == "\\":
                index += 2
            elif row.startswith(quote, index):
                return index + len(quote)
            else:
                index += 1
        return None


# Cell magics whose body is Python run as written, which ruff checks too; any other cell
# magic (``%%bash``, ``%%writefile``, ``%%html``) makes the cell another language.
PYTHON_CELL_MAGICS = frozenset(
    {"capture", "debug", "prun", "pypy", "python", "python3", "time", "timeit"}
)


def _is_ipython(content: str) -> bool:
    """A statement-starting row IPython rewrites before Python sees it."""
    code = content.lstrip()
    return code.startswith(("%", "!", "?")) or _MAGIC_ASSIGN.match(code) is not None


def _compiles(text: str) -> bool:
    try:
        compile(text, "<cell>", "exec", dont_inherit=True, flags=ast.PyCF_ONLY_AST)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def mask(source: str, token: str) -> tuple[str, frozenset[int], bool]:
    """The cell as the engine reads it, the rows masked, and whether all of it is masked."""
    rows = _rows(source)
    scanner, out, masked = _Scanner(), [], set()
    magic_goes_on, first_word = False, None
    for number, (content, ending) in enumerate(rows, 1):
        if magic_goes_on:  # a backslash continues a magic or shell line
            out.append(f"# {token}{ending}")
            masked.add(number)
            magic_goes_on = content.endswith("\\")
            continue
        if scanner.at_statement_start():
            code = content.strip()
            if code.startswith("%%"):
                name = code[2:].split(maxsplit=1)[0] if code[2:].strip() else ""
                if name not in PYTHON_CELL_MAGICS or first_word is not None:
                    return _mask_all(rows, token)
                out.append(f"# {token}{ending}")  # ``%%time``: the body is Python, checked
                masked.add(number)
                continue
            if first_word is None and code and not code.startswith("#"):
                word = _FIRST_WORD.match(code)
                first_word = word.group(1) if word else ""
            ipython = _is_ipython(content)
            if not ipython:  # ``obj?``, ``obj??``: help, when ``?`` ends the code of the row
                probe = _Scanner()
                ipython = probe.feed(content) == "?" and probe.at_statement_start()
            if ipython:
                indent = content[: len(content) - len(content.lstrip())]
                out.append(f"{indent}pass  # {token}{ending}")
                masked.add(number)
                magic_goes_on = content.endswith("\\")
                continue
        scanner.feed(content)
        out.append(content + ending)
    text = "".join(out)
    if first_word in AUTOMAGIC and not _compiles(text):  # ``pip install torch``
        return _mask_all(rows, token)
    return text, frozenset(masked), False


def _mask_all(rows: Sequence[tuple[str, str]], token: str) -> tuple[str, frozenset[int], bool]:
    text = "".join(f"# {token}{ending}" for _, ending in rows)
    return text, frozenset(range(1, len(rows) + 1)), True


def _free_token(sources: str) -> str:
    """A marker no cell contains, the same for the same notebook (stable output)."""
    digest = hashlib.sha256(sources.encode("utf-8", "surrogatepass")).hexdigest()
    for length in range(12, len(digest) + 1):
        token = f"initlint-{digest[:length]}"
        if token not in sources:
            return token
    raise NotebookError("Cannot read notebook: no marker is free")  # pragma: no cover


def _boundary(token: str, number: int) -> str:
    """The comment line after cell ``number`` in the joined text."""
    return f"# {token} end of cell {number}"


def _is_python(metadata: Any) -> bool:
    """A notebook or cell marked as another language (an R kernel, a VS Code SQL cell) is
    not read; unmarked ones are Python."""
    if not isinstance(metadata, dict):
        return True
    language = metadata.get("language_info")
    name = language.get("name") if isinstance(language, dict) else None
    if name is None and isinstance(metadata.get("kernelspec"), dict):
        name = metadata["kernelspec"].get("language")
    if name is None and isinstance(metadata.get("vscode"), dict):
        name = metadata["vscode"].get("languageId")
    return not isinstance(name, str) or name.lower() == "python"


class Notebook:
    """One notebook read from its bytes: the engine's text and the way back to the cells."""

    def __init__(self, data: bytes, token: str | None = None) -> None:
        self.data = data
        self.bom = data.startswith(codecs.BOM_UTF8)
        try:
            self.text = data[len(codecs.BOM_UTF8) if self.bom else 0 :].decode("utf-8")
        except UnicodeDecodeError as error:
            raise NotebookError(f"Cannot read notebook: not UTF-8 ({error.reason})") from None
        try:
            self.json = json.loads(self.text)
        except json.JSONDecodeError as error:
            raise NotebookError(
                f"Cannot read notebook: invalid JSON: {error.msg}", error.lineno, error.colno
            ) from None
        except RecursionError:
            raise NotebookError("Cannot read notebook: JSON too deeply nested") from None
        found = self._code_cells()
        sources = "\n".join(source for _, source, _, _ in found)
        self.token = token or _free_token(sources)
        if self.token in sources:
            raise NotebookError("a cell contains initlint's marker")
        self._join(found)

    def _code_cells(self) -> list[tuple[int, str, bool, Any]]:
        """(index, source, stored as a list, metadata) of each code cell of a Python notebook."""
        book = self.json
        if not isinstance(book, dict) or not isinstance(book.get("cells"), list):
            raise NotebookError("Cannot read notebook: not a Jupyter notebook (no `cells` list)")
        version = book.get("nbformat")
        if version is not None and version != 4:
            raise NotebookError(f"Cannot read notebook: nbformat {version} (only 4 is read)")
        found = []
        for index, cell in enumerate(book["cells"]):
            if not isinstance(cell, dict):
                raise NotebookError(f"Cannot read notebook: cell {index + 1} is not an object")
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source")
            if isinstance(source, list) and all(isinstance(line, str) for line in source):
                found.append((index, "".join(source), True, cell.get("metadata")))
            elif isinstance(source, str):
                found.append((index, source, False, cell.get("metadata")))
            else:
                raise NotebookError(f"Cannot read notebook: cell {index + 1} has no source text")
        return found if _is_python(book.get("metadata")) else []

    def _join(self, found: list[tuple[int, str, bool, Any]]) -> None:
        """Build the engine's text and the map from its rows to (cell, row in cell)."""
        cells: list[_Cell] = []
        parts: list[str] = []
        rows: list[tuple[int, int]] = []  # joined row - 1 → (cell number, row in cell)
        opaque: set[int] = set()  # joined rows no fix may touch: placeholders, boundaries
        for index, source, as_list, metadata in found:
            if _is_python(metadata):
                masked, masked_rows, whole = mask(source, self.token)
            else:
                masked, masked_rows, whole = _mask_all(_rows(source), self.token)
            cell = _Cell(index, source, masked, masked_rows, whole, as_list)
            if cells:
                previous = cells[-1]
                parts.append(_boundary(self.token, previous.number) + "\n")
                rows.append((previous.number, rows[-1][1]))
                opaque.add(len(rows))
            for row in range(1, len(_rows(masked)) + 1):
                rows.append((cell.number, row))
                if row in masked_rows:
                    opaque.add(len(rows))
            parts.append(masked + "\n")
            cells.append(cell)
        self.cells: tuple[_Cell, ...] = tuple(cells)
        self.code = "".join(parts)
        self.rows = rows
        self.opaque = frozenset(opaque)

    # ------------------------------------------------------------------ findings in cells

    def _where(self, row: int) -> tuple[int, int]:
        return self.rows[min(max(row, 1), len(self.rows)) - 1] if self.rows else (1, row)

    def locate(self, diagnostic: Diagnostic) -> Diagnostic:
        """``diagnostic`` (rows of the joined text) with cell-relative rows and its cell.

        A fix reaching outside its cell, or onto a masked line or a boundary, is dropped:
        it is never offered, and ``rewrite`` refuses a text where one was applied.
        """
        cell, row = self._where(diagnostic.start.row)
        end_cell, end_row = self._where(diagnostic.end.row)
        end = Position(end_row, diagnostic.end.column) if end_cell == cell else None
        noqa_cell, noqa_row = self._where(diagnostic.noqa_row)
        fix = diagnostic.fix
        if fix is not None:
            edits = [self._edit(edit, cell) for edit in fix.edits]
            kept = tuple(edit for edit in edits if edit is not None)
            fix = Fix(fix.title, kept, fix.applicability) if len(kept) == len(edits) else None
        return replace(
            diagnostic,
            start=Position(row, diagnostic.start.column),
            end=end or Position(row, diagnostic.start.column),
            noqa_row=noqa_row if noqa_cell == cell else row,
            fix=fix,
            cell=cell,
        )

    def _edit(self, edit: Edit, cell: int) -> Edit | None:
        rows = range(edit.start.row, edit.end.row + 1)
        if any(row in self.opaque or self._where(row)[0] != cell for row in rows):
            return None
        return replace(
            edit,
            start=Position(self._where(edit.start.row)[1], edit.start.column),
            end=Position(self._where(edit.end.row)[1], edit.end.column),
        )

    def locate_all(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        return [self.locate(diagnostic) for diagnostic in diagnostics]

    def cell_lines(self) -> dict[int, list[str]]:
        """Each code cell's rows as written, for code frames."""
        return {cell.number: [content for content, _ in _rows(cell.source)] for cell in self.cells}

    # ------------------------------------------------------------------ writing back

    def rewrite(self, fixed: str) -> Rewrite:
        """The notebook with ``fixed`` (the joined text after fixes) put back into its cells.

        Only changed cells' ``source`` values change; the rest of the file is reproduced
        byte for byte, or NotebookError says why it cannot be and nothing is written.
        """
        pieces = self._split(fixed)
        book = dict(self.json)
        book["cells"] = list(book["cells"])
        changed = []
        for cell, piece in zip(self.cells, pieces, strict=True):
            if piece == cell.masked:
                continue
            if cell.whole:
                raise NotebookError(f"a fix edited masked cell {cell.number}; nothing written")
            source = self._unmask(cell, piece)
            if source == cell.source:
                continue
            changed.append((cell.number, cell.source, source))
            value: str | list[str] = source
            if cell.as_list:
                value = [content + ending for content, ending in _rows(source) if content + ending]
            book["cells"][cell.index] = {**book["cells"][cell.index], "source": value}
        data = self._serialise(book)
        notebook = Notebook(data, self.token)
        if notebook.code != fixed:
            raise NotebookError("fixed cells do not read back as fixed; nothing written")
        return Rewrite(data, notebook, tuple(changed))

    def _split(self, fixed: str) -> list[str]:
        """``fixed`` cut at the boundaries, one piece per cell (one pass: long notebooks)."""
        if fixed.count(self.token) != self.code.count(self.token):
            raise NotebookError(
                "a fix removed or copied a masked line or a cell boundary; nothing written"
            )
        pieces, start = [], 0
        for cell in self.cells[:-1]:
            boundary = f"\n{_boundary(self.token, cell.number)}\n"
            at = fixed.find(boundary, start)
            if at < 0:
                raise NotebookError("a fix crossed a cell boundary; nothing written")
            pieces.append(fixed[start:at])
            start = at + len(boundary)
        if self.cells:
            if not fixed.endswith("\n") or start > len(fixed) - 1:
                raise NotebookError("a fix removed the end of the last cell; nothing written")
            pieces.append(fixed[start:-1])
        return pieces

    def _unmask(self, cell: _Cell, piece: str) -> str:
        """Put the masked lines back; their placeholders must be untouched and in order."""
        original = _rows(cell.source)
        placeholders = [_rows(cell.masked)[row - 1][0] for row in sorted(cell.masked_rows)]
        lines = [original[row - 1][0] for row in sorted(cell.masked_rows)]
        out, seen = [], []
        for content, ending in _rows(piece):
            if self.token in content:
                seen.append(content)
                if len(seen) <= len(lines):
                    content = lines[len(seen) - 1]
            out.append(content + ending)
        if seen != placeholders:
            raise NotebookError(
                f"a fix edited a masked line in cell {cell.number}; nothing written"
            )
        return "".join(out)

    def _serialise(self, book: dict[str, Any]) -> bytes:
        """``book`` written in this file's JSON style, found by reproducing the file."""
        plain = self.text.replace("\r\n", "\n")
        crlf = plain != self.text
        core = plain.strip(" \t\r\n")
        head = plain[: len(plain) - len(plain.lstrip(" \t\r\n"))]
        tail = plain[len(plain.rstrip(" \t\r\n")) :]
        indent: str | None = None
        if "\n" in core:
            second = core.split("\n", 2)[1]
            indent = second[: len(second) - len(second.lstrip(" \t"))]
        for ensure_ascii in (False, True):
            for separators in ((",", ": "), (", ", ": "), (",", ":")):
                if _dump(self.json, indent, ensure_ascii, separators) == core:
                    text = head + _dump(book, indent, ensure_ascii, separators) + tail
                    text = text.replace("\n", "\r\n") if crlf else text
                    return (codecs.BOM_UTF8 if self.bom else b"") + text.encode("utf-8")
        raise NotebookError(
            "cannot reproduce this notebook's JSON formatting, so fixes would change other "
            "bytes; nothing written"
        )


def _dump(value: Any, indent: str | None, ensure_ascii: bool, separators: tuple[str, str]) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=ensure_ascii, separators=separators)
