"""A baseline: today's findings, recorded so a large repository fails only on new ones.

A finding is keyed by its file (relative to the baseline file's folder, so the baseline
works from any working directory and on any machine), its code, and a fingerprint of the
flagged source: the flagged text and the lines it sits on, whitespace removed. Row numbers
are left out on purpose, so inserting lines above, re-indenting into a class or moving a
function elsewhere in the file keeps a finding baselined. Identical fingerprints in one
file are counted rather than merged: two identical bad layers need two entries, and a
third copy added later is reported.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

from initlint.diagnostics import Diagnostic
from initlint.output.report import FileReport, Report
from initlint.source import replace_file

VERSION = 1
_WHITESPACE = re.compile(r"\s+")

Key = tuple[str, str, str]  # (path relative to the baseline's folder, code, fingerprint)


class BaselineError(Exception):
    """The baseline file cannot be read, parsed or written; the message is one line."""


def fingerprint(diagnostic: Diagnostic, lines: list[str]) -> str:
    """A hash of the code, the flagged text and the message.

    No row numbers and no whitespace: moved code, re-indentation and a formatter joining or
    splitting lines keep the fingerprint. The message names the layer, its initializer and
    its activation, which tells apart the same flagged text on different layers; identical
    findings are told apart by counting them (``Baseline.filter``).
    """
    first, last = diagnostic.start.row, diagnostic.end.row
    flagged = ""
    if 1 <= first <= last <= len(lines):
        rows = lines[first - 1 : last]
        span = "\n".join(rows)
        end = len(span) - len(rows[-1]) + diagnostic.end.column - 1
        flagged = span[diagnostic.start.column - 1 : end]
    message = _WHITESPACE.sub("", diagnostic.message)
    parts = (diagnostic.code, _WHITESPACE.sub("", flagged), message)
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:20]


def relative_path(file: FileReport, folder: str) -> str:
    """The file's path from ``folder``, with forward slashes on every platform."""
    absolute = os.path.abspath(file.absolute or file.path)
    try:
        relative = os.path.relpath(absolute, folder)
    except ValueError:  # another drive on Windows: no relative path exists
        relative = absolute
    return relative.replace(os.sep, "/")


def _keys(file: FileReport, folder: str) -> list[Key]:
    path = relative_path(file, folder)
    return [(path, d.code, fingerprint(d, file.lines)) for d in file.diagnostics]


def _folder(path: Path) -> str:
    return os.path.dirname(os.path.abspath(path))


def write(path: Path, report: Report) -> int:
    """Record every finding in ``report`` in ``path`` (replaced whole); returns the count.

    The JSON has sorted keys and entries in a stable order, so a re-written baseline
    changes only where the findings changed and reviews as a small diff.
    """
    folder = _folder(path)
    counts = Counter(key for file in report.files for key in _keys(file, folder))
    findings = [
        {"code": code, "count": count, "fingerprint": digest, "path": relative}
        for (relative, code, digest), count in sorted(counts.items())
    ]
    text = json.dumps({"findings": findings, "version": VERSION}, indent=2, sort_keys=True)
    try:
        replace_file(path, (text + "\n").encode("utf-8"))
    except OSError as error:
        raise BaselineError(f"cannot write baseline `{path}`: {error.strerror or error}") from None
    return sum(counts.values())


def load(path: Path) -> Counter[Key]:
    """The recorded findings with their counts; any problem is a BaselineError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BaselineError(f"cannot read baseline `{path}`: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise BaselineError(f"baseline `{path}` is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise BaselineError(
            f"baseline `{path}` is not valid JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno})"
        ) from None
    if not isinstance(data, dict) or "version" not in data:
        raise BaselineError(f"`{path}` is not an initlint baseline (no `version` field)")
    if data["version"] != VERSION:
        raise BaselineError(
            f"baseline `{path}` has version {data['version']!r}; this initlint reads "
            f"version {VERSION} (write it again with --write-baseline)"
        )
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise BaselineError(f"baseline `{path}`: `findings` must be a list")
    recorded: Counter[Key] = Counter()
    for index, entry in enumerate(findings):
        key = _entry(entry)
        if key is None:
            raise BaselineError(
                f"baseline `{path}`: finding {index + 1} needs string `path`, `code` and "
                "`fingerprint` and a positive integer `count`"
            )
        recorded[key[0]] += key[1]
    return recorded


def _entry(entry: Any) -> tuple[Key, int] | None:
    if not isinstance(entry, dict):
        return None
    fields = [entry.get(name) for name in ("path", "code", "fingerprint")]
    count = entry.get("count")
    if not all(isinstance(value, str) for value in fields):
        return None
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        return None
    relative, code, digest = (str(value) for value in fields)
    return (relative, code, digest), count


def apply(report: Report, recorded: Counter[Key], path: Path) -> None:
    """Drop from ``report`` the findings ``recorded`` (read from ``path``) accounts for.

    Each entry covers as many findings as its count, in source order; findings beyond it
    are new and stay. Entries no longer found are simply unused (the finding was fixed).
    """
    folder = _folder(path)
    left = Counter(recorded)
    kept_files = []
    for file in report.files:
        kept = []
        for diagnostic, key in zip(file.diagnostics, _keys(file, folder), strict=True):
            if left[key] > 0:
                left[key] -= 1
                report.baselined += 1
            else:
                kept.append(diagnostic)
        if kept:
            file.diagnostics = kept
            kept_files.append(file)
    report.files = kept_files
