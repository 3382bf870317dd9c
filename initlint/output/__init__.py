"""Output formats. Machine formats (json, json-lines, github, sarif) never go through rich:
they are byte-stable and never coloured, whatever the terminal or ``FORCE_COLOR`` say."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from initlint.output import concise, full, github, json_format, json_lines, sarif
from initlint.output.report import Report

Renderer = Callable[[Report, TextIO], None]

FORMATS: dict[str, Renderer] = {
    "full": full.render,
    "concise": concise.render,
    "json": json_format.render,
    "json-lines": json_lines.render,
    "github": github.render,
    "sarif": sarif.render,
}

__all__ = ["FORMATS", "Renderer", "Report"]
