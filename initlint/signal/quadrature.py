"""Quadrature rules in pure Python: the runtime package may not depend on numpy or scipy.

Two rules, both computed here once and cached:

* Gauss-Hermite for the standard normal weight, E[f(x)], x ~ N(0, 1): exact for polynomials
  of degree ≤ 2n - 1, and very accurate for smooth integrands that vary on the scale of x.
  The moments module uses it for smooth activations at moderate scale.
* Gauss-Legendre on [-1, 1], applied panel by panel between breakpoints: what kinked
  activations (ReLU6, SELU, hard sigmoid) and sharp ones at large scale (tanh(1000·x)) need,
  since no single global polynomial rule resolves a kink or a transition narrower than its
  node spacing.

Nodes come from Newton's method on the three-term recurrences of the orthogonal polynomials,
started from a bracketing scan (Hermite) or the classical cosine estimate (Legendre).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import pairwise

Rule = tuple[tuple[float, ...], tuple[float, ...]]  # (nodes, weights)


def _hermite(n: int, t: float) -> tuple[float, float]:
    """(h_n(t), h_{n-1}(t)): orthonormal Hermite functions for the weight e^{-t²} (the
    physicists'), kept normalised so that nothing overflows at n in the hundreds."""
    previous, current = 0.0, math.pi**-0.25
    for j in range(1, n + 1):
        previous, current = (
            current,
            t * math.sqrt(2.0 / j) * current - math.sqrt((j - 1) / j) * previous,
        )
    return current, previous


@lru_cache(maxsize=8)
def gauss_hermite(n: int) -> Rule:
    """Nodes and weights with Σ w·f(x) ≈ E[f(x)] for x ~ N(0, 1), exact for polynomials of
    degree ≤ 2n - 1. Weights sum to 1."""
    if n < 1:
        raise ValueError("a quadrature rule needs at least one node")
    # The positive roots of H_n lie below sqrt(2n + 1); neighbouring roots are at least
    # ~1/sqrt(2n) apart, so a scan with a much finer step brackets each one.
    top = math.sqrt(2.0 * n + 1.0)
    steps = 40 * n
    roots: list[float] = []
    last_t, (last_h, _) = 1e-12, _hermite(n, 1e-12)
    if n % 2 == 1:
        roots.append(0.0)
    for k in range(1, steps + 1):
        t = top * k / steps
        h, _ = _hermite(n, t)
        if (h < 0.0) != (last_h < 0.0):
            roots.append(_polish_hermite(n, last_t, t))
        last_t, last_h = t, h
    positive = sorted(r for r in roots if r > 0.0)
    if len(positive) != n // 2:
        raise ArithmeticError(f"found {len(positive)} of {n // 2} Hermite roots")
    nodes: list[float] = []
    weights: list[float] = []
    for t in [-r for r in reversed(positive)] + ([0.0] if n % 2 else []) + positive:
        _, below = _hermite(n, t)
        derivative = math.sqrt(2.0 * n) * below
        weight = 2.0 / (derivative * derivative)  # for ∫ e^{-t²} f(t) dt
        nodes.append(math.sqrt(2.0) * t)  # x = √2·t turns e^{-t²} into the normal density
        weights.append(weight / math.sqrt(math.pi))
    return tuple(nodes), tuple(weights)


def _polish_hermite(n: int, low: float, high: float) -> float:
    """A root of h_n bracketed by [low, high]: Newton steps, falling back to bisection."""
    h_low, _ = _hermite(n, low)
    t = 0.5 * (low + high)
    for _ in range(100):
        h, below = _hermite(n, t)
        if h == 0.0:
            return t
        if (h < 0.0) == (h_low < 0.0):
            low, h_low = t, h
        else:
            high = t
        derivative = math.sqrt(2.0 * n) * below
        step = h / derivative if derivative else 0.0
        candidate = t - step
        if not low < candidate < high:
            candidate = 0.5 * (low + high)
        if abs(candidate - t) <= 1e-15 * max(1.0, abs(t)):
            return candidate
        t = candidate
    return t


@lru_cache(maxsize=8)
def gauss_legendre(n: int) -> Rule:
    """Nodes and weights on [-1, 1] (weight 1), exact for polynomials of degree ≤ 2n - 1."""
    if n < 1:
        raise ValueError("a quadrature rule needs at least one node")
    nodes: list[float] = []
    weights: list[float] = []
    for i in range(1, n + 1):
        x = math.cos(math.pi * (i - 0.25) / (n + 0.5))
        for _ in range(100):
            p, derivative = _legendre(n, x)
            step = p / derivative
            x -= step
            if abs(step) <= 1e-16:
                break
        _, derivative = _legendre(n, x)
        nodes.append(x)
        weights.append(2.0 / ((1.0 - x * x) * derivative * derivative))
    order = sorted(range(n), key=lambda k: nodes[k])
    return tuple(nodes[k] for k in order), tuple(weights[k] for k in order)


def _legendre(n: int, x: float) -> tuple[float, float]:
    """(P_n(x), P_n'(x)) by the Bonnet recurrence."""
    previous, current = 1.0, x
    if n == 0:
        return 1.0, 0.0
    for j in range(2, n + 1):
        previous, current = current, ((2 * j - 1) * x * current - (j - 1) * previous) / j
    return current, n * (x * current - previous) / (x * x - 1.0)


_PANEL_NODES = 24
_NORMAL = 1.0 / math.sqrt(2.0 * math.pi)


def normal_panel_rule(breaks: Sequence[float], reach: float) -> Rule:
    """Nodes and weights with Σ w·f(x) ≈ E[f(x)] for x ~ N(0, 1): 24-point Gauss-Legendre
    on each panel between ``breaks`` (clipped to [-reach, reach]; the normal tail beyond is
    dropped; panels wider than 1 are split so the density is resolved), the density folded
    into the weights. Good to ~1e-14 relative for piecewise-smooth ``f`` whose kinks are
    breakpoints."""
    points = sorted({-reach, reach, *(b for b in breaks if -reach < b < reach)})
    unit_nodes, unit_weights = gauss_legendre(_PANEL_NODES)
    nodes: list[float] = []
    weights: list[float] = []
    panels = []
    for low, high in pairwise(points):  # no panel wider than one standard deviation
        pieces = max(1, math.ceil(high - low))
        panels += [
            (low + (high - low) * k / pieces, low + (high - low) * (k + 1) / pieces)
            for k in range(pieces)
        ]
    for low, high in panels:
        half, middle = 0.5 * (high - low), 0.5 * (high + low)
        for node, weight in zip(unit_nodes, unit_weights, strict=True):
            x = middle + half * node
            nodes.append(x)
            weights.append(half * weight * math.exp(-0.5 * x * x) * _NORMAL)
    return tuple(nodes), tuple(weights)


def normal_panels(f: Callable[[float], float], breaks: Sequence[float], reach: float) -> float:
    """E[f(x)] for x ~ N(0, 1) with ``normal_panel_rule``; ``f`` smooth inside each panel."""
    nodes, weights = normal_panel_rule(breaks, reach)
    return math.fsum(w * f(x) for x, w in zip(nodes, weights, strict=True))
