"""Keras (Keras 3, tf.keras, Keras 2): layers, initializer values and activation values."""

from __future__ import annotations

import dataclasses
import math
import re
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
    receptive_field,
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
            "SeparableConv1D",
            "SeparableConv2D",
            "SeparableConvolution1D",
            "SeparableConvolution2D",
            "DepthwiseConv1D",
            "DepthwiseConv2D",
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


_MATMULS = frozenset(
    (
        "tensorflow.matmul",
        "tensorflow.linalg.matmul",
        "keras.ops.matmul",
        "keras.ops.dot",
        "keras.backend.dot",
    )
)
_CONCATENATES = frozenset(
    (
        "keras.layers.concatenate",
        "keras.ops.concatenate",
        "tensorflow.concat",
    )
)


def recognize(qualified: str) -> Recognized | None:
    """What a canonical ``keras.*``/``tensorflow.*`` name is, if we read it."""
    if qualified in _MATMULS:
        return Recognized(What.MATMUL, Framework.KERAS, qualified.rsplit(".", 1)[-1])
    if qualified in _CONCATENATES or qualified == "keras.layers.Concatenate":
        return Recognized(What.CONCATENATE, Framework.KERAS, qualified.rsplit(".", 1)[-1])
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
    if isinstance(value, cst.Lambda):
        return _lambda_act(value, imports)
    return UNKNOWN_ACT


def _lambda_act(value: cst.Lambda, imports: Imports) -> Act:
    """``lambda x: tf.nn.relu(x)`` is relu, ``lambda x: x`` linear; anything else unknown."""
    params = value.params
    extra = isinstance(params.star_arg, cst.Param) or params.star_kwarg is not None
    if len(params.params) != 1 or extra or params.kwonly_params or params.posonly_params:
        return UNKNOWN_ACT
    name = params.params[0].name.value
    body = value.body
    if isinstance(body, cst.Name) and body.value == name:
        return LINEAR_ACT
    if not (isinstance(body, cst.Call) and body.args and body.args[0].keyword is None):
        return UNKNOWN_ACT
    first = body.args[0].value
    qualified = imports.qualify(body.func)
    if not (isinstance(first, cst.Name) and first.value == name) or qualified is None:
        return UNKNOWN_ACT
    if _act_function_name(qualified) is None:
        return UNKNOWN_ACT
    return function_act(qualified, body)


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
    keyword = "initializer" if type_name == "add_weight" else _kernel_keyword(type_name)
    value = argument(call, 3 if type_name == "Dense" else None, keyword)
    if value is None and type_name != "add_weight":
        value = argument(call, None, "init")  # Keras 1 spelling
    if value is None and has_star_args(call):  # `**config` may carry one: never guess
        return _unknown(call, context)
    if value is None:
        return dataclasses.replace(default_init(call, context), keyword=keyword)
    if isinstance(value, cst.Name) and value.value == "None":  # falls back to glorot (§6.13)
        return dataclasses.replace(
            default_init(value, context), spelling=Spelling.NONE, keyword=keyword
        )
    held = resolve(value)
    if held is not None:
        read = initializer_value(held, imports, context)
        return dataclasses.replace(read, spelling=Spelling.OPAQUE, node=value)
    return initializer_value(value, imports, context)


def weight_shape(call: cst.Call) -> list[int | None] | None:
    """The literal dimensions of ``add_weight(shape=(a, b))`` (None where not literal);
    Keras 3 also takes the shape first."""
    shape = argument(call, None, "shape")
    if shape is None and call.args and call.args[0].keyword is None:
        shape = call.args[0].value if isinstance(call.args[0].value, cst.Tuple) else None
    if not isinstance(shape, (cst.Tuple, cst.List)):
        return None
    return [literal_int(element.value) for element in shape.elements]


def _kernel_keyword(type_name: str) -> str:
    """Which initializer fills the kernel whose output the activation sees: a separable
    conv's pointwise kernel (its depthwise kernel feeds the pointwise one linearly), a
    depthwise conv's depthwise kernel (frameworks.md §1.6)."""
    if type_name.startswith("Separable"):
        return "pointwise_initializer"
    if type_name.startswith("Depthwise"):
        return "depthwise_initializer"
    return "kernel_initializer"


def recurrent_act(type_name: str, call: cst.Call, imports: Imports, resolve: Resolver) -> Act:
    """What a Keras recurrent layer's input kernel feeds: SimpleRNN's ``activation`` (tanh by
    default); for LSTM/GRU the gates (``recurrent_activation``, sigmoid) and the candidate
    (``activation``, tanh), saturating together, else unknown (frameworks.md §1.6, §6.10)."""
    given = argument(call, 1, "activation")
    held = resolve(given) if given is not None else None
    act = (
        semantics.make_act("tanh")
        if given is None
        else activation_value(held if held is not None else given, imports)
    )
    if type_name == "SimpleRNN":
        return act
    gate_node = argument(call, 2, "recurrent_activation")
    gate = (
        semantics.make_act("sigmoid") if gate_node is None else activation_value(gate_node, imports)
    )
    if semantics.is_saturating(act) and semantics.is_saturating(gate):
        return semantics.make_act("sigmoid", f"{type_name} gates ({gate.name} and {act.name})")
    return UNKNOWN_ACT


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
    if isinstance(value, cst.Dict):
        return _config(value, context)
    func = value.func if isinstance(value, cst.Call) else value
    qualified = imports.qualify(func)
    if qualified is not None and qualified in TF_INITIALIZERS:
        return _tf_initializer(qualified, value, context)
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
    variance, mean = (
        _random_stats(known.pascal, None) if known.family is InitFamily.RANDOM else (None, None)
    )
    gain2: float | None = 1.0 if known.pascal in ("VarianceScaling", "Orthogonal") else None
    mode = "fan_in" if known.pascal == "VarianceScaling" else None
    gain_given = False
    params: list[tuple[str, str]] = []
    if isinstance(value, cst.Call):
        if known.pascal == "Constant":
            given = argument(value, 0, "value")
            constant = 0.0 if given is None else literal_number(given)
        elif known.pascal == "VarianceScaling":
            known = _variance_scaling(value, known)
            gain2, mode = _scale_and_mode(value)
        elif known.pascal == "Orthogonal":
            gain_node = argument(value, 0, "gain")
            gain = 1.0 if gain_node is None else literal_number(gain_node)
            gain2, gain_given = None if gain is None else gain * gain, gain_node is not None
        elif known.family is InitFamily.RANDOM:
            variance, mean = _random_stats(known.pascal, value)
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
        mean=mean,
        gain2=gain2,
        mode=mode,
        gain_given=gain_given,
        params=tuple(params),
        display=display,
        node=value,
        context=context,
    )


def _config(value: cst.Dict, context: object) -> Init:
    """``{"class_name": "HeNormal", "config": {"seed": 1}}``: what ``initializers.get``
    deserialises (frameworks.md §1.3). Read, reported where written, not rewritten."""
    entries = {
        literal_string(element.key): element.value
        for element in value.elements
        if isinstance(element, cst.DictElement)
    }
    name = literal_string(entries.get("class_name"))
    known = semantics.KERAS_INITS.get(name) if name is not None else None
    if known is None or len(entries) != len(value.elements):
        return _unknown(value, context)
    config = entries.get("config")
    options: dict[str | None, cst.BaseExpression] = {}
    if isinstance(config, cst.Dict):
        options = {
            literal_string(element.key): element.value
            for element in config.elements
            if isinstance(element, cst.DictElement)
        }
    elif config is not None:
        return _unknown(value, context)
    family, constant, variance = known.family, known.value, None
    mean: float | None = None
    gain2: float | None = None
    fan_mode: str | None = None
    if known.pascal == "VarianceScaling":
        scale = literal_or(options.get("scale"), 1.0)
        mode = literal_string(options["mode"]) if "mode" in options else "fan_in"
        dist = (
            literal_string(options["distribution"])
            if "distribution" in options
            else "truncated_normal"
        )
        if scale is None or mode is None or dist is None:
            return _unknown(value, context)
        known = semantics.keras_variance_scaling(scale, mode, dist)
        family, gain2, fan_mode = known.family, scale, mode
    elif known.pascal == "Constant":
        constant = literal_or(options.get("value"), 0.0)
        family = semantics.constant_family(constant)
    elif known.family is InitFamily.RANDOM:
        low, high = options.get("minval"), options.get("maxval")
        spread = options.get("stddev")
        if known.pascal == "RandomUniform":
            lo, hi = literal_or(low, -0.05), literal_or(high, 0.05)
            variance = None if lo is None or hi is None else (hi - lo) ** 2 / 12.0
            mean = None if lo is None or hi is None else 0.5 * (lo + hi)
        else:
            std = literal_or(spread, 0.05)
            scale_down = _TRUNCATION if known.pascal == "TruncatedNormal" else 1.0
            variance = None if std is None else std * std * scale_down
            mean = literal_or(options.get("mean"), 0.0)
    return Init(
        name=known.snake,
        family=family,
        framework=Framework.KERAS,
        explicit=True,
        spelling=Spelling.OPAQUE,
        distribution=known.distribution,
        value=constant,
        variance=variance,
        mean=mean,
        gain2=gain2,
        mode=fan_mode,
        display=source_text(value),
        node=value,
        context=context,
    )


# TensorFlow's own initializers (frameworks.md §1.5), by canonical name: the Keras
# initializer each equals, with TF1's defaults where they differ (stddev 1, U[0, 1)).
_TF1 = "tensorflow.compat.v1"
TF_INITIALIZERS: dict[str, str] = {
    **{f"tensorflow.{name}": name for name in ("zeros_initializer", "ones_initializer")},
    "tensorflow.constant_initializer": "constant_initializer",
    "tensorflow.random_uniform_initializer": "random_uniform_initializer_v2",
    "tensorflow.random_normal_initializer": "random_normal_initializer_v2",
    **{
        f"{_TF1}.{name}": name
        for name in (
            "zeros_initializer",
            "ones_initializer",
            "constant_initializer",
            "random_uniform_initializer",
            "random_normal_initializer",
            "truncated_normal_initializer",
            "variance_scaling_initializer",
            "orthogonal_initializer",
            "glorot_uniform_initializer",
            "glorot_normal_initializer",
        )
    },
    **{
        f"{_TF1}.initializers.{short}": f"{short}_initializer"
        for short in (
            "zeros",
            "ones",
            "constant",
            "random_uniform",
            "random_normal",
            "truncated_normal",
            "variance_scaling",
            "orthogonal",
        )
    },
    **{
        f"{_TF1}.initializers.{name}": name
        for name in (
            "glorot_uniform",
            "glorot_normal",
            "lecun_normal",
            "lecun_uniform",
            "he_normal",
            "he_uniform",
        )
    },
    "tensorflow.contrib.layers.xavier_initializer": "xavier_initializer",
    "tensorflow.contrib.layers.variance_scaling_initializer": "contrib_variance_scaling",
}


def is_initializer(qualified: str) -> bool:
    """A Keras or TensorFlow initializer name (a class, an alias or a TF1 function)."""
    return qualified.startswith("keras.initializers.") or qualified in TF_INITIALIZERS


def _tf_initializer(qualified: str, value: cst.BaseExpression, context: object) -> Init:
    """A TensorFlow core initializer, read with its own defaults; reported, not rewritten."""
    kind = TF_INITIALIZERS[qualified]
    call = value if isinstance(value, cst.Call) else None

    def number(position: int, keyword: str, default: float) -> float | None:
        node = argument(call, position, keyword) if call is not None else None
        return default if node is None else literal_number(node)

    snake = kind.removesuffix("_initializer").removesuffix("_v2")
    variance: float | None = None
    mean: float | None = None
    constant: float | None = None
    gain2: float | None = None
    fan_mode: str | None = None
    if kind == "constant_initializer":
        constant = number(0, "value", 0.0)
        family = semantics.constant_family(constant)
    elif kind in ("zeros_initializer", "ones_initializer"):
        constant = 0.0 if kind.startswith("zeros") else 1.0
        family = semantics.constant_family(constant)
    elif kind.startswith("random_uniform"):
        default = -0.05 if kind.endswith("_v2") else 0.0
        low = number(0, "minval", default)
        high = number(1, "maxval", 0.05 if kind.endswith("_v2") else 1.0)
        family = InitFamily.RANDOM
        variance = None if low is None or high is None else (high - low) ** 2 / 12.0
        mean = None if low is None or high is None else 0.5 * (low + high)
    elif kind.startswith(("random_normal", "truncated_normal")):
        std = number(1, "stddev", 0.05 if kind.endswith("_v2") else 1.0)
        family = InitFamily.RANDOM
        cut = _TRUNCATION if kind.startswith("truncated") else 1.0
        variance = None if std is None else std * std * cut
        mean = number(0, "mean", 0.0)
    elif kind in ("variance_scaling_initializer", "contrib_variance_scaling", "xavier_initializer"):
        family, gain2, fan_mode = _tf_variance_scaling(kind, call)
    else:
        known = semantics.KERAS_INITS.get(snake)
        family = known.family if known is not None else InitFamily.UNKNOWN
    if call is not None and has_star_args(call):
        family = InitFamily.UNKNOWN
    return Init(
        name=snake,
        family=family,
        framework=Framework.KERAS,
        explicit=True,
        spelling=Spelling.OPAQUE,
        value=constant,
        variance=variance,
        mean=mean,
        gain2=gain2,
        mode=fan_mode,
        display=source_text(value),
        node=value,
        context=context,
    )


def _tf_variance_scaling(
    kind: str, call: cst.Call | None
) -> tuple[InitFamily, float | None, str | None]:
    """TF1 ``variance_scaling_initializer(scale=1, mode="fan_in")``, contrib's
    ``variance_scaling_initializer(factor=2.0, mode="FAN_IN")`` (He) and
    ``xavier_initializer()`` (Glorot), by their arguments: family, scale and mode."""
    if kind == "xavier_initializer":
        return InitFamily.GLOROT, 1.0, "fan_avg"
    contrib = kind == "contrib_variance_scaling"
    scale_node = argument(call, 0, "factor" if contrib else "scale") if call else None
    mode_node = argument(call, 1, "mode") if call else None
    scale = literal_or(scale_node, 2.0 if contrib else 1.0)
    mode = "fan_in" if mode_node is None else literal_string(mode_node)
    if scale is None or mode is None:
        return InitFamily.UNKNOWN, None, None
    family = semantics.keras_variance_scaling(scale, mode.lower(), "truncated_normal").family
    return family, scale, mode.lower()


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
        variance=_random_stats(known.pascal, None)[0]
        if known.family is InitFamily.RANDOM
        else None,
        mean=_random_stats(known.pascal, None)[1] if known.family is InitFamily.RANDOM else None,
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


def _random_stats(pascal: str, call: cst.Call | None) -> tuple[float | None, float | None]:
    """(Var(w), E[w]) of RandomNormal/RandomUniform/TruncatedNormal from literal arguments or
    defaults (§1.2: ``RandomUniform(minval=-0.05, maxval=0.05)``, ``RandomNormal(mean=0.0,
    stddev=0.05)``)."""

    def given(position: int, keyword: str, default: float) -> float | None:
        node = argument(call, position, keyword) if call is not None else None
        return default if node is None else literal_number(node)

    if pascal == "RandomUniform":
        low, high = given(0, "minval", -0.05), given(1, "maxval", 0.05)
        if low is None or high is None:
            return None, None
        return (high - low) ** 2 / 12.0, 0.5 * (low + high)
    stddev = given(1, "stddev", 0.05)
    variance = None if stddev is None else stddev * stddev
    if variance is not None and pascal == "TruncatedNormal":
        variance *= _TRUNCATION
    return variance, given(0, "mean", 0.0)


def _scale_and_mode(call: cst.Call) -> tuple[float | None, str | None]:
    """``VarianceScaling(scale, mode)``'s scale (its Var(w)·n) and mode, when literal."""
    scale_node = argument(call, 0, "scale")
    scale = 1.0 if scale_node is None else literal_number(scale_node)
    mode_node = argument(call, 1, "mode")
    mode = "fan_in" if mode_node is None else literal_string(mode_node)
    return scale, mode


def input_width(call: cst.Call, axis: int = -1) -> int | None:
    """The last axis of ``keras.Input(shape=(10, 64))``: what a Dense applied to it sees (the
    first, ``axis=0``, is the channels of a channels_first image)."""
    shape = argument(call, 0, "shape")
    if isinstance(shape, (cst.Tuple, cst.List)) and len(shape.elements) > max(axis, 0):
        return literal_int(shape.elements[axis].value)
    return None


def units(call: cst.Call, type_name: str = "") -> int | None:
    """``Dense(units)``, ``Conv2D(filters, ...)``: how many output units, when literal;
    ``Flatten(input_shape=(28, 28))``: the features it makes (784)."""
    if type_name == "Flatten":
        shape = argument(call, None, "input_shape")
        if not isinstance(shape, (cst.Tuple, cst.List)) or not shape.elements:
            return None
        sizes = [literal_int(element.value) for element in shape.elements]
        return None if None in sizes else math.prod(s for s in sizes if s is not None)
    return literal_int(argument(call, 0, "units")) or literal_int(argument(call, 0, "filters"))


def trainable(call: cst.Call) -> bool:
    """``trainable=False`` freezes a layer: its kernel never changes (a fixed filter)."""
    value = argument(call, None, "trainable")
    return not (isinstance(value, cst.Name) and value.value == "False")


def conv_fans(
    type_name: str, call: cst.Call, channels: int | None
) -> tuple[int | None, int | None, int | None]:
    """(fan_in, fan_out, output channels) of a Keras conv kernel by Keras' fan rule
    (frameworks.md §1.4, §5.3): the receptive field times the kernel's last two axes,
    ``(k, k, in, filters)``, ``(k, k, filters, in)`` for transposed convs, ``(k, k, in,
    multiplier)`` for depthwise, ``(1, 1, in·multiplier, filters)`` for a separable conv's
    pointwise kernel. ``channels`` is what the input carries (the previous layer's filters)."""
    dims = int(found.group(1)) if (found := re.search(r"(\d)D", type_name)) else 2
    depthwise = type_name.startswith("Depthwise")  # (kernel_size, ...): no filters
    receptive = receptive_field(argument(call, 0 if depthwise else 1, "kernel_size"), dims)
    multiplier = literal_or(argument(call, None, "depth_multiplier"), 1.0)
    depth = None if multiplier is None else int(multiplier)
    if depthwise:
        if receptive is None or channels is None or depth is None:
            return None, None, None
        return receptive * channels, receptive * depth, channels * depth
    filters = literal_int(argument(call, 0, "filters"))
    if type_name.startswith("Separable"):
        if channels is None or depth is None or filters is None:
            return None, None, filters
        return channels * depth, filters, filters
    if receptive is None or filters is None:
        return None, None, filters
    groups = literal_int(argument(call, None, "groups")) or 1
    if channels is not None and groups > 1:
        channels = channels // groups if channels % groups == 0 else None  # (k, k, in/g, f)
    if "Transpose" in type_name:
        return receptive * filters, None if channels is None else receptive * channels, filters
    return None if channels is None else receptive * channels, receptive * filters, filters


def input_channels(call: cst.Call) -> int | None:
    """The channel axis of ``input_shape=(28, 28, 1)`` given to a first layer: the last, or
    the first under ``data_format="channels_first"``."""
    shape = argument(call, None, "input_shape")
    if isinstance(shape, (cst.Tuple, cst.List)) and shape.elements:
        axis = 0 if channels_first(call) else -1
        return literal_int(shape.elements[axis].value)
    return None


def channels_first(call: cst.Call) -> bool | None:
    """``data_format="channels_first"`` (None: a value we cannot read)."""
    given = argument(call, None, "data_format")
    if given is None:
        return False
    text = literal_string(given)
    return None if text is None else text == "channels_first"


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
