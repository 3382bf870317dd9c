"""Output formats. Machine formats (json) never go through rich."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from initlint.output import concise, full, json_format
from initlint.output.report import Report

Renderer = Callable[[Report, TextIO], None]

FORMATS: dict[str, Renderer] = {
    "full": full.render,
    "concise": concise.render,
    "json": json_format.render,
}

__all__ = ["FORMATS", "Renderer", "Report"]
