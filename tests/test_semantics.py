"""The catalogue's facts, checked against frameworks.md's measured numbers."""

from __future__ import annotations

import math
from textwrap import dedent

import pytest

from initlint import semantics
from initlint.model import ActFamily
from tests.extract_helpers import kernel_variance, models


def _init_of(code: str):  # type: ignore[no-untyped-def]
    (layer,) = models(dedent(code))[0].weight_layers
    return layer


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # frameworks.md §1.2 empirical check on a 512x256 Keras kernel
        ('"glorot_uniform"', 2 / 768),
        ('"he_normal"', 2 / 512),
        ('"lecun_uniform"', 1 / 512),
        ('"random_normal"', 0.0025),
        ('"random_uniform"', 0.1**2 / 12),
        ('"truncated_normal"', 0.7737413 * 0.05**2),
        ("initializers.VarianceScaling(2.0, 'fan_in', 'uniform')", 2 / 512),
        ('"zeros"', 0.0),
    ],
)
def test_keras_variances(value: str, expected: float) -> None:
    layer = _init_of(
        f"""
        from keras import layers, initializers
        d = layers.Dense(256, input_dim=512, kernel_initializer={value})
        """
    )
    assert layer.init is not None
    got = kernel_variance(layer.init, layer.fan_in, layer.fan_out)
    assert got is not None
    assert math.isclose(got, expected, rel_tol=1e-6)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("", 1 / (3 * 1024)),  # PyTorch's default (§2.4: measured 3.254e-4)
        ("nn.init.xavier_uniform_(fc.weight)", 2 / 2048),
        (
            "nn.init.xavier_normal_(fc.weight, gain=nn.init.calculate_gain('tanh'))",
            25 / 9 * 2 / 2048,
        ),
        ("nn.init.kaiming_normal_(fc.weight, nonlinearity='relu')", 2 / 1024),
        ("nn.init.kaiming_uniform_(fc.weight, a=0.2, nonlinearity='leaky_relu')", 2 / 1.04 / 1024),
        ("nn.init.kaiming_normal_(fc.weight, mode='fan_out', nonlinearity='relu')", 2 / 1024),
        ("nn.init.kaiming_uniform_(fc.weight, a=math.sqrt(5))", 1 / (3 * 1024)),
        ("nn.init.normal_(fc.weight, 0.0, 0.02)", 0.0004),
        ("nn.init.uniform_(fc.weight)", 1 / 12),
        ("fc.weight.data.uniform_(-0.1, 0.1)", 0.04 / 12),
        ("nn.init.trunc_normal_(fc.weight, std=.02)", 0.0004),
    ],
)
def test_torch_variances(call: str, expected: float) -> None:
    layer = _init_of(
        f"""
        import math
        import torch.nn as nn
        fc = nn.Linear(1024, 1024)
        {call}
        """
    )
    assert layer.init is not None
    got = kernel_variance(layer.init, layer.fan_in, layer.fan_out)
    assert got is not None
    assert math.isclose(got, expected, rel_tol=1e-6)


def test_conv_fans_include_the_receptive_field() -> None:
    layer = _init_of(
        """
        import torch.nn as nn
        conv = nn.Conv2d(64, 128, 3)
        """
    )
    assert (layer.fan_in, layer.fan_out) == (576, 1152)  # §2.3: (64·9, 128·9)
    assert layer.init is not None
    got = kernel_variance(layer.init, layer.fan_in, layer.fan_out)
    assert got is not None
    assert math.isclose(got, 1 / (3 * 576))  # §2.4: measured 5.794e-4


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("relu", ActFamily.RELU),
        ("leaky_relu", ActFamily.RELU),
        ("prelu", ActFamily.RELU),
        ("tanh", ActFamily.SATURATING),
        ("hard_sigmoid", ActFamily.SATURATING),
        ("softmax", ActFamily.SOFTMAX),
        ("selu", ActFamily.SELU),
        ("gelu", ActFamily.SMOOTH),
        ("silu", ActFamily.SMOOTH),
        ("elu", ActFamily.SMOOTH),
        ("linear", ActFamily.LINEAR),
        ("something_else", ActFamily.UNKNOWN),
    ],
)
def test_activation_families(name: str, family: ActFamily) -> None:
    assert semantics.make_act(name).family is family


def test_torch_gains_match_calculate_gain() -> None:
    # frameworks.md §2.2
    assert semantics.torch_gain2("relu", None) == 2.0
    assert math.isclose(semantics.torch_gain2("tanh", None) or 0, 25 / 9)
    assert math.isclose(semantics.torch_gain2("leaky_relu", None) or 0, 2 / (1 + 0.01**2))
    assert math.isclose(semantics.torch_gain2("leaky_relu", math.sqrt(5)) or 0, 1 / 3)
    assert semantics.torch_gain2("selu", None) == 0.5625
    assert semantics.torch_gain2("gelu", None) is None
