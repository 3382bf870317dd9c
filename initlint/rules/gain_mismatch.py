"""KIN104 gain-mismatch."""

from __future__ import annotations

import math
from collections.abc import Iterator
from textwrap import dedent

from initlint import prefilter, semantics
from initlint.diagnostics import Applicability, Violation
from initlint.model import Init, Model
from initlint.rules._base import Example, Rule, fixes

_FC = dedent(
    """\
    import torch.nn as nn

    fc = nn.Linear(256, 256)
    net = nn.Sequential(fc, nn.{act}, nn.Linear(256, 10))
    {init}
    """
)


class GainMismatch(Rule):
    """
    ## What it does
    Checks PyTorch `kaiming_*_`, `xavier_*_` and `orthogonal_` calls whose gain argument
    (`nonlinearity=`, `a=`, or `gain=` as a number or `calculate_gain("...")`) is computed
    for a different activation than the one the layer feeds: ReLU or ReLU6, leaky ReLU or
    PReLU (with a slope that can be read), tanh, or sigmoid.

    ## Why is this bad?
    PyTorch scales these initializers by `calculate_gain(nonlinearity)`: √2 for ReLU, 5/3
    for tanh, 1 for sigmoid, √(2/(1+slope²)) for leaky ReLU. The gain is there to match the
    activation, so one written for another activation (a tanh network's init copied into a
    ReLU one, say) leaves the kernel variance off by the ratio of the squared gains:
    `nonlinearity="tanh"` before ReLU gives 1.4x too much, `calculate_gain("relu")` before
    sigmoid 2x too much. Only a material difference is reported (squared gains 1.25x apart
    or more): `a=0` before `LeakyReLU(0.2)` is 1.04x off and stays quiet. Before tanh, a
    gain of 1 is accepted as well as 5/3: it is Glorot's and LeCun's choice for tanh.

    Which rule reports what, so that one call gets one finding: the He/Glorot mix-ups
    belong to the rules about them, whose width-aware exemptions (narrow layers, output
    heads) apply whatever the spelling. A Glorot or LeCun kernel under ReLU
    (`xavier_uniform_(w)`, `kaiming_normal_(w, nonlinearity="linear")`) is KIN101's; a He
    kernel under sigmoid or tanh (`kaiming_normal_(w)`, `nonlinearity="relu"`) is KIN102's.
    This rule reports the other gains written for the wrong activation: tanh's, sigmoid's,
    SELU's, a leaky slope, `calculate_gain(...)` or a number given to `xavier_*_` and
    `orthogonal_`, and kaiming's default (He, slope 0) before a leaky ReLU steep enough
    to need another gain. A gain left at its default is not compared otherwise.

    Not compared, on purpose:
    - `kaiming_uniform_(w, a=math.sqrt(5))`: PyTorch's own `nn.Linear`/`nn.Conv*` default,
      written out in custom layers to match them; its slope is no activation's gain.
    - SELU: `calculate_gain("selu")` is itself the mistake KIN103 reports.
    - softmax, hard sigmoid/tanh and softsign, which `calculate_gain` has no name for (He
      before them is KIN102's); GELU, SiLU, ELU, Mish and other smooth activations, which
      have no canonical gain; unknown activations.
    - Linear outputs (projections, regression heads), where any gain is a deliberate scale.

    ## Example
    ```python
    import torch.nn as nn

    layer = nn.Linear(256, 256)
    net = nn.Sequential(layer, nn.ReLU(), nn.Linear(256, 10))
    nn.init.kaiming_normal_(layer.weight, nonlinearity="tanh")
    ```

    Use instead:
    ```python
    import torch.nn as nn

    layer = nn.Linear(256, 256)
    net = nn.Sequential(layer, nn.ReLU(), nn.Linear(256, 10))
    nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
    ```

    ## Fix safety
    Safe: the fix rewrites only the gain argument, in the form it was written, and keeps the
    initializer, its distribution, `mode` and `generator`. `nonlinearity="tanh"` becomes
    `nonlinearity="relu"`; for a leaky ReLU, kaiming gets `a=<slope>` (and
    `nonlinearity="leaky_relu"` when one was written), and an `a` that the new
    nonlinearity ignores is dropped; `gain=nn.init.calculate_gain("relu")` becomes
    `calculate_gain("tanh")` in the user's spelling; a literal gain stays a literal
    expression (`gain=2.5` → `gain=5 / 3`, `2 ** 0.5` for ReLU).

    A literal gain between 1 and 5/3 before tanh is not reported: both ends are accepted
    choices for tanh (LeCun/Glorot's 1, PyTorch's 5/3), so a value between them, such as
    reinforcement learning's `orthogonal_(w, np.sqrt(2))`, is no mismatch.

    ## References
    - [`torch.nn.init.calculate_gain`](https://pytorch.org/docs/stable/nn.init.html)
    - [He et al. 2015, *Delving Deep into Rectifiers*](https://arxiv.org/abs/1502.01852)
    - `shared/reference/frameworks.md` §2.1 (`kaiming_*_`, `xavier_*_`, `orthogonal_`
      signatures), §2.2 (the `calculate_gain` table), §2.4 (`a=sqrt(5)`)
    """

    code = "KIN104"
    name = "gain-mismatch"
    summary = "PyTorch `nonlinearity=`, `a=` or `gain=` written for another activation"
    tokens = prefilter.EXPLICIT_INIT
    fix_applicability = Applicability.SAFE

    valid = (
        Example(
            _FC.format(
                act="ReLU()", init="nn.init.kaiming_uniform_(fc.weight, a=math.sqrt(5))"
            ).replace("import torch.nn as nn", "import math\n\nimport torch.nn as nn")
        ),
        Example(_FC.format(act="LeakyReLU(0.2)", init="nn.init.kaiming_normal_(fc.weight, a=0)")),
        Example(
            _FC.format(act="GELU()", init='nn.init.kaiming_normal_(fc.weight, nonlinearity="relu")')
        ),
        Example(
            _FC.format(
                act="Tanh()",
                init='nn.init.xavier_uniform_(fc.weight, gain=nn.init.calculate_gain("tanh"))',
            )
        ),
        Example(
            dedent(
                """\
                import torch.nn as nn

                # a linear head: any gain is a deliberate scale
                head = nn.Linear(256, 1)
                nn.init.orthogonal_(head.weight, gain=0.01)
                """
            )
        ),
    )
    invalid = (
        Example(
            _FC.format(
                act="ReLU()",
                init='nn.init.kaiming_normal_(fc.weight, mode="fan_out", nonlinearity="tanh")',
            ),
            fixed=_FC.format(
                act="ReLU()",
                init='nn.init.kaiming_normal_(fc.weight, mode="fan_out", nonlinearity="relu")',
            ),
        ),
        Example(
            _FC.format(
                act="Sigmoid()",
                init='nn.init.xavier_uniform_(fc.weight, gain=nn.init.calculate_gain("relu"))',
            ),
            fixed=_FC.format(
                act="Sigmoid()",
                init='nn.init.xavier_uniform_(fc.weight, gain=nn.init.calculate_gain("sigmoid"))',
            ),
        ),
        Example(
            dedent(
                """\
                import torch.nn as nn
                import torch.nn.functional as F
                from torch.nn.init import calculate_gain, xavier_normal_


                class Block(nn.Module):
                    def __init__(self):
                        super().__init__()
                        self.fc = nn.Linear(512, 512)
                        xavier_normal_(self.fc.weight, gain=calculate_gain('tanh'))

                    def forward(self, x):
                        return F.leaky_relu(self.fc(x), 0.2)
                """
            ),
            fixed=dedent(
                """\
                import torch.nn as nn
                import torch.nn.functional as F
                from torch.nn.init import calculate_gain, xavier_normal_


                class Block(nn.Module):
                    def __init__(self):
                        super().__init__()
                        self.fc = nn.Linear(512, 512)
                        xavier_normal_(self.fc.weight, gain=calculate_gain('leaky_relu', 0.2))

                    def forward(self, x):
                        return F.leaky_relu(self.fc(x), 0.2)
                """
            ),
        ),
        Example(
            _FC.format(act="Tanh()", init="nn.init.orthogonal_(fc.weight, gain=2.5)"),
            fixed=_FC.format(act="Tanh()", init="nn.init.orthogonal_(fc.weight, gain=5 / 3)"),
        ),
        Example(
            _FC.format(
                act="LeakyReLU(0.2)",
                init='nn.init.kaiming_uniform_(fc.weight, nonlinearity="tanh")',
            ),
            fixed=_FC.format(
                act="LeakyReLU(0.2)",
                init='nn.init.kaiming_uniform_(fc.weight, a=0.2, nonlinearity="leaky_relu")',
            ),
        ),
    )

    def check(self, model: Model) -> Iterator[Violation]:
        for layer in model.weight_layers:
            init, act = layer.init, layer.act
            if init is None or not init.explicit:
                continue
            mismatch = semantics.gain_mismatch(init, act)
            if mismatch is None:
                continue
            direction = "more" if mismatch.written > mismatch.needed else "less"
            yield self.report(
                layer.init_node,
                f"`{layer.display}` feeds {semantics.describe_act(act)} but `{init.name}` uses "
                f"{_written(init)}: {mismatch.ratio:.1f}x {direction} variance than "
                f"`{_gain_call(mismatch.nonlinearity, mismatch.slope)}` gives",
                fix=fixes.set_gain(init, mismatch.nonlinearity, mismatch.slope),
                layer=layer,
            )


def _written(init: Init) -> str:
    """The gain a call uses, for the message."""
    if init.nonlinearity is None:
        return f"a gain of {math.sqrt(init.gain2 or 0.0):.3g}"
    if init.nonlinearity != "leaky_relu":
        return f"the gain for `{init.nonlinearity}`"
    default = "" if init.gain_given else ", its default"
    return f"the gain for `leaky_relu` with slope {init.slope or 0.0:g}{default}"


def _gain_call(nonlinearity: str, slope: float | None) -> str:
    if nonlinearity == "leaky_relu":
        return f'calculate_gain("leaky_relu", {slope or 0.0:g})'
    return f'calculate_gain("{nonlinearity}")'
