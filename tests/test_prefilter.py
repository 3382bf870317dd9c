"""The text prefilter: it may pass a file with no finding, never drop one that has one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from initlint import engine, prefilter
from initlint.rules import ALL_RULES, Rule
from initlint.settings import Settings, select_rules

FIXTURES = Path(__file__).parent / "fixtures"
SPLIT_PARAMETER = """\
import torch
self.w = nn.Parameter(
    torch.randn(
        out_features,
        in_features,
    )
)
"""
EVERY = select_rules(["ALL"])
DEFAULT = select_rules()


def _examples(rule: type[Rule]) -> list[str]:
    return [example.code for example in rule.invalid] + [rule.doc_examples()[0]]


@pytest.mark.parametrize(
    "rule", [r for r in ALL_RULES if r.tokens], ids=[r.code for r in ALL_RULES if r.tokens]
)
def test_every_invalid_example_passes_its_own_rules_tokens(rule: type[Rule]) -> None:
    for code in _examples(rule):
        assert prefilter.needs_parse(code, frozenset({rule.code})), code


@pytest.mark.parametrize(
    "text",
    [
        # transformers names `config.initializer_range` in every model: not an initializer
        "import torch\nstd = self.config.initializer_range\n",
        "import torch\nx = torch.zeros_like(y)\ny = x.masked_fill_(mask, 0)\n",
        "import torch\nx = torch.randn(4, 4)\n",
        # a single size: a bias or a norm weight (1-D), never a kernel
        "import torch\nself.norm = nn.Parameter(torch.ones(config.hidden_size))\n",
        "import torch\nself.b = nn.Parameter(torch.zeros(int(cfg.get('n', 4))))\n",
        # a copy of anything but a tensor factory leaves the init unknown
        "import torch\nw.data.copy_(other.weight)\n",
        "import torch\n# initialization is done in the base class\n",
        "from keras import layers\nlayers.Dense(64, activation='relu')\n",
    ],
)
def test_files_without_a_token_are_not_parsed(text: str) -> None:
    assert not prefilter.needs_parse(text, DEFAULT)


@pytest.mark.parametrize(
    "text",
    [
        "import torch\nfrom transformers import initialization as init\ninit.normal_(w, std=s)\n",
        "import torch\nw.data.zero_()\n",
        "import torch\nlayer.weight.data.fill_(1.0)\n",
        "import torch\nself.w = nn.Parameter(0.02 * torch.randn(out, inp))\n",
        "import torch\nself.w = nn.Parameter(\n    torch.zeros(out, inp)\n)\n",
        "import torch\nfc.weight.data = torch.zeros(o, i)\n",
        "import torch\nfc.weight.data.copy_(torch.zeros(o, i))\n",
        "import torch\nw.copy_(th.randn(o, i))\n",
        "import torch\nself.cls = nn.Parameter(torch.zeros(1, 1, dim))\n",
        "import torch\nself.w = nn.Parameter(torch.zeros(int(f(a)), b))\n",
        "import torch\nself.w = nn.Parameter(torch.zeros((o, i)))\n",
        "import torch\nself.w = nn.Parameter(torch.zeros(*shape))\n",
        "import torch\nself.w = nn.Parameter(torch.eye(n))\n",
        SPLIT_PARAMETER,
        "import torch\nfrom torch.nn.init import xavier_uniform_ as xu\nxu(w)\n",
        "import torch\nnn.init.normal(w)\n",
        "import tensorflow as tf\nk = tf.zeros_initializer()\n",
        "import keras\nlayers.Dense(8, kernel_initializer=init)\n",
        "import keras\nw = self.add_weight(shape=(3, 4), initializer='zeros')\n",
        "import keras\nconfig = {'class_name': 'HeNormal'}\n",
        "import torch\nact = nn.SELU()\n",
        "import keras\nlayers.Dense(8, activation='selu')\n",
    ],
)
def test_initializer_spellings_are_parsed(text: str) -> None:
    assert prefilter.needs_parse(text, DEFAULT)


def test_no_framework_no_parse() -> None:
    assert not prefilter.needs_parse("nn.init.zeros_(w)\n", EVERY)


def test_directives_any_case_need_a_parse_only_for_kin900() -> None:
    text = "import torch\nx = 1  # NOQA: KIN101\n"
    assert prefilter.needs_parse(text, frozenset({"KIN900"}))
    assert not prefilter.needs_parse(text, DEFAULT)


def test_framework_defaults_are_read_when_kin105_is_selected() -> None:
    text = "import torch\nfc = nn.Linear(8, 8)\n"
    assert not prefilter.needs_parse(text, DEFAULT)
    assert prefilter.needs_parse(text, DEFAULT | {"KIN105"})


def test_kin000_alone_checks_the_syntax_of_every_framework_file() -> None:
    settings = dataclasses.replace(Settings(), select=frozenset({"KIN000"}))
    assert [d.code for d in engine.check("import torch\ndef f(:\n", settings)] == ["KIN000"]


def _fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.py"))


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: p.name)
def test_fixture_findings_are_the_same_without_the_prefilter(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = dataclasses.replace(Settings(), select=EVERY, unsafe_fixes=True)
    text = path.read_text(encoding="utf-8")
    with_prefilter = engine.check(text, settings)
    monkeypatch.setattr(prefilter, "needs_parse", lambda text, codes: True)
    assert engine.check(text, settings) == with_prefilter
