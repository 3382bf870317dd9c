"""The results cache: an unchanged file is not read again, let alone parsed.

Layout, as ruff's: ``.initlint_cache/`` at the project root (the folder of the configuration
in force, else the current folder), holding a ``.gitignore`` of ``*`` so it never shows up in
``git status``, and one JSON file per initlint version. Each entry belongs to one absolute
path and records the file's (mtime, size, mode), a hash of its bytes, a fingerprint of the
settings it was checked with and what was found. A lookup trusts the stat triple first; when
it differs (a checkout touched the file) the bytes are hashed and the entry still serves if
they are the same.

Two initlint processes may share the folder: writes go through a temporary file and a rename,
and each writer merges the entries on disk before replacing them, so the worst a race does is
drop an entry that is then checked again. Anything unreadable, from the wrong version or of the
wrong shape is ignored and rewritten; the cache never decides a finding on its own.

JSON, not pickle: the folder lives in the user's tree, and loading it must not run code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import stat as stat_module
from pathlib import Path
from typing import Any

from initlint import __version__
from initlint.diagnostics import Applicability, Diagnostic, Edit, Fix, Position, Severity
from initlint.settings import Settings
from initlint.source import replace_file

DIRECTORY = ".initlint_cache"
_FORMAT = 1  # bumped when the layout of an entry changes
# Settings that change how findings are shown or whether the run fails, never what is found.
_PRESENTATION = ("output_format", "strict")


def _code_stamp() -> str:
    """This initlint's own code, by the stamps of its files: a development checkout whose
    rules changed must not be answered from entries its old rules wrote."""
    package = Path(__file__).parent
    stamps = []
    for folder, _, names in sorted(os.walk(package)):
        for name in sorted(names):
            if name.endswith(".py"):
                found = os.stat(os.path.join(folder, name))
                stamps.append(f"{folder}/{name}:{found.st_mtime_ns}:{found.st_size}")
    return digest(f"{_FORMAT}\n{chr(10).join(stamps)}".encode())[:16]


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def fingerprint(settings: Settings) -> str:
    """What of ``settings`` decides the findings of a file, as a short stable string."""
    values = {
        field.name: _stable(getattr(settings, field.name))
        for field in dataclasses.fields(settings)
        if field.name not in _PRESENTATION
    }
    return digest(json.dumps(values, sort_keys=True).encode())


def _stable(value: object) -> object:
    """Sets sorted (their order changes between runs), tuples as lists."""
    if isinstance(value, (frozenset, set)):
        return sorted(_stable(item) for item in value)  # type: ignore[type-var]
    if isinstance(value, (tuple, list)):
        return [_stable(item) for item in value]
    return value


@dataclasses.dataclass(frozen=True, slots=True)
class Stamp:
    """What ``os.stat`` says of a file: compared before anything is read."""

    mtime_ns: int
    size: int
    mode: int

    @classmethod
    def of(cls, path: str) -> Stamp | None:
        try:
            found = os.stat(path)
        except OSError:
            return None
        if not stat_module.S_ISREG(found.st_mode):
            return None
        return cls(found.st_mtime_ns, found.st_size, found.st_mode)


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    stamp: Stamp
    content: str  # digest() of the file's bytes
    settings: str  # fingerprint() of the settings it was checked with
    diagnostics: tuple[Diagnostic, ...]


class Cache:
    """The entries of one cache folder for this initlint version."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / f"{__version__}-{_code_stamp()}.json"
        self.entries: dict[str, Entry] = _load(self.file)
        self.changed: dict[str, Entry] = {}

    def lookup(self, path: str, settings: str) -> Entry | None:
        """The entry for ``path`` if it still describes the file (None: check it)."""
        entry = self.entries.get(path)
        if entry is None or entry.settings != settings:
            return None
        stamp = Stamp.of(path)
        if stamp is None:
            return None
        if stamp == entry.stamp:
            return entry
        try:
            with open(path, "rb") as handle:
                same = digest(handle.read()) == entry.content
        except OSError:
            return None
        if not same:
            return None
        renewed = dataclasses.replace(entry, stamp=stamp)
        self.store(path, renewed)
        return renewed

    def store(self, path: str, entry: Entry) -> None:
        self.entries[path] = entry
        self.changed[path] = entry

    def save(self) -> None:
        """Merge what this run learnt into the file on disk; never raise (a cache that cannot
        be written only makes the next run slower)."""
        if not self.changed:
            return
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                replace_file(ignore, b"# Created by initlint: this folder is a cache.\n*\n")
            merged = _load(self.file)
            merged.update(self.changed)
            data = {path: _encode(entry) for path, entry in merged.items()}
            replace_file(self.file, json.dumps(data, separators=(",", ":")).encode())
            self.changed = {}


def _load(file: Path) -> dict[str, Entry]:
    try:
        raw = json.loads(file.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    entries = {}
    for path, item in raw.items():
        try:
            entries[path] = _decode(item)
        except (KeyError, TypeError, ValueError, IndexError):
            continue  # a damaged entry: the file is checked again and the entry rewritten
    return entries


def _encode(entry: Entry) -> list[Any]:
    stamp = entry.stamp
    return [
        [stamp.mtime_ns, stamp.size, stamp.mode],
        entry.content,
        entry.settings,
        [_encode_diagnostic(d) for d in entry.diagnostics],
    ]


def _decode(item: Any) -> Entry:
    (mtime_ns, size, mode), content, settings, diagnostics = item
    if not all(isinstance(n, int) for n in (mtime_ns, size, mode)):
        raise TypeError("stamp")
    if not isinstance(content, str) or not isinstance(settings, str):
        raise TypeError("digest")
    return Entry(
        Stamp(mtime_ns, size, mode),
        content,
        settings,
        tuple(_decode_diagnostic(d) for d in diagnostics),
    )


def _encode_diagnostic(d: Diagnostic) -> list[Any]:
    fix = None
    if d.fix is not None:
        edits = [_encode_edit(e) for e in d.fix.edits]
        fix = [d.fix.title, edits, int(d.fix.applicability)]
    return [
        d.code,
        d.name,
        d.severity.value,
        d.message,
        [d.start.row, d.start.column, d.end.row, d.end.column],
        fix,
        d.noqa_row,
        d.cell,
    ]


def _encode_edit(e: Edit) -> list[Any]:
    start, end = e.start, e.end
    return [start.row, start.column, end.row, end.column, e.content, e.start_offset, e.end_offset]


def _decode_diagnostic(item: Any) -> Diagnostic:
    code, name, severity, message, (row, column, end_row, end_column), fix, noqa, cell = item
    decoded_fix = None
    if fix is not None:
        title, edits, applicability = fix
        decoded_fix = Fix(
            _text(title),
            tuple(
                Edit(Position(a, b), Position(c, d), _text(content), start, end)
                for a, b, c, d, content, start, end in edits
            ),
            Applicability(applicability),
        )
    if cell is not None and not isinstance(cell, int):
        raise TypeError("cell")
    return Diagnostic(
        _text(code),
        _text(name),
        Severity(severity),
        _text(message),
        Position(row, column),
        Position(end_row, end_column),
        decoded_fix,
        int(noqa),
        cell,
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("text")
    return value
