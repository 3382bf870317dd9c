"""Gaussian moments of every activation initlint reads: E[φ(h)], E[φ(h)²], E[φ'(h)²] for
h ~ N(mean, variance).

Mean-field signal propagation needs nothing else from an activation: a layer's pre-activations
are (over units, inputs and initial weights) close to Gaussian, so the next layer's input
second moment is E[φ(h)²] and the gradient's gain through the activation is E[φ'(h)²].

How each is computed, so that every value is good to ~1e-9 relative for variance in
[1e-6, 1e6] (the tests hold it to 1e-6):

* closed forms for the piecewise-linear rectifiers (ReLU, leaky ReLU / PReLU with a known
  slope), linear/identity and the exponential;
* Gauss-Hermite (100 nodes) for smooth activations while the Gaussian's scale is moderate
  (sd ≤ 1): the integrand is then analytic and slowly varying on the nodes' scale;
* Gauss-Legendre panels otherwise: breakpoints at the activation's kinks (ReLU6 at 0 and 6,
  SELU/ELU at 0, hard sigmoid at ±3), on the normal's own scale, and geometrically spaced in
  h (±2^k), which resolves a tanh(1000·x) transition as well as the flat tails.

Activations whose output is not elementwise (softmax, GLU, CReLU) or whose parameter cannot
be read (a leaky ReLU of unknown slope, RReLU's random slope, a thresholded ReLU's θ) have no
moments: ``activation()`` returns None and the caller must not guess.

Parameters that ``Act`` does not carry take the frameworks' defaults: ELU/CELU alpha = 1,
softplus β = 1, soft/hard shrink λ = 0.5, squareplus b = 4, and hard sigmoid is PyTorch's and
Keras 3's relu6(x + 3)/6 (tf_keras 2 used clip(0.2·x + 0.5), 2.5 instead of 3). GELU is the
exact erf form, the default of ``nn.GELU``, ``F.gelu`` and ``keras.activations.gelu``; its
tanh approximation differs from it by < 2e-4 in every moment here (``gelu_tanh`` has it).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from initlint.model import Act, ActFamily
from initlint.signal.quadrature import gauss_hermite, normal_panel_rule, normal_panels

_SQRT2 = math.sqrt(2.0)
_SQRT_2_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)

# SELU's constants (Klambauer et al. 2017), as torch and Keras define them.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

_HERMITE_NODES = 100
_HERMITE_MAX_SCALE = 1.0  # sd above this: panels (see the module docstring)
_REACH = 13.0  # |x| beyond 13 standard deviations: < 1e-37 of the mass
_X_BREAKS = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
_H_BREAKS = tuple(2.0**k for k in range(-6, 24))


@dataclass(frozen=True, slots=True)
class Moments:
    """E[φ(h)], E[φ(h)²] and E[φ'(h)²] for one Gaussian h."""

    mean: float
    second: float
    slope2: float


# -------------------------------------------------------------------------------- functions


def _sigmoid(z: float) -> float:
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _softplus(z: float) -> float:
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def _phi(z: float) -> float:
    return 0.5 * math.erfc(-z / _SQRT2)


def _gelu(z: float) -> tuple[float, float]:
    cdf = _phi(z)
    return z * cdf, cdf + z * math.exp(-0.5 * z * z) * _INV_SQRT_2PI


def _gelu_tanh(z: float) -> tuple[float, float]:
    inner = _SQRT_2_PI * (z + 0.044715 * z**3)
    t = math.tanh(inner)
    slope = 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * _SQRT_2_PI * (1.0 + 3 * 0.044715 * z * z)
    return 0.5 * z * (1.0 + t), slope


def _tanh(z: float) -> tuple[float, float]:
    t = math.tanh(z)
    return t, 1.0 - t * t


def _sigmoid_pair(z: float) -> tuple[float, float]:
    s = _sigmoid(z)
    return s, s * (1.0 - s)


def _silu(z: float) -> tuple[float, float]:
    s = _sigmoid(z)
    return z * s, s * (1.0 + z * (1.0 - s))


def _mish(z: float) -> tuple[float, float]:
    t = math.tanh(_softplus(z))
    return z * t, t + z * (1.0 - t * t) * _sigmoid(z)


def _softplus_pair(z: float) -> tuple[float, float]:
    return _softplus(z), _sigmoid(z)


def _log_sigmoid(z: float) -> tuple[float, float]:
    return -_softplus(-z), _sigmoid(-z)


def _elu(alpha: float, scale: float) -> Callable[[float], tuple[float, float]]:
    def elu(z: float) -> tuple[float, float]:
        if z > 0.0:
            return scale * z, scale
        e = math.exp(z)
        return scale * alpha * (e - 1.0), scale * alpha * e

    return elu


def _softsign(z: float) -> tuple[float, float]:
    d = 1.0 + abs(z)
    return z / d, 1.0 / (d * d)


def _clip(low: float, high: float, gain: float, shift: float) -> Callable[..., tuple[float, float]]:
    """clip(gain·z + shift, low, high): ReLU6, hard tanh, hard sigmoid, sparse sigmoid."""

    def clip(z: float) -> tuple[float, float]:
        y = gain * z + shift
        if y <= low:
            return low, 0.0
        if y >= high:
            return high, 0.0
        return y, gain

    return clip


def _hard_silu(z: float) -> tuple[float, float]:
    if z <= -3.0:
        return 0.0, 0.0
    if z >= 3.0:
        return z, 1.0
    return z * (z + 3.0) / 6.0, (2.0 * z + 3.0) / 6.0


def _squareplus(z: float) -> tuple[float, float]:
    root = math.sqrt(z * z + 4.0)
    return 0.5 * (z + root), 0.5 * (1.0 + z / root)


def _sparse_plus(z: float) -> tuple[float, float]:
    if z <= -1.0:
        return 0.0, 0.0
    if z >= 1.0:
        return z, 1.0
    return 0.25 * (z + 1.0) ** 2, 0.5 * (z + 1.0)


def _tanh_shrink(z: float) -> tuple[float, float]:
    t = math.tanh(z)
    return z - t, t * t


def _soft_shrink(z: float) -> tuple[float, float]:
    if z > 0.5:
        return z - 0.5, 1.0
    if z < -0.5:
        return z + 0.5, 1.0
    return 0.0, 0.0


def _hard_shrink(z: float) -> tuple[float, float]:
    return (z, 1.0) if abs(z) > 0.5 else (0.0, 0.0)


@dataclass(frozen=True, slots=True)
class _Numeric:
    """An activation integrated numerically: value and derivative, and where it has kinks
    (points where it or a low derivative is not smooth), which panels must not straddle."""

    pair: Callable[[float], tuple[float, float]]
    kinks: tuple[float, ...] = ()


_NUMERIC: dict[str, _Numeric] = {
    "tanh": _Numeric(_tanh),
    "sigmoid": _Numeric(_sigmoid_pair),
    "gelu": _Numeric(_gelu),
    "gelu_tanh": _Numeric(_gelu_tanh),
    "silu": _Numeric(_silu),
    "mish": _Numeric(_mish),
    "softplus": _Numeric(_softplus_pair),
    "log_sigmoid": _Numeric(_log_sigmoid),
    "squareplus": _Numeric(_squareplus),
    "tanh_shrink": _Numeric(_tanh_shrink),
    "elu": _Numeric(_elu(1.0, 1.0), (0.0,)),
    "celu": _Numeric(_elu(1.0, 1.0), (0.0,)),
    "selu": _Numeric(_elu(SELU_ALPHA, SELU_SCALE), (0.0,)),
    "softsign": _Numeric(_softsign, (0.0,)),
    "relu6": _Numeric(_clip(0.0, 6.0, 1.0, 0.0), (0.0, 6.0)),
    "hard_tanh": _Numeric(_clip(-1.0, 1.0, 1.0, 0.0), (-1.0, 1.0)),
    "hard_sigmoid": _Numeric(_clip(0.0, 1.0, 1.0 / 6.0, 0.5), (-3.0, 3.0)),
    "sparse_sigmoid": _Numeric(_clip(0.0, 1.0, 0.5, 0.5), (-1.0, 1.0)),
    "hard_silu": _Numeric(_hard_silu, (-3.0, 3.0)),
    "sparse_plus": _Numeric(_sparse_plus, (-1.0, 1.0)),
    "soft_shrink": _Numeric(_soft_shrink, (-0.5, 0.5)),
    "hard_shrink": _Numeric(_hard_shrink, (-0.5, 0.5)),
}

_LINEAR_NAMES = frozenset(("linear", "identity"))
_RECTIFIERS = frozenset(("relu", "leaky_relu", "prelu"))


# -------------------------------------------------------------------------------- API


@dataclass(frozen=True, slots=True)
class Activation:
    """An elementwise activation whose Gaussian moments can be computed.

    ``slope`` is the negative slope of a leaky ReLU/PReLU (0 for ReLU); None otherwise.
    """

    name: str
    slope: float | None = None

    def moments(self, variance: float, mean: float = 0.0) -> Moments:
        """E[φ(h)], E[φ(h)²], E[φ'(h)²] for h ~ N(mean, variance)."""
        return _moments(self.name, self.slope, float(mean), max(float(variance), 0.0))

    def cross(self, mean: float, common: float, individual: float) -> float:
        """E[φ(h_i)·φ(h_k)] for two units i ≠ k whose pre-activations share a common part:
        h = mean + C + e, C ~ N(0, common) the same for both, e ~ N(0, individual) their own.
        That is E_C[g(C)²] with g(C) = E_e[φ(mean + C + e)]; without a common part it is
        E[φ(h)]². A non-centred kernel makes all of a layer's units share such a part."""
        return _cross(self.name, self.slope, float(mean), float(common), float(individual))

    @property
    def needed(self) -> float:
        """The Var(w)·fan_in that keeps a unit pre-activation variance at one through this
        activation: 1/E[φ(z)²], z ~ N(0, 1) (frameworks.md §5.2's "second-moment gain²")."""
        second = self.moments(1.0).second
        return math.inf if second == 0.0 else 1.0 / second


def activation_named(name: str, slope: float | None = None) -> Activation | None:
    """The activation called ``name`` (initlint's canonical names, see ``semantics``), with
    its negative slope for leaky ReLU/PReLU; None when its moments cannot be known."""
    if name == "relu":
        return Activation("relu", 0.0)
    if name in ("leaky_relu", "prelu"):
        return None if slope is None else Activation("leaky_relu", float(slope))
    if name in _LINEAR_NAMES:
        return Activation("linear")
    if name == "exponential" or name in _NUMERIC:
        return Activation(name)
    return None


def activation(act: Act) -> Activation | None:
    """What the signal model knows of an ``Act``: None for softmax-like, unknown, or
    several different activations on different paths (``"sigmoid or tanh"``)."""
    if act.family in (ActFamily.UNKNOWN, ActFamily.SOFTMAX):
        return None
    names = set(act.name.split(" or "))
    if len(names) != 1:
        return None
    return activation_named(names.pop(), act.slope)


# -------------------------------------------------------------------------------- numerics


@lru_cache(maxsize=4096)
def _moments(name: str, slope: float | None, mean: float, variance: float) -> Moments:
    scale = math.sqrt(variance)
    if name == "linear":
        return Moments(mean, mean * mean + variance, 1.0)
    if name == "exponential":
        return Moments(
            _exp(mean + 0.5 * variance),
            _exp(2 * mean + 2 * variance),
            _exp(2 * mean + 2 * variance),
        )
    if name in ("relu", "leaky_relu"):
        a = slope or 0.0
        if scale == 0.0:
            value = mean if mean > 0.0 else a * mean
            return Moments(value, value * value, 1.0 if mean > 0.0 else a * a)
        if abs(mean) <= 4.0 * scale:  # no cancellation in the closed form
            return _leaky(mean, scale, a)
        return _integrate(
            lambda z: (max(z, 0.0) + a * min(z, 0.0), 1.0 if z > 0 else a), (0.0,), mean, scale
        )
    numeric = _NUMERIC[name]
    if scale == 0.0:
        value, slope_at = numeric.pair(mean)
        return Moments(value, value * value, slope_at * slope_at)
    return _integrate(numeric.pair, numeric.kinks, mean, scale)


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _leaky(mean: float, scale: float, a: float) -> Moments:
    """Closed form for max(h, 0) + a·min(h, 0), h ~ N(mean, scale²)."""
    t = mean / scale
    upper = _phi(t)  # P(h > 0)
    lower = 1.0 - upper if t < 0 else _phi(-t)
    density = math.exp(-0.5 * t * t) * _INV_SQRT_2PI
    # E[max(h,0)] = m·Φ(t) + s·ϕ(t); E[max(-h,0)] = -m·Φ(-t) + s·ϕ(t)
    pos1 = mean * upper + scale * density
    neg1 = -mean * lower + scale * density
    second_raw = mean * mean + scale * scale
    pos2 = second_raw * upper + mean * scale * density
    neg2 = second_raw * lower - mean * scale * density
    return Moments(pos1 - a * neg1, pos2 + a * a * neg2, upper + a * a * lower)


def _integrate(
    pair: Callable[[float], tuple[float, float]],
    kinks: tuple[float, ...],
    mean: float,
    scale: float,
) -> Moments:
    if not kinks and scale <= _HERMITE_MAX_SCALE:
        nodes, weights = gauss_hermite(_HERMITE_NODES)
    else:
        breaks = [*_X_BREAKS, *(-b for b in _X_BREAKS)]
        breaks += [(k - mean) / scale for k in kinks]
        breaks += [(h - mean) / scale for b in _H_BREAKS for h in (b, -b)]
        breaks.append(-mean / scale)
        nodes, weights = normal_panel_rule(breaks, _REACH)
    m1 = m2 = d2 = 0.0
    for x, w in zip(nodes, weights, strict=True):
        value, slope = pair(mean + scale * x)
        m1 += w * value
        m2 += w * value * value
        d2 += w * slope * slope
    return Moments(m1, m2, d2)


@lru_cache(maxsize=1024)
def _cross(name: str, slope: float | None, mean: float, common: float, individual: float) -> float:
    act = Activation(name, slope)
    if common <= 0.0:
        return act.moments(individual, mean).mean ** 2
    scale = math.sqrt(common)

    def outer(x: float) -> tuple[float, float]:
        return act.moments(individual, mean + scale * x).mean, 0.0

    if individual >= common / 16.0:  # g is smooth on the common part's scale
        nodes, weights = gauss_hermite(_HERMITE_NODES // 2)
        return sum(w * outer(x)[0] ** 2 for x, w in zip(nodes, weights, strict=True))
    kinks = _NUMERIC[name].kinks if name in _NUMERIC else (0.0,)
    breaks = [*_X_BREAKS, *(-b for b in _X_BREAKS), *((k - mean) / scale for k in kinks)]
    return normal_panels(lambda x: outer(x)[0] ** 2, breaks, _REACH)
