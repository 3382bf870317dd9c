"""``# noqa`` comments: applied centrally to every rule's findings."""

from __future__ import annotations

import re
from collections.abc import Mapping

import libcst as cst
from libcst.metadata import CodeRange

from initlint.diagnostics import Diagnostic

# Bare, or followed by a colon and codes or rule names separated by commas (ruff's syntax).
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[\w-]+(?:[\s,]+[\w-]+)*))?", re.IGNORECASE)


def noqa_codes(comment: str) -> set[str] | None:
    """The codes a comment's noqa names; an empty set means every code; None: no noqa."""
    match = _NOQA.match(comment)
    if match is None:
        return None
    codes = match.group("codes")
    if not codes:
        return set()
    return {
        code.upper() if code[:3].upper() == "KIN" else code for code in re.split(r"[\s,]+", codes)
    }


def noqa_rows(positions: Mapping[cst.CSTNode, CodeRange]) -> dict[int, set[str]]:
    """Row → codes, read from real comments only (a ``"# noqa"`` string suppresses nothing).

    A line has one comment, so one row maps to one comment's codes.
    """
    rows: dict[int, set[str]] = {}
    for node, where in positions.items():
        if isinstance(node, cst.Comment):
            codes = noqa_codes(node.value)
            if codes is not None:
                rows[where.start.line] = codes
    return rows


def is_suppressed(diagnostic: Diagnostic, rows: dict[int, set[str]]) -> bool:
    codes = rows.get(diagnostic.noqa_row)
    if codes is None:
        return False
    return not codes or diagnostic.code in codes or diagnostic.name in codes
