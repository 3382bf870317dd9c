"""KIN103 selu-without-lecun."""

from __future__ import annotations

from collections.abc import Iterator
from textwrap import dedent

from initlint import prefilter, semantics
from initlint.diagnostics import Applicability, Violation
from initlint.model import ActFamily, Distribution, Framework, Init, InitFamily, Model, Spelling
from initlint.rules._base import Example, Rule, fixes

_LECUN_NORMAL = (Distribution.NORMAL, Distribution.TRUNCATED_NORMAL)


def _wrong_fixed_scale(init: Init, fan_in: int | None) -> bool:
    """A fixed-scale normal init is LeCun normal when Var(w)·fan_in ≈ 1; unknowable without
    both numbers, and then never reported."""
    if init.variance is None or fan_in is None:
        return False
    if init.distribution not in _LECUN_NORMAL:
        return True
    return not 0.8 <= init.variance * fan_in <= 1.25


class SeluWithoutLecun(Rule):
    """
    ## What it does
    Checks for weight layers that feed SELU with any kernel initializer other than LeCun
    normal, framework defaults included.

    ## Why is this bad?
    SELU self-normalises (activations converge to mean 0, variance 1 through depth) only
    when the weights have mean 0 and Var(w) = 1 / fan_in, drawn from a normal distribution
    (Klambauer et al. 2017). Keras' default `glorot_uniform` and PyTorch's default
    (Var = 1 / (3·fan_in)) both break the fixed point, and so does PyTorch's
    `calculate_gain("selu")` (3/4), which its documentation itself warns against.

    ## Example
    ```python
    import keras

    layer = keras.layers.Dense(128, activation="selu")
    ```

    Use instead:
    ```python
    import keras

    layer = keras.layers.Dense(128, activation="selu", kernel_initializer="lecun_normal")
    ```

    ## Fix safety
    Safe: LeCun normal is the initializer SELU is defined with. In Keras the fix writes
    `lecun_normal` in the user's spelling (or adds `kernel_initializer=` when none was
    given); in PyTorch it writes `kaiming_normal_(w, nonlinearity="linear")`, which is LeCun
    normal. A PyTorch layer left at its default has no init call to rewrite, so it is
    reported without a fix.

    ## References
    - [Klambauer et al. 2017, *Self-Normalizing Neural Networks*](https://arxiv.org/abs/1706.02515)
    - `shared/reference/frameworks.md` §5.2 (SELU row), §2.2 (`calculate_gain("selu")`)
    """

    code = "KIN103"
    name = "selu-without-lecun"
    summary = "SELU fed by a kernel that is not LeCun normal"
    tokens = prefilter.SELU
    fix_applicability = Applicability.SAFE

    valid = (
        Example(
            dedent(
                """\
                import torch.nn as nn

                fc = nn.Linear(256, 256)
                net = nn.Sequential(fc, nn.SELU())
                nn.init.kaiming_normal_(fc.weight, nonlinearity="linear")
                """
            )
        ),
        Example(
            dedent(
                """\
                from keras import layers, initializers

                hidden = layers.Dense(
                    64, activation="selu", kernel_initializer=initializers.LecunNormal()
                )
                """
            )
        ),
    )
    invalid = (
        Example(
            dedent(
                """\
                import torch.nn as nn

                fc = nn.Linear(256, 256)
                net = nn.Sequential(fc, nn.SELU())
                nn.init.kaiming_normal_(fc.weight, nonlinearity="selu")
                """
            ),
            fixed=dedent(
                """\
                import torch.nn as nn

                fc = nn.Linear(256, 256)
                net = nn.Sequential(fc, nn.SELU())
                nn.init.kaiming_normal_(fc.weight, nonlinearity="linear")
                """
            ),
        ),
        Example(
            dedent(
                """\
                from keras import layers, Sequential

                model = Sequential([
                    layers.Dense(
                        64,
                        activation="selu",
                    ),
                    layers.Dense(64, activation="selu", kernel_initializer="lecun_uniform"),
                    layers.Dense(1),
                ])
                """
            ),
            fixed=dedent(
                """\
                from keras import layers, Sequential

                model = Sequential([
                    layers.Dense(
                        64,
                        activation="selu",
                        kernel_initializer="lecun_normal",
                    ),
                    layers.Dense(64, activation="selu", kernel_initializer="lecun_normal"),
                    layers.Dense(1),
                ])
                """
            ),
        ),
        Example(
            dedent(
                """\
                import torch.nn as nn

                # PyTorch's default (Var 1/(3 fan_in)) under SELU: reported, nothing to rewrite
                net = nn.Sequential(nn.Linear(256, 256), nn.SELU(), nn.Linear(256, 10))
                """
            )
        ),
    )

    def check(self, model: Model) -> Iterator[Violation]:
        for layer in model.weight_layers:
            init, act = layer.init, layer.act
            if init is None or act.family is not ActFamily.SELU:
                continue
            if init.family is InitFamily.UNKNOWN:
                continue  # an initializer we cannot read: never guess
            if init.family is InitFamily.LECUN and init.distribution in _LECUN_NORMAL:
                continue
            if init.family is InitFamily.RANDOM and not _wrong_fixed_scale(init, layer.fan_in):
                continue
            target = semantics.replacement(init.framework, InitFamily.LECUN, act, None)
            kind = "" if init.explicit else " (framework default)"
            add = ""
            if target and init.spelling is Spelling.DEFAULT and init.framework is Framework.TORCH:
                add = f"; initialise its weight with `{semantics.display(target)}`"
            yield self.report(
                layer.init_node,
                f"`{layer.display}` feeds `selu` but its kernel is `{init.label}`{kind}: SELU "
                f"self-normalises only with LeCun normal{add}",
                fix=fixes.replace_init(init, target),
                layer=layer,
            )
