"""When a zero or constant kernel is a bug, shared by KIN001 and KIN002."""

from __future__ import annotations

from initlint.model import ActFamily, Layer, Role

_NONLINEAR = (ActFamily.RELU, ActFamily.SATURATING, ActFamily.SELU, ActFamily.SMOOTH)


def symmetry_breaks_training(layer: Layer) -> bool:
    """A hidden layer, or one feeding a known nonlinearity that is not the model's output.

    Zero or constant output heads, final projections and residual/adapter branches (LoRA's B,
    ControlNet zero-convs, adaLN-Zero) are deliberate: their role is OUTPUT or UNKNOWN and
    nothing nonlinear follows them, so they stay quiet.
    """
    if layer.role is Role.HIDDEN:
        return True
    return layer.role is Role.UNKNOWN and layer.act.family in _NONLINEAR
