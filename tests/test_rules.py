"""Tests generated from every rule's examples and docstring, so docs and behaviour agree."""

from __future__ import annotations

import pytest

from initlint.rules import ALL_RULES, Example, Rule
from tests.conftest import check, fixed

CASES = [
    pytest.param(rule, kind, example, id=f"{rule.code}-{kind}-{index}")
    for rule in ALL_RULES
    for kind, examples in (("valid", rule.valid), ("invalid", rule.invalid))
    for index, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "kind", "example"), CASES)
def test_example(rule: type[Rule], kind: str, example: Example) -> None:
    codes = (rule.code, *rule.example_select)
    found = [d for d in check(example.code, *codes) if d.code == rule.code]
    if kind == "valid":
        assert found == [], f"{rule.code} fired on a valid example: {found}"
        return
    assert found, f"{rule.code} did not fire on an invalid example"
    if example.fixed is None:
        assert fixed(example.code, *codes) == example.code, "no fix was promised"
        return
    after = fixed(example.code, *codes)
    assert after == example.fixed
    assert [d for d in check(after, *codes) if d.code == rule.code] == [], "fixed form fires"
    assert fixed(after, *codes) == after, "fixing is not idempotent"


@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.code for r in ALL_RULES])
def test_docstring_example_fires_and_use_instead_is_clean(rule: type[Rule]) -> None:
    bad, good = rule.doc_examples()
    codes = (rule.code, *rule.example_select)
    assert any(d.code == rule.code for d in check(bad, *codes)), "Example does not fire"
    assert not [d for d in check(good, *codes) if d.code == rule.code], "Use instead fires"


@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.code for r in ALL_RULES])
def test_every_rule_has_examples_both_ways(rule: type[Rule]) -> None:
    assert rule.valid
    assert rule.invalid
    if rule.fix_applicability is not None:
        assert any(example.fixed is not None for example in rule.invalid)
    else:
        assert all(example.fixed is None for example in rule.invalid)
