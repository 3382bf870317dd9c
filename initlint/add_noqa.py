"""``--add-noqa``: write ``# noqa: CODE`` for every current finding, as ruff's ``--add-noqa``.

A large codebase adopts initlint by suppressing what it reports today and failing only on
what comes later. Each finding's codes go on its ``noqa_row`` (the row where a comment may
stand: after a multi-line string or a backslash continuation, never inside one), merged
into a ``# noqa: X`` already there, after any other comment on the line. A row where no
comment can go is left alone. Running it again adds nothing: every finding is suppressed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from initlint import engine, parsing
from initlint.discovery import discover
from initlint.resolution import Resolver
from initlint.settings import PARSE_ERROR, Settings
from initlint.source import SourceError, read, write_atomic
from initlint.suppression import UNUSED_NOQA, Scope, parse_comment

_NOT_SUPPRESSIBLE = (PARSE_ERROR, UNUSED_NOQA)  # nothing to read / a noqa about a noqa


class AddNoqaError(Exception):
    """The edited text does not parse: nothing is written."""


@dataclass
class AddNoqaResult:
    added: int = 0
    checked: int = 0
    errors: list[str] = field(default_factory=list)
    notebooks: list[str] = field(default_factory=list)  # skipped: see ``run``


def add_noqa(text: str, settings: Settings) -> tuple[str, int]:
    """``text`` with a ``# noqa`` for each finding's row; also how many rows were edited."""
    found = [
        d
        for d in engine.check(text, settings)
        if d.code not in _NOT_SUPPRESSIBLE and d.cell is None
    ]
    if not found:
        return text, 0
    by_row: dict[int, set[str]] = {}
    for diagnostic in found:
        by_row.setdefault(diagnostic.noqa_row, set()).add(diagnostic.code)
    module = parsing.parse_module(text)  # it parsed for check, so it parses here
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    comments = _comments(positions)
    in_string = _rows_inside_strings(positions)
    lines = _split(text)
    added = 0
    for row, codes in sorted(by_row.items()):
        if row in in_string or not 1 <= row <= len(lines):
            continue
        line = lines[row - 1]
        body = line.rstrip("\r\n")
        new_body = _with_codes(body, comments.get(row), sorted(codes))
        if new_body is not None and new_body != body:
            lines[row - 1] = new_body + line[len(body) :]
            added += 1
    new_text = "".join(lines)
    try:
        parsing.parse_module(new_text)
    except (cst.ParserSyntaxError, RecursionError) as error:
        raise AddNoqaError(f"adding noqa comments would break the code ({error})") from None
    return new_text, added


def _split(text: str) -> list[str]:
    """Rows with their line endings, as the engine counts them (``\\r\\n``, ``\\r``, ``\\n``)."""
    rows = re.split(r"(?<=\r\n)|(?<=\r)(?!\n)|(?<=\n)", text)
    return rows if rows[-1] else rows[:-1] or [""]


def _comments(positions: Mapping[cst.CSTNode, CodeRange]) -> dict[int, tuple[int, str]]:
    """Row → (column, text) of its comment: real comments only, at most one per row."""
    return {
        where.start.line: (where.start.column, node.value)
        for node, where in positions.items()
        if isinstance(node, cst.Comment)
    }


def _rows_inside_strings(positions: Mapping[cst.CSTNode, CodeRange]) -> set[int]:
    """Rows whose end lies inside a string: a comment there would become string content."""
    rows: set[int] = set()
    for node, where in positions.items():
        if isinstance(node, (cst.SimpleString, cst.FormattedString)):
            rows.update(range(where.start.line, where.end.line))
    return rows


def _with_codes(body: str, comment: tuple[int, str] | None, codes: list[str]) -> str | None:
    """``body`` (one row without its line ending) suppressing ``codes``, or None if no
    comment may go there."""
    if comment is None:
        code = body.rstrip(" \t\f")
        if code.endswith("\\"):
            return None  # a backslash continuation: the row must end with it
        return f"{code}  # noqa: {', '.join(codes)}"
    column, value = comment
    for directive in parse_comment(value, column):
        if directive.scope is not Scope.LINE:
            continue
        if not directive.codes:
            return None  # a blanket noqa suppresses them already
        present = {code.key for code in directive.codes}
        missing = [code for code in codes if code not in present]
        if not missing:
            return None
        end = directive.codes[-1].end
        return f"{body[:end]}, {', '.join(missing)}{body[end:]}"
    end = column + len(value.rstrip(" \t\f"))
    return f"{body[:end]}  # noqa: {', '.join(codes)}{body[end:]}"


def run(paths: list[Path], resolver: Resolver) -> AddNoqaResult:
    """Add noqa comments in every discovered file, each under its own settings (its nearest
    configuration, ``per-file-ignores`` applied); one file's trouble does not stop the rest."""
    result = AddNoqaResult()
    for path in map(Path, discover(paths, resolver)):
        result.checked += 1
        shown = _display(path)
        if path.suffix.lower() == ".ipynb":
            # A comment added to a cell would have to go through the notebook's write-back;
            # say so rather than report "Added 0" as if nothing needed it.
            result.notebooks.append(shown)
            continue
        try:
            source = read(path)
            text, added = add_noqa(source.text, resolver.for_file(path))
            if added:
                write_atomic(path, source.encode(text))
                result.added += added
        except SourceError:
            continue  # unreadable: a parse error in a normal run, nothing to suppress
        except AddNoqaError as error:
            result.errors.append(f"{shown}: {error}; nothing written")
        except OSError as error:
            result.errors.append(f"{shown}: cannot write: {error.strerror or error}")
        except RecursionError:
            result.errors.append(f"{shown}: too deeply nested to analyse")
        except Exception as error:  # a bug in initlint must not hide the other files
            result.errors.append(f"{shown}: internal error: {type(error).__name__}: {error}")
    return result


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
