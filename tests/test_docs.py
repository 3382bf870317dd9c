"""The generated rule pages are current, and --explain prints the same text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from initlint import docs
from initlint.cli import main
from initlint.rules import ALL_RULES

ROOT = Path(__file__).resolve().parent.parent


def test_rule_pages_are_current() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/generate_docs.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_stale_page_is_detected(tmp_path: Path) -> None:
    docs.write(tmp_path)
    assert docs.stale(tmp_path) == []
    page = tmp_path / "KIN101.md"
    page.write_text(page.read_text() + "edited\n")
    (tmp_path / "KIN999.md").write_text("left over\n")
    assert docs.stale(tmp_path) == ["KIN101.md", "KIN999.md"]


def test_explain_matches_page_and_accepts_names() -> None:
    runner = CliRunner()
    for rule in ALL_RULES:
        by_code = runner.invoke(main, ["--explain", rule.code])
        by_name = runner.invoke(main, ["--explain", rule.name])
        assert by_code.exit_code == 0
        assert by_code.output == by_name.output
        assert by_code.output == docs.page(rule).split("\n", 1)[1]
        assert f"# {rule.name} ({rule.code})" in by_code.output


def test_list_rules_lists_every_rule() -> None:
    output = CliRunner().invoke(main, ["--list-rules"]).output.splitlines()
    assert [line.split()[:2] for line in output] == [[r.code, r.name] for r in ALL_RULES]
