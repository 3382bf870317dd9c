"""KIN104 gain-mismatch and KIN301 deprecated-init-alias: spellings, imports, ownership
against KIN101/KIN102/KIN103, fixes that round-trip, and what stays quiet."""

from __future__ import annotations

from textwrap import dedent

import libcst as cst
import pytest

from initlint import semantics
from initlint.frameworks import extract, extract_file
from tests.conftest import check, fixed


def _codes(code: str, *codes: str) -> list[tuple[int, str]]:
    return [(d.start.row, d.code) for d in check(code, *codes)]


def _round_trip(code: str, *codes: str) -> str:
    """The fixed text: it parses, a second run changes nothing, and nothing selected fires."""
    after = fixed(code, *codes)
    cst.parse_module(after)
    assert fixed(after, *codes) == after, "fixing is not idempotent"
    assert check(after, *codes) == [], "the fixed form still fires"
    return after


# --------------------------------------------------------------------------- KIN301

ALIAS = dedent(
    """\
    import torch.nn as nn

    fc = nn.Linear(8, 8)
    {call}
    """
)


@pytest.mark.parametrize("alias", sorted(semantics.TORCH_DEPRECATED_ALIASES))
def test_every_deprecated_alias_fires_and_gets_its_underscore(alias: str) -> None:
    code = ALIAS.format(call=f"nn.init.{alias}(fc.weight)")
    assert _codes(code, "KIN301") == [(4, "KIN301")]
    assert _round_trip(code, "KIN301") == code.replace(f"{alias}(", f"{alias}_(")


@pytest.mark.parametrize("name", ["zeros", "ones", "trunc_normal", "calculate_gain"])
def test_names_without_a_deprecated_alias_are_not_reported(name: str) -> None:
    # torch has no `zeros`/`ones`/`trunc_normal` aliases (frameworks.md §2.1)
    assert check(ALIAS.format(call=f"nn.init.{name}(fc.weight)"), "KIN301") == []


@pytest.mark.parametrize(
    ("imports", "call", "after"),
    [
        ("import torch", "torch.nn.init.normal(w, std=0.02)", "torch.nn.init.normal_("),
        ("from torch.nn import init", "init.constant(w, 0.0)", "init.constant_("),
        ("import torch.nn.init as I", "I.kaiming_normal(w)", "I.kaiming_normal_("),
        ("from torch import nn", "nn.init.eye(w)", "nn.init.eye_("),
    ],
)
def test_attribute_spellings_keep_their_root(imports: str, call: str, after: str) -> None:
    code = f"{imports}\nimport torch\n\nw = torch.empty(3, 5)\n{call}\n"
    assert [d.code for d in check(code, "KIN301")] == ["KIN301"]
    assert after in _round_trip(code, "KIN301")


def test_a_bare_imported_alias_gets_the_underscore_name_imported_beside_it() -> None:
    code = dedent(
        """\
        import torch
        from torch.nn.init import (
            xavier_uniform,  # old code
        )

        w = torch.empty(3, 5)
        xavier_uniform(w)
        xavier_uniform(torch.empty(5, 5), gain=1.0)
        """
    )
    assert _codes(code, "KIN301") == [(7, "KIN301"), (8, "KIN301")]
    after = _round_trip(code, "KIN301")
    assert "(\n    xavier_uniform,  # old code\n    xavier_uniform_,\n)" in after
    assert "\nxavier_uniform_(w)\nxavier_uniform_(torch.empty(5, 5), gain=1.0)\n" in after


def test_an_alias_imported_under_another_name() -> None:
    code = "import torch\nfrom torch.nn.init import normal as nrm\n\nnrm(torch.empty(3), std=1.0)\n"
    after = _round_trip(code, "KIN301")
    assert "from torch.nn.init import normal as nrm, normal_\n" in after
    assert "normal_(torch.empty(3), std=1.0)" in after


def test_a_star_import_needs_no_new_import() -> None:
    code = "import torch\nfrom torch.nn.init import *\n\nxavier_normal(torch.empty(3, 5))\n"
    assert _round_trip(code, "KIN301") == code.replace("xavier_normal(", "xavier_normal_(")


def test_function_local_imports_are_read() -> None:
    code = dedent(
        """\
        import torch.nn as nn


        def init_weights(m):
            from torch.nn.init import orthogonal
            if isinstance(m, nn.Linear):
                orthogonal(m.weight)


        net = nn.Sequential(nn.Linear(4, 4)).apply(init_weights)
        """
    )
    assert _codes(code, "KIN301") == [(7, "KIN301")]
    after = _round_trip(code, "KIN301")
    assert "from torch.nn.init import orthogonal, orthogonal_" in after
    assert "orthogonal_(m.weight)" in after


def test_every_call_is_reported_whatever_tensor_it_fills() -> None:
    code = dedent(
        """\
        import torch
        import torch.nn as nn


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(8, 8)
                self.gamma = nn.Parameter(torch.empty(8))
                nn.init.xavier_uniform(self.fc.weight)  # a kernel
                nn.init.constant(self.fc.bias, 0.0)  # a bias
                nn.init.uniform(self.gamma, -0.1, 0.1)  # a bare parameter
                self.apply(lambda m: nn.init.normal(m.weight) if hasattr(m, "weight") else None)

            def reset(self, tensor):
                nn.init.sparse(tensor, 0.1)  # a tensor passed in


        def helper(t):
            nn.init.dirac(t)
        """
    )
    assert [row for row, _ in _codes(code, "KIN301")] == [10, 11, 12, 13, 16, 20]
    after = _round_trip(code, "KIN301")
    for name in ("xavier_uniform", "constant", "uniform", "normal", "sparse", "dirac"):
        assert f"nn.init.{name}_(" in after


def test_a_helper_run_for_several_callers_is_reported_once() -> None:
    code = dedent(
        """\
        import torch.nn as nn


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = self._make(4)
                self.b = self._make(8)

            def _make(self, width):
                layer = nn.Linear(width, width)
                nn.init.orthogonal(layer.weight)
                return layer
        """
    )
    assert _codes(code, "KIN301") == [(12, "KIN301")]
    calls = extract_file(cst.parse_module(code)).init_calls
    assert [call.function for call in calls] == ["orthogonal"]


def test_names_that_are_not_torch_s_are_not_reported() -> None:
    code = dedent(
        """\
        import torch
        from mylib.init import xavier_uniform


        def constant(tensor, value):
            return tensor.fill_(value)


        xavier_uniform(torch.empty(3, 5))
        constant(torch.empty(3), 0.5)
        """
    )
    assert check(code, "KIN301") == []


def test_no_fix_where_the_underscore_name_means_something_else() -> None:
    code = dedent(
        """\
        import torch
        from torch.nn.init import normal

        normal_ = print
        normal(torch.empty(3))
        """
    )
    (finding,) = check(code, "KIN301")
    assert finding.fix is None


def test_noqa_suppresses_it() -> None:
    code = ALIAS.format(call="nn.init.normal(fc.weight)  # noqa: KIN301")
    assert check(code, "KIN301") == []


def test_an_alias_that_is_also_the_wrong_initializer_settles_in_one_fix_run() -> None:
    code = dedent(
        """\
        import torch.nn as nn

        fc = nn.Linear(128, 128)
        net = nn.Sequential(fc, nn.ReLU(), nn.Linear(128, 10))
        nn.init.xavier_uniform(fc.weight)
        """
    )
    assert {code for _, code in _codes(code)} == {"KIN101", "KIN301"}
    after = _round_trip(code)
    assert after.endswith('nn.init.kaiming_uniform_(fc.weight, nonlinearity="relu")\n')


def test_extract_still_returns_the_models_alone() -> None:
    module = cst.parse_module(ALIAS.format(call="nn.init.normal(fc.bias)"))
    assert extract(module) == list(extract_file(module).models)
    (call,) = extract_file(module).init_calls
    assert (call.function, call.init.name) == ("normal", "normal_")


# --------------------------------------------------------------------------- KIN104

NET = dedent(
    """\
    import math

    import torch.nn as nn

    fc = nn.Linear(256, 256)
    net = nn.Sequential(fc, nn.{act}, nn.Linear(256, 10))
    {init}
    """
)
INIT_ROW = 7


def _net(act: str, init: str) -> str:
    return NET.format(act=act, init=init)


@pytest.mark.parametrize(
    ("act", "init", "expected"),
    [
        # kaiming's nonlinearity= written for another activation
        ("ReLU()", 'nonlinearity="tanh"', 'nonlinearity="relu"'),
        ("ReLU()", 'nonlinearity="selu"', 'nonlinearity="relu"'),
        ("Sigmoid()", 'nonlinearity="tanh"', 'nonlinearity="sigmoid"'),
        ("ReLU6()", 'mode="fan_out", nonlinearity="tanh"', 'mode="fan_out", nonlinearity="relu"'),
        # an `a` the new nonlinearity ignores is dropped, or zeroed when later positionals
        # need its place
        ("ReLU()", 'a=0.2, nonlinearity="tanh"', 'nonlinearity="relu"'),
        ("ReLU()", "a=1", 'nonlinearity="relu"'),
        ("ReLU()", '0.2, "fan_in", "tanh"', '0, "fan_in", "relu"'),
        # leaky ReLU: the slope goes in `a`, in signature order
        ("LeakyReLU(0.2)", 'nonlinearity="tanh"', 'a=0.2, nonlinearity="leaky_relu"'),
        (
            "PReLU()",
            'mode="fan_out", nonlinearity="tanh"',
            'a=0.25, mode="fan_out", nonlinearity="leaky_relu"',
        ),
        # kaiming's default (He) before a leaky ReLU too steep for it; KIN101 does not cover it
        ("LeakyReLU(0.7)", 'mode="fan_out"', 'a=0.7, mode="fan_out"'),
    ],
)
def test_kaiming_arguments_are_rewritten(act: str, init: str, expected: str) -> None:
    code = _net(act, f"nn.init.kaiming_normal_(fc.weight, {init})")
    assert _codes(code) == [(INIT_ROW, "KIN104")]
    after = _round_trip(code)
    assert f"nn.init.kaiming_normal_(fc.weight, {expected})" in after


@pytest.mark.parametrize(
    ("act", "gain", "expected"),
    [
        ("Sigmoid()", 'nn.init.calculate_gain("relu")', 'nn.init.calculate_gain("sigmoid")'),
        (
            "ReLU()",
            "nn.init.calculate_gain(nonlinearity='tanh')",
            "nn.init.calculate_gain(nonlinearity='relu')",
        ),
        (
            "Tanh()",
            'nn.init.calculate_gain("leaky_relu", param=0.2)',
            'nn.init.calculate_gain("tanh")',
        ),
        (
            "LeakyReLU(0.2)",
            'nn.init.calculate_gain("tanh")',
            'nn.init.calculate_gain("leaky_relu", 0.2)',
        ),
        # literal gains stay literal, as expressions extraction reads back
        ("Tanh()", "2.5", "5 / 3"),
        ("Sigmoid()", "math.sqrt(2)", "1.0"),
        ("ReLU()", "5 / 3", "2 ** 0.5"),
        ("LeakyReLU(0.2)", "5 / 3", "(2 / (1 + 0.2 ** 2)) ** 0.5"),
    ],
)
@pytest.mark.parametrize("function", ["xavier_uniform_", "orthogonal_"])
def test_gain_arguments_are_rewritten_in_their_spelling(
    function: str, act: str, gain: str, expected: str
) -> None:
    code = _net(act, f"nn.init.{function}(fc.weight, gain={gain})")
    assert _codes(code) == [(INIT_ROW, "KIN104")]
    assert f"nn.init.{function}(fc.weight, gain={expected})" in _round_trip(code)


def test_calculate_gain_imported_by_name_keeps_its_spelling() -> None:
    code = dedent(
        """\
        import torch.nn as nn
        from torch.nn.init import calculate_gain, xavier_normal_

        fc = nn.Linear(64, 64)
        net = nn.Sequential(fc, nn.ReLU())
        xavier_normal_(fc.weight, gain=calculate_gain('tanh'))
        """
    )
    assert _round_trip(code).endswith("xavier_normal_(fc.weight, gain=calculate_gain('relu'))\n")


def test_multiline_calls_keep_their_layout_and_comments() -> None:
    code = _net(
        "LeakyReLU(0.2)",
        dedent(
            """\
            nn.init.kaiming_uniform_(
                fc.weight,
                mode="fan_in",  # as in the paper
                nonlinearity="tanh",
            )"""
        ),
    )
    after = _round_trip(code)
    assert (
        '    fc.weight,\n    a=0.2,\n    mode="fan_in",  # as in the paper\n'
        '    nonlinearity="leaky_relu",\n)' in after
    )


def test_no_fix_that_would_drop_a_comment() -> None:
    code = _net(
        "ReLU()",
        'nn.init.kaiming_normal_(\n    fc.weight,\n    a=1,  # why\n    nonlinearity="tanh",\n)',
    )
    (finding,) = check(code)
    assert finding.code == "KIN104"
    assert finding.fix is None


def test_message_names_both_gains_and_the_factor() -> None:
    (finding,) = check(_net("ReLU()", 'nn.init.kaiming_normal_(fc.weight, nonlinearity="tanh")'))
    assert finding.message == (
        "`fc (Linear)` feeds `nn.ReLU()` but `kaiming_normal_` uses the gain for `tanh`: "
        '1.4x more variance than `calculate_gain("relu")` gives'
    )


def test_the_deprecated_alias_and_the_gain_are_both_fixed() -> None:
    code = _net("ReLU()", 'nn.init.kaiming_normal(fc.weight, nonlinearity="tanh")')
    assert {code for _, code in _codes(code)} == {"KIN104", "KIN301"}
    assert 'nn.init.kaiming_normal_(fc.weight, nonlinearity="relu")' in _round_trip(code)


# ----------------------------------------------------------------- one call, one finding


@pytest.mark.parametrize(
    ("act", "init", "owner"),
    [
        # He under sigmoid/tanh is KIN102's, `nonlinearity="relu"` included: its width-aware
        # exemptions for narrow layers and heads apply whatever the spelling
        ("Tanh()", 'nn.init.kaiming_normal_(fc.weight, nonlinearity="relu")', "KIN102"),
        ("Sigmoid()", "nn.init.kaiming_uniform_(fc.weight, a=0.1)", "KIN102"),
        ("Tanh()", "nn.init.kaiming_normal_(fc.weight)", "KIN102"),
        # Glorot or LeCun under ReLU is KIN101's, however the gain of 1 is spelled
        ("ReLU()", 'nn.init.kaiming_normal_(fc.weight, nonlinearity="linear")', "KIN101"),
        (
            "ReLU()",
            'nn.init.xavier_normal_(fc.weight, gain=nn.init.calculate_gain("sigmoid"))',
            "KIN101",
        ),
        ("ReLU()", "nn.init.xavier_normal_(fc.weight, gain=1.0)", "KIN101"),
        # SELU's gain under SELU is KIN103's
        ("SELU()", 'nn.init.kaiming_normal_(fc.weight, nonlinearity="selu")', "KIN103"),
    ],
)
def test_he_glorot_and_selu_mix_ups_stay_with_their_rules(act: str, init: str, owner: str) -> None:
    assert _codes(_net(act, init)) == [(INIT_ROW, owner)]


def test_a_narrow_sigmoid_head_with_the_relu_gain_stays_quiet() -> None:
    code = dedent(
        """\
        import torch.nn as nn

        head = nn.Linear(512, 1)
        net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), head, nn.Sigmoid())
        nn.init.kaiming_uniform_(net[0].weight, nonlinearity="relu")
        nn.init.kaiming_uniform_(head.weight, nonlinearity="relu")
        """
    )
    assert check(code) == []  # He is within 1.01x of Glorot on a 512 -> 1 head (KIN102)


# --------------------------------------------------------------------------- quiet


@pytest.mark.parametrize(
    ("act", "init"),
    [
        # PyTorch's own nn.Linear default, written out: a deliberate idiom
        ("ReLU()", "nn.init.kaiming_uniform_(fc.weight, a=math.sqrt(5))"),
        ("Tanh()", "nn.init.kaiming_uniform_(fc.weight, a=math.sqrt(5))"),
        # within 1.25x: not material
        ("LeakyReLU(0.2)", "nn.init.kaiming_normal_(fc.weight, a=0)"),
        ("LeakyReLU(0.2)", "nn.init.kaiming_normal_(fc.weight)"),
        ("LeakyReLU(0.2)", 'nn.init.kaiming_normal_(fc.weight, nonlinearity="relu")'),
        (
            "ReLU()",
            'nn.init.xavier_uniform_(fc.weight, gain=nn.init.calculate_gain("leaky_relu", 0.2))',
        ),
        ("ReLU()", "nn.init.orthogonal_(fc.weight, gain=1.4)"),
        # before tanh a gain of 1 is Glorot's and LeCun's own choice
        ("Tanh()", 'nn.init.kaiming_normal_(fc.weight, nonlinearity="linear")'),
        ("Tanh()", 'nn.init.xavier_uniform_(fc.weight, gain=nn.init.calculate_gain("sigmoid"))'),
        ("Tanh()", 'nn.init.kaiming_normal_(fc.weight, nonlinearity="tanh")'),
        # no canonical gain
        ("GELU()", 'nn.init.kaiming_normal_(fc.weight, nonlinearity="tanh")'),
        ("SiLU()", 'nn.init.xavier_uniform_(fc.weight, gain=nn.init.calculate_gain("relu"))'),
        ("ELU()", 'nn.init.kaiming_normal_(fc.weight, nonlinearity="sigmoid")'),
        ("Mish()", "nn.init.orthogonal_(fc.weight, gain=5 / 3)"),
        # calculate_gain has no name for these; He before softmax is KIN102's
        (
            "Softmax(dim=-1)",
            'nn.init.xavier_uniform_(fc.weight, gain=nn.init.calculate_gain("tanh"))',
        ),
        ("Hardtanh()", 'nn.init.kaiming_normal_(fc.weight, nonlinearity="sigmoid")'),
        # a slope we cannot read, a gain we cannot read, a `**cfg` that may set anything
        ("LeakyReLU(slope)", 'nn.init.kaiming_normal_(fc.weight, nonlinearity="tanh")'),
        ("ReLU()", "nn.init.xavier_uniform_(fc.weight, gain=g)"),
        ("ReLU()", 'nn.init.kaiming_normal_(fc.weight, nonlinearity="tanh", **cfg)'),
        # defaults are not compared (Glorot by default under ReLU is KIN101's)
        ("ReLU()", "nn.init.orthogonal_(fc.weight)"),
        # a zero gain is a zero kernel, not a mismatch
        ("ReLU()", "nn.init.xavier_uniform_(fc.weight, gain=0.0)"),
    ],
)
def test_quiet(act: str, init: str) -> None:
    assert [d for d in check(_net(act, init)) if d.code == "KIN104"] == []


def test_linear_outputs_and_unknown_activations_are_quiet() -> None:
    code = dedent(
        """\
        import torch.nn as nn


        class Residual(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(64, 64)
                self.head = nn.Linear(64, 1)
                nn.init.kaiming_normal_(self.fc.weight, nonlinearity="tanh")
                nn.init.xavier_uniform_(self.head.weight, gain=nn.init.calculate_gain("relu"))

            def forward(self, x):
                h = x + self.fc(x)  # a residual sum: what follows is unknown
                return self.head(h)  # a linear output
        """
    )
    assert check(code, "KIN104") == []


def test_keras_is_never_compared() -> None:
    code = dedent(
        """\
        from keras import layers

        dense = layers.Dense(64, activation="tanh", kernel_initializer="he_normal")
        """
    )
    assert check(code, "KIN104") == []
