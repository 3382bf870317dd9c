"""KIN101 relu-without-he."""

from __future__ import annotations

from collections.abc import Iterator
from textwrap import dedent

from initlint import prefilter, semantics
from initlint.diagnostics import Applicability, Violation
from initlint.model import InitFamily, Model
from initlint.rules._base import Example, Rule, fixes

_FC = dedent(
    """\
    import torch.nn as nn

    fc = nn.Linear(128, 128)
    net = nn.Sequential(fc, nn.{act}, nn.Linear(128, 10))
    {init}
    """
)


class ReluWithoutHe(Rule):
    """
    ## What it does
    Checks for weight layers that feed a ReLU-family activation (ReLU, ReLU6, leaky ReLU,
    PReLU) but explicitly fill their kernel with a Glorot (Xavier) or LeCun initializer.

    ## Why is this bad?
    ReLU zeroes half of its input, so keeping the forward variance steady needs
    Var(w) = 2 / fan_in (He et al. 2015). Glorot gives 2 / (fan_in + fan_out) and LeCun
    1 / fan_in: about half of that, so the signal shrinks by ~2x at every layer and deep
    networks start with vanishing activations and gradients.

    A normalization layer between the kernel and the ReLU (`Dense → BatchNorm → ReLU`) still
    counts as a ReLU pairing: the norm restores the forward scale, but He stays the matching
    choice and is what torchvision and Keras applications use there.

    A narrow layer is not reported for Glorot: with fan_out well below fan_in,
    2/(fan_in+fan_out) is already within 1.25x of He's 2/fan_in.

    Framework defaults are not this rule's business (Keras' implicit `glorot_uniform` and
    PyTorch's implicit `kaiming_uniform_(a=sqrt(5))` are left to the opt-in rule KIN105),
    nor are activations without a canonical initializer (GELU, SiLU, ELU).

    ## Example
    ```python
    from keras import layers

    dense = layers.Dense(256, activation="relu", kernel_initializer="glorot_uniform")
    ```

    Use instead:
    ```python
    from keras import layers

    dense = layers.Dense(256, activation="relu", kernel_initializer="he_uniform")
    ```

    ## Fix safety
    Safe: the fix keeps the distribution (uniform or normal), the spelling (string, class or
    instance, `nn.init` function) and the arguments such as `seed`; it changes only the scale.
    For leaky ReLU in PyTorch it passes the slope: `kaiming_*_(w, a=slope,
    nonlinearity="leaky_relu")`. A leaky ReLU whose slope cannot be read
    (`nn.LeakyReLU(cfg.slope)`), or is large (|slope| > 0.58, where the right gain falls
    below 1.5 and approaches Glorot's at slope 1), is not reported at all.
    `VarianceScaling` is rewritten in place (`scale=2.0, mode="fan_in"`), keeping its
    distribution and seed.

    ## References
    - [He et al. 2015, *Delving Deep into Rectifiers*](https://arxiv.org/abs/1502.01852)
    - `shared/reference/frameworks.md` §5.1, §5.2 (ReLU target Var·fan_in = 2), §2.2 (gains)
    """

    code = "KIN101"
    name = "relu-without-he"
    summary = "ReLU-family activation fed by an explicit Glorot or LeCun kernel"
    tokens = prefilter.EXPLICIT_INIT
    fix_applicability = Applicability.SAFE

    valid = (
        Example(
            _FC.format(
                act="ReLU()", init='nn.init.kaiming_uniform_(fc.weight, nonlinearity="relu")'
            )
        ),
        Example(_FC.format(act="Tanh()", init="nn.init.xavier_uniform_(fc.weight)")),
        Example(
            dedent(
                """\
                from keras import layers

                # no explicit initializer: the Keras default is not this rule's business
                hidden = layers.Dense(64, activation="relu")
                """
            )
        ),
    )
    invalid = (
        Example(
            _FC.format(act="ReLU()", init="nn.init.xavier_uniform_(fc.weight)"),
            fixed=_FC.format(
                act="ReLU()", init='nn.init.kaiming_uniform_(fc.weight, nonlinearity="relu")'
            ),
        ),
        Example(
            _FC.format(act="LeakyReLU(0.2)", init="nn.init.xavier_normal_(fc.weight)"),
            fixed=_FC.format(
                act="LeakyReLU(0.2)",
                init='nn.init.kaiming_normal_(fc.weight, a=0.2, nonlinearity="leaky_relu")',
            ),
        ),
        Example(
            dedent(
                """\
                from keras.models import Sequential
                from keras.layers import Dense, ReLU
                from keras.initializers import GlorotNormal

                model = Sequential()
                model.add(Dense(128, kernel_initializer=GlorotNormal(seed=1)))
                model.add(ReLU())
                model.add(Dense(10, activation="softmax"))
                """
            ),
            fixed=dedent(
                """\
                from keras.models import Sequential
                from keras.layers import Dense, ReLU
                from keras.initializers import GlorotNormal, HeNormal

                model = Sequential()
                model.add(Dense(128, kernel_initializer=HeNormal(seed=1)))
                model.add(ReLU())
                model.add(Dense(10, activation="softmax"))
                """
            ),
        ),
    )

    def check(self, model: Model) -> Iterator[Violation]:
        for layer in model.weight_layers:
            init, act = layer.init, layer.act
            if init is None or not init.explicit:
                continue
            if init.family not in (InitFamily.GLOROT, InitFamily.LECUN):
                continue
            if not semantics.he_fits(act):
                continue  # not a rectifier, or its slope is unknown or too large for He
            ratio = semantics.he_over_glorot(init, layer.fan_in, layer.fan_out)
            narrow = ratio is not None and ratio < semantics.MATERIAL_RATIO
            if init.family is InitFamily.GLOROT and narrow:
                continue  # Glorot's variance is already within 1.25x of He's
            target = semantics.replacement(init.framework, InitFamily.HE, act, init.distribution)
            family = semantics.FAMILY_NAMES[init.family]
            yield self.report(
                layer.init_node,
                f"`{layer.display}` feeds {semantics.describe_act(act)} but its kernel is "
                f"{family} (`{init.label}`): ReLU-family activations need He init",
                fix=fixes.replace_init(init, target),
                layer=layer,
            )
