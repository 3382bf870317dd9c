"""Fuzzing: initlint never raises, its fixes always parse, are idempotent and keep comments.

Two sources of programs.  hypothesmith generates random valid Python from the grammar; it
finds crashes in code paths no model snippet reaches, but rarely builds anything initlint
reads as a model.  The mutated snippets below are real-looking Keras and PyTorch models, each
with findings that have fixes, perturbed the way real code differs (comments everywhere,
tabs, CRLF, aliases, split calls, deleted lines...), so the fix machinery itself is fuzzed.

``INITLINT_FUZZ_EXAMPLES`` sets the example count per property (default: a CI budget);
a long run by hand: ``INITLINT_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import tokenize
from collections import Counter
from collections.abc import Callable
from textwrap import dedent

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from initlint import engine, prefilter
from initlint.prefilter import needs_parse
from initlint.settings import PARSE_ERROR, Settings, select_rules

ALL = dataclasses.replace(Settings(), select=select_rules(["ALL"]), unsafe_fixes=True)
EXAMPLES = int(os.environ.get("INITLINT_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,  # pytest runs with -p no:cacheprovider; keep the tree clean as well
)
PREFIX = "import torch\nfrom torch import nn\nimport keras\n"

# ----------------------------------------------------------------------------- snippets

TORCH_MODULE = dedent(
    '''\
    import math

    import torch
    import torch.nn as nn
    import torch.nn.functional as F


    class MLP(nn.Module):
        """A ReLU MLP with Glorot inits (KIN101) and a deprecated alias (KIN301)."""

        def __init__(self, d_in=784, hidden=256, d_out=10):
            super().__init__()
            self.fc1 = nn.Linear(d_in, hidden)
            self.fc2 = nn.Linear(hidden, hidden)
            self.head = nn.Linear(hidden, d_out)
            nn.init.xavier_uniform_(self.fc1.weight)
            nn.init.xavier_normal(self.fc2.weight)
            nn.init.zeros_(self.fc1.bias)

        def forward(self, x):
            x = F.relu(self.fc1(x))
            x = torch.relu(self.fc2(x))
            return self.head(x)
    '''
)

TORCH_HOOK = dedent(
    """\
    import torch
    from torch import nn


    class ConvNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 32, kernel_size=3, padding=1)
            self.conv2 = nn.Conv2d(32, 64, 3)
            self.act = nn.Tanh()
            self.fc = nn.Linear(64, 10)
            self.apply(self._init_weights)

        @torch.no_grad()
        @torch.jit.ignore
        def _init_weights(self, module):
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
                if module.bias is not None:
                    nn.init.constant_(module.bias, 0)

        def forward(self, x):
            x = self.act(self.conv1(x))
            x = self.act(self.conv2(x))
            return self.fc(x.mean((2, 3)))
    """
)

TORCH_SEQUENTIAL = dedent(
    """\
    import torch.nn as nn

    net = nn.Sequential(
        nn.Linear(128, 64),
        nn.Sigmoid(),
        nn.Linear(64, 64),
        nn.SELU(),
        nn.Linear(64, 1),
    )
    for m in net.modules():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_uniform_(m.weight, nonlinearity="tanh")
            nn.init.zeros_(m.bias)
    nn.init.zeros_(net[0].weight)
    nn.init.normal_(net[2].weight, std=1.0)
    """
)

TORCH_GAIN = dedent(
    """\
    import torch
    import torch.nn as nn


    class Encoder(nn.Module):
        def __init__(self, width: int = 512) -> None:
            super().__init__()
            self.proj = nn.Linear(width, width)
            self.gate = nn.Linear(width, width)
            self.norm = nn.LayerNorm(width)
            nn.init.xavier_uniform_(self.proj.weight, gain=nn.init.calculate_gain("relu"))
            nn.init.kaiming_uniform(self.gate.weight, a=0.2)
            nn.init.ones_(self.norm.weight)

        def forward(self, x):
            h = torch.tanh(self.proj(x))
            return self.norm(torch.sigmoid(self.gate(h)) * h)
    """
)

KERAS_SEQUENTIAL = dedent(
    """\
    import keras
    from keras import layers

    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(256, activation="relu", kernel_initializer="glorot_uniform"),
            layers.Dense(256, activation="tanh", kernel_initializer="he_normal"),
            layers.Dense(128, activation="selu"),
            layers.Dense(64, activation="relu", kernel_initializer="zeros"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    help_text = "layers.Dense(8, activation='relu', kernel_initializer='glorot_uniform')"
    """
)

KERAS_FUNCTIONAL = dedent(
    """\
    import keras
    from keras import initializers, layers

    init = initializers.GlorotNormal(seed=0)
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(32, 3, activation="relu", kernel_initializer=init)(inputs)
    x = layers.Conv2D(64, 3, activation="relu", kernel_initializer=init)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(
        128,
        activation="sigmoid",
        kernel_initializer=initializers.VarianceScaling(
            2.0, mode="fan_in", distribution="truncated_normal"
        ),
    )(x)
    head = layers.Dense(10, activation="softmax", kernel_initializer=keras.initializers.Ones())
    outputs = head(x)
    model = keras.Model(inputs, outputs)
    """
)

KERAS_SUBCLASS = dedent(
    '''\
    import keras
    from keras import layers


    @keras.saving.register_keras_serializable()
    class Block(keras.Model):
        """A subclassed model: the activation is applied in call()."""

        def __init__(self, units=64, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(units, kernel_initializer=keras.initializers.LecunNormal())
            self.out = layers.Dense(units, kernel_initializer="he_uniform", activation="tanh")
            self.plain = layers.Dense(units, activation="relu")

        def call(self, inputs):
            h = keras.activations.relu(self.dense(inputs))
            return self.plain(self.out(h))
    '''
)

SNIPPETS = (
    TORCH_MODULE,
    TORCH_HOOK,
    TORCH_SEQUENTIAL,
    TORCH_GAIN,
    KERAS_SEQUENTIAL,
    KERAS_FUNCTIONAL,
    KERAS_SUBCLASS,
)

# ----------------------------------------------------------------------------- properties


def comments(text: str) -> Counter[str] | None:
    """Every comment token of ``text``, or None when tokenize rejects it."""
    try:
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        return Counter(t.string for t in tokens if t.type == tokenize.COMMENT)
    except (tokenize.TokenError, SyntaxError):
        return None


def parses(text: str) -> bool:
    try:
        cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return False
    return True


def compiles(text: str) -> bool:
    try:
        compile(text, "<fuzz>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


_DIRECTIVE = re.compile(r"noqa|initlint\s*:", re.IGNORECASE)


def assert_round_trip(text: str) -> None:
    """The properties every input must have; raises (fails the test) on any breach."""
    found = engine.check(text, ALL)
    if not parses(text):
        # invalid Python is reported as KIN000 (when the file is read at all), never raised,
        # and fixing leaves it alone
        assert all(d.code == PARSE_ERROR for d in found)
        if needs_parse(text, ALL.select):
            assert [d.code for d in found] == [PARSE_ERROR]
        fixed, table, _ = engine.fix_table(text, ALL)
        assert fixed == text
        assert table == {}
        return
    if PARSE_ERROR in {d.code for d in found}:  # parsed, but too deep for the extractor
        assert [d.message for d in found] == ["Cannot analyse: too deeply nested"]
    fixed, table, _ = engine.fix_table(text, ALL)
    assert parses(fixed)
    if compiles(text):
        assert compiles(fixed), fixed
    again, second, _ = engine.fix_table(fixed, ALL)
    assert again == fixed, "a second fix run changed the text"
    assert second == {}
    before, after = comments(text), comments(fixed)
    if before is None:
        return
    assert after is not None
    if "KIN900" not in table:  # only unused-noqa removes comment text, and only directives
        assert not before - after, f"comments lost: {before - after}"
    else:
        plain = Counter({c: n for c, n in before.items() if not _DIRECTIVE.search(c)})
        assert not plain - after, f"comments lost: {plain - after}"


# ----------------------------------------------------------------------------- mutations

ACTIVATIONS = (
    "relu", "sigmoid", "tanh", "selu", "gelu", "softmax", "elu", "linear", "leaky_relu",
    "ReLU", "Sigmoid", "Tanh", "SELU", "GELU", "LeakyReLU", "Identity",
)  # fmt: skip
INITIALIZERS = (
    "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "zeros_",
    "ones_", "normal_", "uniform_", "orthogonal_", "xavier_uniform", "kaiming_normal",
    "glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal", "zeros",
    "ones", "orthogonal", "GlorotNormal", "HeUniform", "LecunNormal", "Zeros", "Ones",
    "VarianceScaling", "RandomNormal", "Constant",
)  # fmt: skip
NUMBERS = ("0", "1", "2", "0.0", "0.02", "1e-3", "2.0", "3", "64", "-1", "1_000", "0x10", "5 / 3")
COMMENTS = (
    "# note",
    "# noqa",
    "# noqa: KIN101",
    "# noqa: KIN001, KIN999",
    "# initlint: ignore[KIN102]",
    "# initlint: ignore[relu-without-he] because",
    "# type: ignore",
    "# fmt: skip",
    "# TODO(ab): nn.init.xavier_uniform_(w)",
    "#",
    "# ünïcödé",
)
CODE_STRINGS = (
    '"nn.init.xavier_uniform_(self.fc.weight)  # noqa: KIN101"',
    "'''layers.Dense(4, activation=\"relu\", kernel_initializer=\"zeros\")'''",
    "f\"{nn.init.kaiming_normal_!r} # nonlinearity='tanh'\"",
    "r'\\n# initlint: noqa'",
)
ALIASES = (
    ("from torch import nn\n", "import torch.nn as tnn\n", r"\bnn\.", "tnn."),
    ("import torch.nn as nn\n", "import torch.nn as tnn\n", r"\bnn\.", "tnn."),
    ("import keras\n", "import keras as K\n", r"\bkeras\.", "K."),
    ("from keras import layers\n", "from keras import layers as L\n", r"\blayers\.", "L."),
    ("import torch\n", "import torch as T\n", r"\btorch\.", "T."),
)

Mutation = Callable[[str], str]


def _nth(pattern: str, index: int, text: str, replace: Callable[[re.Match[str]], str]) -> str:
    """Replace the ``index``-th (modulo the count) match of ``pattern`` in ``text``."""
    matches = list(re.finditer(pattern, text))
    if not matches:
        return text
    m = matches[index % len(matches)]
    return text[: m.start()] + replace(m) + text[m.end() :]


def _words(names: tuple[str, ...]) -> str:
    return r"\b(?:" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b"


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _insert_line(i: int, content: str) -> Mutation:
    """``content`` as a line of its own before line ``i``, indented as that line."""

    def apply(text: str) -> str:
        lines = _lines(text)
        at = i % (len(lines) + 1)
        indent = _indent_of(lines[at]) if at < len(lines) else ""
        lines.insert(at, f"{indent}{content}\n")
        return "".join(lines)

    return apply


@st.composite
def mutation(draw: st.DrawFn) -> Mutation:
    """One small edit of a program's text; many of them make it invalid, which is fine."""
    kind = draw(st.sampled_from(sorted(_MUTATIONS)))
    index = draw(st.integers(0, 200))
    return _MUTATIONS[kind](draw, index)


def _swap_activation(draw: st.DrawFn, i: int) -> Mutation:
    new = draw(st.sampled_from(ACTIVATIONS))
    return lambda text: _nth(_words(ACTIVATIONS), i, text, lambda m: new)


def _swap_initializer(draw: st.DrawFn, i: int) -> Mutation:
    new = draw(st.sampled_from(INITIALIZERS))
    return lambda text: _nth(_words(INITIALIZERS), i, text, lambda m: new)


def _replace_number(draw: st.DrawFn, i: int) -> Mutation:
    new = draw(st.sampled_from(NUMBERS))
    return lambda text: _nth(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", i, text, lambda m: new)


def _delete_line(draw: st.DrawFn, i: int) -> Mutation:
    def apply(text: str) -> str:
        lines = _lines(text)
        if lines:
            del lines[i % len(lines)]
        return "".join(lines)

    return apply


def _duplicate_line(draw: st.DrawFn, i: int) -> Mutation:
    def apply(text: str) -> str:
        lines = _lines(text)
        if lines:
            lines.insert(i % len(lines), lines[i % len(lines)])
        return "".join(lines)

    return apply


def _comment_at_end(draw: st.DrawFn, i: int) -> Mutation:
    comment = draw(st.sampled_from(COMMENTS))
    return lambda text: _nth(r"(?m)[^\n]$", i, text, lambda m: f"{m.group()}  {comment}")


def _comment_line(draw: st.DrawFn, i: int) -> Mutation:
    """A comment on its own line, indented as the next line (between decorators too)."""
    return _insert_line(i, draw(st.sampled_from(COMMENTS)))


def _comment_in_call(draw: st.DrawFn, i: int) -> Mutation:
    """A comment after an opening bracket or a comma, inside an argument list."""
    comment = draw(st.sampled_from(COMMENTS))
    return lambda text: _nth(r"[(\[,]", i, text, lambda m: f"{m.group()}  {comment}\n")


def _trailing_comma(draw: st.DrawFn, i: int) -> Mutation:
    return lambda text: _nth(r"[\w\"')\]]\)", i, text, lambda m: f"{m.group()[0]},)")


def _split_call(draw: st.DrawFn, i: int) -> Mutation:
    return lambda text: _nth(r", ", i, text, lambda m: ",\n            ")


def _backslash(draw: st.DrawFn, i: int) -> Mutation:
    """A backslash continuation after a comma (outside brackets it breaks the code)."""
    return lambda text: _nth(r", ", i, text, lambda m: ", \\\n    ")


def _semicolon(draw: st.DrawFn, i: int) -> Mutation:
    """Two consecutive simple statements joined on one line with ``;``."""
    return lambda text: _nth(r"\n[ \t]*(?=[\w.]+\()", i, text, lambda m: "; ")


def _code_string(draw: st.DrawFn, i: int) -> Mutation:
    return _insert_line(i, f"_doc = {draw(st.sampled_from(CODE_STRINGS))}")


def _rename_alias(draw: st.DrawFn, i: int) -> Mutation:
    old, new, use, replacement = ALIASES[i % len(ALIASES)]

    def apply(text: str) -> str:
        if old not in text:
            return text
        return re.sub(use, replacement, text.replace(old, new, 1))

    return apply


def _wrap_in_if(draw: st.DrawFn, i: int) -> Mutation:
    """``if True:`` around the whole program or around a run of its lines."""
    whole = draw(st.booleans())
    length = draw(st.integers(1, 6))

    def apply(text: str) -> str:
        lines = _lines(text)
        start, stop = (0, len(lines)) if whole else (i % (len(lines) + 1), i % (len(lines) + 1))
        stop = len(lines) if whole else min(len(lines), start + length)
        indent = _indent_of(lines[start]) if start < len(lines) else ""
        body = [("    " + line if line.strip() else line) for line in lines[start:stop]]
        return "".join([*lines[:start], f"{indent}if True:\n", *body, *lines[stop:]])

    return apply


_MUTATIONS: dict[str, Callable[[st.DrawFn, int], Mutation]] = {
    "activation": _swap_activation,
    "initializer": _swap_initializer,
    "number": _replace_number,
    "delete": _delete_line,
    "duplicate": _duplicate_line,
    "comment_end": _comment_at_end,
    "comment_line": _comment_line,
    "comment_call": _comment_in_call,
    "trailing_comma": _trailing_comma,
    "split_call": _split_call,
    "code_string": _code_string,
    "backslash": _backslash,
    "semicolon": _semicolon,
    "alias": _rename_alias,
    "wrap_if": _wrap_in_if,
}


def tabs(text: str) -> str:
    """Indentation by tabs instead of four spaces, consistently (continuation lines too)."""
    return re.sub(r"(?m)^((?:    )+)", lambda m: "\t" * (len(m.group(1)) // 4), text)


@st.composite
def mutated_snippets(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SNIPPETS))
    if draw(st.booleans()):  # Keras and PyTorch, or two models, in one file
        text += "\n\n" + draw(st.sampled_from(SNIPPETS))
    for change in draw(st.lists(mutation(), max_size=6)):
        text = change(text)
    if draw(st.booleans()):
        text = tabs(text)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text


# ----------------------------------------------------------------------------- tests


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.split("\n", 6)[-2].strip()[:30])
def test_each_snippet_has_fixes_so_the_fuzzer_reaches_them(snippet: str) -> None:
    fixed, table, _ = engine.fix_table(snippet, ALL)
    assert table, "a snippet without applicable fixes fuzzes nothing of the fixer"
    assert fixed != snippet
    assert_round_trip(snippet)


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_snippets_survive_tabs_and_crlf(snippet: str) -> None:
    assert_round_trip(tabs(snippet).replace("\n", "\r\n"))


EDGE_INPUTS = {
    "cr-only": TORCH_MODULE.replace("\n", "\r"),
    "mixed-line-endings": KERAS_SEQUENTIAL.replace("\n", "\r\n", 3),
    "form-feed": "\x0c" + KERAS_SEQUENTIAL,
    "nul-byte": KERAS_SEQUENTIAL + "\x00",
    "bom-in-text": "\ufeff" + KERAS_SEQUENTIAL,
    "backslash-at-end": KERAS_SEQUENTIAL + "\\",
    "no-final-newline": KERAS_SEQUENTIAL.rstrip("\n") + "  # end",
    # deeper than the recursion limit: reported as KIN000 (libcst's parse is quadratic here)
    "deep-expression": "import torch\nx = " + "+".join(["1"] * 1200) + "\n",
    "deep-brackets": "import torch\nx = " + "[" * 150 + "]" * 150 + "\n",
    "deep-blocks": "import torch\n"
    + "".join(" " * i + "if x:\n" for i in range(100))
    + " " * 100
    + "pass\n",
    "star-imports": "from torch.nn import *\nfrom torch.nn.init import *\n"
    "fc = Linear(3, 4)\nnet = Sequential(fc, ReLU())\nxavier_uniform(fc.weight)\n",
}


@pytest.mark.parametrize("text", EDGE_INPUTS.values(), ids=EDGE_INPUTS.keys())
def test_edge_inputs_round_trip(text: str) -> None:
    assert_round_trip(text)


@settings(FUZZ, max_examples=EXAMPLES or 300)
@given(mutated_snippets())
def test_mutated_snippets_round_trip(text: str) -> None:
    assert_round_trip(text)


@settings(FUZZ, max_examples=EXAMPLES or 25)
@given(hypothesmith.from_grammar())
@example("")
def test_random_programs_round_trip(program: str) -> None:
    assert_round_trip(PREFIX + program)


@settings(FUZZ, max_examples=EXAMPLES or 25)
@given(hypothesmith.from_node(), st.sampled_from(SNIPPETS))
def test_random_statements_mixed_into_snippets(program: str, snippet: str) -> None:
    assert_round_trip(snippet + "\n" + program)


DEFAULT = dataclasses.replace(Settings(), unsafe_fixes=True)


@settings(FUZZ, max_examples=EXAMPLES or 150)
@given(mutated_snippets())
def test_the_prefilter_never_drops_a_finding(text: str) -> None:
    """The default rules (whose tokens narrow what is parsed) find the same with every
    framework file parsed: a mutation that renames or hides a token must not hide a finding."""
    narrowed = engine.check(text, DEFAULT)
    real = prefilter.needs_parse
    prefilter.needs_parse = lambda text, codes: prefilter.mentions_framework(text)
    try:
        every = engine.check(text, DEFAULT)
    finally:
        prefilter.needs_parse = real
    assert narrowed == every
