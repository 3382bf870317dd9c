"""KIN201 unscaled-random-init."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from textwrap import dedent

from initlint import prefilter, semantics
from initlint.diagnostics import Applicability, Violation
from initlint.model import ActFamily, FileModels, InitFamily, Layer, LayerKind, Model, Role
from initlint.rules._base import Example, Rule, fixes
from initlint.signal import activation, weight_stats

DEFAULT_TOLERANCE = 8.0
# Widths a real layer's fan_in plausibly has (conv fans include the receptive field): a
# scale is judged without the width only when it is wrong for every one of them.
PLAUSIBLE_FAN_IN = (32, 8192)
# What any activation may need, Var(w)·fan_in, when the activation is not known: LeCun/Glorot
# for linear heads (1) up to sigmoid's second-moment gain² (3.41, frameworks.md §5.2).
ANY_ACTIVATION = (1.0, 3.41)


@dataclass(frozen=True, slots=True)
class Scale:
    """A kernel's Var(w)·fan_in against what its activation needs."""

    gain2: tuple[float, float]  # the range over the fans it may have (one value when known)
    needed: tuple[float, float]
    variance: float
    fan_in: int | None

    def factor(self, tolerance: float) -> float:
        """>1: too large by that much beyond the tolerance's reach; <1: too small; 1: fine."""
        low, high = self.gain2
        if low > tolerance * self.needed[1]:
            return low / self.needed[1]
        if high < self.needed[0] / tolerance:
            return high / self.needed[0]
        return 1.0


def judge(layer: Layer, normalized: bool, tolerance: float) -> tuple[Scale, float] | None:
    """The scale of a fixed-scale random kernel and its factor off what it needs, or None
    when the rule has nothing to say (not a fixed-scale init, a variance we cannot read, a
    frozen layer, SELU: KIN103 owns every init but LeCun normal there, a raw parameter not
    seen used as a kernel). ``normalized``: the
    file's models use normalization layers."""
    init = layer.init
    if init is None or not init.explicit or init.family is not InitFamily.RANDOM:
        return None
    if not layer.trainable or layer.act.family is ActFamily.SELU:
        return None
    if layer.type == "Parameter" and layer.act.family is ActFamily.UNKNOWN:
        # A raw tensor never seen multiplied as a kernel: latents, position embeddings,
        # scale-shift tables, or a weight scaled where it is used (equalized learning rate,
        # ``F.linear(x, self.weight * self.scale)``): its N(0, 1) is deliberate.
        return None
    stats = weight_stats(init, layer.fan_in, layer.fan_out)
    if stats is None:
        return None
    moments = activation(layer.act)
    if layer.act.family in (ActFamily.SOFTMAX, ActFamily.LINEAR):
        needed = (1.0, 1.0)
    elif moments is not None:
        needed = (moments.needed, moments.needed)
    else:
        needed = ANY_ACTIVATION
    if layer.fan_in is not None:
        gain2 = (stats.variance * layer.fan_in,) * 2
    else:
        gain2 = (stats.variance * PLAUSIBLE_FAN_IN[0], stats.variance * PLAUSIBLE_FAN_IN[1])
    scale = Scale(gain2, needed, stats.variance, layer.fan_in)
    factor = 0.0 if not stats.centred else scale.factor(tolerance)
    if factor == 1.0:
        return None
    if 0.0 < factor < 1.0 and deliberately_small(layer, normalized):
        return None
    return scale, factor


def deliberately_small(layer: Layer, normalized: bool) -> bool:
    """A small scale that is an idiom, not a mistake: a head or a branch (zero-ish output
    projections, adapters), or code with normalization around its layers (transformers' and
    diffusion models' N(0, 0.02): each LayerNorm restores the scale the small kernel takes
    away; the norm often sits in a block class beside the one that initialises)."""
    return layer.role is not Role.HIDDEN or layer.normalized or normalized


def _number(value: float) -> str:
    return f"{value:.3g}"


class UnscaledRandomInit(Rule):
    """
    ## What it does
    Checks for kernels filled by a fixed-scale random initializer (`RandomNormal(stddev=1.0)`,
    `RandomUniform(0, 1)`, `nn.init.normal_(w)`, `nn.init.uniform_(w)`, `w.data.normal_(0, 1)`,
    `nn.Parameter(torch.randn(out, in))`) whose scale is far from what the layer's width and
    activation need, or whose mean is not zero.

    ## Why is this bad?
    A unit sums fan_in products, so its output variance is fan_in · Var(w) times what the
    activation keeps. Glorot, He and LeCun choose Var(w) from fan_in so that this stays about
    constant layer after layer; a fixed scale ignores the width. N(0, 1) on a 784-input ReLU
    layer gives Var(w)·fan_in = 784 where 2 is needed: the signal grows ~400x per layer and
    explodes; U(±0.05) at width 128 is 19x below He and at depth 12 trains to chance on the
    digits data, while the same U(±0.05) at fan_in 784 (3x below He) trains fine at depth 3.
    A non-centred init (`uniform_`'s U[0, 1), `RandomUniform(0, 1)`) gives every unit the same
    large component: the units start nearly identical and the output explodes with the width.

    The rule allows a factor of 8 either way (`scale-tolerance` in `[tool.initlint]`). When
    the width cannot be read it speaks only if the scale is wrong for every width from 32
    to 8192 inputs. It stays quiet for a scale smaller than needed on an output head or a
    residual branch (small heads are deliberate) and in models with normalization layers,
    where transformers' N(0, 0.02) is the norm.

    ## Example
    ```python
    from keras import layers, initializers

    hidden = layers.Dense(
        512, activation="relu", kernel_initializer=initializers.RandomNormal(stddev=1.0)
    )
    model_input = layers.Input(shape=(784,))
    output = layers.Dense(10, activation="softmax")(hidden(model_input))
    ```

    Use instead:
    ```python
    from keras import layers, initializers

    hidden = layers.Dense(
        512, activation="relu", kernel_initializer=initializers.HeNormal()
    )
    model_input = layers.Input(shape=(784,))
    output = layers.Dense(10, activation="softmax")(hidden(model_input))
    ```

    ## Fix safety
    Unsafe: the fix writes the fan-scaled initializer of the same distribution for the
    layer's activation (He for ReLU family, LeCun normal for SELU, Glorot otherwise), which
    changes the scale by design; a fixed scale may have been tuned for this network. Kernels
    built from tensor factories (`torch.randn(...)`) and in-place methods are not rewritten.

    ## References
    - [Glorot & Bengio 2010](https://proceedings.mlr.press/v9/glorot10a.html),
      [He et al. 2015](https://arxiv.org/abs/1502.01852)
    - `shared/reference/frameworks.md` §5.1 (variances: torch `normal_` 1, `uniform_` U[0, 1),
      Keras `RandomNormal` 0.05), §5.2 (what each activation needs), §5.3 (fans)
    """

    code = "KIN201"
    name = "unscaled-random-init"
    summary = "fixed-scale or non-centred random kernel init far from what the layer needs"
    tokens = prefilter.EXPLICIT_INIT
    fix_applicability = Applicability.UNSAFE

    valid = (
        Example(
            dedent(
                """\
                import torch.nn as nn
                import torch.nn.functional as F


                class Net(nn.Module):
                    def __init__(self):
                        super().__init__()
                        self.fc1 = nn.Linear(784, 256)
                        self.fc2 = nn.Linear(256, 10)
                        # 0.05 at fan_in 784: Var·fan_in 1.96, what ReLU needs.
                        nn.init.normal_(self.fc1.weight, std=0.05)
                        # a small head is deliberate
                        nn.init.normal_(self.fc2.weight, std=0.001)

                    def forward(self, x):
                        return self.fc2(F.relu(self.fc1(x)))
                """
            )
        ),
        Example(
            dedent(
                """\
                from keras import layers, initializers

                # Keras' RandomNormal() default (stddev 0.05) is plausible for some width.
                hidden = layers.Dense(64, kernel_initializer=initializers.RandomNormal())
                """
            )
        ),
    )
    invalid = (
        Example(
            dedent(
                """\
                import torch.nn as nn
                import torch.nn.functional as F


                class Net(nn.Module):
                    def __init__(self):
                        super().__init__()
                        self.fc1 = nn.Linear(784, 256)
                        self.fc2 = nn.Linear(256, 10)
                        nn.init.normal_(self.fc1.weight)

                    def forward(self, x):
                        return self.fc2(F.relu(self.fc1(x)))
                """
            ),
            fixed=dedent(
                """\
                import torch.nn as nn
                import torch.nn.functional as F


                class Net(nn.Module):
                    def __init__(self):
                        super().__init__()
                        self.fc1 = nn.Linear(784, 256)
                        self.fc2 = nn.Linear(256, 10)
                        nn.init.kaiming_normal_(self.fc1.weight, nonlinearity="relu")

                    def forward(self, x):
                        return self.fc2(F.relu(self.fc1(x)))
                """
            ),
        ),
        Example(
            dedent(
                """\
                import keras
                from keras import layers
                from keras.initializers import RandomUniform

                model = keras.Sequential([
                    keras.Input(shape=(64,)),
                    layers.Dense(128, activation="tanh"),
                    layers.Dense(128, activation="tanh", kernel_initializer=RandomUniform(0, 1)),
                    layers.Dense(10, activation="softmax"),
                ])
                """
            ),
            fixed=dedent(
                """\
                import keras
                from keras import layers
                from keras.initializers import RandomUniform, GlorotUniform

                model = keras.Sequential([
                    keras.Input(shape=(64,)),
                    layers.Dense(128, activation="tanh"),
                    layers.Dense(128, activation="tanh", kernel_initializer=GlorotUniform()),
                    layers.Dense(10, activation="softmax"),
                ])
                """
            ),
        ),
    )

    def check_file(self, file: FileModels) -> Iterator[Violation]:
        normalized = any(
            layer.kind is LayerKind.NORMALIZATION for model in file.models for layer in model.layers
        )
        for model in file.models:
            yield from self._check(model, normalized)

    def _check(self, model: Model, normalized: bool) -> Iterator[Violation]:
        tolerance = self.option("scale_tolerance", DEFAULT_TOLERANCE)
        for layer in model.weight_layers:
            judged = judge(layer, normalized, tolerance)
            if judged is None:
                continue
            scale, factor = judged
            init = layer.init
            assert init is not None
            target = None
            if layer.act.family is not ActFamily.UNKNOWN:
                target = semantics.recommendation(init.framework, layer.act, init.distribution)
            yield self.report(
                layer.init_node,
                _message(layer, scale, factor),
                fix=fixes.replace_init(init, target),
                layer=layer,
            )


def _message(layer: Layer, scale: Scale, factor: float) -> str:
    init = layer.init
    assert init is not None
    what = f"`{layer.display}`'s kernel `{init.display or init.name}`"
    act = semantics.describe_act(layer.act) if layer.act.family is not ActFamily.UNKNOWN else ""
    needed = scale.needed[0] if scale.needed[0] == scale.needed[1] else None
    if factor == 0.0:
        return (
            f"{what} is not centred (mean {_number(init.mean or 0.0)}): every unit starts "
            "with the same large component, so units are correlated and the output grows "
            "with the width"
        )
    direction = "too large: the signal explodes" if factor > 1 else "too small: it vanishes"
    times = factor if factor > 1 else 1 / factor
    if scale.fan_in is not None:
        wants = (
            f"{act} needs {_number(needed)} (Var(w) = {_number(needed / scale.fan_in)})"
            if needed is not None and act
            else f"any activation needs 1 to {ANY_ACTIVATION[1]}"
        )
        return (
            f"{what} has Var(w) = {_number(scale.variance)} at fan_in {scale.fan_in}: "
            f"Var(w)·fan_in = {_number(scale.gain2[0])}, but {wants}; {_number(times)}x "
            f"{direction} layer after layer"
        )
    low, high = PLAUSIBLE_FAN_IN
    return (
        f"{what} has Var(w) = {_number(scale.variance)}, {direction.split(':')[0]} for any "
        f"fan_in from {low} to {high} (Var(w)·fan_in {_number(scale.gain2[0])} to "
        f"{_number(scale.gain2[1])}; activations need 1 to {ANY_ACTIVATION[1]})"
    )
