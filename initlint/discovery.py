"""Which files to lint: explicit paths, recursive ``.py``/``.ipynb`` discovery, .gitignore,
exclusions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from initlint.resolution import Resolver, is_excluded
from initlint.settings import Settings

PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")  # notebooks: initlint/notebook.py


class DiscoveryError(Exception):
    """A path the user named does not exist: exit code 2."""


@dataclass
class _Ignores:
    """.gitignore files from the repository root down, each matching relative to its folder.
    Paths are absolute strings: this is asked for every file of the tree."""

    root: Path | None
    specs: dict[str, pathspec.GitIgnoreSpec | None] = field(default_factory=dict)

    def spec(self, folder: str) -> pathspec.GitIgnoreSpec | None:
        if folder not in self.specs:
            gitignore = os.path.join(folder, ".gitignore")
            try:
                with open(gitignore, encoding="utf-8", errors="replace") as handle:
                    lines = handle.read().splitlines()
            except OSError:
                self.specs[folder] = None
            else:
                self.specs[folder] = pathspec.GitIgnoreSpec.from_lines(lines)
        return self.specs[folder]

    def ignored(self, path: Path | str, is_dir: bool) -> bool:
        if self.root is None:
            return False
        path, root = os.fspath(path), os.fspath(self.root)
        if path != root and not path.startswith(root.rstrip(os.sep) + os.sep):
            return False
        folder = os.path.dirname(path)
        while True:
            spec = self.spec(folder)
            if spec is not None:
                relative = os.path.relpath(path, folder).replace(os.sep, "/")
                if spec.match_file(relative + ("/" if is_dir else "")):
                    return True
            parent = os.path.dirname(folder)
            if folder == root or parent == folder:
                return False
            folder = parent


def _git_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


class _Repositories:
    """The git root and its .gitignore files for each folder asked about, each found once:
    pre-commit passes thousands of files by name, mostly from a few folders."""

    def __init__(self) -> None:
        self.roots: dict[Path, Path | None] = {}
        self.ignores: dict[Path | None, _Ignores] = {}

    def ignores_for(self, folder: Path) -> _Ignores:
        if folder not in self.roots:
            self.roots[folder] = _git_root(folder)
        root = self.roots[folder]
        if root not in self.ignores:
            self.ignores[root] = _Ignores(root)
        return self.ignores[root]


def discover(paths: list[Path], resolver: Resolver) -> Iterator[str]:
    """Files to lint, in a stable order. Explicit files are linted even when excluded,
    unless ``force_exclude`` (what pre-commit needs). Each folder is walked with its own
    settings (the nearest ``[tool.initlint]``). Paths are strings, as given or joined below
    a given folder: building and hashing ``Path`` objects costs more than a warm run."""
    for given in paths:
        if not os.path.lexists(given):
            raise DiscoveryError(f"{given}: No such file or directory")
    seen: set[str] = set()
    repositories = _Repositories()
    for given in paths:
        text = os.fspath(given)
        is_dir = os.path.isdir(text)
        absolute = os.path.realpath(text)  # a dangling link: where it points
        folder = absolute if is_dir else os.path.dirname(absolute)
        settings = resolver.for_folder(folder)
        if settings.force_exclude or is_dir:
            ignores = repositories.ignores_for(Path(folder))
            if settings.force_exclude and _is_excluded(Path(absolute), is_dir, settings, ignores):
                continue
        if is_dir:
            for found in _walk(given, resolver, ignores):
                if found not in seen:
                    seen.add(found)
                    yield found
        elif text not in seen:
            seen.add(text)
            yield text


def path_excluded(path: Path, settings: Settings) -> bool:
    """Would ``--force-exclude`` drop this path (stdin's ``--stdin-filename`` too)?"""
    absolute = Path(os.path.abspath(path))
    is_dir = path.is_dir()
    ignores = _Ignores(_git_root(absolute if is_dir else absolute.parent))
    return _is_excluded(absolute, is_dir, settings, ignores)


def _is_excluded(absolute: Path, is_dir: bool, settings: Settings, ignores: _Ignores) -> bool:
    """The path or a folder above it (up to the project root) is excluded or gitignored."""
    if is_excluded(absolute, is_dir, settings):
        return True
    for parent in absolute.parents:
        if str(parent) == settings.project_root or parent == parent.parent:
            break
        if is_excluded(parent, True, settings):
            return True
    return settings.respect_gitignore and ignores.ignored(absolute, is_dir)


def _walk(top: Path, resolver: Resolver, ignores: _Ignores) -> Iterator[str]:
    """Files below ``top``, folders and files each in sorted order. Paths are handled as
    strings here: a warm run's cost is mostly this walk, over every file of the tree."""
    for folder, dirnames, filenames in os.walk(top, followlinks=False):
        absolute_base = os.path.realpath(folder)
        settings = resolver.for_folder(absolute_base)
        gitignore = settings.respect_gitignore and ignores.root is not None
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not is_excluded(os.path.join(absolute_base, d), True, settings)
            and not (gitignore and ignores.ignored(Path(absolute_base, d), True))
        )
        for name in sorted(filenames):
            if not name.endswith(PYTHON_SUFFIXES):
                continue
            absolute = os.path.join(absolute_base, name)
            if is_excluded(absolute, False, settings):
                continue
            if gitignore and ignores.ignored(Path(absolute), False):
                continue
            yield os.path.join(folder, name)
