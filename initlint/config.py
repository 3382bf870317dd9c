"""``[tool.initlint]`` in ``pyproject.toml``: found, read, validated, with file and line.

Keys mirror the command line (``select``, ``per-file-ignores``, ``warn`` ...). Every
mistake — an unknown key, an unknown rule, a wrong type — is a ``SettingsError`` naming
the file, the line and, when one is close, the key or rule that was probably meant: a
typo in configuration must never silently turn a rule off.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from initlint.settings import SettingsError, expand

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

PYPROJECT = "pyproject.toml"
OUTPUT_FORMATS = ("concise", "full", "github", "json", "json-lines", "sarif")

_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")


@dataclass(frozen=True, slots=True)
class Config:
    """The validated ``[tool.initlint]`` table of one file (kebab-case keys as written)."""

    path: Path | None = None  # None: no configuration file (defaults)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def root(self) -> Path | None:
        return None if self.path is None else self.path.parent


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _table_of_strings(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(key, str) and _strings(codes) for key, codes in value.items()
    )


def _factor(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 1


# key → (type test, what the type should be, whether its strings are rule selectors)
_Check = tuple[Callable[[object], bool], str, bool]
KEYS: dict[str, _Check] = {
    "select": (_strings, "a list of rule codes or names", True),
    "ignore": (_strings, "a list of rule codes or names", True),
    "extend-select": (_strings, "a list of rule codes or names", True),
    "per-file-ignores": (_table_of_strings, "a table of patterns to lists of rules", True),
    "exclude": (_strings, "a list of path patterns", False),
    "extend-exclude": (_strings, "a list of path patterns", False),
    "fixable": (_strings, "a list of rule codes or names", True),
    "unfixable": (_strings, "a list of rule codes or names", True),
    "extend-safe-fixes": (_strings, "a list of rule codes or names", True),
    "extend-unsafe-fixes": (_strings, "a list of rule codes or names", True),
    "warn": (_strings, "a list of rule codes or names", True),
    "output-format": (lambda v: isinstance(v, str), "a string", False),
    "unsafe-fixes": (lambda v: isinstance(v, bool), "true or false", False),
    "respect-gitignore": (lambda v: isinstance(v, bool), "true or false", False),
    "force-exclude": (lambda v: isinstance(v, bool), "true or false", False),
    "strict": (lambda v: isinstance(v, bool), "true or false", False),
    "scale-tolerance": (_factor, "a number greater than 1", False),
    "drift-threshold": (_factor, "a number greater than 1", False),
}


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean `{close[0]}`?)" if close else ""


class _Locator:
    """Lines of keys in TOML text: tomllib reports no positions, so find them by reading
    table headers and ``key =`` lines (a value we cannot place is reported at its table)."""

    def __init__(self, text: str, table: str) -> None:
        self.lines = text.splitlines()
        self.table = table

    def _section(self, table: str) -> tuple[int, int] | None:
        start = None
        for index, line in enumerate(self.lines):
            match = _HEADER.match(line)
            if match is None:
                continue
            name = re.sub(r"\s*\.\s*", ".", match.group(1)).replace('"', "").replace("'", "")
            if start is not None:
                return start, index
            if name == table:
                start = index
        return None if start is None else (start, len(self.lines))

    def line(self, key: str, needle: str | None = None, table: str | None = None) -> int:
        """1-based line of ``key`` (and of ``needle`` in its value, if given)."""
        section = self._section(table or self.table)
        if section is None:
            return 1
        start, end = section
        pattern = re.compile(rf"""^\s*["']?{re.escape(key)}["']?\s*=""")
        for index in range(start + 1, end):
            if pattern.match(self.lines[index]):
                if needle is None:
                    return index + 1
                for inner in range(index, end):
                    if f'"{needle}"' in self.lines[inner] or f"'{needle}'" in self.lines[inner]:
                        return inner + 1
                return index + 1
        return start + 1


def _where(path: Path, line: int) -> str:
    return f"{path}:{line}"


def load(path: Path, pyproject: bool | None = None) -> Config:
    """Read and validate a configuration file: ``[tool.initlint]`` of a ``pyproject.toml``,
    or the top level of any other TOML file (``--config initlint.toml``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise SettingsError(f"{path}: cannot read configuration: {reason}") from None
    return parse(text, path, path.name == PYPROJECT if pyproject is None else pyproject)


def parse(text: str, path: Path, pyproject: bool) -> Config:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: invalid TOML: {error}") from None
    if pyproject:
        tool = document.get("tool", {})
        table = tool.get("initlint") if isinstance(tool, dict) else None
        if table is None:
            return Config(path, {})
        name = "tool.initlint"
    else:
        table, name = document, ""
    locate = _Locator(text, name)
    if not isinstance(table, dict):
        raise SettingsError(f"{_where(path, 1)}: [{name}] must be a table")
    for key, value in table.items():
        if key not in KEYS:
            hint = _suggest(key.replace("_", "-"), list(KEYS))
            raise SettingsError(
                f"{_where(path, locate.line(key))}: unknown key `{key}` in [{name}]{hint}"
            )
        test, expected, selectors = KEYS[key]
        if not test(value):
            raise SettingsError(
                f"{_where(path, locate.line(key))}: `{key}` must be {expected}, "
                f"not {_describe(value)}"
            )
        if key == "output-format" and value not in OUTPUT_FORMATS:
            hint = _suggest(value, list(OUTPUT_FORMATS))
            raise SettingsError(
                f"{_where(path, locate.line(key))}: unknown output format `{value}`{hint}; "
                f"choose from {', '.join(OUTPUT_FORMATS)}"
            )
        if selectors:
            groups = value.values() if isinstance(value, dict) else [value]
            for group in groups:
                for selector in group:
                    try:
                        expand(selector)
                    except SettingsError as error:
                        line = locate.line(key, selector)
                        if isinstance(value, dict):
                            line = locate.line(
                                next(k for k, v in value.items() if selector in v),
                                selector,
                                f"{name}.{key}" if name else key,
                            )
                            line = line if line > 1 else locate.line(key, selector)
                        raise SettingsError(f"{_where(path, line)}: `{key}`: {error}") from None
    return Config(path, dict(table))


def _describe(value: object) -> str:
    kinds = {bool: "a boolean", str: "a string", int: "an integer", float: "a number"}
    kinds.update({list: "a list", dict: "a table"})
    for kind, text in kinds.items():
        if type(value) is kind:
            if kind is list:
                return "a list with non-string items"
            return text
    return type(value).__name__


def has_table(path: Path) -> bool:
    """Does this ``pyproject.toml`` have a ``[tool.initlint]`` table? Most never mention us:
    only those that do are parsed (and one that does but is not valid TOML is an error, not
    a file passed over). The resolver walks up from each folder with it, as ruff does."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    if "initlint" not in text:
        return False
    try:
        tool = tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: invalid TOML: {error}") from None
    return isinstance(tool, dict) and "initlint" in tool
