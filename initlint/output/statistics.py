"""``--statistics``: how many findings of each rule, instead of the findings (ruff's).

Text is flake8's layout as ruff prints it: ``count<TAB>code<TAB>[*] name``, the fix marker
only when some rule is fixable, then the usual closing summary. With ``--output-format json``
it is a JSON list of ``{code, name, count, fixable}``. Rows go by count, most first, then by
code; a rule counts as fixable when ``--fix`` (with the current ``--unsafe-fixes``) would fix
every one of its findings, as ruff decides it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TextIO

from initlint.output.report import Report

FORMATS = ("full", "concise", "json")  # the output formats --statistics can be printed in


@dataclass(frozen=True, slots=True)
class Statistic:
    code: str
    name: str
    count: int
    fixable: bool


def collect(report: Report) -> list[Statistic]:
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    fixable: dict[str, bool] = {}
    for _, diagnostic in report.diagnostics:
        code = diagnostic.code
        counts[code] = counts.get(code, 0) + 1
        names[code] = diagnostic.name
        fixable[code] = fixable.get(code, True) and report.fixable(diagnostic)
    rows = [Statistic(code, names[code], counts[code], fixable[code]) for code in counts]
    return sorted(rows, key=lambda row: (-row.count, row.code))


def render_text(report: Report, stream: TextIO) -> None:
    rows = collect(report)
    if rows:
        count_width = max(len(str(row.count)) for row in rows)
        code_width = max(len(row.code) for row in rows)
        marked = any(row.fixable for row in rows)
        for row in rows:
            marker = ("[*] " if row.fixable else "[ ] ") if marked else ""
            stream.write(
                f"{row.count:>{count_width}}\t{row.code:<{code_width}}\t{marker}{row.name}\n"
            )
    for line in report.summary():
        stream.write(line + "\n")


def render_json(report: Report, stream: TextIO) -> None:
    items = [
        {"code": row.code, "name": row.name, "count": row.count, "fixable": row.fixable}
        for row in collect(report)
    ]
    stream.write(json.dumps(items, indent=2, ensure_ascii=False))
    stream.write("\n")


def render(report: Report, stream: TextIO, output_format: str) -> None:
    """Statistics in ``output_format`` (one of ``FORMATS``)."""
    if output_format == "json":
        render_json(report, stream)
    else:
        render_text(report, stream)
