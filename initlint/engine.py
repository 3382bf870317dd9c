"""Check and fix one source text: parse once, extract, run rules, place, suppress, fix."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Mapping

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from initlint import fixes, parsing, prefilter, source, suppression
from initlint.diagnostics import Diagnostic, Edit, Fix, FixPlan, Position, Severity, Violation
from initlint.frameworks import extract_file
from initlint.rules import ALL_RULES, BY_CODE, Rule
from initlint.settings import PARSE_ERROR, Settings

MAX_FIX_PASSES = 10


class FixError(Exception):
    """A fix pass produced code that does not parse, or fixes did not converge."""


class Lines:
    """Maps libcst (line, column) positions to offsets in the text, line endings as written."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in source.NEWLINE.finditer(text)]
        self.text = text

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column

    def rows(self) -> list[str]:
        return source.rows(self.text)


def _rules(settings: Settings) -> list[Rule]:
    engine_made = (PARSE_ERROR, suppression.UNUSED_NOQA)  # found here, not by reading Models
    options = {
        "scale_tolerance": settings.scale_tolerance,
        "drift_threshold": settings.drift_threshold,
    }
    return [
        rule(options)
        for rule in ALL_RULES
        if rule.code in settings.select and rule.code not in engine_made
    ]


def _syntax_error(text: str, error: cst.ParserSyntaxError) -> Diagnostic:
    """Python's own message and position when it agrees the code is invalid (they are clearer
    than the parser's "expected one of ..."), else libcst's."""
    try:
        compile(text, "<initlint>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as python:
        return parse_diagnostic(
            f"Cannot parse: {python.msg}", python.lineno or 1, python.offset or 1
        )
    except (ValueError, RecursionError, MemoryError):
        pass
    return parse_diagnostic(f"Cannot parse: {error.message}", error.raw_line, error.raw_column + 1)


def parse_diagnostic(message: str, row: int, column: int) -> Diagnostic:
    """A KIN000 finding: the file could not be read, parsed or analysed."""
    rule = BY_CODE[PARSE_ERROR]
    position = Position(max(row, 1), max(column, 1))
    return Diagnostic(
        PARSE_ERROR,
        rule.name,
        rule.severity,
        message,
        position,
        position,
        noqa_row=position.row,
    )


def severity(code: str, settings: Settings) -> Severity:
    """The rule's default severity, or a warning when ``warn`` names it: the one place a
    finding's severity is decided, so every output format and the exit code agree."""
    return Severity.WARNING if code in settings.warn else BY_CODE[code].severity


def reported(found: Diagnostic, settings: Settings) -> list[Diagnostic]:
    """A KIN000 finding as the settings want it: dropped when unselected, else graded."""
    if PARSE_ERROR not in settings.select:
        return []
    return [dataclasses.replace(found, severity=severity(found.code, settings))]


def check(text: str, settings: Settings) -> list[Diagnostic]:
    """All findings for ``text`` under ``settings``, noqa applied, in source order.

    A text that names no framework, or none of the selected rules' tokens, cannot hold a
    finding: it is skipped without parsing (parsing is nearly the whole cost of a run).
    """
    if not prefilter.needs_parse(text, settings.select):
        return []
    try:
        module = parsing.parse_module(text)
    except cst.ParserSyntaxError as error:
        return reported(_syntax_error(text, error), settings)
    except RecursionError:
        return reported(parse_diagnostic("Cannot parse: too deeply nested", 1, 1), settings)
    return _analyse(text, module, settings)


def _analyse(text: str, module: cst.Module, settings: Settings) -> list[Diagnostic]:
    """Findings for a parsed module (``text`` is its source)."""
    rules = _rules(settings)
    try:
        extracted = extract_file(module)
        violations = [violation for rule in rules for violation in rule.check_file(extracted)]
    except RecursionError:
        return reported(parse_diagnostic("Cannot analyse: too deeply nested", 1, 1), settings)
    judge_unused = suppression.UNUSED_NOQA in settings.select and (
        suppression.may_have_directives(text)
    )
    if not violations and not judge_unused:
        return []
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    directives = suppression.read_directives(module, positions)
    lines = Lines(text)
    placed = suppression.with_noqa_rows(_place(positions, violations, lines, settings), text)
    kept, used = suppression.apply(placed, directives)
    if judge_unused:  # after every other finding is known: their suppressions are the used ones
        idle = suppression.unused(directives, used, settings, lines)
        kept += suppression.apply(idle, directives, set())[0]
    return sorted(kept, key=lambda d: (d.start.row, d.start.column, d.code))


def _place(
    positions: Mapping[cst.CSTNode, CodeRange],
    violations: list[Violation],
    lines: Lines,
    settings: Settings,
) -> list[Diagnostic]:
    """Resolve nodes to positions (computed once per file, only when there are findings)."""
    placed = []
    for violation in _one_per_call(violations):
        where = positions.get(violation.node)
        if where is None:  # a node outside the tree: a bug in a rule, never shown half-placed
            continue
        start = Position(where.start.line, where.start.column + 1)
        end = Position(where.end.line, where.end.column + 1)
        rule = BY_CODE[violation.code]
        fix = None
        if violation.fix is not None and rule.fix_applicability is not None:
            edits = []
            for node_edit in violation.fix.edits:
                span = positions.get(node_edit.node)
                if span is None:
                    break
                edits.append(
                    Edit(
                        Position(span.start.line, span.start.column + 1),
                        Position(span.end.line, span.end.column + 1),
                        node_edit.content,
                        lines.offset(span.start.line, span.start.column),
                        lines.offset(span.end.line, span.end.column),
                    )
                )
            else:
                applicability = min(
                    rule.fix_applicability, violation.fix.applicability or rule.fix_applicability
                )
                applicability = settings.applicability(violation.code, applicability)
                fix = Fix(violation.fix.title, tuple(edits), applicability)
        placed.append(
            Diagnostic(
                violation.code,
                rule.name,
                severity(violation.code, settings),
                violation.message,
                start,
                end,
                fix,
                noqa_row=start.row,
            )
        )
    return placed


def _one_per_call(violations: list[Violation]) -> list[Violation]:
    """One finding per source location and code (DESIGN.md): an init call in a loop over
    ``modules()`` or an ``apply`` hook fills several layers, and is reported once, naming
    them. Its fix stands only if every layer's finding asks for the same rewrite."""
    groups: dict[tuple[str, int], list[Violation]] = {}
    for violation in violations:
        groups.setdefault((violation.code, id(violation.node)), []).append(violation)
    merged = []
    for group in groups.values():
        first = group[0]
        others = list(dict.fromkeys(v.subject for v in group[1:] if v.subject != first.subject))
        if not others:
            merged.append(first)
            continue
        shown = ", ".join(f"`{name}`" for name in others[:3])
        more = f" and {len(others) - 3} more" if len(others) > 3 else ""
        message = f"{first.message} (same for {shown}{more}, filled by the same call)"
        plans = {_plan_key(v.fix) for v in group}
        fix = first.fix if len(plans) == 1 else None
        merged.append(Violation(first.code, message, first.node, fix, first.subject))
    return merged


def _plan_key(plan: FixPlan | None) -> object:
    if plan is None:
        return None
    return tuple((id(edit.node), edit.content) for edit in plan.edits)


def fix(text: str, settings: Settings) -> tuple[str, int, list[Diagnostic]]:
    """Apply fixes until none applies; returns the text, the count fixed, what remains."""
    text, table, diagnostics = fix_table(text, settings)
    return text, sum(table.values()), diagnostics


def fix_table(text: str, settings: Settings) -> tuple[str, dict[str, int], list[Diagnostic]]:
    """Apply fixes until none applies; returns the text, how many fixes of each rule code
    went in (what ``--show-fixes`` lists), and what remains.

    Every pass re-parses its result before accepting it (and that parse feeds the next
    pass); a pass whose output does not parse raises FixError and nothing of it is kept.
    """
    table: dict[str, int] = {}
    limit = settings.fix_threshold
    diagnostics = check(text, settings)
    for _ in range(MAX_FIX_PASSES):
        applicable = [
            (d.code, d.fix)
            for d in diagnostics
            if d.fix is not None and d.fix.applicability >= limit
        ]
        if not applicable:
            return text, table, diagnostics
        new_text, applied = fixes.apply_fixes_indexed(text, [f for _, f in applicable])
        if new_text == text:
            return text, table, diagnostics
        try:
            module = parsing.parse_module(new_text)
        except (cst.ParserSyntaxError, RecursionError) as error:
            raise FixError(
                f"a fix produced code that does not parse ({error}); nothing written"
            ) from None
        text = new_text
        for index in applied:
            code = applicable[index][0]
            table[code] = table.get(code, 0) + 1
        diagnostics = _analyse(text, module, settings)
    raise FixError(f"fixes did not converge after {MAX_FIX_PASSES} passes; nothing written")
