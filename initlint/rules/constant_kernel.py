"""KIN002 constant-kernel."""

from __future__ import annotations

from collections.abc import Iterator
from textwrap import dedent

from initlint import prefilter, semantics
from initlint.diagnostics import Applicability, Violation
from initlint.model import InitFamily, Model
from initlint.rules._base import Example, Rule, fixes
from initlint.rules._symmetry import symmetry_breaks_training

_NET = dedent(
    """\
    import torch
    from torch import nn


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 32, 3)
            self.fc = nn.Linear(5408, 10)
            {init}

        def forward(self, x):
            x = torch.relu(self.conv(x))
            return self.fc(x.flatten(1))
    """
)


class ConstantKernel(Rule):
    """
    ## What it does
    Checks for hidden weight layers whose kernel is filled with one non-zero constant:
    `kernel_initializer="ones"`, `Constant(0.1)`, `nn.init.ones_(w)`,
    `nn.init.constant_(w, c)`, `w.data.fill_(c)`.

    ## Why is this bad?
    A constant kernel gives every unit of the layer the same weights, so every unit computes
    the same value: the layer's width is wasted at the start, and only differences in the
    gradients coming back from the next layer can pull the units apart (with a constant next
    layer, they never separate). The scale is wrong too: a kernel of ones sums its inputs,
    so activations grow with the layer's fan-in.

    Constant initialisation of biases and of normalization weights (gamma = 1) is standard
    and is not a kernel; constant output heads stay quiet, as zero ones do, and so do frozen
    layers (`trainable=False`) and single-filter layers: a fixed averaging filter is a choice.

    ## Example
    ```python
    import torch.nn as nn

    net = nn.Sequential(nn.Linear(784, 256), nn.Tanh(), nn.Linear(256, 10))
    nn.init.constant_(net[0].weight, 0.01)
    ```

    Use instead:
    ```python
    import torch.nn as nn

    net = nn.Sequential(nn.Linear(784, 256), nn.Tanh(), nn.Linear(256, 10))
    nn.init.xavier_uniform_(net[0].weight)
    ```

    ## Fix safety
    Unsafe: the fix writes the initializer the activation needs, but a constant kernel may be
    a deliberate fixed filter (an averaging convolution that is never trained).

    ## References
    - `shared/reference/frameworks.md` §5.1 (zeros/ones/constant: symmetric), §5.2
    """

    code = "KIN002"
    name = "constant-kernel"
    summary = "Hidden layer kernel filled with one non-zero constant"
    tokens = prefilter.EXPLICIT_INIT
    fix_applicability = Applicability.UNSAFE

    valid = (
        Example(_NET.format(init="nn.init.constant_(self.conv.bias, 0.1)")),
        Example(
            dedent(
                """\
                import keras

                model = keras.Sequential([
                    keras.layers.Dense(64, activation="relu", kernel_initializer="he_normal"),
                    keras.layers.BatchNormalization(gamma_initializer="ones"),
                    keras.layers.Dense(10, bias_initializer=keras.initializers.Constant(0.1)),
                ])
                """
            )
        ),
    )
    invalid = (
        Example(
            _NET.format(init="self.conv.weight.data.fill_(0.5)"),
            fixed=_NET.format(
                init='nn.init.kaiming_uniform_(self.conv.weight.data, nonlinearity="relu")'
            ),
        ),
        Example(
            dedent(
                """\
                import keras

                model = keras.Sequential([
                    keras.layers.Dense(64, activation="relu", kernel_initializer="ones"),
                    keras.layers.Dense(10, activation="softmax"),
                ])
                """
            ),
            fixed=dedent(
                """\
                import keras

                model = keras.Sequential([
                    keras.layers.Dense(64, activation="relu", kernel_initializer="he_uniform"),
                    keras.layers.Dense(10, activation="softmax"),
                ])
                """
            ),
        ),
        Example(
            dedent(
                """\
                from keras import layers, initializers, Sequential

                model = Sequential([
                    layers.Dense(32, kernel_initializer=initializers.Constant(0.05)),
                    layers.Activation("sigmoid"),
                    layers.Dense(1),
                ])
                """
            ),
            fixed=dedent(
                """\
                from keras import layers, initializers, Sequential

                model = Sequential([
                    layers.Dense(32, kernel_initializer=initializers.GlorotUniform()),
                    layers.Activation("sigmoid"),
                    layers.Dense(1),
                ])
                """
            ),
        ),
    )

    def check(self, model: Model) -> Iterator[Violation]:
        for layer in model.weight_layers:
            init = layer.init
            if init is None or init.family is not InitFamily.CONSTANT:
                continue
            if not symmetry_breaks_training(layer) or layer.units == 1:
                continue  # one unit has no twins: a single fixed filter is a choice
            target = semantics.recommendation(init.framework, layer.act, init.distribution)
            value = "" if init.value is None else f" ({init.value:g})"
            yield self.report(
                layer.init_node,
                f"`{layer.display}` is a hidden layer with a constant kernel{value}: all "
                "its units compute the same value",
                fix=fixes.replace_init(init, target),
                layer=layer,
            )
