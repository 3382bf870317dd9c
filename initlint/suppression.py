"""``# noqa`` comments: applied centrally to every rule's findings."""

from __future__ import annotations

import re

from initlint.diagnostics import Diagnostic

# Bare, or followed by a colon and codes or rule names separated by commas (ruff's syntax).
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[\w-]+(?:[\s,]+[\w-]+)*))?", re.IGNORECASE)


def noqa_codes(line: str) -> set[str] | None:
    """The codes a line's noqa comment names; an empty set means every code; None: no noqa."""
    match = _NOQA.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    if not codes:
        return set()
    return {
        code.upper() if code[:3].upper() == "KIN" else code for code in re.split(r"[\s,]+", codes)
    }


def is_suppressed(diagnostic: Diagnostic, lines: list[str]) -> bool:
    row = diagnostic.noqa_row
    if not 1 <= row <= len(lines):
        return False
    codes = noqa_codes(lines[row - 1])
    if codes is None:
        return False
    return not codes or diagnostic.code in codes or diagnostic.name in codes
