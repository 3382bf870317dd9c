"""Resolved settings and rule selection (codes, prefixes, names, ``ALL``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from initlint.diagnostics import Applicability
from initlint.rules import ALL_RULES, BY_NAME

PARSE_ERROR = "KIN000"

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".eggs",
    "build",
    "dist",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".ipynb_checkpoints",
    "site-packages",
)


class SettingsError(Exception):
    """Bad configuration or arguments: reported in one line, exit code 2."""


@dataclass(frozen=True, slots=True)
class Settings:
    select: frozenset[str] = field(
        default_factory=lambda: frozenset(r.code for r in ALL_RULES if not r.opt_in)
    )
    unsafe_fixes: bool = False
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()  # gitignore-style patterns, relative to the project root
    force_exclude: bool = False
    respect_gitignore: bool = True
    # (gitignore-style pattern, codes) pairs: those codes are not reported in matching files
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    fixable: frozenset[str] | None = None  # None: every rule's fixes may apply
    unfixable: frozenset[str] = frozenset()
    extend_safe_fixes: frozenset[str] = frozenset()  # their unsafe fixes become safe
    extend_unsafe_fixes: frozenset[str] = frozenset()  # their safe fixes become unsafe
    warn: frozenset[str] = frozenset()  # codes demoted to warnings (shown, exit 0 unless strict)
    strict: bool = False  # warnings fail the run too
    output_format: str = "full"
    scale_tolerance: float = 8.0  # KIN201: how far Var(w)·fan_in may be from what is needed
    drift_threshold: float = 100.0  # KIN202: how much excess drift a chain may show
    project_root: str = ""  # the folder of the pyproject.toml the settings came from
    # Patterns given on the command line are relative to the folder initlint runs in, as
    # ruff's are, whichever configuration file a checked file falls under.
    cwd: str = ""
    cli_exclude: tuple[str, ...] = ()
    cli_per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    config_file: str = ""  # that file, or --config's

    @property
    def fix_threshold(self) -> Applicability:
        """The least applicability ``--fix`` applies: unsafe fixes only on request."""
        return Applicability.UNSAFE if self.unsafe_fixes else Applicability.SAFE

    def applicability(self, code: str, given: Applicability) -> Applicability:
        """A fix's applicability after ``fixable``/``unfixable`` (a rule that may not fix
        still shows its fix, display-only) and ``extend-safe-fixes``/``extend-unsafe-fixes``
        (the latter wins when a rule is in both, as ruff's)."""
        if code in self.unfixable or (self.fixable is not None and code not in self.fixable):
            return Applicability.DISPLAY_ONLY
        if code in self.extend_unsafe_fixes and given is Applicability.SAFE:
            return Applicability.UNSAFE
        if code in self.extend_safe_fixes and given is Applicability.UNSAFE:
            return Applicability.SAFE
        return given


def expand(selector: str) -> set[str]:
    """The codes a selector names: ``ALL``, a code, a code prefix, or a rule name."""
    if selector.upper() == "ALL":
        return {rule.code for rule in ALL_RULES}
    if selector in BY_NAME:
        return {BY_NAME[selector].code}
    upper = selector.upper()
    codes = {rule.code for rule in ALL_RULES if rule.code.startswith(upper)}
    if upper.startswith("KIN") and codes:
        return codes
    choices = [rule.code for rule in ALL_RULES] + list(BY_NAME)
    close = difflib.get_close_matches(selector, choices, n=1)
    hint = f" (did you mean `{close[0]}`?)" if close else ""
    raise SettingsError(f"unknown rule selector `{selector}`{hint}")


def select_rules(
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    extend_select: Iterable[str] = (),
) -> frozenset[str]:
    """Resolve ruff-style selection; parse errors are always reported unless ignored."""
    if select is None:
        chosen = {rule.code for rule in ALL_RULES if not rule.opt_in}
    else:
        chosen = set().union(*(expand(s) for s in select)) if select else set()
    chosen |= set().union(*(expand(s) for s in extend_select)) if extend_select else set()
    chosen.add(PARSE_ERROR)
    ignored = set().union(*(expand(s) for s in ignore)) if ignore else set()
    return frozenset(chosen - ignored)


def split_selectors(values: Iterable[str]) -> list[str]:
    """``--select KIN1,KIN2 --select zeros-kernel`` → one flat list."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]
