"""JSON as ruff writes it (plus ``name`` and ``severity``), byte-stable, never through rich."""

from __future__ import annotations

import json
from typing import Any, TextIO

from initlint.diagnostics import Diagnostic, Position
from initlint.output.links import rule_url
from initlint.output.report import Report


def _position(position: Position) -> dict[str, int]:
    return {"column": position.column, "row": position.row}


def as_dict(path: str, diagnostic: Diagnostic) -> dict[str, Any]:
    """One finding as ruff's JSON object (shared by ``json`` and ``json-lines``)."""
    fix = diagnostic.fix
    return {
        "cell": None,
        "code": diagnostic.code,
        "end_location": _position(diagnostic.end),
        "filename": path,
        "fix": None
        if fix is None
        else {
            "applicability": fix.applicability.label,
            "edits": [
                {
                    "content": edit.content,
                    "end_location": _position(edit.end),
                    "location": _position(edit.start),
                }
                for edit in fix.edits
            ],
            "message": fix.title,
        },
        "location": _position(diagnostic.start),
        "message": diagnostic.message,
        "name": diagnostic.name,
        "noqa_row": diagnostic.noqa_row,
        "severity": diagnostic.severity.value,
        "url": rule_url(diagnostic.code),
    }


def render(report: Report, stream: TextIO) -> None:
    items = [
        as_dict(file.absolute or file.path, diagnostic) for file, diagnostic in report.diagnostics
    ]
    stream.write(json.dumps(items, indent=2, sort_keys=True, ensure_ascii=False))
    stream.write("\n")
