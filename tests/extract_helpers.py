"""Compare extraction results by value: one tuple per weight layer."""

from __future__ import annotations

from textwrap import dedent

import libcst as cst

from initlint.frameworks import extract
from initlint.model import Init, Model
from initlint.signal import weight_stats


def models(code: str) -> list[Model]:
    return extract(cst.parse_module(dedent(code)))


def summary(code: str) -> dict[str, list[tuple[str, str, str, str, str]]]:
    """model name -> [(layer, init name, init family, act name, role)] for weight layers."""
    out = {}
    for model in models(code):
        out[model.name] = [
            (
                layer.name,
                layer.init.name if layer.init else "",
                layer.init.family.value if layer.init else "",
                layer.act.name,
                layer.role.value,
            )
            for layer in model.weight_layers
        ]
    return out


def kernel_variance(init: Init, fan_in: int | None, fan_out: int | None) -> float | None:
    """Var(w) as the signal model (and so KIN201/KIN202) computes it."""
    stats = weight_stats(init, fan_in, fan_out)
    return None if stats is None else stats.variance
