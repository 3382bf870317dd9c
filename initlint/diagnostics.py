"""Findings and fixes as data: what rules report, and what output and the fixer consume."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Applicability(enum.IntEnum):
    """Ordered as ruff's: a fix applies when its applicability reaches the threshold."""

    DISPLAY_ONLY = 0
    UNSAFE = 1
    SAFE = 2

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", "-")


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Position:
    """1-based row and column (columns count characters, as ruff's)."""

    row: int
    column: int


@dataclass(frozen=True, slots=True)
class NodeEdit:
    """A replacement a rule asks for, by node; the engine turns it into a positioned Edit."""

    node: Any
    content: str


@dataclass(frozen=True, slots=True)
class FixPlan:
    """What a rule proposes: a title and node edits. Applicability comes from the rule;
    ``applicability`` lowers it for this fix alone (ruff's per-fix applicability)."""

    title: str
    edits: tuple[NodeEdit, ...]
    applicability: Applicability | None = None


@dataclass(frozen=True, slots=True)
class Violation:
    """A rule's finding before positions are known."""

    code: str
    message: str
    node: Any
    fix: FixPlan | None = None
    subject: str = ""  # the layer it is about, so findings at one call can name them all


@dataclass(frozen=True, slots=True)
class Edit:
    start: Position
    end: Position
    content: str
    start_offset: int = field(compare=False)
    end_offset: int = field(compare=False)


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finding with its place in the file, ready to print, fix or suppress."""

    code: str
    name: str
    severity: Severity
    message: str
    start: Position
    end: Position
    fix: Fix | None = None
    noqa_row: int = 0
    cell: int | None = None  # notebooks: the 1-based code cell; rows then count within it
