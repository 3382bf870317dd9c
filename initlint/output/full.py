"""Ruff's full format: headline, code frame with a caret under the span, the fix, a summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from initlint.diagnostics import Diagnostic
from initlint.output import fix_summary
from initlint.output.concise import headline
from initlint.output.report import Report

if TYPE_CHECKING:  # rich loads only when text is printed
    from rich.text import Text

CONTEXT = 1
MAX_WIDTH = 160  # longer source lines are cut in code frames (generated code, minified data)


def render(report: Report, stream: TextIO) -> None:
    if not report.diagnostics and not report.show_fixes:  # plain lines: rich is not loaded
        stream.writelines(line + "\n" for line in report.summary())
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True)
    for file, diagnostic in report.diagnostics:
        console.print(headline(report, file.path, diagnostic))
        lines = file.lines if diagnostic.cell is None else file.cells.get(diagnostic.cell, [])
        if lines:
            console.print(_frame(lines, diagnostic))
        if diagnostic.fix is not None:
            marker = {"SAFE": "", "UNSAFE": " (unsafe)"}.get(
                diagnostic.fix.applicability.name, " (not applied: unfixable)"
            )
            console.print(Text(f"  = help: {diagnostic.fix.title}{marker}", style="cyan"))
        console.print()
    if report.show_fixes:
        shown = fix_summary.lines(report)
        if report.diagnostics and shown[:1] == [""]:
            shown = shown[1:]  # each finding already ends with a blank line
        for line in shown:
            console.print(Text(line))
    for line in report.summary():
        console.print(Text(line))


def _frame(lines: list[str], diagnostic: Diagnostic) -> Text:
    """The rows around the finding (a notebook's: its cell's rows, numbered in the cell)."""
    from rich.text import Text

    first = max(1, diagnostic.start.row - CONTEXT)
    last = min(len(lines), diagnostic.end.row + CONTEXT)
    width = len(str(last))
    out = Text()
    gutter = " " * width + " |"
    out.append(gutter + "\n", style="blue")
    for row in range(first, last + 1):
        line = lines[row - 1].expandtabs(4) if row - 1 < len(lines) else ""
        if len(line) > MAX_WIDTH:
            line = line[:MAX_WIDTH] + "…"
        out.append(f"{row:>{width}} | ", style="blue")
        out.append(line + "\n")
        if diagnostic.start.row <= row <= diagnostic.end.row:
            raw = lines[row - 1]
            start = diagnostic.start.column - 1 if row == diagnostic.start.row else _indent(raw)
            end = diagnostic.end.column - 1 if row == diagnostic.end.row else len(raw)
            start_col = len(raw[:start].expandtabs(4))
            end_col = max(len(raw[:end].expandtabs(4)), start_col + 1)
            start_col, end_col = min(start_col, MAX_WIDTH), min(end_col, MAX_WIDTH + 1)
            end_col = max(end_col, start_col + 1)
            out.append(gutter + " ", style="blue")
            out.append(" " * start_col + "^" * (end_col - start_col), style="bold red")
            if row == diagnostic.end.row:
                out.append(f" {diagnostic.code}", style="bold red")
            out.append("\n")
    out.append(gutter, style="blue")
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())
