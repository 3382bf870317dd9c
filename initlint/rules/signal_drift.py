"""KIN202 signal-drift."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from textwrap import dedent

from initlint import prefilter
from initlint.diagnostics import Severity, Violation
from initlint.model import Model
from initlint.rules._base import Example, Rule
from initlint.signal import Chain, Step, analyse

DEFAULT_THRESHOLD = 100.0


@dataclass(frozen=True, slots=True)
class Drift:
    """Where a chain's excess drift first crosses the threshold, and how far it goes."""

    at: Step
    direction: str  # "forward" or "backward"
    factor: float  # the excess at the chain's far end: >1 larger, <1 smaller


def _off(excess: float | None) -> float:
    """How far from 1 an excess is, as a factor ≥ 1 (0 when unknown)."""
    if excess is None or excess <= 0.0:
        return 0.0
    return max(excess, 1.0 / excess)


def drift(steps: tuple[Step, ...], threshold: float) -> Drift | None:
    """The excess drift beyond the recommended init's along ``steps`` (the start of a
    chain), if it crosses ``threshold``: forward from the first layer, else backward from the
    last (gradients travel that way; scales relative to the last of ``steps``)."""
    for step in steps:
        if _off(step.forward_excess) > threshold:
            factor = steps[-1].forward_excess
            assert factor is not None
            return Drift(step, "forward", factor)
    end = steps[-1].backward_excess
    if end is None or end <= 0.0:
        return None
    for step in reversed(steps):
        excess = step.backward_excess
        if excess is not None and _off(excess / end) > threshold:
            first = steps[0].backward_excess
            assert first is not None
            return Drift(step, "backward", first / end)
    return None


def judged_steps(chain: Chain, model: Model) -> tuple[Step, ...]:
    """The part of a chain KIN202 speaks about: its layers from the first up to the first
    without an explicit initializer (framework defaults are the opt-in KIN105's business),
    when that is two layers or more; nothing for a chain with a zero or constant kernel
    (KIN001/KIN002's)."""
    if chain.has_constant_kernel:
        return ()
    steps: list[Step] = []
    for step in chain.steps:
        init = model.layers[step.index].init
        if init is None or not init.explicit:
            break
        steps.append(step)
    return tuple(steps) if len(steps) >= 2 else ()


class SignalDrift(Rule):
    """
    ## What it does
    Follows each chain of weight layers whose widths and initializers it can read (dense
    and conv layers feeding each other through activations, dropout and pooling) and
    computes, layer by layer, the forward second moment of the pre-activations and the
    scale of the gradient flowing back (mean-field: q' = fan_in·Var(w)·E[φ(z)²]). It reports
    a chain where either drifts more than 100x *beyond* what the recommended initializer
    for the same activations (He for ReLU, LeCun normal for SELU, Glorot otherwise) would
    give.

    ## Why is this bad?
    Each layer multiplies the signal's variance by fan_in·Var(w)·E[φ(z)²]. Off by 2x per
    layer (Glorot under ReLU), twelve layers shrink it 2000x: activations vanish and the
    gradients at the first layers are orders of magnitude off. How much that costs depends
    on the optimizer: measured on the digits data (`bench/evidence.py`), a 12-deep ReLU MLP
    of `nn.Linear` defaults (6x per layer) goes to chance under SGD but reaches 0.88 under
    Adam, while Glorot or LeCun under ReLU at depth 12 (drift ~6,000x) still reach 0.97 with
    Adam and 0.96 with SGD against He's 0.97; U(±0.05) at width 128 (19x per layer) trains
    to chance with both. Hence a warning, not an error. Comparing with the recommended
    init's own drift leaves out what is the activation's, not the initializer's: sigmoid
    loses gradient under Glorot too.

    Only chains of two or more layers, each with an explicit initializer, are judged; chains
    of framework defaults are the opt-in KIN105's, and zero or constant kernels KIN001's and
    KIN002's. Normalization layers, residual additions, concatenations and layers whose
    width cannot be read end a chain: nothing is guessed across them. The threshold is
    `drift-threshold` in `[tool.initlint]`. `initlint --signal` prints the numbers.

    ## Example
    ```python
    import keras
    from keras import layers
    from keras.initializers import RandomNormal

    model = keras.Sequential([
        keras.Input(shape=(256,)),
        layers.Dense(256, activation="relu", kernel_initializer=RandomNormal(stddev=0.04)),
        layers.Dense(256, activation="relu", kernel_initializer=RandomNormal(stddev=0.04)),
        layers.Dense(256, activation="relu", kernel_initializer=RandomNormal(stddev=0.04)),
        layers.Dense(10, activation="softmax"),
    ])
    ```

    Use instead:
    ```python
    import keras
    from keras import layers

    model = keras.Sequential([
        keras.Input(shape=(256,)),
        layers.Dense(256, activation="relu", kernel_initializer="he_normal"),
        layers.Dense(256, activation="relu", kernel_initializer="he_normal"),
        layers.Dense(256, activation="relu", kernel_initializer="he_normal"),
        layers.Dense(10, activation="softmax"),
    ])
    ```

    Each `RandomNormal(stddev=0.04)` layer is only 4.9x below He at this width (within
    KIN201's tolerance), but three of them in a row end 117x below.

    ## Fix safety
    No fix: the cause may be any layer of the chain. The message names the first and last
    layers and the factor; KIN101/KIN102/KIN201 fix the layers that cause it.

    ## References
    - [Poole et al. 2016, *Exponential expressivity in deep neural networks through
      transient chaos*](https://arxiv.org/abs/1606.05340) (mean-field propagation)
    - [He et al. 2015](https://arxiv.org/abs/1502.01852), §2.2 (forward and backward)
    - `shared/reference/frameworks.md` §5.1 (variances), §5.2 (E[φ(z)²] per activation)
    """

    code = "KIN202"
    name = "signal-drift"
    summary = "signal or gradient drifts over 100x beyond the recommended init along a chain"
    tokens = prefilter.EXPLICIT_INIT
    severity = Severity.WARNING

    valid = (
        Example(
            dedent(
                """\
                import torch.nn as nn

                net = nn.Sequential(
                    nn.Linear(256, 256), nn.Tanh(),
                    nn.Linear(256, 256), nn.Tanh(),
                    nn.Linear(256, 256), nn.Tanh(),
                    nn.Linear(256, 10),
                )
                for layer in (net[0], net[2], net[4]):
                    nn.init.xavier_uniform_(layer.weight)
                """
            )
        ),
        Example(
            dedent(
                """\
                import keras
                from keras import layers

                # Framework defaults only: KIN105's business, not this rule's.
                model = keras.Sequential([
                    keras.Input(shape=(256,)),
                    layers.Dense(256, activation="relu"),
                    layers.Dense(256, activation="relu"),
                    layers.Dense(256, activation="relu"),
                    layers.Dense(10, activation="softmax"),
                ])
                """
            )
        ),
    )
    invalid = (
        Example(
            dedent(
                """\
                import torch.nn as nn

                net = nn.Sequential(
                    nn.Linear(256, 256), nn.ReLU(),
                    nn.Linear(256, 256), nn.ReLU(),
                    nn.Linear(256, 256), nn.ReLU(),
                    nn.Linear(256, 10),
                )
                for layer in (net[0], net[2], net[4]):
                    nn.init.normal_(layer.weight, std=0.04)
                """
            )
        ),
    )

    def check(self, model: Model) -> Iterator[Violation]:
        threshold = self.option("drift_threshold", DEFAULT_THRESHOLD)
        for chain in analyse(model):
            steps = judged_steps(chain, model)
            found = drift(steps, threshold) if steps else None
            if found is None:
                continue
            layer = model.layers[found.at.index]
            yield self.report(
                layer.node if layer.node is not None else layer.init_node,
                _message(steps, found, threshold),
                layer=layer,
            )


def _message(steps: tuple[Step, ...], found: Drift, threshold: float) -> str:
    first, last = steps[0].name, steps[-1].name
    factor = found.factor
    how = f"{factor:.3g}x above" if factor > 1 else f"{1 / factor:.3g}x below"
    what = "forward signal" if found.direction == "forward" else "gradient"
    end = "at the last layer" if found.direction == "forward" else "at the first layer"
    position = next(n for n, step in enumerate(steps, 1) if step is found.at)
    return (
        f"along {len(steps)} layers from `{first}` to `{last}`, the {what} ends {how} what "
        f"the recommended init for the same activations gives {end}; the excess passes "
        f"{threshold:g}x here, at layer {position}"
    )
