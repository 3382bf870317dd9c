"""Keras (Keras 3, tf.keras, Keras 2): layers, initializer values and activation values."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import libcst as cst

from initlint import semantics
from initlint.frameworks.common import (
    Recognized,
    What,
    argument,
    has_star_args,
    literal_int,
    literal_number,
    literal_or,
    literal_string,
    source_text,
)
from initlint.frameworks.names import Imports
from initlint.model import (
    LINEAR_ACT,
    UNKNOWN_ACT,
    Act,
    Framework,
    Init,
    InitFamily,
    InstanceUse,
    LayerKind,
    Seed,
    Spelling,
)

K = LayerKind
LAYER_KINDS: dict[str, LayerKind] = {
    **dict.fromkeys(("Dense", "EinsumDense"), K.DENSE),
    **dict.fromkeys(
        (
            "Conv1D",
            "Conv2D",
            "Conv3D",
            "Convolution1D",
            "Convolution2D",
            "Convolution3D",
            "Conv1DTranspose",
            "Conv2DTranspose",
            "Conv3DTranspose",
            "Convolution2DTranspose",
            "Convolution3DTranspose",
        ),
        K.CONV,
    ),
    **dict.fromkeys(("SimpleRNN", "LSTM", "GRU", "ConvLSTM1D", "ConvLSTM2D"), K.RECURRENT),
    "Embedding": K.EMBEDDING,
    **dict.fromkeys(
        (
            "BatchNormalization",
            "LayerNormalization",
            "GroupNormalization",
            "UnitNormalization",
            "RMSNormalization",
        ),
        K.NORMALIZATION,
    ),
    **dict.fromkeys(
        ("Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "ThresholdedReLU"),
        K.ACTIVATION,
    ),
    **dict.fromkeys(
        (
            "Dropout",
            "SpatialDropout1D",
            "SpatialDropout2D",
            "SpatialDropout3D",
            "GaussianDropout",
            "GaussianNoise",
            "AlphaDropout",
            "Flatten",
            "Reshape",
            "Permute",
            "InputLayer",
            "MaxPooling1D",
            "MaxPooling2D",
            "MaxPooling3D",
            "MaxPool1D",
            "MaxPool2D",
            "MaxPool3D",
            "AveragePooling1D",
            "AveragePooling2D",
            "AveragePooling3D",
            "AvgPool1D",
            "AvgPool2D",
            "AvgPool3D",
            "GlobalAveragePooling1D",
            "GlobalAveragePooling2D",
            "GlobalAveragePooling3D",
            "GlobalMaxPooling1D",
            "GlobalMaxPooling2D",
            "GlobalMaxPooling3D",
            "GlobalAvgPool1D",
            "GlobalAvgPool2D",
            "GlobalMaxPool1D",
            "GlobalMaxPool2D",
            "ZeroPadding1D",
            "ZeroPadding2D",
            "ZeroPadding3D",
            "Cropping1D",
            "Cropping2D",
            "UpSampling1D",
            "UpSampling2D",
            "UpSampling3D",
        ),
        K.PASSTHROUGH,
    ),
}
# What `from <module> import *` brings in, among the names we read.
STAR_EXPORTS: dict[str, frozenset[str]] = {
    "keras.layers": frozenset(LAYER_KINDS),
    "keras.initializers": frozenset(semantics.KERAS_INITS),
    "keras.activations": frozenset(semantics.KERAS_ACT_NAMES),
    "keras.models": frozenset(("Sequential", "Model")),
    "keras": frozenset(
        ("Sequential", "Model", "layers", "initializers", "activations", "models", "ops")
    ),
}
# Layers with a kernel take `kernel_initializer` and `activation` (frameworks.md §1.6).
_SEQUENTIAL = {"keras.Sequential", "keras.models.Sequential"}
_INPUT = {"keras.Input", "keras.layers.Input"}
_MODEL = {"keras.Model", "keras.models.Model"}


def recognize(qualified: str) -> Recognized | None:
    """What a canonical ``keras.*``/``tensorflow.*`` name is, if we read it."""
    if qualified in _SEQUENTIAL:
        return Recognized(What.SEQUENTIAL, Framework.KERAS, "Sequential")
    if qualified in _MODEL:
        return Recognized(What.FUNCTIONAL_MODEL, Framework.KERAS, "Model")
    if qualified in _INPUT:
        return Recognized(What.INPUT, Framework.KERAS, "Input")
    last = qualified.rsplit(".", 1)[-1]
    if qualified.startswith("keras.layers.") and last in LAYER_KINDS:
        return Recognized(What.LAYER, Framework.KERAS, last, LAYER_KINDS[last])
    act = _act_function_name(qualified)
    if act is not None:
        return Recognized(What.ACT_FUNCTION, Framework.KERAS, act)
    return None


def _act_function_name(qualified: str) -> str | None:
    prefix, _, last = qualified.rpartition(".")
    if prefix in (
        "keras.activations",
        "keras.ops",
        "keras.ops.nn",
        "keras.backend",
        "tensorflow.nn",
        "tensorflow.math",
    ):
        return semantics.KERAS_ACT_NAMES.get(last)
    if prefix == "tensorflow" and last in ("sigmoid", "tanh"):
        return last
    return None


def function_act(qualified_name: str, call: cst.Call | None) -> Act:
    """The activation a Keras/TF activation function call applies (``tf.nn.leaky_relu(x, 0.1)``)."""
    name = _act_function_name(qualified_name) or "unknown"
    slope = None
    if name == "leaky_relu":
        given = None
        if call is not None:
            given = argument(call, 1, "negative_slope") or argument(call, None, "alpha")
        slope = literal_or(given, semantics.KERAS_LEAKY_FUNCTION_SLOPE)
    return semantics.make_act(name, qualified_name.rsplit(".", 1)[-1], slope)


Resolver = Callable[[cst.BaseExpression], cst.BaseExpression | None]


def _no_variables(node: cst.BaseExpression) -> cst.BaseExpression | None:
    return None


def layer_act(
    type_name: str, call: cst.Call, imports: Imports, resolve: Resolver = _no_variables
) -> Act | None:
    """The activation a layer applies: ``activation=`` or the activation layer itself.

    None means "no activation argument": the layer is linear, and a following activation
    layer supplies the pairing.
    """
    if type_name == "Activation":
        value = argument(call, 0, "activation")
        return activation_value(value, imports) if value is not None else UNKNOWN_ACT
    if type_name in semantics.KERAS_ACT_LAYERS:
        return _activation_layer(type_name, call)
    value = argument(call, 1 if type_name == "Dense" else None, "activation")
    if value is None:
        return UNKNOWN_ACT if has_star_args(call) else None  # **kwargs may carry it
    held = resolve(value)  # `activation=ACT` with `ACT = "relu"` defined before
    return activation_value(held if held is not None else value, imports)


def label(type_name: str, call: cst.Call) -> str:
    """``name="..."`` when given, else ``Dense(256)``: Keras layers are seldom bound to names."""
    given = literal_string(argument(call, None, "name"))
    if given:
        return given
    first = call.args[0] if call.args and call.args[0].keyword is None else None
    shown = source_text(first.value) if first is not None else ""
    return f"{type_name}({shown if len(shown) <= 20 else '...'})"


def _activation_layer(type_name: str, call: cst.Call) -> Act:
    name = semantics.KERAS_ACT_LAYERS[type_name]
    slope: float | None = None
    if type_name == "LeakyReLU":
        given = argument(call, 0, "negative_slope") or argument(call, None, "alpha")
        slope = literal_or(given, semantics.KERAS_LEAKY_LAYER_SLOPE)
    elif type_name == "ReLU":
        given = argument(call, 1, "negative_slope")
        if given is not None:
            name, slope = "leaky_relu", literal_number(given)
    elif type_name == "PReLU":
        slope = 0.0  # Keras PReLU starts as plain ReLU (alpha_initializer zeros, §6.16)
    return semantics.make_act(name, f"{type_name}()", slope)


def activation_value(value: cst.BaseExpression, imports: Imports) -> Act:
    """Read an ``activation=`` value: a string, None, a function, or an activation layer."""
    if isinstance(value, cst.Name) and value.value == "None":
        return LINEAR_ACT
    text = literal_string(value)
    if text is not None:
        name = semantics.KERAS_ACT_NAMES.get(text)
        if name is None:
            return UNKNOWN_ACT
        slope = semantics.KERAS_LEAKY_FUNCTION_SLOPE if name == "leaky_relu" else None
        if text == "LeakyReLU":  # Keras 2 builds the layer with its 0.3 default (§1.7)
            slope = semantics.KERAS_LEAKY_LAYER_SLOPE
        return semantics.make_act(name, text, slope)
    if isinstance(value, (cst.Name, cst.Attribute)):
        qualified = imports.qualify(value)
        if qualified is not None and _act_function_name(qualified) is not None:
            return function_act(qualified, None)
        return UNKNOWN_ACT
    if isinstance(value, cst.Call):
        qualified = imports.qualify(value.func)
        if qualified is not None:
            recognized = recognize(qualified)
            if recognized is not None and recognized.kind is LayerKind.ACTIVATION:
                act = layer_act(recognized.name, value, imports)
                return act if act is not None else UNKNOWN_ACT
    return UNKNOWN_ACT


# ---------------------------------------------------------------------------------------------
# Initializers
# ---------------------------------------------------------------------------------------------


def default_init(node: cst.CSTNode | None = None, context: object = None) -> Init:
    """Keras fills kernels with glorot_uniform unless told otherwise (§1.6)."""
    return Init(
        name="glorot_uniform",
        family=InitFamily.GLOROT,
        framework=Framework.KERAS,
        explicit=False,
        spelling=Spelling.DEFAULT,
        distribution=semantics.KERAS_DEFAULT_KERNEL_INIT.distribution,
        display="glorot_uniform (Keras default)",
        node=node,
        context=context,
    )


def kernel_init(
    type_name: str,
    call: cst.Call,
    imports: Imports,
    context: object,
    resolve: Resolver = _no_variables,
) -> Init:
    """The kernel initializer of a Keras layer call, or the default. A variable holding one
    (``init = HeNormal()``) is read, reported where it is used, and never rewritten: its
    definition may serve other layers."""
    value = argument(call, 3 if type_name == "Dense" else None, "kernel_initializer")
    if value is None:
        value = argument(call, None, "init")  # Keras 1 spelling
    if value is None and has_star_args(call):  # `**config` may carry one: never guess
        return _unknown(call, context)
    if value is None:
        return default_init(call, context)
    if isinstance(value, cst.Name) and value.value == "None":  # falls back to glorot (§6.13)
        return dataclasses.replace(default_init(value, context), spelling=Spelling.NONE)
    held = resolve(value)
    if held is not None:
        read = initializer_value(held, imports, context)
        return dataclasses.replace(read, spelling=Spelling.OPAQUE, node=value)
    return initializer_value(value, imports, context)


def instance_use(
    definition: cst.BaseExpression,
    imports: Imports,
    init: Init,
    *,
    number: int,
    layer: str,
    repeated: bool,
    arms: tuple[tuple[int, int], ...],
    context: object,
) -> InstanceUse | None:
    """A layer built with an initializer instance held in a variable: ``definition`` is the
    instance expression, ``imports``/``context`` the names visible where it is evaluated.
    None for what a shared value cannot make identical (a class, a string, a constant
    initializer), and for ``tf.compat.v1``'s initializers, which seed otherwise."""
    if not isinstance(definition, cst.Call) or has_star_args(definition):
        return None
    origin = imports.origin(definition.func)
    qualified = imports.qualify(definition.func)
    if origin is None or qualified is None or not qualified.startswith("keras.initializers."):
        return None
    if origin.startswith("tensorflow.compat.v1."):
        return None
    last = qualified.rsplit(".", 1)[-1]
    seed_node: cst.BaseExpression | None = None
    if last == "get":  # `initializers.get("he_normal")`: the class built with no arguments
        known = semantics.KERAS_INITS.get(
            literal_string(argument(definition, 0, "identifier")) or ""
        )
    else:
        known = semantics.KERAS_INITS.get(last)
        if known is not None and known.snake in semantics.KERAS_SEED_POSITION:
            position = semantics.KERAS_SEED_POSITION[known.snake]
            seed_node = argument(definition, position, "seed")
    if known is None or known.snake not in semantics.KERAS_SEED_POSITION:
        return None
    seed, value = _seed(seed_node, imports)
    written = source_text(definition)
    if "\n" in written or len(written) > 60:  # shown by its callee: `inits.VarianceScaling(...)`
        written = f"{source_text(definition.func)}({'...' if definition.args else ''})"
    return InstanceUse(
        instance=number,
        layer=layer,
        argument=" ".join(source_text(init.node).split()) if init.node is not None else "",
        display=written,
        name=known.snake,
        seed=seed,
        seed_value=value,
        keras3=origin.split(".", 1)[0] == "keras",
        repeated=repeated,
        arms=arms,
        init=init,
        definition=definition,
        seed_node=seed_node,
        definition_context=context,
    )


def _seed(node: cst.BaseExpression | None, imports: Imports) -> tuple[Seed, int | None]:
    if node is None:
        return Seed.ABSENT, None
    if isinstance(node, cst.Name) and node.value == "None":
        return Seed.NONE, None
    if isinstance(node, cst.Integer):
        value = node.evaluated_value
        return (Seed.INT, value) if isinstance(value, int) else (Seed.OTHER, None)
    if isinstance(node, cst.Call) and imports.qualify(node.func) == "keras.random.SeedGenerator":
        return Seed.GENERATOR, None
    return Seed.OTHER, None


def _unknown(value: cst.BaseExpression, context: object) -> Init:
    return Init(
        name="unknown",
        family=InitFamily.UNKNOWN,
        framework=Framework.KERAS,
        explicit=True,
        spelling=Spelling.INSTANCE,
        display=source_text(value),
        node=value,
        context=context,
    )


def initializer_value(value: cst.BaseExpression, imports: Imports, context: object) -> Init:
    """Read an initializer value: string, class, or instance (frameworks.md §7)."""
    display = source_text(value)
    text = literal_string(value)
    if text is not None:
        return _identifier(text, Spelling.STRING, value, context)
    func = value.func if isinstance(value, cst.Call) else value
    qualified = imports.qualify(func)
    if qualified is None or not qualified.startswith("keras.initializers."):
        return _unknown(value, context)
    last = qualified.rsplit(".", 1)[-1]
    if last == "get" and isinstance(value, cst.Call) and value.args:
        inner = literal_string(value.args[0].value)
        if inner is None:
            return _unknown(value, context)
        return _identifier(inner, Spelling.OPAQUE, value, context)  # reported, not rewritten
    known = semantics.KERAS_INITS.get(last)
    if known is None or (isinstance(value, cst.Call) and has_star_args(value)):
        return _unknown(value, context)
    constant = known.value
    variance = _random_variance(known.pascal, None) if known.family is InitFamily.RANDOM else None
    params: list[tuple[str, str]] = []
    if isinstance(value, cst.Call):
        if known.pascal == "Constant":
            given = argument(value, 0, "value")
            constant = 0.0 if given is None else literal_number(given)
        elif known.pascal == "VarianceScaling":
            known = _variance_scaling(value, known)
        elif known.family is InitFamily.RANDOM:
            variance = _random_variance(known.pascal, value)
        for arg in value.args:
            if arg.keyword is not None:
                params.append((arg.keyword.value, source_text(arg.value)))
    family = semantics.constant_family(constant) if known.pascal == "Constant" else known.family
    return Init(
        name=known.snake,
        family=family,
        framework=Framework.KERAS,
        explicit=True,
        spelling=Spelling.INSTANCE if isinstance(value, cst.Call) else Spelling.CLASS,
        distribution=known.distribution,
        value=constant,
        variance=variance,
        params=tuple(params),
        display=display,
        node=value,
        context=context,
    )


def _identifier(text: str, spelling: Spelling, node: cst.BaseExpression, context: object) -> Init:
    """An initializer named by a string identifier (frameworks.md §1.3)."""
    known = semantics.KERAS_INITS.get(text)
    if known is None:
        return _unknown(node, context)
    return Init(
        name=known.snake,
        family=known.family,
        framework=Framework.KERAS,
        explicit=True,
        spelling=spelling,
        distribution=known.distribution,
        value=known.value,
        variance=_random_variance(known.pascal, None)
        if known.family is InitFamily.RANDOM
        else None,
        display=source_text(node),
        node=node,
        context=context,
    )


def _variance_scaling(call: cst.Call, base: semantics.KerasInit) -> semantics.KerasInit:
    scale_node = argument(call, 0, "scale")
    scale = 1.0 if scale_node is None else literal_number(scale_node)
    mode_node = argument(call, 1, "mode")
    mode = "fan_in" if mode_node is None else literal_string(mode_node)
    dist_node = argument(call, 2, "distribution")
    dist = "truncated_normal" if dist_node is None else literal_string(dist_node)
    if scale is None or mode is None or dist is None:
        return semantics.KerasInit(base.snake, base.pascal, InitFamily.UNKNOWN)
    return semantics.keras_variance_scaling(scale, mode, dist)


# Plain TruncatedNormal is not variance-corrected: Var = 0.7737·stddev² (frameworks.md §1.2).
_TRUNCATION = 0.7737413


def _random_variance(pascal: str, call: cst.Call | None) -> float | None:
    """Var(w) of RandomNormal/RandomUniform/TruncatedNormal from literal arguments or defaults."""

    def given(position: int, keyword: str, default: float) -> float | None:
        node = argument(call, position, keyword) if call is not None else None
        return default if node is None else literal_number(node)

    if pascal == "RandomUniform":
        low, high = given(0, "minval", -0.05), given(1, "maxval", 0.05)
        return None if low is None or high is None else (high - low) ** 2 / 12.0
    stddev = given(1, "stddev", 0.05)
    if stddev is None:
        return None
    return stddev * stddev * (_TRUNCATION if pascal == "TruncatedNormal" else 1.0)


def input_width(call: cst.Call) -> int | None:
    """The last axis of ``keras.Input(shape=(10, 64))``: what a Dense applied to it sees."""
    shape = argument(call, 0, "shape")
    if isinstance(shape, (cst.Tuple, cst.List)) and shape.elements:
        return literal_int(shape.elements[-1].value)
    return None


def units(call: cst.Call) -> int | None:
    """``Dense(units)``, ``Conv2D(filters, ...)``: how many output units, when literal."""
    return literal_int(argument(call, 0, "units")) or literal_int(argument(call, 0, "filters"))


def trainable(call: cst.Call) -> bool:
    """``trainable=False`` freezes a layer: its kernel never changes (a fixed filter)."""
    value = argument(call, None, "trainable")
    return not (isinstance(value, cst.Name) and value.value == "False")


def widths(type_name: str, call: cst.Call) -> tuple[int | None, int | None]:
    """(fan_in, fan_out) readable from the call alone: units/filters and input_dim."""
    if type_name in ("Dense",):
        units = literal_int(argument(call, 0, "units"))
        fan_in = literal_int(argument(call, None, "input_dim"))
        shape = argument(call, None, "input_shape")
        if fan_in is None and isinstance(shape, cst.Tuple) and len(shape.elements) == 1:
            fan_in = literal_int(shape.elements[0].value)
        return fan_in, units
    return None, None
