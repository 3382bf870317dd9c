"""Which files to lint: explicit paths, recursive ``.py`` discovery, .gitignore, exclusions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from initlint.resolution import Resolver, is_excluded
from initlint.settings import Settings

PYTHON_SUFFIXES = (".py", ".pyi")


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


def discover(paths: list[Path], resolver: Resolver) -> Iterator[Path]:
    """Files to lint, in a stable order. Explicit files are linted even when excluded,
    unless ``force_exclude`` (what pre-commit needs). Each folder is walked with its own
    settings (the nearest ``[tool.initlint]``)."""
    for given in paths:
        if not given.exists() and not given.is_symlink():
            raise DiscoveryError(f"{given}: No such file or directory")
    seen: set[Path] = set()
    for given in paths:
        absolute = given.resolve() if given.exists() else given.absolute()
        is_dir = given.is_dir()
        settings = resolver.for_folder(absolute if is_dir else absolute.parent)
        ignores = _Ignores(_git_root(absolute if is_dir else absolute.parent))
        if settings.force_exclude and _is_excluded(absolute, is_dir, settings, ignores):
            continue
        if is_dir:
            for found in _walk(given, resolver, ignores):
                if found not in seen:
                    seen.add(found)
                    yield found
        elif given not in seen:
            seen.add(given)
            yield given


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


def _walk(top: Path, resolver: Resolver, ignores: _Ignores) -> Iterator[Path]:
    for folder, dirnames, filenames in os.walk(top, followlinks=False):
        base = Path(folder)
        absolute_base = base.resolve()
        settings = resolver.for_folder(absolute_base)
        gitignore = settings.respect_gitignore
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not is_excluded(absolute_base / d, True, settings)
            and not (gitignore and ignores.ignored(absolute_base / d, True))
        )
        for name in sorted(filenames):
            if not name.endswith(PYTHON_SUFFIXES):
                continue
            if is_excluded(absolute_base / name, False, settings):
                continue
            if gitignore and ignores.ignored(absolute_base / name, False):
                continue
            yield base / name
