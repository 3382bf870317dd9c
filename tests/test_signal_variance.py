"""Var(w) and E[w] of every initializer form in frameworks.md §5.1, read from real sources
through extraction."""

from __future__ import annotations

from textwrap import dedent

import pytest

from initlint.model import Layer
from initlint.signal.variance import WeightStats, weight_stats
from tests.extract_helpers import models

_TRUNCATION = 0.7737413  # Var of a N(0, 1) cut at ±2 (§5.1)


def _torch(init: str, layer: str = "nn.Linear(512, 256)") -> Layer:
    code = f"""
        import torch
        import torch.nn as nn

        fc = {layer}
        {init}
        """
    (found,) = models(dedent(code))[0].weight_layers
    return found


def _keras(
    initializer: str | None, layer: str = "Dense(256{arg})", inputs: str = "(512,)"
) -> Layer:
    arg = "" if initializer is None else f", kernel_initializer={initializer}"
    code = f"""
        import tensorflow as tf
        from keras import Sequential, Input, initializers
        from keras.layers import Dense, Conv2D
        from keras.initializers import *

        model = Sequential([Input(shape={inputs}), {layer.format(arg=arg)}])
        """
    (found,) = models(dedent(code))[0].weight_layers
    return found


def _stats(layer: Layer) -> WeightStats | None:
    assert layer.init is not None
    return weight_stats(layer.init, layer.fan_in, layer.fan_out, layer.units)


@pytest.mark.parametrize(
    ("init", "variance", "mean"),
    [
        ("", 1 / (3 * 512), 0.0),  # nn.Linear default: kaiming_uniform_(a=sqrt(5))
        ("nn.init.normal_(fc.weight)", 1.0, 0.0),
        ("nn.init.normal_(fc.weight, 0, 0.01)", 1e-4, 0.0),
        ("nn.init.normal_(fc.weight, mean=1.0, std=0.5)", 0.25, 1.0),
        ("nn.init.uniform_(fc.weight)", 1 / 12, 0.5),
        ("nn.init.uniform_(fc.weight, -0.05, 0.05)", 0.1**2 / 12, 0.0),
        ("nn.init.uniform_(fc.weight, a=0.0, b=2.0)", 4 / 12, 1.0),
        ("fc.weight.data.normal_(0, 0.02)", 4e-4, 0.0),
        ("fc.weight.data.uniform_()", 1 / 12, 0.5),
        ("nn.init.trunc_normal_(fc.weight, std=0.02)", 4e-4, 0.0),
        ("nn.init.sparse_(fc.weight, 0.9)", 0.1 * 1e-4, 0.0),
        ("nn.init.xavier_uniform_(fc.weight)", 2 / 768, 0.0),
        ("nn.init.xavier_normal_(fc.weight, gain=2.0)", 4 * 2 / 768, 0.0),
        ("nn.init.kaiming_normal_(fc.weight)", 2 / 512, 0.0),
        ("nn.init.kaiming_uniform_(fc.weight, nonlinearity='relu')", 2 / 512, 0.0),
        ("nn.init.kaiming_normal_(fc.weight, mode='fan_out', nonlinearity='relu')", 2 / 256, 0.0),
        ("nn.init.kaiming_normal_(fc.weight, 0, 'fan_out')", 2 / 256, 0.0),
        (
            "nn.init.kaiming_uniform_(fc.weight, a=0.2, nonlinearity='leaky_relu')",
            2 / 1.04 / 512,
            0.0,
        ),
        ("nn.init.kaiming_normal_(fc.weight, nonlinearity='tanh')", 25 / 9 / 512, 0.0),
        ("nn.init.kaiming_normal_(fc.weight, nonlinearity='selu')", 0.5625 / 512, 0.0),
        ("nn.init.kaiming_uniform_(fc.weight, a=math.sqrt(5))", 1 / (3 * 512), 0.0),
        ("nn.init.orthogonal_(fc.weight)", 1 / 512, 0.0),
        ("nn.init.orthogonal_(fc.weight, gain=2)", 4 / 512, 0.0),
        ("nn.init.zeros_(fc.weight)", 0.0, 0.0),
        ("nn.init.ones_(fc.weight)", 0.0, 1.0),
        ("nn.init.constant_(fc.weight, 0.5)", 0.0, 0.5),
        ("fc.weight.data.fill_(0.25)", 0.0, 0.25),
    ],
)
def test_torch_forms(init: str, variance: float, mean: float) -> None:
    code = init if "math" not in init else f"import math\n        {init}"
    stats = _stats(_torch(code))
    assert stats is not None
    assert stats.variance == pytest.approx(variance, rel=1e-6)
    assert stats.mean == pytest.approx(mean)


@pytest.mark.parametrize(
    ("init", "layer", "variance"),
    [
        ("", "nn.Conv2d(64, 128, 3)", 1 / (3 * 576)),  # fans include the receptive field
        ("nn.init.kaiming_normal_(fc.weight, mode='fan_out')", "nn.Conv2d(64, 128, 3)", 2 / 1152),
        ("nn.init.orthogonal_(fc.weight)", "nn.Linear(256, 512)", 1 / 512),  # max side
        ("nn.init.orthogonal_(fc.weight)", "nn.Conv2d(16, 256, 3)", 1 / 256),  # 256 > 144
        ("nn.init.orthogonal_(fc.weight)", "nn.Conv2d(64, 32, 3)", 1 / 576),
    ],
)
def test_torch_fans(init: str, layer: str, variance: float) -> None:
    stats = _stats(_torch(init, layer))
    assert stats is not None
    assert stats.variance == pytest.approx(variance, rel=1e-9)


@pytest.mark.parametrize(
    "init",
    [
        "nn.init.trunc_normal_(fc.weight)",  # std 1 cut at ±2 absolute: not plain std²
        "nn.init.eye_(fc.weight)",  # deterministic
        "nn.init.xavier_uniform_(fc.weight, gain=g)",
        "nn.init.normal_(fc.weight, std=s)",
        "nn.init.kaiming_normal_(fc.weight, mode=m)",
        "nn.init.normal_(fc.weight, **cfg)",
        "nn.init.constant_(fc.weight, c)",
    ],
)
def test_torch_unknowable_forms(init: str) -> None:
    assert _stats(_torch(init)) is None


@pytest.mark.parametrize(
    ("initializer", "variance", "mean"),
    [
        (None, 2 / 768, 0.0),  # Keras' default glorot_uniform
        ("RandomNormal(stddev=1.0)", 1.0, 0.0),
        ("RandomNormal(0.1, 0.05)", 0.0025, 0.1),
        ("initializers.RandomNormal(mean=-1.0)", 0.0025, -1.0),
        ("TruncatedNormal(stddev=0.02)", _TRUNCATION * 4e-4, 0.0),
        ("RandomUniform(0, 1)", 1 / 12, 0.5),
        ("RandomUniform(minval=-0.5, maxval=0.5)", 1 / 12, 0.0),
        ('"random_normal"', 0.0025, 0.0),
        ('"random_uniform"', 0.1**2 / 12, 0.0),
        ('"truncated_normal"', _TRUNCATION * 0.0025, 0.0),
        ('"glorot_normal"', 2 / 768, 0.0),  # corrected truncation: exactly as named
        ('"he_normal"', 2 / 512, 0.0),
        ('"he_uniform"', 2 / 512, 0.0),
        ('"lecun_normal"', 1 / 512, 0.0),
        ("VarianceScaling()", 1 / 512, 0.0),
        ('VarianceScaling(2.0, "fan_out")', 2 / 256, 0.0),
        ('VarianceScaling(scale=3.0, mode="fan_avg", distribution="uniform")', 6 / 768, 0.0),
        ('"orthogonal"', 1 / 512, 0.0),
        ("Orthogonal(gain=2.0)", 4 / 512, 0.0),
        ("Orthogonal(3.0)", 9 / 512, 0.0),
        ('"zeros"', 0.0, 0.0),
        ('"ones"', 0.0, 1.0),
        ("Constant(0.3)", 0.0, 0.3),
        ("tf.compat.v1.random_normal_initializer()", 1.0, 0.0),
        ("tf.compat.v1.random_uniform_initializer()", 1 / 12, 0.5),
        ("tf.compat.v1.truncated_normal_initializer(stddev=0.1)", _TRUNCATION * 0.01, 0.0),
        ('tf.compat.v1.variance_scaling_initializer(2.0, "fan_out")', 2 / 256, 0.0),
        ('{"class_name": "RandomUniform", "config": {"minval": 0, "maxval": 1}}', 1 / 12, 0.5),
        (
            '{"class_name": "VarianceScaling", "config": {"scale": 2.0, "mode": "fan_avg"}}',
            4 / 768,
            0.0,
        ),
    ],
)
def test_keras_forms(initializer: str | None, variance: float, mean: float) -> None:
    stats = _stats(_keras(initializer))
    assert stats is not None
    assert stats.variance == pytest.approx(variance, rel=1e-6)
    assert stats.mean == pytest.approx(mean)


def test_keras_conv_fans_include_the_receptive_field() -> None:
    layer = _keras('"he_normal"', "Conv2D(64, 3{arg})", "(32, 32, 16)")
    stats = _stats(layer)
    assert stats is not None
    assert stats.variance == pytest.approx(2 / (9 * 16))


@pytest.mark.parametrize(
    "initializer",
    ["RandomNormal(stddev=s)", "VarianceScaling(scale)", "Orthogonal(g)", '"identity"'],
)
def test_keras_unknowable_forms(initializer: str) -> None:
    assert _stats(_keras(initializer)) is None


def test_weight_stats_needs_the_fans_it_uses() -> None:
    layer = _torch("nn.init.xavier_uniform_(fc.weight)")
    assert layer.init is not None
    assert weight_stats(layer.init, 512, None) is None
    assert weight_stats(layer.init, None, 256) is None
    zeros = _torch("nn.init.zeros_(fc.weight)").init
    assert zeros is not None
    assert weight_stats(zeros, None, None) == WeightStats(0.0, 0.0)  # no fan needed
    assert WeightStats(0.25, 0.5).second == 0.5
    assert not WeightStats(0.25, 0.5).centred
