"""Which files to lint: explicit paths, recursive ``.py``/``.ipynb`` discovery, .gitignore,
exclusions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from initlint.settings import Settings

PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")  # notebooks: initlint/notebook.py


class DiscoveryError(Exception):
    """A path the user named does not exist: exit code 2."""


@dataclass
class _Ignores:
    """.gitignore files from the repository root down, each matching relative to its folder."""

    root: Path | None
    specs: dict[Path, pathspec.GitIgnoreSpec | None] = field(default_factory=dict)

    def spec(self, folder: Path) -> pathspec.GitIgnoreSpec | None:
        if folder not in self.specs:
            gitignore = folder / ".gitignore"
            try:
                lines = gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self.specs[folder] = None
            else:
                self.specs[folder] = pathspec.GitIgnoreSpec.from_lines(lines)
        return self.specs[folder]

    def ignored(self, path: Path, is_dir: bool) -> bool:
        if self.root is None:
            return False
        try:
            path.relative_to(self.root)
        except ValueError:
            return False
        folder = path.parent
        while True:
            spec = self.spec(folder)
            if spec is not None:
                relative = path.relative_to(folder).as_posix() + ("/" if is_dir else "")
                if spec.match_file(relative):
                    return True
            if folder == self.root or folder == folder.parent:
                return False
            folder = folder.parent


def _git_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def discover(paths: list[Path], settings: Settings) -> Iterator[Path]:
    """Files to lint, in a stable order. Explicit files are linted even when excluded,
    unless ``force_exclude`` (what pre-commit needs)."""
    for given in paths:
        if not given.exists() and not given.is_symlink():
            raise DiscoveryError(f"{given}: No such file or directory")
    seen: set[Path] = set()
    for given in paths:
        absolute = given.resolve() if given.exists() else given.absolute()
        ignores = _Ignores(_git_root(absolute if absolute.is_dir() else absolute.parent))
        if given.is_dir():
            if settings.force_exclude and _is_excluded(absolute, True, settings, ignores):
                continue
            for found in _walk(given, settings, ignores):
                if found not in seen:
                    seen.add(found)
                    yield found
        else:
            if settings.force_exclude and _is_excluded(absolute, False, settings, ignores):
                continue
            if given not in seen:
                seen.add(given)
                yield given


def _is_excluded(absolute: Path, is_dir: bool, settings: Settings, ignores: _Ignores) -> bool:
    parts = absolute.parts if is_dir else absolute.parent.parts
    if any(part in settings.exclude for part in parts) or absolute.name in settings.exclude:
        return True
    return settings.respect_gitignore and ignores.ignored(absolute, is_dir)


def _walk(top: Path, settings: Settings, ignores: _Ignores) -> Iterator[Path]:
    for folder, dirnames, filenames in os.walk(top, followlinks=False):
        base = Path(folder)
        absolute_base = base.resolve()
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in settings.exclude
            and not (settings.respect_gitignore and ignores.ignored(absolute_base / d, True))
        )
        for name in sorted(filenames):
            if not name.endswith(PYTHON_SUFFIXES) or name in settings.exclude:
                continue
            if settings.respect_gitignore and ignores.ignored(absolute_base / name, False):
                continue
            yield base / name
