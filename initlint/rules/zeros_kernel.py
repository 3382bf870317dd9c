"""KIN001 zeros-kernel."""

from __future__ import annotations

from collections.abc import Iterator
from textwrap import dedent

from initlint import prefilter, semantics
from initlint.diagnostics import Applicability, Violation
from initlint.model import InitFamily, Model
from initlint.rules._base import Example, Rule, fixes
from initlint.rules._symmetry import symmetry_breaks_training

_MLP = dedent(
    """\
    import torch.nn as nn
    import torch.nn.functional as F


    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Linear(784, 128)
            self.out = nn.Linear(128, 10)
            {init}

        def forward(self, x):
            return self.out(F.relu(self.hidden(x)))
    """
)


class ZerosKernel(Rule):
    """
    ## What it does
    Checks for hidden weight layers (Dense, Conv, Linear) whose kernel is initialised to all
    zeros: `kernel_initializer="zeros"`, `Zeros()`, `nn.init.zeros_(w)`, `w.data.zero_()`.

    ## Why is this bad?
    A zero kernel makes the layer's output independent of its input and blocks
    backpropagation through it: the gradient reaching every earlier layer is Wᵀδ = 0, so
    they get no learning signal until this kernel has moved. Under ReLU with a zero bias
    (the Keras default) every pre-activation is exactly 0, where ReLU's gradient is 0: the
    layer never learns at all. And when the next layer's kernel is zero or constant too,
    every unit receives the same update and the units stay identical forever.

    Zero kernels are deliberate, and stay quiet, on output heads and final projections, on
    residual and adapter branches (LoRA's B, ReZero, adaLN-Zero, ControlNet zero-convs), and
    on biases and normalization weights, which are not kernels.

    ## Example
    ```python
    from keras import Sequential, layers

    model = Sequential([
        layers.Dense(128, activation="relu", kernel_initializer="zeros"),
        layers.Dense(10, activation="softmax"),
    ])
    ```

    Use instead:
    ```python
    from keras import Sequential, layers

    model = Sequential([
        layers.Dense(128, activation="relu", kernel_initializer="he_uniform"),
        layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Fix safety
    Unsafe: the fix writes the initializer the layer's activation needs (He for ReLU, Glorot
    for sigmoid/tanh/softmax/linear, LeCun normal for SELU), but a zero kernel may be part of
    a scheme initlint cannot see, such as weights loaded or copied in afterwards.

    ## References
    - `shared/reference/frameworks.md` §5.1 (zeros/ones/constant: Var 0, symmetric), §5.2
    - [Goodfellow et al., *Deep Learning*, §8.4 (breaking symmetry)](https://www.deeplearningbook.org/contents/optimization.html)
    """

    code = "KIN001"
    name = "zeros-kernel"
    summary = "Hidden layer kernel initialised to all zeros"
    tokens = prefilter.EXPLICIT_INIT
    fix_applicability = Applicability.UNSAFE

    valid = (
        Example(
            dedent(
                """\
                from keras import layers

                # a zero-initialised output head is a deliberate idiom
                head = layers.Dense(10, kernel_initializer="zeros")
                """
            )
        ),
        Example(
            _MLP.format(init="nn.init.zeros_(self.out.weight); nn.init.zeros_(self.hidden.bias)")
        ),
    )
    invalid = (
        Example(
            _MLP.format(init="nn.init.zeros_(self.hidden.weight)"),
            fixed=_MLP.format(
                init='nn.init.kaiming_uniform_(self.hidden.weight, nonlinearity="relu")'
            ),
        ),
        Example(
            _MLP.format(init="self.hidden.weight.data.zero_()"),
            fixed=_MLP.format(
                init='nn.init.kaiming_uniform_(self.hidden.weight.data, nonlinearity="relu")'
            ),
        ),
        Example(
            dedent(
                """\
                from tensorflow import keras
                from tensorflow.keras.initializers import Zeros

                model = keras.Sequential([
                    keras.layers.Dense(64, activation="tanh", kernel_initializer=Zeros()),
                    keras.layers.Dense(1),
                ])
                """
            ),
            fixed=dedent(
                """\
                from tensorflow import keras
                from tensorflow.keras.initializers import Zeros, GlorotUniform

                model = keras.Sequential([
                    keras.layers.Dense(64, activation="tanh", kernel_initializer=GlorotUniform()),
                    keras.layers.Dense(1),
                ])
                """
            ),
        ),
    )

    def check(self, model: Model) -> Iterator[Violation]:
        for layer in model.weight_layers:
            init = layer.init
            if init is None or init.family is not InitFamily.ZEROS:
                continue
            if not symmetry_breaks_training(layer):
                continue
            target = semantics.recommendation(init.framework, layer.act, init.distribution)
            yield self.report(
                layer.init_node,
                f"`{layer.display}` is a hidden layer with an all-zeros kernel: its output "
                "ignores its input and no gradient reaches the layers before it",
                fix=fixes.replace_init(init, target),
                layer=layer,
            )
