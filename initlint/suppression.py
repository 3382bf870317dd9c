"""Suppression comments, read from real comments only and applied centrally to every rule.

Three scopes, as ruff and Fixit users know them:

- ``# noqa`` / ``# noqa: KIN101, relu-without-he`` on a finding's line (its ``noqa_row``);
- ``# initlint: ignore[KIN101]`` (or bare ``# initlint: ignore``) on its own line directly
  above a statement: it covers that statement's rows. For a simple statement that is all of
  it (a ``keras.Sequential([...])`` over ten lines); for ``def``/``class``/``with``/``for``
  it is the header only (decorators through the colon). Fixit scopes ``# lint-ignore`` the
  same way, to the innermost statement holding the finding: a comment above ``class Net`` that
  silenced every layer of its ``__init__`` would also hide each layer added later, unseen.
  A blank line between the comment and the statement detaches it;
- ``# initlint: noqa`` (everything) or ``# initlint: noqa: KIN101`` anywhere in the file.

Which suppressions suppressed something is recorded, so ``unused`` can report the rest
(KIN900 unused-noqa) with fixes that remove only what is unused.
"""

from __future__ import annotations

import enum
import io
import re
import tokenize
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import libcst as cst
from libcst.metadata import CodeRange

from initlint.diagnostics import Applicability, Diagnostic, Edit, Fix, Position
from initlint.rules import BY_CODE, BY_NAME
from initlint.settings import Settings

UNUSED_NOQA = "KIN900"

_LINE = re.compile(r"#\s*noqa(?![\w-])", re.IGNORECASE)
_FILE = re.compile(r"#\s*initlint\s*:\s*noqa(?![\w-])", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*initlint\s*:\s*ignore(?![\w-])", re.IGNORECASE)
_COLON = re.compile(r"\s*:\s*")
_TOKEN = re.compile(r"[\w-]+")
_SEPARATOR = re.compile(r"\s*,\s*|\s+")
_CODE_LIKE = re.compile(r"[A-Za-z]+[0-9]+")
_ANY_DIRECTIVE = re.compile(r"#\s*(?:noqa|initlint\s*:)", re.IGNORECASE)
_MAY_SPAN_ROWS = re.compile(r"\"\"\"|'''|\\\r?\n|\\\r")  # triple quotes or a backslash-newline


class Scope(enum.Enum):
    LINE = "noqa"
    STATEMENT = "initlint: ignore"
    FILE = "initlint: noqa"


@dataclass(frozen=True, slots=True)
class Code:
    """One code or rule name as written in a directive; columns are 0-based in its line."""

    text: str
    start: int
    end: int

    @property
    def key(self) -> str:
        """What a finding's code or name is compared with: KIN codes in capitals."""
        if _CODE_LIKE.fullmatch(self.text):
            return self.text.upper() if self.text[:3].upper() == "KIN" else self.text
        return self.text.lower()

    @property
    def rule(self) -> str | None:
        """The initlint rule code it names, or None (another tool's code, or unknown)."""
        key = self.key
        if key in BY_CODE:
            return key
        named = BY_NAME.get(key)
        return named.code if named is not None else None


@dataclass(frozen=True, slots=True)
class Directive:
    """One suppression comment. ``codes`` empty and ``valid``: it covers every code.

    Columns are 0-based in the row: ``start``/``end`` span the directive (from its ``#`` to
    its last code, or its keyword when bare); ``reach`` ends where its own text ends (the
    next ``#`` in the comment, or the comment's end) so removing it takes its reason along.
    """

    scope: Scope
    row: int
    start: int
    end: int
    reach: int
    codes: tuple[Code, ...]
    comment_start: int
    comment_end: int
    valid: bool = True
    first: int = 0  # rows covered; 0/0 for an ignore directive above no statement
    last: int = 0

    def covers(self, diagnostic: Diagnostic) -> tuple[bool, tuple[int, ...]]:
        """Whether it suppresses ``diagnostic``, and which of its codes matched."""
        if not self.valid:
            return False, ()
        if self.scope is Scope.LINE:
            inside = diagnostic.noqa_row == self.row
        elif self.scope is Scope.STATEMENT:
            inside = self.first <= diagnostic.start.row <= self.last
        else:
            inside = True
        if not inside:
            return False, ()
        if not self.codes:
            return True, ()
        matched = tuple(
            index
            for index, code in enumerate(self.codes)
            if code.key in (diagnostic.code, diagnostic.name)
        )
        return bool(matched), matched


class TextLines(Protocol):
    """What ``unused`` needs of the engine's line table."""

    text: str

    def offset(self, line: int, column: int) -> int: ...


def may_have_directives(text: str) -> bool:
    """A cheap test before reading comments: no ``# noqa`` or ``# initlint:`` text, none."""
    return _ANY_DIRECTIVE.search(text) is not None


# ------------------------------------------------------------------------------ parsing


def parse_comment(value: str, column: int = 0) -> list[Directive]:
    """The directives in one comment (at most one of each scope), at ``column`` of its row.

    ``row`` is left 0 for the caller to set. Line noqa follows ruff: the first well-formed
    ``# noqa`` counts, ``# noqa`` without a colon is blanket, and after the colon codes are
    read until a word that is neither code-shaped (``E501``) nor an initlint rule name.
    """
    found = []
    line = _line_noqa(value)
    if line is not None:
        found.append(line)
    for pattern, scope in ((_FILE, Scope.FILE), (_IGNORE, Scope.STATEMENT)):
        match = pattern.search(value)
        if match is not None:
            found.append(_initlint_directive(value, match, scope))
    end = len(value)
    return [
        replace(
            directive,
            start=directive.start + column,
            end=directive.end + column,
            reach=directive.reach + column,
            codes=tuple(Code(c.text, c.start + column, c.end + column) for c in directive.codes),
            comment_start=column,
            comment_end=column + end,
        )
        for directive in found
    ]


def _line_noqa(value: str) -> Directive | None:
    for match in _LINE.finditer(value):  # `# initlint: noqa` is not one: `#` is not before it
        colon = _COLON.match(value, match.end())
        if colon is None:
            return _directive(Scope.LINE, value, match.start(), match.end(), ())
        codes = _code_list(value, colon.end(), known_only=True)
        if codes:
            return _directive(Scope.LINE, value, match.start(), codes[-1].end, codes)
        # a colon and prose ("see ticket"): malformed for every tool; a later one may count
    return None


def _initlint_directive(value: str, match: re.Match[str], scope: Scope) -> Directive:
    """``# initlint: noqa[: codes]`` or ``# initlint: ignore[[codes]]``; malformed ones
    (``# initlint: ignore KIN101``) suppress nothing rather than everything."""
    after = match.end()
    if scope is Scope.STATEMENT and value.startswith("[", after):
        close = value.find("]", after)
        if close < 0:
            return _directive(scope, value, match.start(), len(value), (), valid=False)
        codes = _code_list(value, after + 1, known_only=False, stop=close)
        return _directive(scope, value, match.start(), close + 1, codes, valid=bool(codes))
    if scope is Scope.FILE:
        colon = _COLON.match(value, after)
        if colon is not None:
            codes = _code_list(value, colon.end(), known_only=False)
            end = codes[-1].end if codes else colon.end()
            return _directive(scope, value, match.start(), end, codes, valid=bool(codes))
    rest = value[after:].lstrip(" \t:=")
    word = _TOKEN.match(rest)
    if word is not None and (_CODE_LIKE.fullmatch(word.group()) or word.group() in BY_NAME):
        return _directive(scope, value, match.start(), after, (), valid=False)
    return _directive(scope, value, match.start(), after, ())


def _code_list(value: str, position: int, known_only: bool, stop: int = -1) -> tuple[Code, ...]:
    """Codes from ``position``, separated by commas or spaces; with ``known_only``, only
    code-shaped words and initlint rule names (the rest is the comment's prose)."""
    stop = len(value) if stop < 0 else stop
    codes: list[Code] = []
    while position < stop:
        word = _TOKEN.match(value, position, stop)
        if word is None:
            break
        text = word.group()
        if known_only and not (_CODE_LIKE.fullmatch(text) or text.lower() in BY_NAME):
            break
        codes.append(Code(text, word.start(), word.end()))
        separator = _SEPARATOR.match(value, word.end(), stop)
        if separator is None:
            break
        position = separator.end()
    return tuple(codes)


def _directive(
    scope: Scope,
    value: str,
    start: int,
    end: int,
    codes: tuple[Code, ...],
    valid: bool = True,
) -> Directive:
    following = value.find("#", end)
    reach = len(value) if following < 0 else following
    return Directive(scope, 0, start, end, reach, codes, 0, len(value), valid)


# ------------------------------------------------------------------------------ reading


def read_directives(
    module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange]
) -> list[Directive]:
    """Every directive in the module's real comments (a ``"# noqa"`` string is no comment),
    ignore directives given the rows of the statement they sit above."""
    covered: dict[int, tuple[int, int]] | None = None  # read on the first ignore directive
    found = []
    for node, where in positions.items():
        if not isinstance(node, cst.Comment) or not _ANY_DIRECTIVE.search(node.value):
            continue
        row, column = where.start.line, where.start.column
        for directive in parse_comment(node.value, column):
            directive = replace(directive, row=row)
            if directive.scope is Scope.STATEMENT:
                if covered is None:
                    covered = _statement_rows(module, positions)
                first, last = covered.get(id(node), (0, 0))
                directive = replace(directive, first=first, last=last)
            found.append(directive)
    return sorted(found, key=lambda d: (d.row, d.start))


def _statement_rows(
    module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange]
) -> dict[int, tuple[int, int]]:
    """Own-line comments directly above a statement (no blank line between) → the rows
    that statement's suppression covers; keyed by the comment node's id."""
    covered: dict[int, tuple[int, int]] = {}
    for node, where in positions.items():
        if not isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            continue
        lines = list(node.leading_lines)
        if module.body and node is module.body[0]:
            lines = list(module.header) + lines  # libcst keeps a file's top comments apart
        first, last = where.start.line, where.end.line
        if isinstance(node, cst.BaseCompoundStatement):
            decorators = getattr(node, "decorators", ())
            if decorators and decorators[0] in positions:
                first = positions[decorators[0]].start.line
            body = getattr(node, "body", None)
            # the header's end of line: a block's header, or `match x:`'s own
            colon_line = body.header if isinstance(body, cst.IndentedBlock) else None
            if isinstance(node, cst.Match):
                colon_line = node.whitespace_after_colon
            if colon_line is not None and colon_line in positions:
                last = positions[colon_line].start.line
        for line in reversed(lines):
            if line.comment is None:
                break  # a blank line detaches what is above it
            covered[id(line.comment)] = (first, last)
    return covered


def noqa_row_map(text: str) -> dict[int, int]:
    """Rows that cannot end in a comment → the row where their ``# noqa`` goes (ruff's rule).

    A row inside a multi-line string, or ending in a backslash continuation, maps to the
    first row after it that can hold a comment: the string's or the continuation's last.
    """
    if not _MAY_SPAN_ROWS.search(text):
        return {}
    blocked: set[int] = set()
    breaks = (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)
    try:
        previous: tokenize.TokenInfo | None = None
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            start, end = token.start[0], token.end[0]
            if end > start and token.type not in breaks:
                blocked.update(range(start, end))  # a string over several rows
            if previous is not None and previous.type not in breaks and start > previous.end[0]:
                blocked.update(range(previous.end[0], start))  # a backslash continuation
            previous = token
    except (tokenize.TokenError, SyntaxError):
        return {}
    moved: dict[int, int] = {}
    for row in sorted(blocked, reverse=True):
        moved[row] = moved.get(row + 1, row + 1)
    return moved


def with_noqa_rows(diagnostics: list[Diagnostic], text: str) -> list[Diagnostic]:
    """Move each finding's ``noqa_row`` off rows where a comment cannot go."""
    moved = noqa_row_map(text)
    if not moved:
        return diagnostics
    return [
        replace(d, noqa_row=moved[d.noqa_row]) if d.noqa_row in moved else d for d in diagnostics
    ]


# ------------------------------------------------------------------------------ applying


Used = set[tuple[int, int]]  # (directive index, code index; -1 for a blanket directive)


def apply(
    diagnostics: Iterable[Diagnostic], directives: Sequence[Directive], used: Used | None = None
) -> tuple[list[Diagnostic], Used]:
    """The findings no directive suppresses, and which directive codes suppressed some.

    Every directive that covers a finding counts as used, not just the first: telling the
    user to delete one of two overlapping suppressions would leave them relying on the
    other without knowing it.
    """
    used = set() if used is None else used
    kept = []
    for diagnostic in diagnostics:
        suppressed = False
        for index, directive in enumerate(directives):
            hit, codes = directive.covers(diagnostic)
            if hit:
                suppressed = True
                used.update((index, code) for code in codes or (-1,))
        if not suppressed:
            kept.append(diagnostic)
    return kept, used


def is_suppressed(diagnostic: Diagnostic, directives: Sequence[Directive]) -> bool:
    return any(directive.covers(diagnostic)[0] for directive in directives)


# ------------------------------------------------------------------------------ KIN900


def unused(
    directives: Sequence[Directive], used: Used, settings: Settings, lines: TextLines
) -> list[Diagnostic]:
    """KIN900 findings: directive codes that suppressed nothing.

    Only what is surely initlint's and surely idle is judged: codes of selected rules (an
    unselected rule may be run elsewhere, with another selection), ``KIN`` codes that name
    no rule, and initlint's own directives. Other tools' codes (``E501``) and a bare
    ``# noqa`` (every tool reads it) are never reported, nor is a blanket
    ``# initlint: noqa`` (it switches KIN900 off too).
    """
    rule = BY_CODE[UNUSED_NOQA]
    found = []
    for index, directive in enumerate(directives):
        message, keep, applicability = _judge(directive, index, used, settings.select)
        if message is None:
            continue
        start = Position(directive.row, directive.start + 1)
        end = Position(directive.row, directive.end + 1)
        fix = None
        if keep is not None and rule.fix_applicability is not None:
            title = "Remove unused suppression" if not keep else "Remove unused codes"
            edit = _removal(directive, keep, lines)
            applicability = min(applicability, rule.fix_applicability)
            fix = Fix(title, (edit,), settings.applicability(UNUSED_NOQA, applicability))
        found.append(
            Diagnostic(
                UNUSED_NOQA, rule.name, rule.severity, message, start, end, fix, directive.row
            )
        )
    return found


def _judge(
    directive: Directive, index: int, used: Used, select: frozenset[str]
) -> tuple[str | None, tuple[Code, ...] | None, Applicability]:
    """(message or None when nothing is wrong, the codes a fix keeps or None for no fix,
    how safe that fix is)."""
    label = f"`# {directive.scope.value}`"
    if directive.scope is not Scope.LINE and not directive.valid:
        expected = "[CODES]" if directive.scope is Scope.STATEMENT else ": CODES"
        hint = f"`# {directive.scope.value}{expected}`"
        message = f"Malformed {label} directive (expected {hint}); it suppresses nothing"
        return message, None, Applicability.SAFE
    if directive.scope is Scope.STATEMENT and directive.first == 0:
        return (
            f"{label} directive is not directly above a statement; it suppresses nothing",
            (),
            Applicability.UNSAFE,  # it may be meant to move, not to go
        )
    if not directive.codes:
        if directive.scope is not Scope.STATEMENT or (index, -1) in used:
            return None, None, Applicability.SAFE
        return f"Unused blanket {label} directive", (), Applicability.SAFE
    idle, unknown = [], []
    for position, code in enumerate(directive.codes):
        rule = code.rule
        ours = directive.scope is not Scope.LINE or code.key.startswith("KIN")
        if rule is None and ours:
            unknown.append(code)
        elif rule in select and rule != UNUSED_NOQA and (index, position) not in used:
            idle.append(code)
    if not idle and not unknown:
        return None, None, Applicability.SAFE
    parts = []
    if idle:
        parts.append("unused: " + ", ".join(f"`{c.text}`" for c in idle))
    if unknown:
        parts.append("unknown: " + ", ".join(f"`{c.text}`" for c in unknown))
    drop = {id(c) for c in (*idle, *unknown)}
    keep = tuple(c for c in directive.codes if id(c) not in drop)
    return f"Unused {label} directive ({'; '.join(parts)})", keep, Applicability.SAFE


def _removal(directive: Directive, keep: tuple[Code, ...], lines: TextLines) -> Edit:
    """The edit that leaves ``keep`` of the directive's codes, or removes the directive
    (with its reason text) when none is kept; other comment text stays."""
    row = directive.row
    if keep:
        first, last = directive.codes[0], directive.codes[-1]
        separator = ", "
        if len(directive.codes) > 1:
            separator = _line_text(lines, row)[directive.codes[0].end : directive.codes[1].start]
        return _edit(lines, row, first.start, last.end, separator.join(c.text for c in keep))
    text = _line_text(lines, row)
    start, end = directive.start, directive.reach
    before = text[directive.comment_start : start].rstrip()
    after = text[end : directive.comment_end].rstrip()
    if not before and not after:  # the comment is the directive alone
        if not text[: directive.comment_start].strip():  # on its own line: the line goes
            following = lines.offset(row + 1, 0) if row < _row_count(lines) else len(lines.text)
            begin = lines.offset(row, 0)
            return Edit(Position(row, 1), _position_of(lines, following), "", begin, following)
        start = len(text[: directive.comment_start].rstrip())
        end = directive.comment_end
    elif not before:  # the directive, then `# note`: `# note` stays
        end = end + (len(text[end:]) - len(text[end:].lstrip()))
    else:  # `# note`, then the directive: `# note` stays
        start = directive.comment_start + len(before)
        end = directive.comment_start + len(text[directive.comment_start : end].rstrip())
    return _edit(lines, row, start, end, "")


def _edit(lines: TextLines, row: int, start: int, end: int, content: str) -> Edit:
    return Edit(
        Position(row, start + 1),
        Position(row, end + 1),
        content,
        lines.offset(row, start),
        lines.offset(row, end),
    )


_NEWLINE = re.compile(r"\r\n|\r|\n")


def _line_text(lines: TextLines, row: int) -> str:
    begin = lines.offset(row, 0)
    newline = _NEWLINE.search(lines.text, begin)
    return lines.text[begin : newline.start() if newline else len(lines.text)]


def _row_count(lines: TextLines) -> int:
    return len(_NEWLINE.findall(lines.text)) + 1


def _position_of(lines: TextLines, offset: int) -> Position:
    row = len(_NEWLINE.findall(lines.text, 0, offset)) + 1
    begin = lines.offset(row, 0)
    return Position(row, offset - begin + 1)
