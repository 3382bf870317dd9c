"""KIN102 he-with-saturating."""

from __future__ import annotations

from collections.abc import Iterator
from textwrap import dedent

from initlint import prefilter, semantics
from initlint.diagnostics import Applicability, Violation
from initlint.model import InitFamily, Model, Role
from initlint.rules._base import Example, Rule, fixes


class HeWithSaturating(Rule):
    """
    ## What it does
    Checks for weight layers that explicitly use He (Kaiming) initialization but feed a
    saturating activation: sigmoid, tanh, hard sigmoid/tanh, softsign, or softmax.

    ## Why is this bad?
    He init doubles the variance to make up for ReLU discarding half its input. Sigmoid and
    tanh discard nothing, so the doubled variance drives pre-activations into the flat,
    saturated tails where gradients vanish; Glorot (Xavier) is the matching choice.

    A linear or identity output (a projection, a regression head) is not flagged: He there
    only doubles the variance of one layer, and projection layers use it widely. Nor is a
    narrow layer, where He's variance (2/fan_in) is within 1.25x of Glorot's
    (2/(fan_in+fan_out)): a `Dense(10, activation="softmax")` after a 128-wide layer gets
    only 8% more; an output head whose widths cannot be read is given that benefit of doubt.
    `kaiming_*_(w, nonlinearity="tanh")` is PyTorch's own gain for tanh, not He, and is not
    flagged either.

    ## Example
    ```python
    import torch.nn as nn

    layer = nn.Linear(256, 256)
    net = nn.Sequential(layer, nn.Tanh(), nn.Linear(256, 1))
    nn.init.kaiming_normal_(layer.weight)
    ```

    Use instead:
    ```python
    import torch.nn as nn

    layer = nn.Linear(256, 256)
    net = nn.Sequential(layer, nn.Tanh(), nn.Linear(256, 1))
    nn.init.xavier_normal_(layer.weight)
    ```

    ## Fix safety
    Safe: the fix keeps the distribution and spelling and swaps He for Glorot.

    ## References
    - [Glorot & Bengio 2010, *Understanding the difficulty of training deep feedforward
      neural networks*](https://proceedings.mlr.press/v9/glorot10a.html)
    - `shared/reference/frameworks.md` §5.2 (tanh/sigmoid targets), §2.2 (gains)
    """

    code = "KIN102"
    name = "he-with-saturating"
    summary = "Sigmoid, tanh or softmax fed by an explicit He kernel"
    tokens = prefilter.EXPLICIT_INIT
    fix_applicability = Applicability.SAFE

    valid = (
        Example(
            dedent(
                """\
                import keras

                # He on a linear regression head only doubles one layer's variance
                head = keras.layers.Dense(1, kernel_initializer="he_normal")
                """
            )
        ),
        Example(
            dedent(
                """\
                import torch.nn as nn

                layer = nn.Linear(64, 64)
                net = nn.Sequential(layer, nn.Tanh())
                nn.init.kaiming_uniform_(layer.weight, nonlinearity="tanh")
                """
            )
        ),
    )
    invalid = (
        Example(
            dedent(
                """\
                from tensorflow.keras import layers, models

                model = models.Sequential([
                    layers.Dense(64, activation="tanh", kernel_initializer="he_normal"),
                    layers.Dense(64, activation="sigmoid", kernel_initializer='HeUniform'),
                    layers.Dense(10, activation="softmax"),
                ])
                """
            ),
            fixed=dedent(
                """\
                from tensorflow.keras import layers, models

                model = models.Sequential([
                    layers.Dense(64, activation="tanh", kernel_initializer="glorot_normal"),
                    layers.Dense(64, activation="sigmoid", kernel_initializer='GlorotUniform'),
                    layers.Dense(10, activation="softmax"),
                ])
                """
            ),
        ),
        Example(
            dedent(
                """\
                import torch
                import torch.nn as nn
                from torch.nn.init import kaiming_uniform_


                class Gate(nn.Module):
                    def __init__(self, dim):
                        super().__init__()
                        self.proj = nn.Linear(dim, dim)
                        kaiming_uniform_(self.proj.weight, mode="fan_in")

                    def forward(self, x):
                        return x * torch.sigmoid(self.proj(x))
                """
            ),
            fixed=dedent(
                """\
                import torch
                import torch.nn as nn
                from torch.nn.init import kaiming_uniform_, xavier_uniform_


                class Gate(nn.Module):
                    def __init__(self, dim):
                        super().__init__()
                        self.proj = nn.Linear(dim, dim)
                        xavier_uniform_(self.proj.weight)

                    def forward(self, x):
                        return x * torch.sigmoid(self.proj(x))
                """
            ),
        ),
    )

    def check(self, model: Model) -> Iterator[Violation]:
        for layer in model.weight_layers:
            init, act = layer.init, layer.act
            if init is None or not init.explicit or init.family is not InitFamily.HE:
                continue
            if not semantics.is_saturating(act):
                continue
            ratio = semantics.he_over_glorot(init, layer.fan_in, layer.fan_out)
            if ratio is not None and ratio < semantics.MATERIAL_RATIO:
                continue  # a narrow layer: He and Glorot hardly differ
            if ratio is None and layer.role is Role.OUTPUT:
                continue  # a head of unknown width: it may be one of those
            target = semantics.replacement(
                init.framework, InitFamily.GLOROT, act, init.distribution
            )
            excess = "about twice" if ratio is None else f"{ratio:.1f}x"
            yield self.report(
                layer.init_node,
                f"`{layer.display}` feeds `{act.display}` but its kernel is He (`{init.label}`): "
                f"{excess} Glorot's variance pushes it into saturation",
                fix=fixes.replace_init(init, target),
                layer=layer,
            )
