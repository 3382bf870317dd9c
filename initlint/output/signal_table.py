"""``initlint --signal``: the signal model's numbers per model, as a table or as JSON.

The same ``analyse`` that KIN201/KIN202 read: a user who doubts a finding sees each layer's
Var(w)·fan_in against what its activation needs, the forward second moment q and the
gradient scale, next to what the recommended initializer would give.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, TextIO

from initlint.signal import Chain, Step


@dataclass
class ModelSignal:
    filename: str
    model: str
    chains: list[Chain] = field(default_factory=list)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def step_dict(step: Step) -> dict[str, Any]:
    return {
        "layer": step.name,
        "fan_in": step.fan_in,
        "fan_out": step.fan_out,
        "init": step.init,
        "activation": step.act,
        "weight_mean": step.weight_mean,
        "weight_variance": step.weight_variance,
        "var_fan_in": step.gain2,
        "needed": step.needed,
        "recommended_var_fan_in": step.recommended_gain2,
        "q": step.q,
        "gradient": step.grad,
        "recommended_q": step.recommended_q,
        "recommended_gradient": step.recommended_grad,
    }


def render_json(models: list[ModelSignal], stream: TextIO) -> None:
    items = [
        {
            "filename": item.filename,
            "model": item.model,
            "chains": [
                {
                    "end": chain.end,
                    "forward_gain": chain.forward_gain,
                    "input_gradient": chain.input_grad,
                    "steps": [step_dict(step) for step in chain.steps],
                }
                for chain in item.chains
            ],
        }
        for item in models
    ]
    stream.write(json.dumps(items, indent=2, sort_keys=True, ensure_ascii=False))
    stream.write("\n")


def render_text(models: list[ModelSignal], stream: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    wide = None if stream.isatty() else 160  # piped or captured: never cut the numbers
    console = Console(file=stream, highlight=False, width=wide)
    if not models:
        console.print("No chains of weight layers with known widths and initializers found.")
        return
    for item in models:
        for number, chain in enumerate(item.chains, 1):
            title = f"{item.filename}: {item.model}, chain {number} (ends: {chain.end})"
            table = Table(title=title, title_justify="left")
            for header in ("layer", "fan_in→out", "init", "activation"):
                table.add_column(header)
            for header in ("Var·fan_in", "needed", "q", "q (rec.)", "grad", "grad (rec.)"):
                table.add_column(header, justify="right")
            for step in chain.steps:
                table.add_row(
                    step.name,
                    f"{step.fan_in}→{step.fan_out}",
                    step.init,
                    step.act,
                    _num(step.gain2),
                    _num(step.needed),
                    _num(step.q),
                    _num(step.recommended_q),
                    _num(step.grad),
                    _num(step.recommended_grad),
                )
            console.print(table)
            console.print()
