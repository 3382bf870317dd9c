"""Realistic files: annotated lines must fire exactly as annotated; quiet files must be silent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from initlint.rules import BY_NAME
from tests.conftest import check, fixed

FIXTURES = Path(__file__).parent / "fixtures"
ANNOTATION = re.compile(r"#\s*error:\s*\[([a-z, -]+)\]")


def _expected(text: str) -> set[tuple[int, str]]:
    found = set()
    for row, line in enumerate(text.splitlines(), start=1):
        match = ANNOTATION.search(line)
        if match:
            for name in match.group(1).split(","):
                found.add((row, BY_NAME[name.strip()].code))
    return found


def _files(folder: str) -> list[Path]:
    return sorted((FIXTURES / folder).glob("*.py"))


@pytest.mark.parametrize("path", _files("annotated"), ids=lambda p: p.stem)
def test_annotated_lines_fire_and_nothing_else(path: Path) -> None:
    text = path.read_text()
    expected = _expected(text)
    assert expected, "an annotated fixture needs at least one annotation"
    assert {(d.start.row, d.code) for d in check(text)} == expected


@pytest.mark.parametrize("path", _files("annotated"), ids=lambda p: p.stem)
def test_annotated_fixes_parse_and_settle(path: Path) -> None:
    text = path.read_text()
    after = fixed(text)
    compile(after, str(path), "exec")
    assert fixed(after) == after
    unfixable = {(d.start.row, d.code) for d in check(text) if d.fix is None}
    remaining = {(d.start.row, d.code) for d in check(after)}
    assert remaining <= unfixable, remaining  # everything with a fix was fixed
    assert [line for line in text.splitlines() if "#" in line and "error:" not in line] == [
        line for line in after.splitlines() if "#" in line and "error:" not in line
    ], "a comment changed"


@pytest.mark.parametrize("path", _files("quiet"), ids=lambda p: p.stem)
def test_legitimate_idioms_stay_quiet(path: Path) -> None:
    assert check(path.read_text()) == []
