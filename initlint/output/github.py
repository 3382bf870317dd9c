"""GitHub Actions workflow commands: one ``::error``/``::warning`` annotation per finding.

A workflow command is one line, ``::level key=value,key=value::message``. The runner splits
it on ``::``, ``,`` and ``=``, so values are percent-escaped as the Actions toolkit does: in
the message ``%``, CR and LF; in property values also ``:`` and ``,``. Without that, a file
name with a comma or a message with a newline would end the command early.
"""

from __future__ import annotations

from typing import TextIO

from initlint.diagnostics import Diagnostic
from initlint.output.report import Report

_DATA = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))
_PROPERTY = (*_DATA, (":", "%3A"), (",", "%2C"))


def escape_data(text: str) -> str:
    """Escape a command's message (``%`` first, so later escapes are not escaped again)."""
    for raw, escaped in _DATA:
        text = text.replace(raw, escaped)
    return text


def escape_property(text: str) -> str:
    """Escape a property value: the message escapes plus the separators ``:`` and ``,``."""
    for raw, escaped in _PROPERTY:
        text = text.replace(raw, escaped)
    return text


def command(path: str, diagnostic: Diagnostic) -> str:
    """One annotation; a notebook finding's rows count within its cell, which the message
    names (annotations have no place for a cell)."""
    properties = {
        "file": path.replace("\\", "/"),
        "line": str(diagnostic.start.row),
        "col": str(diagnostic.start.column),
        "endLine": str(diagnostic.end.row),
        "endColumn": str(diagnostic.end.column),
        "title": f"initlint ({diagnostic.code})",
    }
    where = "" if diagnostic.cell is None else f"cell {diagnostic.cell}: "
    message = f"{where}{diagnostic.code} {diagnostic.message}"
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{diagnostic.severity.value} {joined}::{escape_data(message)}"


def render(report: Report, stream: TextIO) -> None:
    for file, diagnostic in report.diagnostics:
        stream.write(command(file.path, diagnostic))
        stream.write("\n")
