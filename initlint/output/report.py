"""What a run found, per file, for every output format to render."""

from __future__ import annotations

from dataclasses import dataclass, field

from initlint.diagnostics import Applicability, Diagnostic


@dataclass
class FileReport:
    path: str  # as shown to the user
    diagnostics: list[Diagnostic]
    lines: list[str] = field(default_factory=list)  # the source, for code frames
    absolute: str = ""  # for machine formats, as ruff writes them


@dataclass
class Report:
    files: list[FileReport] = field(default_factory=list)
    fixed: int = 0
    fix_threshold: Applicability = Applicability.SAFE
    errors: int = 0  # files that could not be checked (reported on stderr)
    selected: frozenset[str] = frozenset()  # the rule codes checked (SARIF lists them all)
    fixed_by_file: dict[str, dict[str, int]] = field(default_factory=dict)  # path → code → n
    show_fixes: bool = False  # text formats list applied and available fixes (--show-fixes)

    @property
    def diagnostics(self) -> list[tuple[FileReport, Diagnostic]]:
        return [(f, d) for f in self.files for d in f.diagnostics]

    def fixable(self, diagnostic: Diagnostic) -> bool:
        """Would ``--fix`` (with the current ``--unsafe-fixes``) apply this one?"""
        return diagnostic.fix is not None and diagnostic.fix.applicability >= self.fix_threshold

    def summary(self) -> list[str]:
        """Ruff's closing lines: the count, then what ``--fix``/``--unsafe-fixes`` would do."""
        found = self.diagnostics
        total = len(found)
        if total == 0 and not self.fixed:
            return [] if self.errors else ["All checks passed!"]
        noun = "error" if total + self.fixed == 1 else "errors"
        if self.fixed:
            lines = [f"Found {total + self.fixed} {noun} ({self.fixed} fixed, {total} remaining)."]
        else:
            lines = [f"Found {total} {noun}."]
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
