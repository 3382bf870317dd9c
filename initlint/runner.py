"""Run over files: discover, read, check or fix, write back, and collect what to report.

One file's trouble (unreadable, unwritable, a bug in initlint) is recorded and the run
goes on; nothing here raises for a file's content.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

from initlint import engine
from initlint.discovery import discover
from initlint.notebook import NotebookError, read_notebook
from initlint.output.report import FileReport, Report
from initlint.settings import PARSE_ERROR, Settings
from initlint.source import SourceError, read, write_atomic


@dataclass
class RunResult:
    report: Report
    diffs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line per file that failed
    checked: int = 0


def run(paths: list[Path], settings: Settings, fix: bool, diff: bool) -> RunResult:
    """Check (and with ``fix``/``diff``, fix) every discovered file."""
    result = RunResult(Report(fix_threshold=settings.fix_threshold))
    for path in discover(paths, settings):
        result.checked += 1
        try:
            _file(path, settings, fix, diff, result)
        except OSError as error:
            result.errors.append(f"{_display(path)}: cannot write fixes: {error.strerror or error}")
        except RecursionError:
            result.errors.append(f"{_display(path)}: too deeply nested to analyse")
        except Exception as error:  # a bug in initlint must not hide the other files
            name = type(error).__name__
            result.errors.append(f"{_display(path)}: internal error: {name}: {error}")
    result.report.errors = len(result.errors)
    return result


def _file(path: Path, settings: Settings, fix: bool, diff: bool, result: RunResult) -> None:
    shown, absolute = _display(path), os.path.abspath(path)
    if path.suffix.lower() == ".ipynb":
        _notebook(path, settings, fix, diff, result)
        return
    try:
        source = read(path)
    except SourceError as error:
        if PARSE_ERROR in settings.select:
            unreadable = engine.parse_diagnostic(f"Cannot read file: {error}", 1, 1)
            result.report.files.append(FileReport(shown, [unreadable], absolute=absolute))
        return
    text = source.text
    if fix or diff:
        try:
            text, fixed, found = engine.fix(source.text, settings)
        except engine.FixError as error:
            result.errors.append(f"{shown}: {error}")
            text, fixed, found = source.text, 0, engine.check(source.text, settings)
        if text != source.text:
            if diff:
                result.diffs.append(_unified(shown, source.text, text))
            else:
                write_atomic(path, source.encode(text))
            result.report.fixed += fixed
    else:
        found = engine.check(text, settings)
    if found:
        result.report.files.append(FileReport(shown, found, engine.Lines(text).rows(), absolute))


def _notebook(path: Path, settings: Settings, fix: bool, diff: bool, result: RunResult) -> None:
    """``_file`` for a .ipynb: the engine reads the code cells joined; findings and fixes
    go back to the cells (initlint/notebook.py does the mapping and the write-back)."""
    shown, absolute = _display(path), os.path.abspath(path)
    try:
        book = read_notebook(path)
    except NotebookError as error:
        if PARSE_ERROR in settings.select:
            unreadable = engine.parse_diagnostic(str(error), error.row, error.column)
            result.report.files.append(FileReport(shown, [unreadable], absolute=absolute))
        return
    if fix or diff:
        try:
            text, fixed, found = engine.fix(book.code, settings)
            if text != book.code:
                rewrite = book.rewrite(text)
                if diff:
                    for cell, before, after in rewrite.changed:
                        result.diffs.append(_unified(f"{shown}:cell {cell}", before, after))
                else:
                    write_atomic(path, rewrite.data)
                book = rewrite.notebook
                result.report.fixed += fixed
        except (engine.FixError, NotebookError) as error:
            result.errors.append(f"{shown}: {error}")
            found = engine.check(book.code, settings)
    else:
        found = engine.check(book.code, settings)
    if found:
        located = book.locate_all(found)
        result.report.files.append(
            FileReport(shown, located, absolute=absolute, cells=book.cell_lines())
        )


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _unified(path: str, before: str, after: str) -> str:
    """A unified diff ``patch`` accepts, with git's marker for a missing final newline."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    return "".join(
        line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
        for line in lines
    )
