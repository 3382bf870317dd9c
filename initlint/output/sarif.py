"""SARIF 2.1.0, as GitHub code scanning reads it: every selected rule with its page, and
every finding with its region and, where it has one, its fix.

Paths are URIs relative to the directory initlint ran in (``%SRCROOT%``), which in CI is the
repository root: code scanning matches results to files by that relative path. A file
outside that directory gets an absolute ``file:`` URI. Columns count characters, as
initlint's do, which the run declares (``columnKind``) rather than converting to UTF-16.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePath
from typing import Any, TextIO
from urllib.parse import quote

from initlint import __version__, docs
from initlint.diagnostics import Diagnostic, Edit, Position
from initlint.output.links import REPOSITORY, rule_url
from initlint.output.report import FileReport, Report
from initlint.rules import ALL_RULES, Rule

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"


def artifact_location(path: str) -> dict[str, str]:
    """A relative URI under ``%SRCROOT%`` for a path below the working directory, else an
    absolute file URI; percent-encoded, so spaces, ``%``, ``#`` or ``:`` stay one path."""
    if os.path.isabs(path) or PurePath(path).parts[:1] == ("..",):
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": quote(PurePath(path).as_posix(), safe="/"), "uriBaseId": SRCROOT}


def _directory_uri(path: Path) -> str:
    uri = path.as_uri()
    return uri if uri.endswith("/") else uri + "/"  # a base URI must end with a slash


def _region(start: Position, end: Position) -> dict[str, int]:
    return {
        "startLine": start.row,
        "startColumn": start.column,
        "endLine": end.row,
        "endColumn": end.column,
    }


def _replacement(edit: Edit) -> dict[str, Any]:
    return {
        "deletedRegion": _region(edit.start, edit.end),
        "insertedContent": {"text": edit.content},
    }


def rule_descriptor(rule: type[Rule]) -> dict[str, Any]:
    """A rule as code scanning shows it: the summary, what it does, and its page (GitHub
    renders ``help.markdown`` in the alert; ``help.text`` is for plain-text viewers)."""
    page = docs.page(rule).split("\n", 1)[1]  # without the "generated" comment
    what = " ".join((rule.doc_section("What it does") or rule.summary).split())
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": what},
        "help": {"text": f"{what} See {rule_url(rule.code)}", "markdown": page},
        "helpUri": rule_url(rule.code),
        "defaultConfiguration": {"level": rule.severity.value},
        "properties": {"tags": ["initlint", rule.name]},
    }


def result(file: FileReport, diagnostic: Diagnostic, index: int) -> dict[str, Any]:
    """One finding. A notebook finding's rows count within its cell: the cell goes in the
    message and in ``properties.cell``, and its fix is left out (its regions are not the
    ``.ipynb`` file's)."""
    location = artifact_location(file.path)
    where = "" if diagnostic.cell is None else f"cell {diagnostic.cell}: "
    item: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": index,
        "level": diagnostic.severity.value,
        "message": {"text": where + diagnostic.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": _region(diagnostic.start, diagnostic.end),
                }
            }
        ],
    }
    fix = diagnostic.fix
    if fix is not None and fix.edits and diagnostic.cell is None:
        item["fixes"] = [
            {
                "description": {"text": fix.title},
                "artifactChanges": [
                    {
                        "artifactLocation": location,
                        "replacements": [_replacement(edit) for edit in fix.edits],
                    }
                ],
                "properties": {"applicability": fix.applicability.label},
            }
        ]
    if diagnostic.cell is not None:
        item["properties"] = {"cell": diagnostic.cell}
    return item


def log(report: Report) -> dict[str, Any]:
    """The SARIF log as a dict: one run, rules in code order, results in report order."""
    codes = set(report.selected) | {diagnostic.code for _, diagnostic in report.diagnostics}
    rules = [rule for rule in ALL_RULES if rule.code in codes]
    index = {rule.code: position for position, rule in enumerate(rules)}
    results = [result(file, d, index[d.code]) for file, d in report.diagnostics]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "initlint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": REPOSITORY,
                        "rules": [rule_descriptor(rule) for rule in rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(Path.cwd())}},
                "results": results,
            }
        ],
    }


def render(report: Report, stream: TextIO) -> None:
    stream.write(json.dumps(log(report), indent=2, ensure_ascii=False))
    stream.write("\n")
