"""Gaussian moments of activations: quadrature rules, closed forms, frameworks.md §5.2's
numbers, and a Monte Carlo cross-check."""

from __future__ import annotations

import math
import random

import pytest

from initlint.model import Act, ActFamily
from initlint.semantics import make_act
from initlint.signal.moments import (
    _NUMERIC,
    SELU_ALPHA,
    SELU_SCALE,
    Moments,
    _integrate,
    _leaky,
    activation,
    activation_named,
)
from initlint.signal.quadrature import gauss_hermite, gauss_legendre, normal_panels


def _phi(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _triple(moments: Moments) -> tuple[float, float, float]:
    return moments.mean, moments.second, moments.slope2


def _double_factorial(k: int) -> int:
    return math.prod(range(k - 1, 0, -2)) if k > 0 else 1


# ------------------------------------------------------------------- quadrature rules


@pytest.mark.parametrize("n", [1, 2, 3, 7, 20, 64, 100])
def test_gauss_hermite_is_exact_up_to_its_degree(n: int) -> None:
    nodes, weights = gauss_hermite(n)
    assert len(nodes) == n
    assert nodes == tuple(sorted(nodes))
    for k in range(2 * n):
        got = math.fsum(w * x**k for x, w in zip(nodes, weights, strict=True))
        if k % 2:
            assert abs(got) < 1e-12 * _double_factorial(k + 1) ** 0.5
        else:  # E[x^k] = (k-1)!! for x ~ N(0, 1)
            assert got == pytest.approx(_double_factorial(k), rel=1e-11)


@pytest.mark.parametrize("n", [2, 3, 5])
def test_gauss_hermite_is_not_exact_beyond_its_degree(n: int) -> None:
    nodes, weights = gauss_hermite(n)
    got = sum(w * x ** (2 * n) for x, w in zip(nodes, weights, strict=True))
    assert abs(got - _double_factorial(2 * n)) > 0.1


@pytest.mark.parametrize("n", [1, 2, 5, 24])
def test_gauss_legendre_is_exact_up_to_its_degree(n: int) -> None:
    nodes, weights = gauss_legendre(n)
    for k in range(2 * n):
        got = math.fsum(w * x**k for x, w in zip(nodes, weights, strict=True))
        assert got == pytest.approx(0.0 if k % 2 else 2.0 / (k + 1), abs=1e-14)


def test_normal_panels_integrate_a_kinked_function_exactly() -> None:
    # E[max(x, 0)^3] = 2/sqrt(2π); E[|x|] = sqrt(2/π)
    assert normal_panels(lambda x: max(x, 0.0) ** 3, [0.0], 13.0) == pytest.approx(
        2.0 / math.sqrt(2.0 * math.pi), rel=1e-13
    )
    assert normal_panels(abs, [0.0, -1.0, 1.0], 13.0) == pytest.approx(
        math.sqrt(2.0 / math.pi), rel=1e-13
    )


def test_rules_reject_zero_nodes() -> None:
    with pytest.raises(ValueError, match="at least one node"):
        gauss_hermite(0)
    with pytest.raises(ValueError, match="at least one node"):
        gauss_legendre(0)


# ------------------------------------------------------------------- §5.2's column


@pytest.mark.parametrize(
    ("name", "slope", "printed"),
    [
        # frameworks.md §5.2: 1/E[f(z)²], z ~ N(0, 1), to the printed precision
        ("relu", None, "2.000"),
        ("relu6", None, "2.000"),
        ("tanh", None, "2.536"),
        ("sigmoid", None, "3.41"),
        ("gelu", None, "2.352"),
        ("silu", None, "2.811"),
        ("hard_silu", None, "3.016"),
        ("selu", None, "1.000"),
        ("elu", None, "1.551"),
        ("softplus", None, "1.085"),
        ("mish", None, "2.211"),
        ("leaky_relu", 0.2, "1.923"),
        ("leaky_relu", 0.3, "1.835"),
        ("prelu", 0.25, "1.882"),
        ("linear", None, "1"),
    ],
)
def test_needed_matches_the_reference_table(name: str, slope: float | None, printed: str) -> None:
    act = activation_named(name, slope)
    assert act is not None
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    assert f"{act.needed:.{decimals}f}" == printed


def test_gelu_tanh_approximation_is_close_to_the_exact_form() -> None:
    exact, approx = activation_named("gelu"), activation_named("gelu_tanh")
    assert exact is not None
    assert approx is not None
    for q in (0.01, 1.0, 100.0):
        a, b = exact.moments(q), approx.moments(q)
        assert b.second == pytest.approx(a.second, rel=2e-4)
        assert b.slope2 == pytest.approx(a.slope2, rel=2e-4)
        assert a.second != b.second


# ------------------------------------------------------------------- closed forms

_SCALES = [1e-6, 1e-3, 0.1, 1.0, 10.0, 1e3, 1e6]


@pytest.mark.parametrize("q", _SCALES)
@pytest.mark.parametrize("slope", [0.0, 0.01, 0.2, 1.0])
@pytest.mark.parametrize("shift", [0.0, 0.5, -1.5, 3.0])
def test_leaky_closed_form_agrees_with_quadrature(q: float, slope: float, shift: float) -> None:
    scale = math.sqrt(q)
    mean = shift * scale
    closed = _leaky(mean, scale, slope)
    numeric = _integrate(
        lambda z: (max(z, 0.0) + slope * min(z, 0.0), 1.0 if z > 0 else slope), (0.0,), mean, scale
    )
    for a, b in zip(_triple(closed), _triple(numeric), strict=True):
        assert a == pytest.approx(b, rel=1e-10, abs=1e-14 * (scale + q))


def _moments(name: str, q: float, mean: float = 0.0):  # type: ignore[no-untyped-def]
    act = activation_named(name)
    assert act is not None
    return act.moments(q, mean)


@pytest.mark.parametrize("q", _SCALES)
def test_piecewise_activations_against_exact_probabilities(q: float) -> None:
    s = math.sqrt(q)
    # ReLU6' = 1 on (0, 6); hard tanh' = 1 on (-1, 1); hard sigmoid' = 1/6 on (-3, 3)
    assert _moments("relu6", q).slope2 == pytest.approx(_phi(6 / s) - 0.5, rel=1e-9)
    assert _moments("hard_tanh", q).slope2 == pytest.approx(1 - 2 * _phi(-1 / s), rel=1e-9)
    assert _moments("hard_sigmoid", q).slope2 == pytest.approx(
        (1 - 2 * _phi(-3 / s)) / 36, rel=1e-9
    )
    assert _moments("linear", q, 0.3).second == pytest.approx(q + 0.09, rel=1e-15)


@pytest.mark.parametrize("q", [1e-6, 1e-3, 0.1, 1.0, 10.0, 100.0])
def test_elu_and_gelu_against_closed_forms(q: float) -> None:
    s = math.sqrt(q)
    # E[elu(z)] = s/sqrt(2π) + e^{q/2}·Φ(-s) - 1/2;  E[elu'(z)²] = 1/2 + e^{2q}·Φ(-2s)
    elu = _moments("elu", q)
    expected = s / math.sqrt(2 * math.pi) + math.exp(q / 2) * _phi(-s) - 0.5
    assert elu.mean == pytest.approx(expected, rel=1e-8, abs=1e-15)
    assert elu.slope2 == pytest.approx(0.5 + math.exp(2 * q) * _phi(-2 * s), rel=1e-9)
    # Stein: E[z·Φ(z)] = q·E[ϕ(z)] = q / sqrt(2π(1+q))
    gelu = _moments("gelu", q)
    assert gelu.mean == pytest.approx(q / math.sqrt(2 * math.pi * (1 + q)), rel=1e-9)


def test_selu_is_self_normalizing_and_exponential_is_closed() -> None:
    selu = _moments("selu", 1.0)
    assert selu.mean == pytest.approx(0.0, abs=1e-12)
    assert selu.second == pytest.approx(1.0, rel=1e-12)
    assert pytest.approx(1.7580993408473766) == SELU_SCALE * SELU_ALPHA
    exp = _moments("exponential", 0.5, 0.2)
    assert exp.mean == pytest.approx(math.exp(0.2 + 0.25))
    assert exp.second == pytest.approx(math.exp(0.4 + 1.0))
    assert _moments("exponential", 1e6).second == math.inf


@pytest.mark.parametrize("q", [1e-6, 1e-4])
def test_saturating_activations_are_linear_at_tiny_scale(q: float) -> None:
    # tanh(z)² = z² - 2z⁴/3 + ...: E = q - 2q² (E[z⁴] = 3q²)
    assert _moments("tanh", q).second == pytest.approx(q - 2 * q * q, rel=1e-7)
    assert _moments("tanh", q).slope2 == pytest.approx(1 - 2 * q, rel=1e-7)
    assert _moments("sigmoid", q).second == pytest.approx(0.25 + q / 16, rel=1e-7)
    assert _moments("gelu", q).second == pytest.approx(q / 4, rel=1e-3)


@pytest.mark.parametrize("q", [1e4, 1e6])
def test_saturating_activations_at_huge_scale(q: float) -> None:
    s = math.sqrt(q)
    density = 1 / (s * math.sqrt(2 * math.pi))
    # ∫ sech⁴ = 4/3, ∫ (s(1-s))² = 1/6: the transition is narrow against the Gaussian,
    # whose curvature over it is a relative correction of order 1/q
    assert _moments("tanh", q).slope2 == pytest.approx(4 / 3 * density, rel=1 / q)
    assert _moments("sigmoid", q).slope2 == pytest.approx(density / 6, rel=1 / q)
    assert _moments("tanh", q).second == pytest.approx(1.0, abs=2 / s)
    assert _moments("sigmoid", q).mean == pytest.approx(0.5, rel=1e-12)


def test_hermite_and_panels_agree_for_smooth_activations() -> None:
    for name, numeric in _NUMERIC.items():
        if numeric.kinks:
            continue
        for scale in (1e-3, 0.1, 0.7, 1.0):
            for mean in (0.0, 0.8, -2.0):
                hermite = _integrate(numeric.pair, (), mean, scale)
                panels = _integrate(numeric.pair, (1e12,), mean, scale)  # forces panels
                for a, b in zip(_triple(hermite), _triple(panels), strict=True):
                    assert a == pytest.approx(b, rel=1e-8, abs=1e-12), name


# ------------------------------------------------------------------- Monte Carlo


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "gelu", "silu", "selu", "elu", "mish"])
@pytest.mark.parametrize(("q", "mean"), [(1.0, 0.0), (4.0, 0.5)])
def test_monte_carlo_cross_check(name: str, q: float, mean: float) -> None:
    act = activation_named(name)
    assert act is not None
    numeric = _NUMERIC.get(name)
    rng = random.Random(20240607)
    samples = 60_000
    values = []
    slopes = []
    for _ in range(samples):
        z = rng.gauss(mean, math.sqrt(q))
        if numeric is None:
            value, slope = max(z, 0.0), float(z > 0)
        else:
            value, slope = numeric.pair(z)
        values.append(value * value)
        slopes.append(slope * slope)
    for got, draws in (
        (act.moments(q, mean).second, values),
        (act.moments(q, mean).slope2, slopes),
    ):
        average = math.fsum(draws) / samples
        spread = math.sqrt(math.fsum((d - average) ** 2 for d in draws) / samples / samples)
        assert abs(got - average) < 5 * spread + 1e-12


# ------------------------------------------------------------------- what has moments


def test_activation_refuses_what_it_cannot_know() -> None:
    assert activation(make_act("softmax")) is None
    assert activation(make_act("unknown")) is None
    assert activation(make_act("glu")) is None  # halves the width
    assert activation(make_act("rrelu")) is None  # a random slope
    assert activation(Act("leaky_relu", ActFamily.RELU, None)) is None  # slope unknown
    assert activation(Act("sigmoid or tanh", ActFamily.SATURATING)) is None
    relu = activation(make_act("relu"))
    assert relu is not None
    assert relu.slope == 0.0
    leaky = activation(Act("leaky_relu", ActFamily.RELU, 0.2))
    assert leaky is not None
    assert leaky.needed == pytest.approx(2 / 1.04)
    linear = activation(make_act("linear"))
    assert linear is not None
    assert linear.needed == 1.0


def test_cross_moment_with_a_shared_part() -> None:
    linear = activation_named("linear")
    relu = activation_named("relu")
    assert linear is not None
    assert relu is not None
    # g(C) = m + C for the identity: E[g²] = m² + c
    assert linear.cross(0.5, 2.0, 1.0) == pytest.approx(0.25 + 2.0, rel=1e-10)
    # no shared part: E[φ]²
    assert relu.cross(0.0, 0.0, 1.0) == pytest.approx(1 / (2 * math.pi), rel=1e-12)
    # no individual part: E[relu(C)²] = c/2
    assert relu.cross(0.0, 3.0, 0.0) == pytest.approx(1.5, rel=1e-9)
    # in between, Monte Carlo: two units sharing C
    rng = random.Random(7)
    draws = []
    for _ in range(40_000):
        c = rng.gauss(0, 1.0)
        draws.append(max(c + rng.gauss(0, 0.5), 0) * max(c + rng.gauss(0, 0.5), 0))
    average = sum(draws) / len(draws)
    assert relu.cross(0.0, 1.0, 0.25) == pytest.approx(average, rel=0.03)
