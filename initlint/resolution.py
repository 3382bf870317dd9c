"""Settings for each file: the nearest ``[tool.initlint]`` (or ``--config``), then the
command line on top, as ruff resolves them.

Configuration is hierarchical: a file is checked with the closest ``pyproject.toml`` that
has a ``[tool.initlint]`` table, so a monorepo's packages can differ. Paths in a
configuration (``exclude``, ``per-file-ignores``) are relative to that file's folder.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pathspec

from initlint import config
from initlint.rules import ALL_RULES
from initlint.settings import DEFAULT_EXCLUDE, PARSE_ERROR, Settings, SettingsError, expand


@dataclass(frozen=True, slots=True)
class Overrides:
    """What the command line says; ``None`` or empty: not given, the configuration decides."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[str, ...] = ()  # "pattern:CODE,CODE"
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    fixable: tuple[str, ...] | None = None
    unfixable: tuple[str, ...] = ()
    extend_safe_fixes: tuple[str, ...] = ()
    extend_unsafe_fixes: tuple[str, ...] = ()
    warn: tuple[str, ...] = ()
    unsafe_fixes: bool | None = None
    force_exclude: bool | None = None
    respect_gitignore: bool | None = None
    strict: bool | None = None
    output_format: str | None = None


def _default_format() -> str:
    """``full`` in a terminal; ``concise`` inside a pre-commit hook (which sets
    ``PRE_COMMIT=1``), where one line per finding reads best among other hooks' output."""
    return "concise" if os.environ.get("PRE_COMMIT") else "full"


def _codes(selectors: Iterable[str]) -> set[str]:
    return set().union(*(expand(s) for s in selectors))


def _selection(layers: list[tuple[list[str] | None, list[str], list[str]]]) -> frozenset[str]:
    """Ruff's layering: each layer's ``select`` replaces what came before (dropping earlier
    ignores), its ``extend-select`` adds and its ``ignore`` removes. Parse errors are
    always reported unless ignored."""
    chosen = {rule.code for rule in ALL_RULES if not rule.opt_in} | {PARSE_ERROR}
    for select, extend, ignore in layers:
        if select is not None:
            chosen = _codes(select) | {PARSE_ERROR}
        chosen |= _codes(extend)
        chosen -= _codes(ignore)
    return frozenset(chosen)


def _pair(entry: str) -> tuple[str, frozenset[str]]:
    pattern, sep, codes = entry.rpartition(":")
    if not sep or not pattern or not codes.strip():
        raise SettingsError(f"--per-file-ignores expects `PATTERN:CODE[,CODE]`, not `{entry}`")
    return pattern, frozenset(_codes(c.strip() for c in codes.split(",") if c.strip()))


def build(found: config.Config, cli: Overrides, cwd: Path, root: Path | None = None) -> Settings:
    """One configuration file's settings with the command line applied over them; paths in
    it are relative to ``root`` (default: the file's folder)."""
    values = found.values

    def listed(key: str) -> list[str]:
        return list(values.get(key, []))

    select = _selection(
        [
            (values.get("select"), listed("extend-select"), listed("ignore")),
            (
                list(cli.select) if cli.select is not None else None,
                list(cli.extend_select),
                list(cli.ignore),
            ),
        ]
    )
    table = values.get("per-file-ignores", {})
    per_file = [(pattern, frozenset(_codes(codes))) for pattern, codes in table.items()]
    cli_per_file = [_pair(entry) for entry in cli.per_file_ignores]
    # --exclude replaces the defaults and the configuration's list.
    exclude = values.get("exclude", list(DEFAULT_EXCLUDE)) if cli.exclude is None else []
    fixable = cli.fixable if cli.fixable is not None else values.get("fixable")

    def choose(flag: bool | None, key: str, default: bool) -> bool:
        return flag if flag is not None else bool(values.get(key, default))

    return Settings(
        select=select,
        unsafe_fixes=choose(cli.unsafe_fixes, "unsafe-fixes", False),
        exclude=tuple(exclude),
        extend_exclude=tuple(listed("extend-exclude")),
        cli_exclude=(cli.exclude or ()) + cli.extend_exclude,
        cli_per_file_ignores=tuple(cli_per_file),
        cwd=str(cwd),
        force_exclude=choose(cli.force_exclude, "force-exclude", False),
        respect_gitignore=choose(cli.respect_gitignore, "respect-gitignore", True),
        per_file_ignores=tuple(per_file),
        fixable=None if fixable is None else frozenset(_codes(fixable)),
        unfixable=frozenset(_codes(listed("unfixable") + list(cli.unfixable))),
        extend_safe_fixes=frozenset(
            _codes(listed("extend-safe-fixes") + list(cli.extend_safe_fixes))
        ),
        extend_unsafe_fixes=frozenset(
            _codes(listed("extend-unsafe-fixes") + list(cli.extend_unsafe_fixes))
        ),
        warn=frozenset(_codes(listed("warn") + list(cli.warn))),
        strict=choose(cli.strict, "strict", False),
        scale_tolerance=float(values.get("scale-tolerance", 8.0)),
        drift_threshold=float(values.get("drift-threshold", 100.0)),
        output_format=cli.output_format or values.get("output-format") or _default_format(),
        project_root=str(root or found.root or cwd),
        config_file=str(found.path or ""),
    )


class Resolver:
    """Settings per folder (cached) and per file (``per-file-ignores`` applied)."""

    def __init__(self, cli: Overrides, config_path: Path | None = None) -> None:
        self.cli = cli
        self.cwd = Path.cwd()
        self.fixed: Settings | None = None
        if config_path is not None:
            # As ruff: paths in a --config file are relative to the current folder.
            self.fixed = build(config.load(config_path), cli, self.cwd, self.cwd)
        self._folders: dict[Path, Path | None] = {}
        self._settings: dict[Path | None, Settings] = {}
        # absolute folder (a string: discovery asks once per file) -> its settings
        self._by_folder: dict[str, Settings] = {}

    def _config_path(self, folder: Path) -> Path | None:
        chain = []
        found: Path | None = None
        current = folder
        while True:
            if current in self._folders:
                found = self._folders[current]
                break
            chain.append(current)
            candidate = current / config.PYPROJECT
            if candidate.is_file() and config.has_table(candidate):
                found = candidate
                break
            if current.parent == current:
                break
            current = current.parent
        for visited in chain:
            self._folders[visited] = found
        return found

    def for_folder(self, folder: Path | str) -> Settings:
        if self.fixed is not None:
            return self.fixed
        absolute = os.path.abspath(folder)
        known = self._by_folder.get(absolute)
        if known is not None:
            return known
        path = self._config_path(Path(absolute))
        if path not in self._settings:
            found = config.load(path) if path is not None else config.Config()
            self._settings[path] = build(found, self.cli, self.cwd)
        settings = self._by_folder[absolute] = self._settings[path]
        return settings

    def for_file(self, path: Path | str) -> Settings:
        text = os.path.abspath(path)
        settings = self.for_folder(os.path.dirname(text))
        if not settings.per_file_ignores and not settings.cli_per_file_ignores:
            return settings
        absolute = Path(text)
        ignored: set[str] = set()
        for root, pairs in (
            (settings.project_root, settings.per_file_ignores),
            (settings.cwd, settings.cli_per_file_ignores),
        ):
            relative = relative_to(absolute, root)
            for pattern, codes in pairs:
                if _spec((pattern,)).match_file(relative):
                    ignored |= codes
        if not ignored:
            return settings
        return dataclasses.replace(settings, select=settings.select - ignored)

    def root(self) -> Settings:
        """The settings of the current folder: for what applies to the whole run."""
        return self.for_folder(self.cwd)


def relative_to(absolute: Path | str, root: str) -> str:
    """The path as patterns see it: relative to ``root`` when inside it (string operations:
    discovery asks for every file and folder of the tree)."""
    text = os.fspath(absolute)
    if os.sep != "/":
        text, root = text.replace(os.sep, "/"), root.replace(os.sep, "/")
    if root:
        root = root.rstrip("/")
        if text == root:
            return ""
        if text.startswith(root + "/"):
            return text[len(root) + 1 :]
    return text.lstrip("/")


class _Spec:
    """A GitIgnoreSpec with a quick rejection: one regular expression joining its including
    patterns. A path none of them matches is not matched (a negation only re-includes), so
    the spec's pattern-by-pattern walk runs only for the few paths that may be excluded."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.spec = pathspec.GitIgnoreSpec.from_lines(patterns)
        including = [
            _NAMED_GROUP.sub("(?:", p.regex.pattern)
            for p in self.spec.patterns
            if p.include and p.regex is not None
        ]
        self.quick = re.compile("|".join(f"(?:{r})" for r in including)) if including else None

    def match_file(self, relative: str) -> bool:
        if self.quick is None or self.quick.search(relative) is None:
            return False
        return bool(self.spec.match_file(relative))


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


@functools.lru_cache(maxsize=256)
def _spec(patterns: tuple[str, ...]) -> _Spec:
    return _Spec(patterns)


def is_excluded(absolute: Path | str, is_dir: bool, settings: Settings) -> bool:
    """Does ``exclude``/``extend-exclude`` cover this path (gitignore-style patterns,
    relative to the project root; a bare name matches at any depth)?"""
    suffix = "/" if is_dir else ""
    for root, patterns in (
        (settings.project_root, settings.exclude + settings.extend_exclude),
        (settings.cwd, settings.cli_exclude),
    ):
        if not patterns:
            continue
        relative = relative_to(absolute, root)
        if relative not in ("", ".") and _spec(patterns).match_file(relative + suffix):
            return True
    return False


def show(resolver: Resolver, target: Path) -> str:
    """``--show-settings``: where the settings for ``target`` come from, and every value,
    in configuration syntax (rule lists sorted by code)."""
    settings = resolver.for_file(target) if not target.is_dir() else resolver.for_folder(target)

    def strings(values: Iterable[str]) -> str:
        return "[" + ", ".join(f'"{v}"' for v in sorted(values)) + "]"

    def flag(value: bool) -> str:
        return "true" if value else "false"

    lines = [
        f"Resolved settings for: {target}",
        f"Settings path: {settings.config_file or '(none: defaults)'}",
        f"Project root: {settings.project_root}",
        "",
        f"select = {strings(settings.select)}",
        f"warn = {strings(settings.warn)}",
        f"strict = {flag(settings.strict)}",
        "fixable = " + ("(all)" if settings.fixable is None else strings(settings.fixable)),
        f"unfixable = {strings(settings.unfixable)}",
        f"extend-safe-fixes = {strings(settings.extend_safe_fixes)}",
        f"extend-unsafe-fixes = {strings(settings.extend_unsafe_fixes)}",
        f"unsafe-fixes = {flag(settings.unsafe_fixes)}",
        f"exclude = {strings(settings.exclude)}",
        f"extend-exclude = {strings(settings.extend_exclude)}",
        f"exclude (command line, from {settings.cwd}) = {strings(settings.cli_exclude)}",
        f"force-exclude = {flag(settings.force_exclude)}",
        f"respect-gitignore = {flag(settings.respect_gitignore)}",
        f'output-format = "{settings.output_format}"',
        f"scale-tolerance = {settings.scale_tolerance:g}",
        f"drift-threshold = {settings.drift_threshold:g}",
        "",
        "[per-file-ignores]",
        *(f'"{pattern}" = {strings(codes)}' for pattern, codes in settings.per_file_ignores),
        *(
            f'"{pattern}" = {strings(codes)}  # command line, from {settings.cwd}'
            for pattern, codes in settings.cli_per_file_ignores
        ),
    ]
    return "\n".join(lines) + "\n"
