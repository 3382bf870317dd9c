"""The signal model: how the forward signal and the gradient scale travel through a model's
chains of weight layers at initialisation, computed statically from widths and initializers.

* ``moments``: Gaussian moments E[φ], E[φ²], E[φ'²] of every activation initlint reads;
* ``variance``: Var(w) and E[w] of a kernel from its ``Init`` and fans (frameworks.md §5.1);
* ``propagate``: ``analyse(model) -> list[Chain]``, the per-layer numbers that the
  ``--signal`` table, its JSON and the rules KIN201/KIN202 share.

Pure Python (no numpy/scipy) and no CST: a function of extraction's ``Model`` only.
"""

from initlint.signal.moments import Activation, Moments, activation, activation_named
from initlint.signal.propagate import Chain, Step, analyse, recommended_stats
from initlint.signal.variance import WeightStats, weight_stats

__all__ = [
    "Activation",
    "Chain",
    "Moments",
    "Step",
    "WeightStats",
    "activation",
    "activation_named",
    "analyse",
    "recommended_stats",
    "weight_stats",
]
