"""When a zero or constant kernel is a bug, shared by KIN001 and KIN002."""

from __future__ import annotations

from initlint.model import Framework, Layer, LayerKind, Role


def symmetry_breaks_training(layer: Layer) -> bool:
    """Only a trainable layer known to feed another weight layer.

    Zero or constant output heads, final projections, gates and residual/adapter branches
    (LoRA's B, ControlNet zero-convs, adaLN-Zero) are deliberate: their output is the
    model's, or is mixed elementwise into it, so each unit gets its own gradient. Their role
    is OUTPUT or UNKNOWN and they stay quiet; so does any layer whose data flow we could
    not follow. A frozen layer (``trainable=False``) is a fixed transform, never trained.
    A PyTorch RNN's zero input weights are not symmetric: its biases and recurrent weights
    start random (frameworks.md §2.4), so its units still differ.
    """
    recurrent = layer.kind is LayerKind.RECURRENT and layer.framework is Framework.TORCH
    return layer.role is Role.HIDDEN and layer.trainable and not recurrent
