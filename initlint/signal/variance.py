"""Var(w) and E[w] of a layer's kernel, from what extraction read of its initializer.

frameworks.md §5.1 gives the variance of every initializer and §5.3 the fans each framework
computes; ``Layer.fan_in``/``fan_out`` already follow the framework's own rule (receptive
field included for convolutions). Everything here answers None when the number cannot be
known from the source (a gain held in a variable, ``**kwargs``, an identity or unknown
initializer): the signal model then stops rather than guess.

The facts this module relies on, each tested in ``tests/test_signal_variance.py``:

* Keras/TF VarianceScaling and its named forms (Glorot, He, LeCun) are variance-corrected:
  their truncated normal has exactly the named variance (§1.4).
* Plain Keras ``TruncatedNormal(stddev=s)`` is not: 0.7737·s² (extraction folds it in).
* PyTorch's Linear/Conv default, ``kaiming_uniform_(a=sqrt(5))``, is 1/(3·fan_in) (§2.4).
* ``kaiming_*_`` is gain²/fan with fan_out under ``mode="fan_out"``; ``xavier_*_`` is
  gain²·2/(fan_in + fan_out); orthogonal is gain²/max(fan_in, units) (every row or column
  of the flattened kernel has norm ``gain``, whichever is the shorter side).
* Fixed-scale inits carry their literal variance and mean: ``uniform_(w)`` is U[0, 1),
  mean 1/2 and variance 1/12; ``normal_(w)`` is N(0, 1); zeros/ones/constants have variance
  0 and their value as mean.
"""

from __future__ import annotations

from dataclasses import dataclass

from initlint.model import Framework, Init, InitFamily
from initlint.semantics import fan_mode


@dataclass(frozen=True, slots=True)
class WeightStats:
    """The first two moments of a kernel's entries."""

    variance: float
    mean: float = 0.0

    @property
    def second(self) -> float:
        """E[w²]."""
        return self.variance + self.mean * self.mean

    @property
    def centred(self) -> bool:
        return self.mean == 0.0


def weight_stats(
    init: Init, fan_in: int | None, fan_out: int | None, units: int | None = None
) -> WeightStats | None:
    """Var(w) and E[w] that ``init`` gives a kernel with these fans; ``units`` is the number
    of output units or channels (the kernel's output side, for orthogonal init; defaults to
    ``fan_out``, right for dense layers). None when it cannot be known."""
    family = init.family
    if family is InitFamily.ZEROS:
        return WeightStats(0.0, 0.0)
    if family is InitFamily.CONSTANT:
        return None if init.value is None else WeightStats(0.0, init.value)
    if family is InitFamily.RANDOM:
        if init.variance is None or init.mean is None:
            return None
        return WeightStats(init.variance, init.mean)
    if family in (InitFamily.UNKNOWN, InitFamily.OTHER, InitFamily.IDENTITY):
        return None  # identity/eye/dirac are deterministic: not a mean-field kernel
    if fan_in is None or fan_in <= 0:
        return None
    variance = _fan_scaled(init, fan_in, fan_out, units)
    return None if variance is None else WeightStats(variance)


def _fan_scaled(init: Init, fan_in: int, fan_out: int | None, units: int | None) -> float | None:
    family, name = init.family, init.name
    torch = init.framework is Framework.TORCH
    if family is InitFamily.ORTHOGONAL:
        width = units if units is not None else fan_out
        gain2 = _orthogonal_gain2(init)
        if width is None or gain2 is None:
            return None
        return gain2 / max(fan_in, width)
    if torch and name.startswith("kaiming_"):  # explicit calls and the module default
        fan = fan_out if fan_mode(init) == "fan_out" else fan_in
        return None if fan is None or init.gain2 is None else init.gain2 / fan
    if torch and name.startswith("xavier_"):
        if fan_out is None or init.gain2 is None:
            return None
        return init.gain2 * 2.0 / (fan_in + fan_out)
    if family is InitFamily.GLOROT:
        return None if fan_out is None else 2.0 / (fan_in + fan_out)
    if family is InitFamily.HE:
        return 2.0 / fan_in
    if family is InitFamily.LECUN:
        return 1.0 / fan_in
    if family is InitFamily.SCALED and not torch and init.gain2 is not None:
        # Keras VarianceScaling(scale, mode): scale / n, n = fan_in, fan_out or their mean
        divisor = fan_mode(init)
        if divisor == "fan_in":
            return init.gain2 / fan_in
        if fan_out is None:
            return None
        if divisor == "fan_out":
            return init.gain2 / fan_out
        if divisor == "fan_avg":
            return init.gain2 * 2.0 / (fan_in + fan_out)
    return None


def _orthogonal_gain2(init: Init) -> float | None:
    """gain²: read by extraction (torch's ``gain``, Keras' ``gain``), else 1 when no gain
    argument was written."""
    if init.gain2 is not None:
        return init.gain2
    return None if init.gain_given or "gain" in dict(init.params) else 1.0
