"""``--show-fixes``: after the findings, the fixes applied and still available, per file.

The applied part is ruff's: ``Fixed N errors:`` then, per file, a count, a multiplication
sign and ``CODE (name)``. The available part lists each remaining finding that has a fix,
with the fix's title, marked ``(unsafe)`` as the full format's help line marks it. Only the
text formats print it; the machine formats stay exactly their format.
"""

from __future__ import annotations

from initlint.diagnostics import Applicability
from initlint.output.report import Report
from initlint.rules import BY_CODE

TIMES = "\u00d7"  # the multiplication sign ruff writes between a count and a code


def _plural(count: int, noun: str, suffix: str = "s") -> str:
    return f"{count} {noun}{'' if count == 1 else suffix}"


def lines(report: Report) -> list[str]:
    """The summary's lines, each section preceded by a blank line; none when nothing to say."""
    out: list[str] = []
    fixed = {path: table for path, table in report.fixed_by_file.items() if table}
    if fixed:
        total = sum(sum(table.values()) for table in fixed.values())
        width = max(len(str(n)) for table in fixed.values() for n in table.values())
        out += ["", f"Fixed {_plural(total, 'error')}:"]
        for path in sorted(fixed):
            out.append(f"- {path}:")
            for code, count in sorted(fixed[path].items(), key=lambda item: (-item[1], item[0])):
                name = BY_CODE[code].name if code in BY_CODE else code
                out.append(f"    {count:>{width}} {TIMES} {code} ({name})")
    available = [
        (file.path, d, d.fix)
        for file, d in report.diagnostics
        if d.fix is not None and d.fix.applicability >= Applicability.UNSAFE
    ]
    if available:
        out += ["", f"{_plural(len(available), 'fix', 'es')} available:"]
        current = None
        for path, diagnostic, fix in available:
            if path != current:
                out.append(f"- {path}:")
                current = path
            where = "" if diagnostic.cell is None else f"cell {diagnostic.cell}:"
            place = f"{where}{diagnostic.start.row}:{diagnostic.start.column}"
            unsafe = "" if fix.applicability is Applicability.SAFE else " (unsafe)"
            out.append(f"    {place} {diagnostic.code} {fix.title}{unsafe}")
    if out:
        out.append("")
    return out
