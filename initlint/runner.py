"""Run over files: discover, read, check or fix, write back, and collect what to report.

One file's trouble (unreadable, unwritable, a bug in initlint) is recorded and the run
goes on; nothing here raises for a file's content.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from initlint import engine
from initlint.discovery import discover, path_excluded
from initlint.notebook import Notebook, NotebookError
from initlint.output.report import FileReport, Report
from initlint.resolution import Resolver
from initlint.settings import PARSE_ERROR, Settings
from initlint.source import SourceError, SourceText, decode, read, read_bytes, write_atomic


@dataclass
class RunResult:
    report: Report
    diffs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line per file that failed
    checked: int = 0
    fixed_source: bytes | None = None  # stdin with --fix: the whole (fixed) input


def run(paths: list[Path], resolver: Resolver, fix: bool, diff: bool) -> RunResult:
    """Check (and with ``fix``/``diff``, fix) every discovered file, each with its own
    settings (the nearest configuration, ``per-file-ignores`` applied)."""
    root = resolver.root()
    result = RunResult(Report(fix_threshold=root.fix_threshold, selected=root.select))
    for path in discover(paths, resolver):
        result.checked += 1
        try:
            _file(path, resolver.for_file(path), fix, diff, result)
        except OSError as error:
            result.errors.append(f"{_display(path)}: cannot write fixes: {error.strerror or error}")
        except RecursionError:
            result.errors.append(f"{_display(path)}: too deeply nested to analyse")
        except Exception as error:  # a bug in initlint must not hide the other files
            name = type(error).__name__
            result.errors.append(f"{_display(path)}: internal error: {name}: {error}")
    result.report.errors = len(result.errors)
    return result


def run_stdin(
    data: bytes, filename: Path | None, resolver: Resolver, fix: bool, diff: bool
) -> RunResult:
    """Check source given on standard input, as ruff does: ``--stdin-filename`` names it
    (for messages, configuration and ``per-file-ignores``); with ``--fix`` the whole input,
    fixed, is the output, and a file excluded under ``--force-exclude`` passes unchanged."""
    settings = resolver.for_file(filename) if filename else resolver.root()
    result = RunResult(Report(fix_threshold=settings.fix_threshold), checked=1)
    if filename is not None and settings.force_exclude and path_excluded(filename, settings):
        result.checked = 0
        result.fixed_source = data if fix and not diff else None
        return result
    shown = _display(filename) if filename else "-"
    absolute = os.path.abspath(filename) if filename else "-"
    written: list[bytes] = []
    if filename is not None and _is_notebook(filename):
        _check_notebook(data, shown, absolute, settings, fix, diff, result, written.append)
        if fix and not diff:
            result.fixed_source = written[0] if written else data
        return result
    try:
        source = decode(data)
    except SourceError as error:
        _unreadable(shown, absolute, error, settings, result)
        result.fixed_source = data if fix and not diff else None
        return result
    _check(source, shown, absolute, settings, fix, diff, result, written.append)
    if fix and not diff:
        result.fixed_source = written[0] if written else data
    return result


def _file(path: Path, settings: Settings, fix: bool, diff: bool, result: RunResult) -> None:
    shown, absolute = _display(path), os.path.abspath(path)
    if _is_notebook(path):
        try:
            data = read_bytes(path)
        except SourceError as error:
            _unreadable(shown, absolute, error, settings, result)
            return
        _check_notebook(
            data, shown, absolute, settings, fix, diff, result, lambda b: write_atomic(path, b)
        )
        return
    try:
        source = read(path)
    except SourceError as error:
        _unreadable(shown, absolute, error, settings, result)
        return
    _check(source, shown, absolute, settings, fix, diff, result, lambda b: write_atomic(path, b))


def _is_notebook(path: Path) -> bool:
    return path.suffix.lower() == ".ipynb"


def _unreadable(
    shown: str, absolute: str, error: SourceError, settings: Settings, result: RunResult
) -> None:
    if PARSE_ERROR in settings.select:
        unreadable = engine.parse_diagnostic(f"Cannot read file: {error}", 1, 1)
        found = engine.reported(unreadable, settings)  # graded: `warn` may name KIN000
        result.report.files.append(FileReport(shown, found, absolute=absolute))


def _check(
    source: SourceText,
    shown: str,
    absolute: str,
    settings: Settings,
    fix: bool,
    diff: bool,
    result: RunResult,
    write: Callable[[bytes], None],
) -> None:
    """Check or fix one decoded source; ``write`` receives the fixed bytes."""
    text = source.text
    if fix or diff:
        try:
            text, fixed_codes, found = engine.fix_table(source.text, settings)
        except engine.FixError as error:
            result.errors.append(f"{shown}: {error}")
            text, fixed_codes, found = source.text, {}, engine.check(source.text, settings)
        if text != source.text:
            if diff:
                result.diffs.append(_unified(shown, source.text, text))
            else:
                write(source.encode(text))
            result.report.fixed += sum(fixed_codes.values())
            result.report.fixed_by_file[shown] = fixed_codes
    else:
        found = engine.check(text, settings)
    if found:
        result.report.files.append(FileReport(shown, found, engine.Lines(text).rows(), absolute))


def _check_notebook(
    data: bytes,
    shown: str,
    absolute: str,
    settings: Settings,
    fix: bool,
    diff: bool,
    result: RunResult,
    write: Callable[[bytes], None],
) -> None:
    """``_check`` for a .ipynb: the engine reads the code cells joined; findings and fixes
    go back to the cells (initlint/notebook.py does the mapping and the write-back)."""
    try:
        book = Notebook(data)
    except NotebookError as error:
        if PARSE_ERROR in settings.select:
            unreadable = engine.parse_diagnostic(str(error), error.row, error.column)
            result.report.files.append(FileReport(shown, [unreadable], absolute=absolute))
        return
    if fix or diff:
        try:
            text, fixed_codes, found = engine.fix_table(book.code, settings)
            if text != book.code:
                rewrite = book.rewrite(text)
                if diff:
                    for cell, before, after in rewrite.changed:
                        result.diffs.append(_unified(f"{shown}:cell {cell}", before, after))
                else:
                    write(rewrite.data)
                book = rewrite.notebook
                result.report.fixed += sum(fixed_codes.values())
                result.report.fixed_by_file[shown] = fixed_codes
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
