"""Rule pages (``rules/KIN101.md`` and the index), generated from the rule classes."""

from __future__ import annotations

from pathlib import Path

from initlint.diagnostics import Applicability
from initlint.rules import ALL_RULES, Rule

GENERATED = "<!-- Generated from the rule class by scripts/generate_docs.py; do not edit. -->"


def fix_line(rule: type[Rule]) -> str:
    if rule.fix_applicability is None:
        return "Fix: not available."
    kind = "safe" if rule.fix_applicability is Applicability.SAFE else "unsafe"
    flag = "`--fix`" if kind == "safe" else "`--fix --unsafe-fixes`"
    if rule.sometimes_unsafe and kind == "safe":
        return f"Fix: available, safe (applied by {flag}); some unsafe (`--fix --unsafe-fixes`)."
    return f"Fix: available, {kind} (applied by {flag})."


def page(rule: type[Rule]) -> str:
    """One rule's page: header, the docstring verbatim, and its first invalid example fixed."""
    parts = [
        GENERATED,
        f"# {rule.name} ({rule.code})",
        "",
        f"{rule.summary}.",
        "",
        f"Severity: {rule.severity.value}. {fix_line(rule)}"
        + (" Opt-in: not in the default selection." if rule.opt_in else ""),
        "",
        rule.doc(),
    ]
    fixed = [example for example in rule.invalid if example.fixed is not None]
    if fixed:
        example = fixed[0]
        parts += [
            "",
            "## Fix example",
            "",
            "Before:",
            "```python",
            example.code.rstrip("\n"),
            "```",
            "",
            "After `initlint --fix"
            + (" --unsafe-fixes" if rule.fix_applicability is Applicability.UNSAFE else "")
            + "`:",
            "```python",
            example.fixed.rstrip("\n") if example.fixed else "",
            "```",
        ]
    return "\n".join(parts) + "\n"


def index() -> str:
    rows = [
        GENERATED,
        "# initlint rules",
        "",
        "| Code | Name | Summary | Fix |",
        "| --- | --- | --- | --- |",
    ]
    for rule in ALL_RULES:
        fix = (
            "—"
            if rule.fix_applicability is None
            else "safe, some unsafe"
            if rule.fix_applicability is Applicability.SAFE and rule.sometimes_unsafe
            else "safe"
            if rule.fix_applicability is Applicability.SAFE
            else "unsafe"
        )
        rows.append(f"| [{rule.code}]({rule.code}.md) | {rule.name} | {rule.summary} | {fix} |")
    return "\n".join(rows) + "\n"


def expected_files() -> dict[str, str]:
    files = {"README.md": index()}
    for rule in ALL_RULES:
        files[f"{rule.code}.md"] = page(rule)
    return files


def write(folder: Path) -> list[str]:
    """Write the pages; returns the names that changed."""
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in expected_files().items():
        target = folder / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(name)
    return changed


def stale(folder: Path) -> list[str]:
    """Pages that are missing, out of date, or left over from a removed rule."""
    expected = expected_files()
    out = [
        name
        for name, text in expected.items()
        if not (folder / name).exists() or (folder / name).read_text(encoding="utf-8") != text
    ]
    if folder.exists():
        out += sorted(p.name for p in folder.glob("*.md") if p.name not in expected)
    return out
