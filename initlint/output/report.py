"""What a run found, per file, for every output format to render."""

from __future__ import annotations

from dataclasses import dataclass, field

from initlint.diagnostics import Applicability, Diagnostic, Severity


@dataclass
class FileReport:
    path: str  # as shown to the user
    diagnostics: list[Diagnostic]
    lines: list[str] = field(default_factory=list)  # the source, for code frames
    absolute: str = ""  # for machine formats, as ruff writes them
    cells: dict[int, list[str]] = field(default_factory=dict)  # notebooks: rows per cell


@dataclass
class Report:
    files: list[FileReport] = field(default_factory=list)
    fixed: int = 0
    fix_threshold: Applicability = Applicability.SAFE
    errors: int = 0  # files that could not be checked (reported on stderr)
    selected: frozenset[str] = frozenset()  # the rule codes checked (SARIF lists them all)
    fixed_by_file: dict[str, dict[str, int]] = field(default_factory=dict)  # path → code → n
    show_fixes: bool = False  # text formats list applied and available fixes (--show-fixes)
    baselined: int = 0  # findings left out because the baseline file records them

    @property
    def diagnostics(self) -> list[tuple[FileReport, Diagnostic]]:
        return [(f, d) for f in self.files for d in f.diagnostics]

    def fixable(self, diagnostic: Diagnostic) -> bool:
        """Would ``--fix`` (with the current ``--unsafe-fixes``) apply this one?"""
        return diagnostic.fix is not None and diagnostic.fix.applicability >= self.fix_threshold

    def summary(self) -> list[str]:
        """Ruff's closing lines: the count, then what ``--fix``/``--unsafe-fixes`` would do.

        Ruff's wording is kept when every finding is an error; warnings are counted apart
        ("Found 3 errors and 2 warnings.") because they do not fail the run, and findings
        hidden by a baseline are counted so a clean run does not look emptier than it is.
        """
        found = self.diagnostics
        total = len(found)
        baselined = f"{self.baselined} baselined" if self.baselined else ""
        if total == 0 and not self.fixed:
            if self.errors:
                return []
            return [f"All checks passed! ({baselined})" if baselined else "All checks passed!"]
        warnings = sum(1 for _, d in found if d.severity is Severity.WARNING)
        counts = _counts(total + self.fixed - warnings, warnings)
        details = [f"{self.fixed} fixed, {total} remaining"] if self.fixed else []
        details += [baselined] if baselined else []
        lines = [f"Found {counts} ({'; '.join(details)})." if details else f"Found {counts}."]
        fixable = sum(1 for _, d in found if self.fixable(d))
        hidden = sum(
            1
            for _, d in found
            if d.fix is not None
            and not self.fixable(d)
            and d.fix.applicability >= Applicability.UNSAFE
        )
        if fixable:
            tail = (
                f" ({hidden} hidden fix{'es' if hidden != 1 else ''} can be enabled with the "
                "`--unsafe-fixes` option)."
                if hidden
                else ""
            )
            lines.append(f"[*] {fixable} fixable with the `--fix` option{tail if tail else '.'}")
        elif hidden:
            lines.append(
                f"No fixes available ({hidden} hidden fix{'es' if hidden != 1 else ''} can be "
                "enabled with the `--unsafe-fixes` option)."
            )
        return lines


def _counts(errors: int, warnings: int) -> str:
    """``3 errors``, ``2 warnings`` or ``3 errors and 1 warning``: no ``0 errors and``."""
    parts = [f"{errors} error{'' if errors == 1 else 's'}"] if errors or not warnings else []
    if warnings:
        parts.append(f"{warnings} warning{'' if warnings == 1 else 's'}")
    return " and ".join(parts)
