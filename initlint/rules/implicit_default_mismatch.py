"""KIN105 implicit-default-mismatch."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from textwrap import dedent

from initlint import semantics
from initlint.diagnostics import Applicability, Violation
from initlint.model import (
    ActFamily,
    Distribution,
    FileModels,
    Framework,
    InitFamily,
    Layer,
    LayerKind,
    Model,
    Role,
    Spelling,
)
from initlint.rules._base import Example, Rule, fixes
from initlint.semantics import TorchCall

# Dense and convolution kernels; a recurrent kernel feeds the gates (sigmoid, tanh), whatever
# `activation=` says, and embeddings and norms have no fan-scaled default to speak of.
_KINDS = (LayerKind.DENSE, LayerKind.CONV)
_ROLES = (Role.HIDDEN, Role.OUTPUT)

_TORCH_CLASS = dedent(
    """\
    import torch.nn as nn
    import torch.nn.functional as F


    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(784, 256)
            self.fc2 = nn.Linear(256, 10)
    {init}
        def forward(self, x):
            return self.fc2(F.{act}(self.fc1(x)))
    """
)


class ImplicitDefaultMismatch(Rule):
    """
    ## What it does
    Checks for weight layers that feed a ReLU-family activation (ReLU, ReLU6, leaky ReLU,
    PReLU) without an initializer of their own, so that the framework default fills the
    kernel: Keras' `glorot_uniform`, or PyTorch's `kaiming_uniform_(a=sqrt(5))`.

    Opt-in: not in the default selection. Enable it with `--select KIN105`,
    `--extend-select KIN105` (or its name), a prefix such as `KIN1`, or `ALL`.

    ## Why is this bad?
    ReLU zeroes half of its input, so a steady forward variance needs Var(w) = 2 / fan_in
    (He et al. 2015). Keras' default, Glorot uniform, gives 2 / (fan_in + fan_out): half of
    that on a square layer. PyTorch's `Linear`/`Conv*` default is U(±1/sqrt(fan_in)), a
    variance of 1 / (3·fan_in): six times below He at any width (4.5x for the steepest
    leaky ReLU reported). Either way the signal shrinks at every layer, and a deep
    ReLU network starts with vanishing activations and gradients.

    A Keras layer is not reported when it is narrow enough that Glorot is already within
    1.25x of He (fan_out well below fan_in, as in a `Dense(64, activation="relu")` after a
    784-wide input): the same exemption KIN101 makes for an explicit Glorot. PyTorch's
    default gets no such exemption: its variance ignores fan_out, so it is 6x off at any
    width.

    Only ReLU-family activations count, as for KIN101. Keras' Glorot default is the right
    choice for sigmoid, tanh, softmax and linear layers, and SELU is KIN103's (it reports
    defaults itself). PyTorch's default is below Glorot under sigmoid and tanh too (3x on a
    square layer), but there the target is disputed (Glorot's Var·fan_in of 1,
    `calculate_gain("tanh")`'s 2.78), a small init keeps a saturating unit in its linear
    range, a direction often chosen on purpose, and sigmoid and softmax heads are usually
    small on purpose: so those are left alone.

    Also left alone: activations without a canonical initializer (GELU, SiLU, ELU) or that
    cannot be read; recurrent layers (their kernels feed sigmoid and tanh gates, whatever
    `activation=` says); embeddings and normalization layers; frozen layers
    (`trainable=False`, `requires_grad_(False)`: a fixed transform, or weights loaded
    later); the linear layers PyTorch builds inside `nn.TransformerEncoderLayer` and
    `nn.MultiheadAttention`; and a layer whose output cannot be followed to another layer
    or to the model's output (a lone layer, a residual branch), where the default may be
    replaced out of sight.

    ## Example
    ```python
    import keras
    from keras import layers

    model = keras.Sequential([
        keras.Input(shape=(256,)),
        layers.Dense(256, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    ```

    Use instead:
    ```python
    import keras
    from keras import layers

    model = keras.Sequential([
        keras.Input(shape=(256,)),
        layers.Dense(256, activation="relu", kernel_initializer="he_uniform"),
        layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Fix safety
    Unsafe: the default may be deliberate (a reproduction of a published model, or a
    normalization layer after the kernel that makes its scale matter little). For Keras the
    fix adds `kernel_initializer="he_uniform"`, the He initializer with the default's
    uniform distribution (or rewrites `kernel_initializer=None`). A PyTorch default has no
    code to rewrite: the message names the `nn.init` call to add after creating the layer,
    in the file's own spelling of `torch.nn.init`, e.g.
    `nn.init.kaiming_uniform_(self.fc1.weight, nonlinearity="relu")`.

    ## References
    - [He et al. 2015, *Delving Deep into Rectifiers*](https://arxiv.org/abs/1502.01852)
    - `shared/reference/frameworks.md` §1.6 (Keras layer defaults), §2.4 (PyTorch's default
      module init), §5.2 (ReLU target Var·fan_in = 2)
    """

    code = "KIN105"
    name = "implicit-default-mismatch"
    summary = "ReLU-family activation fed by a kernel left at the framework default"
    tokens = None  # a default is spelled by nothing: every framework file is read
    fix_applicability = Applicability.UNSAFE
    opt_in = True

    valid = (
        Example(
            dedent(
                """\
                import keras
                from keras import layers

                # the default, Glorot, is the right choice for tanh and sigmoid
                model = keras.Sequential([
                    layers.Dense(64, activation="tanh"),
                    layers.Dense(1, activation="sigmoid"),
                ])
                """
            )
        ),
        Example(
            dedent(
                """\
                import keras
                from keras import layers

                # narrow: Glorot's 2/(784+64) is within 1.25x of He's 2/784
                inputs = keras.Input(shape=(784,))
                hidden = layers.Dense(64, activation="relu")(inputs)
                outputs = layers.Dense(10, activation="softmax")(hidden)
                model = keras.Model(inputs, outputs)
                """
            )
        ),
        Example(
            _TORCH_CLASS.format(
                act="relu",
                init='        nn.init.kaiming_uniform_(self.fc1.weight, nonlinearity="relu")\n',
            )
        ),
        Example(_TORCH_CLASS.format(act="gelu", init="")),
    )
    invalid = (
        Example(
            dedent(
                """\
                import keras
                from keras import layers

                model = keras.Sequential([
                    keras.Input(shape=(256,)),
                    layers.Dense(256, activation="relu"),
                    layers.Dense(10, activation="softmax"),
                ])
                """
            ),
            fixed=dedent(
                """\
                import keras
                from keras import layers

                model = keras.Sequential([
                    keras.Input(shape=(256,)),
                    layers.Dense(256, activation="relu", kernel_initializer="he_uniform"),
                    layers.Dense(10, activation="softmax"),
                ])
                """
            ),
        ),
        Example(
            dedent(
                """\
                from keras import layers, Sequential

                model = Sequential([
                    layers.Conv2D(32, 3, kernel_initializer=None),  # None: the default
                    layers.BatchNormalization(),
                    layers.ReLU(),
                    layers.Flatten(),
                    layers.Dense(10),
                ])
                """
            ),
            fixed=dedent(
                """\
                from keras import layers, Sequential

                model = Sequential([
                    layers.Conv2D(32, 3, kernel_initializer="he_uniform"),  # None: the default
                    layers.BatchNormalization(),
                    layers.ReLU(),
                    layers.Flatten(),
                    layers.Dense(10),
                ])
                """
            ),
        ),
        # PyTorch: reported, with the call to add named in the message; nothing to rewrite
        Example(_TORCH_CLASS.format(act="relu", init="")),
        Example(
            dedent(
                """\
                from torch import nn

                net = nn.Sequential(nn.Conv2d(3, 64, 3), nn.LeakyReLU(0.2), nn.Conv2d(64, 1, 3))
                """
            )
        ),
    )

    def check_file(self, file: FileModels) -> Iterator[Violation]:
        """One finding per constructor call: a layer built by a factory function is seen
        once per model that calls it. The fix edits that one call, so it is offered only
        when no model gives the layer a known activation other than a rectifier."""
        built: dict[int, list[Layer]] = {}
        for model in file.models:
            for layer in model.weight_layers:
                built.setdefault(id(layer.node), []).append(layer)
        for layers in built.values():
            found = [layer for layer in layers if self._mismatched(layer)]
            if not found:
                continue
            serves_all = all(
                semantics.he_fits(layer.act)
                for layer in layers
                if layer.act.family is not ActFamily.UNKNOWN
            )
            named = [layer for layer in found if layer.path]
            if len(found) == 1 or len(named) == 1:
                yield from self._report(named[0] if named else found[0], serves_all)
            else:  # built several times: the message says what to write, for each
                yield from self._report(dataclasses.replace(found[0], path=""), serves_all)

    def check(self, model: Model) -> Iterator[Violation]:
        return iter(())  # see check_file

    @staticmethod
    def _mismatched(layer: Layer) -> bool:
        init, act = layer.init, layer.act
        if init is None or init.explicit or layer.kind not in _KINDS:
            return False  # an initializer the user wrote is KIN101's business
        if layer.role not in _ROLES or not layer.trainable or layer.synthetic:
            return False
        if not semantics.he_fits(act):
            return False  # not a rectifier, or its slope is unknown or too large for He
        if init.framework is Framework.TORCH:
            return init.family is InitFamily.TORCH_DEFAULT and bool(init.gain2)
        if init.family is not InitFamily.GLOROT:
            return False
        ratio = semantics.he_over_glorot(init, layer.fan_in, layer.fan_out)
        return ratio is None or ratio >= semantics.MATERIAL_RATIO  # else narrow: within 1.25x

    def _report(self, layer: Layer, fixable: bool) -> Iterator[Violation]:
        init, act = layer.init, layer.act
        assert init is not None
        if init.framework is Framework.KERAS:
            target = semantics.replacement(Framework.KERAS, InitFamily.HE, act, init.distribution)
            none = init.spelling is Spelling.NONE  # `kernel_initializer=None`: reported there
            written = f" (`{init.keyword}=None`)" if none else ""
            yield self.report(
                init.node if none else layer.node,
                f"`{layer.display}` feeds {semantics.describe_act(act)} but its kernel is left "
                f"at Keras' default `glorot_uniform`{written}: ReLU-family activations need He "
                "init",
                fix=fixes.replace_init(init, target) if fixable else None,
                layer=layer,
            )
            return
        target = semantics.replacement(Framework.TORCH, InitFamily.HE, act, Distribution.UNIFORM)
        he = semantics.torch_gain2("leaky_relu", semantics.relu_slope(act))
        if not isinstance(target, TorchCall) or he is None or not init.gain2:
            return
        if layer.path:
            call = fixes.torch_call_text(target, f"{layer.path}.weight", layer.context, layer.node)
            add = f"add `{call}` after creating it"
        else:
            call = fixes.torch_call_text(target, "w", layer.context, layer.node)
            add = f"initialise its weight with `{call}`"
        yield self.report(
            layer.node,
            f"`{layer.display}` feeds {semantics.describe_act(act)} but its kernel is left at "
            f"PyTorch's default `kaiming_uniform_(a=sqrt(5))` (Var 1/(3·fan_in), "
            f"{he / init.gain2:.2g}x below He): {add}",
            layer=layer,
        )
