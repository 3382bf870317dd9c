"""Run over files: discover, consult the cache, check or fix (in worker processes), write
back, and collect what to report.

One file's trouble (unreadable, unwritable, a bug in initlint) is recorded and the run
goes on; nothing here raises for a file's content.

The engine (and with it libcst) is imported only where a file must be parsed: a run the cache
answers whole loads neither.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from initlint.cache import Cache, Entry, Stamp, digest, fingerprint
from initlint.discovery import discover, path_excluded
from initlint.notebook import Notebook, NotebookError
from initlint.output.report import FileReport, Report
from initlint.resolution import Resolver
from initlint.settings import PARSE_ERROR, Settings
from initlint.source import SourceError, SourceText, decode, read_bytes, rows, write_atomic

if TYPE_CHECKING:
    from initlint.diagnostics import Diagnostic


@dataclass
class RunResult:
    report: Report
    diffs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line per file that failed
    checked: int = 0
    fixed_source: bytes | None = None  # stdin with --fix: the whole (fixed) input


@dataclass(frozen=True)
class Task:
    """One file to check in a worker: everything it needs travels with it (picklable)."""

    path: Path
    settings: Settings
    fix: bool
    diff: bool
    settings_key: str | None  # the cache's fingerprint of ``settings``; None: no cache


@dataclass
class Outcome:
    """What checking one file gave: its share of the run's result, and the cache entry that
    records it (None when it must not be cached: an error, a diff, an unreadable file)."""

    result: RunResult
    entry: Entry | None = None


def run(
    paths: list[Path],
    resolver: Resolver,
    fix: bool,
    diff: bool,
    *,
    jobs: int = 1,
    cache_dir: Path | None = None,
) -> RunResult:
    """Check (and with ``fix``/``diff``, fix) every discovered file, each with its own
    settings (the nearest configuration, ``per-file-ignores`` applied).

    Files the cache in ``cache_dir`` (None: no cache) vouches for are not read; the rest
    are checked by ``jobs`` worker processes. Results are merged in discovery order, so the
    output is the same whatever the number of jobs.
    """
    root = resolver.root()
    result = RunResult(Report(fix_threshold=root.fix_threshold, selected=root.select))
    store = Cache(cache_dir) if cache_dir is not None else None
    keys: dict[Settings, str] = {}
    outcomes: list[Outcome | None] = []
    tasks: list[Task] = []
    for path in discover(paths, resolver):
        settings = resolver.for_file(path)
        key = None
        if store is not None and not diff:  # a diff's findings are of the fixed text
            key = keys.get(settings) or keys.setdefault(settings, fingerprint(settings))
        hit = _from_cache(store, path, key, fix) if store is not None and key else None
        outcomes.append(hit)
        if hit is None:
            tasks.append(Task(Path(path), settings, fix, diff, key))
    checked = zip(tasks, _map(check_file, tasks, jobs), strict=True)
    for outcome in outcomes:
        if outcome is None:
            task, outcome = next(checked)
            if store is not None and outcome.entry is not None:
                store.store(os.path.abspath(task.path), outcome.entry)
        _merge(result, outcome.result)
    if store is not None:
        store.save()
    result.report.errors = len(result.errors)
    return result


def _from_cache(store: Cache, path: str, key: str, fix: bool) -> Outcome | None:
    """The cached findings of an unchanged file, or None to check it. A file with a fix to
    apply is checked again under ``--fix``; a notebook with findings too (its cell map is
    not kept)."""
    absolute = os.path.abspath(path)
    entry = store.lookup(absolute, key)
    if entry is None:
        return None
    result = RunResult(Report())
    found = list(entry.diagnostics)
    if not found:
        return Outcome(result)
    if _is_notebook(path):
        return None
    if fix and any(d.fix is not None for d in found):
        return None
    try:
        with open(absolute, "rb") as handle:
            data = handle.read()
        text = decode(data).text
    except (OSError, SourceError):
        return None
    if digest(data) != entry.content:
        return None
    result.report.files.append(FileReport(_display(path), found, rows(text), absolute))
    return Outcome(result)


def _merge(total: RunResult, part: RunResult) -> None:
    total.report.files += part.report.files
    total.report.fixed += part.report.fixed
    total.report.fixed_by_file.update(part.report.fixed_by_file)
    total.diffs += part.diffs
    total.errors += part.errors
    total.checked += 1


def _map(work: Callable[[Task], Outcome], tasks: list[Task], jobs: int) -> list[Outcome]:
    """``work`` over ``tasks``, results in order: in this process, or in a pool of ``jobs``
    workers, shut down before this returns.

    The largest files go first, so no worker is left with a long file while the other has
    finished. A worker that dies (a crash in native code) fails its files with a message
    instead of hanging the run, as a ``multiprocessing.Pool`` would. Workers ignore SIGINT
    (the terminal sends it to the whole group): this process stops, and the files being
    written are finished whole, since every write is a rename of a complete file.
    """
    if jobs <= 1 or len(tasks) < 2:
        return [work(task) for task in tasks]
    import importlib
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    importlib.import_module("initlint.engine")  # loaded once here, inherited by forked workers
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    workers = min(jobs, len(tasks))
    order = sorted(range(len(tasks)), key=lambda index: -_size(tasks[index].path))
    chunk = max(1, min(8, len(tasks) // (workers * 16)))
    done: dict[int, Outcome] = {}
    executor = ProcessPoolExecutor(workers, context, initializer=_worker_started)
    try:
        in_worker = functools.partial(_in_worker, work)
        results = executor.map(in_worker, [tasks[index] for index in order], chunksize=chunk)
        for index, outcome in zip(order, results, strict=False):
            done[index] = outcome
    except BrokenProcessPool:
        for index in order:
            if index not in done:
                result = RunResult(Report())
                shown = _display(tasks[index].path)
                result.errors.append(f"{shown}: internal error: a worker process died")
                done[index] = Outcome(result)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    return [done[index] for index in range(len(tasks))]


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _worker_started() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    parent = os.getppid()
    if sys.platform == "linux":  # SIGTERM this worker when the run dies, even of SIGKILL
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the run died before that was set
        raise SystemExit(128 + signal.SIGTERM)


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class _Stopped(BaseException):
    """SIGTERM in a worker busy with a file: unwinds it (removing any temporary file)."""


_busy = False  # is this worker inside a file's check?


def _stop(signum: int, frame: object) -> None:
    if not _busy:
        os._exit(128 + signum)
    raise _Stopped


def _in_worker(work: Callable[[Task], Outcome], task: Task) -> Outcome:
    """``work`` in a worker: a SIGTERM ends the process once the file's work has unwound
    (the pool would otherwise take the exception for that file's result and go on)."""
    global _busy
    _busy = True
    try:
        return work(task)
    except _Stopped:
        os._exit(128 + signal.SIGTERM)
    finally:
        _busy = False


def check_file(task: Task) -> Outcome:
    """Check (or fix) one file, whatever goes wrong: the unit of work of a worker."""
    result = RunResult(Report(fix_threshold=task.settings.fix_threshold))
    path = task.path
    try:
        return _file(task, result)
    except OSError as error:
        result.errors.append(f"{_display(path)}: cannot write fixes: {error.strerror or error}")
    except RecursionError:
        result.errors.append(f"{_display(path)}: too deeply nested to analyse")
    except Exception as error:  # a bug in initlint must not hide the other files
        name = type(error).__name__
        result.errors.append(f"{_display(path)}: internal error: {name}: {error}")
    return Outcome(result)


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


def _file(task: Task, result: RunResult) -> Outcome:
    """Read, check, write back; the cache entry records the file as it is left."""
    path, settings = task.path, task.settings
    shown, absolute = _display(path), os.path.abspath(path)
    stamp = Stamp.of(absolute)  # before reading: a change after it is caught by the hash
    try:
        data = read_bytes(path)
    except SourceError as error:  # unreadable, not a regular file, too large
        _unreadable(shown, absolute, error, settings, result)
        return Outcome(result)
    written: list[bytes] = []

    def write(new: bytes) -> None:
        write_atomic(path, new)
        written.append(new)

    if _is_notebook(path):
        _check_notebook(data, shown, absolute, settings, task.fix, task.diff, result, write)
    else:
        try:
            source = decode(data)
        except SourceError as error:
            _unreadable(shown, absolute, error, settings, result)
            return Outcome(result)
        _check(source, shown, absolute, settings, task.fix, task.diff, result, write)
    if task.settings_key is None or result.errors or stamp is None:
        return Outcome(result)
    if written:
        data, stamp = written[-1], Stamp.of(absolute)
        if stamp is None:
            return Outcome(result)
    found: list[Diagnostic] = [d for report in result.report.files for d in report.diagnostics]
    return Outcome(result, Entry(stamp, digest(data), task.settings_key, tuple(found)))


def _is_notebook(path: Path | str) -> bool:
    return os.fspath(path).lower().endswith(".ipynb")


def _unreadable(
    shown: str, absolute: str, error: SourceError, settings: Settings, result: RunResult
) -> None:
    from initlint import engine  # here, not at the top: it loads libcst

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
    from initlint import engine

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
        result.report.files.append(FileReport(shown, found, rows(text), absolute))


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
    from initlint import engine

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


def _display(path: Path | str) -> str:
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
