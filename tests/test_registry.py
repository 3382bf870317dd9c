"""The registry: codes unique and sorted, names kebab-case, every rule module registered."""

from __future__ import annotations

import importlib
import pkgutil
import re

import initlint.rules
from initlint.rules import ALL_RULES, Rule

SECTIONS = ("What it does", "Why is this bad?", "Example", "Fix safety", "References")


def test_codes_unique_and_sorted() -> None:
    codes = [rule.code for rule in ALL_RULES]
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"KIN\d{3}", code) for code in codes)


def test_names_kebab_and_match_module_and_class() -> None:
    for rule in ALL_RULES:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
        assert rule.__module__ == f"initlint.rules.{rule.name.replace('-', '_')}"
        assert rule.__name__ == "".join(part.title() for part in rule.name.split("-"))


def test_every_rule_module_is_registered() -> None:
    registered = {rule.__module__ for rule in ALL_RULES}
    for module in pkgutil.iter_modules(initlint.rules.__path__):
        if module.name.startswith("_"):
            continue
        name = f"initlint.rules.{module.name}"
        loaded = importlib.import_module(name)
        classes = [
            value
            for value in vars(loaded).values()
            if isinstance(value, type)
            and issubclass(value, Rule)
            and value is not Rule
            and value.__module__ == name
        ]
        assert len(classes) == 1, f"{name} must hold exactly one rule"
        assert name in registered, f"{name} is not in ALL_RULES"


def test_docstrings_have_ruff_sections() -> None:
    for rule in ALL_RULES:
        for section in SECTIONS:
            assert rule.doc_section(section), f"{rule.code} lacks `## {section}`"
        assert "Use instead:" in (rule.doc_section("Example") or "")
