"""Shared helpers: run the engine on a snippet with a given selection."""

from __future__ import annotations

import dataclasses

import pytest

from initlint import engine
from initlint.diagnostics import Diagnostic
from initlint.settings import Settings, select_rules


def settings_for(*codes: str, unsafe: bool = True) -> Settings:
    selection = select_rules(list(codes)) if codes else select_rules()
    return dataclasses.replace(Settings(), select=selection, unsafe_fixes=unsafe)


def check(code: str, *codes: str) -> list[Diagnostic]:
    return engine.check(code, settings_for(*codes))


def fixed(code: str, *codes: str, unsafe: bool = True) -> str:
    return engine.fix(code, settings_for(*codes, unsafe=unsafe))[0]


@pytest.fixture
def write(tmp_path):  # type: ignore[no-untyped-def]
    """Write files under tmp_path: ``write("a.py", "text")`` returns the path."""

    def _write(name: str, text: str | bytes):  # type: ignore[no-untyped-def]
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", newline="")
        return path

    return _write


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path_factory, monkeypatch):  # type: ignore[no-untyped-def]
    """Every test's runs keep their cache in a folder of their own, never in the checkout."""
    monkeypatch.setenv("INITLINT_CACHE_DIR", str(tmp_path_factory.mktemp("initlint-cache")))
