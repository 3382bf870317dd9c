"""One line per finding: ``path:row:col: CODE [*] message`` (ruff's concise format)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from initlint.output import fix_summary
from initlint.output.report import Report

if TYPE_CHECKING:  # rich loads only when text is printed
    from rich.text import Text


def headline(report: Report, path: str, diagnostic: object) -> Text:
    from rich.text import Text

    from initlint.diagnostics import Diagnostic

    assert isinstance(diagnostic, Diagnostic)
    text = Text()
    text.append(path, style="bold")
    if diagnostic.cell is not None:  # ruff's notebook form: path:cell 3:2:5
        text.append(f":cell {diagnostic.cell}", style="bold")
    text.append(f":{diagnostic.start.row}:{diagnostic.start.column}: ", style="cyan")
    style = "bold red" if diagnostic.severity.value == "error" else "bold yellow"
    text.append(diagnostic.code, style=style)
    text.append(" [*]" if report.fixable(diagnostic) else "", style="cyan")
    if diagnostic.severity.value == "warning":  # readable without colour, in CI logs too
        text.append(" warning:", style="yellow")
    text.append(" " + diagnostic.message)
    return text


def render(report: Report, stream: TextIO) -> None:
    if not report.diagnostics and not report.show_fixes:  # plain lines: rich is not loaded
        stream.writelines(line + "\n" for line in report.summary())
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True)
    for file, diagnostic in report.diagnostics:
        console.print(headline(report, file.path, diagnostic))
    if report.show_fixes:
        for line in fix_summary.lines(report):
            console.print(Text(line))
    for line in report.summary():
        console.print(Text(line))
