"""PyTorch: modules, ``torch.nn.init`` calls, in-place tensor initializers and activations."""

from __future__ import annotations

import math
from dataclasses import dataclass

import libcst as cst

from initlint import semantics
from initlint.frameworks.common import (
    Recognized,
    What,
    argument,
    has_star_args,
    literal_arithmetic,
    literal_int,
    literal_number,
    literal_or,
    literal_string,
    source_text,
)
from initlint.model import Act, Distribution, Framework, Init, InitFamily, LayerKind, Spelling

K = LayerKind
MODULE_KINDS: dict[str, LayerKind] = {
    **dict.fromkeys(("Linear", "LazyLinear", "NonDynamicallyQuantizableLinear"), K.DENSE),
    **dict.fromkeys(
        (
            "Conv1d",
            "Conv2d",
            "Conv3d",
            "ConvTranspose1d",
            "ConvTranspose2d",
            "ConvTranspose3d",
            "LazyConv1d",
            "LazyConv2d",
            "LazyConv3d",
        ),
        K.CONV,
    ),
    **dict.fromkeys(("RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"), K.RECURRENT),
    **dict.fromkeys(("Embedding", "EmbeddingBag"), K.EMBEDDING),
    **dict.fromkeys(
        (
            "BatchNorm1d",
            "BatchNorm2d",
            "BatchNorm3d",
            "SyncBatchNorm",
            "LayerNorm",
            "GroupNorm",
            "RMSNorm",
            "InstanceNorm1d",
            "InstanceNorm2d",
            "InstanceNorm3d",
            "LocalResponseNorm",
        ),
        K.NORMALIZATION,
    ),
    **dict.fromkeys(semantics.TORCH_ACT_MODULES, K.ACTIVATION),
    **dict.fromkeys(
        (
            "Identity",
            "Dropout",
            "Dropout1d",
            "Dropout2d",
            "Dropout3d",
            "AlphaDropout",
            "FeatureAlphaDropout",
            "Flatten",
            "Unflatten",
            "MaxPool1d",
            "MaxPool2d",
            "MaxPool3d",
            "AvgPool1d",
            "AvgPool2d",
            "AvgPool3d",
            "AdaptiveAvgPool1d",
            "AdaptiveAvgPool2d",
            "AdaptiveAvgPool3d",
            "AdaptiveMaxPool1d",
            "AdaptiveMaxPool2d",
            "AdaptiveMaxPool3d",
            "ZeroPad1d",
            "ZeroPad2d",
            "ZeroPad3d",
            "Upsample",
            "UpsamplingNearest2d",
            "UpsamplingBilinear2d",
            "PixelShuffle",
        ),
        K.PASSTHROUGH,
    ),
}
_PASSTHROUGH_FUNCTIONS = {
    *(
        f"torch.nn.functional.{name}"
        for name in (
            "dropout",
            "dropout1d",
            "dropout2d",
            "dropout3d",
            "alpha_dropout",
            "max_pool1d",
            "max_pool2d",
            "max_pool3d",
            "avg_pool1d",
            "avg_pool2d",
            "avg_pool3d",
            "adaptive_avg_pool1d",
            "adaptive_avg_pool2d",
            "adaptive_avg_pool3d",
            "adaptive_max_pool1d",
            "adaptive_max_pool2d",
            "adaptive_max_pool3d",
            "batch_norm",
            "layer_norm",
            "group_norm",
            "instance_norm",
            "interpolate",
            "pad",
        )
    ),
    "torch.flatten",
    "torch.squeeze",
    "torch.unsqueeze",
    "torch.reshape",
}
# Tensor methods that reshape or move a value without changing which layer produced it.
PASSTHROUGH_METHODS = frozenset(
    (
        "view",
        "reshape",
        "flatten",
        "permute",
        "transpose",
        "contiguous",
        "squeeze",
        "unsqueeze",
        "to",
        "float",
        "half",
        "type_as",
    )
)


# Tensor attributes that read metadata, and ones that are the same values rearranged.
INSPECTION_ATTRIBUTES = frozenset(
    ("shape", "dtype", "device", "ndim", "is_cuda", "requires_grad", "layout", "names")
)
PASSTHROUGH_ATTRIBUTES = frozenset(("T", "mT", "H", "mH", "data"))
# Tensor methods that read metadata: calling them does not use the values.
INSPECTION_METHODS = frozenset(
    ("size", "dim", "numel", "ndimension", "get_device", "is_contiguous")
)


# What `from <module> import *` brings in, among the names we read.
STAR_EXPORTS: dict[str, frozenset[str]] = {
    "torch.nn": frozenset((*MODULE_KINDS, "Sequential", "Module", "init", "functional")),
    "torch.nn.init": frozenset(
        (*semantics.TORCH_INIT_FUNCTIONS, *semantics.TORCH_DEPRECATED_ALIASES, "calculate_gain")
    ),
    "torch.nn.functional": frozenset(
        (*semantics.TORCH_ACT_FUNCTIONS, *(q.rsplit(".", 1)[1] for q in _PASSTHROUGH_FUNCTIONS))
    ),
}


def recognize(qualified: str) -> Recognized | None:
    """What a canonical ``torch.*`` name is, if we read it."""
    prefix, _, last = qualified.rpartition(".")
    if prefix == "torch.nn.init":
        name = semantics.TORCH_DEPRECATED_ALIASES.get(last, last)
        if name in semantics.TORCH_INIT_FUNCTIONS:
            return Recognized(What.INIT_FUNCTION, Framework.TORCH, last)
        return None
    if qualified == "torch.nn.Sequential":
        return Recognized(What.SEQUENTIAL, Framework.TORCH, "Sequential")
    if (prefix == "torch.nn" or prefix.startswith("torch.nn.modules")) and last in MODULE_KINDS:
        return Recognized(What.LAYER, Framework.TORCH, last, MODULE_KINDS[last])
    if prefix in ("torch.nn.functional", "torch", "torch.special"):
        if qualified in _PASSTHROUGH_FUNCTIONS:
            return Recognized(What.PASSTHROUGH, Framework.TORCH, last)
        if last in semantics.TORCH_ACT_FUNCTIONS and (prefix != "torch.special" or last == "expit"):
            return Recognized(What.ACT_FUNCTION, Framework.TORCH, last)
    elif qualified in _PASSTHROUGH_FUNCTIONS:
        return Recognized(What.PASSTHROUGH, Framework.TORCH, last)
    return None


def module_act(type_name: str, call: cst.Call) -> Act:
    """The activation an activation module applies (``nn.LeakyReLU(0.2)``)."""
    name = semantics.TORCH_ACT_MODULES[type_name]
    slope: float | None = None
    if type_name == "LeakyReLU":
        slope = literal_or(argument(call, 0, "negative_slope"), semantics.TORCH_LEAKY_SLOPE)
    elif type_name == "PReLU":
        slope = literal_or(argument(call, 1, "init"), semantics.TORCH_PRELU_SLOPE)
    return semantics.make_act(name, _short(call), slope)


def _short(call: cst.Call) -> str:
    """``nn.LeakyReLU(0.2)`` as written, or ``nn.LeakyReLU(...)`` when long."""
    text = " ".join(source_text(call).split())
    return text if len(text) <= 40 else f"{source_text(call.func)}(...)"


def function_act(function: str, call: cst.Call | None, display: str) -> Act:
    """The activation a call applies: ``F.relu(x)``, ``torch.tanh(x)``, ``x.relu()``, and
    ``F.leaky_relu(x, 0.2)`` with its slope."""
    name = semantics.TORCH_ACT_FUNCTIONS.get(function, "unknown")
    slope: float | None = None
    if name == "leaky_relu":
        given = argument(call, 1, "negative_slope") if call is not None else None
        slope = literal_or(given, semantics.TORCH_LEAKY_SLOPE)
    return semantics.make_act(name, display, slope)


def widths(type_name: str, call: cst.Call) -> tuple[int | None, int | None]:
    """(fan_in, fan_out) as torch computes them (frameworks.md §2.3), from literal arguments."""
    if type_name == "Linear":
        return (
            literal_int(argument(call, 0, "in_features")),
            literal_int(argument(call, 1, "out_features")),
        )
    if type_name.startswith("Conv"):
        c_in = literal_int(argument(call, 0, "in_channels"))
        c_out = literal_int(argument(call, 1, "out_channels"))
        kernel = argument(call, 2, "kernel_size")
        dims = int(type_name[-2]) if type_name[-2].isdigit() else 2
        size: int | None
        if isinstance(kernel, cst.Tuple):
            sizes = [literal_int(element.value) for element in kernel.elements]
            size = math.prod(s for s in sizes if s is not None) if None not in sizes else None
        else:
            single = literal_int(kernel)
            size = None if single is None else single**dims
        groups = literal_int(argument(call, None, "groups")) or 1
        if c_in is None or c_out is None or size is None:
            return None, None
        if "Transpose" in type_name:  # weight (in, out/groups, *k): torch's fan_in is out (§2.3)
            return c_out // groups * size, c_in * size
        return c_in // groups * size, c_out * size
    return None, None


def units(type_name: str, call: cst.Call) -> int | None:
    """Output features or channels, when literal (transposed convs: their output channels)."""
    if type_name in ("Linear", "LazyLinear"):
        position = 1 if type_name == "Linear" else 0
        return literal_int(argument(call, position, "out_features"))
    if "Conv" in type_name:
        position = 0 if type_name.startswith("Lazy") else 1
        return literal_int(argument(call, position, "out_channels"))
    return None


def default_init(node: cst.Call | None = None, context: object = None) -> Init:
    """PyTorch's own Linear/Conv default: kaiming_uniform_(a=sqrt(5)), Var 1/(3·fan_in) (§2.4)."""
    return Init(
        name="kaiming_uniform_(a=sqrt(5))",
        family=InitFamily.TORCH_DEFAULT,
        framework=Framework.TORCH,
        explicit=False,
        spelling=Spelling.DEFAULT,
        distribution=Distribution.UNIFORM,
        gain2=1.0 / 3.0,
        display="PyTorch default kaiming_uniform_(a=sqrt(5))",
        node=node,
        context=context,
    )


def init_call(function: str, call: cst.Call, context: object) -> Init:
    """Read ``torch.nn.init.<function>(tensor, ...)`` (frameworks.md §2.1)."""
    canonical = semantics.TORCH_DEPRECATED_ALIASES.get(function, function)
    family, distribution = semantics.TORCH_INIT_FUNCTIONS[canonical]
    value: float | None = None
    gain = _NO_GAIN
    variance: float | None = None
    params = tuple(
        (arg.keyword.value, source_text(arg.value)) for arg in call.args if arg.keyword is not None
    )
    if canonical == "zeros_":
        value = 0.0
    elif canonical == "ones_":
        value = 1.0
    elif canonical == "constant_":
        value = literal_number(argument(call, 1, "val"))
        family = semantics.constant_family(value)
    elif canonical.startswith("kaiming_"):
        gain = _kaiming_gain(call)
        mode = literal_string(argument(call, 2, "mode"))
        if gain.gain2 is None or (mode is not None and mode.lower() not in ("fan_in", "fan_out")):
            family = InitFamily.UNKNOWN
        else:
            family = semantics.torch_kaiming_family(gain.nonlinearity or "", gain.gain2)
    elif family is InitFamily.RANDOM:
        variance = random_variance(canonical, call, 1)
    if has_star_args(call) and canonical not in ("zeros_", "ones_"):
        family, gain, variance = InitFamily.UNKNOWN, _NO_GAIN, None  # `**cfg` may set anything
    elif canonical.startswith("xavier_"):
        gain = _gain_argument(argument(call, 1, "gain"))
        if gain.gain2 is None:
            family = InitFamily.UNKNOWN
        elif not math.isclose(gain.gain2, 1.0):
            family = InitFamily.SCALED
    elif canonical == "orthogonal_":  # its family stays orthogonal whatever the gain
        gain = _gain_argument(argument(call, 1, "gain"))
    return Init(
        name=canonical,
        family=family,
        framework=Framework.TORCH,
        explicit=True,
        spelling=Spelling.TORCH_FUNCTION,
        distribution=distribution,
        value=value,
        gain2=gain.gain2,
        variance=variance,
        params=params,
        display=source_text(call),
        node=call,
        context=context,
        nonlinearity=gain.nonlinearity,
        slope=gain.slope,
        gain_given=gain.given,
    )


def random_variance(method: str, call: cst.Call, offset: int) -> float | None:
    """Var(w) of ``normal_``/``uniform_``/``trunc_normal_`` from literal arguments (§2.1, §2.5).

    ``offset`` is 1 for ``nn.init.f(tensor, ...)`` and 0 for ``tensor.f(...)``.
    """
    if method in ("normal_", "sparse_"):
        std = literal_or(argument(call, offset + 1, "std"), 0.01 if method == "sparse_" else 1.0)
        return None if std is None else std * std
    if method == "uniform_":
        low = literal_or(argument(call, offset, "a" if offset else "from"), 0.0)
        high = literal_or(argument(call, offset + 1, "b" if offset else "to"), 1.0)
        return None if low is None or high is None else (high - low) ** 2 / 12.0
    if method == "trunc_normal_":  # cut at absolute a, b: untruncated beyond 3 std
        mean = literal_or(argument(call, 1, "mean"), 0.0)
        std = literal_or(argument(call, 2, "std"), 1.0)
        low = literal_or(argument(call, 3, "a"), -2.0)
        high = literal_or(argument(call, 4, "b"), 2.0)
        if mean is None or std is None or low is None or high is None:
            return None
        return std * std if min(mean - low, high - mean) >= 3 * std else None
    return None


@dataclass(frozen=True, slots=True)
class _Gain:
    """What a call's gain arguments say: its square, and the activation it was computed for."""

    gain2: float | None  # None: written, but not as anything we can evaluate
    nonlinearity: str | None = None  # calculate_gain's name, when the gain names one
    slope: float | None = None  # leaky_relu's negative slope in it
    given: bool = False  # set away from the function's default by an argument


_NO_GAIN = _Gain(None)


def _gain_argument(node: cst.BaseExpression | None) -> _Gain:
    """xavier_/orthogonal_'s ``gain``: absent (1), a literal (``1.41``, ``5 / 3``), or
    ``calculate_gain("relu")`` (§2.2). A literal 1 is the default written out, not a choice
    of activation."""
    if node is None:
        return _Gain(1.0)
    number = literal_arithmetic(node)
    if number is not None:
        return _Gain(number * number, given=not math.isclose(abs(number), 1.0))
    if isinstance(node, cst.Call) and isinstance(node.func, (cst.Attribute, cst.Name)):
        func_name = (
            node.func.attr.value if isinstance(node.func, cst.Attribute) else node.func.value
        )
        if func_name == "calculate_gain":
            nonlinearity = literal_string(argument(node, 0, "nonlinearity"))
            param_node = argument(node, 1, "param")
            param = None if param_node is None else literal_number(param_node)
            if nonlinearity is None or (param_node is not None and param is None):
                return _Gain(None, given=True)
            slope = (0.01 if param is None else param) if nonlinearity == "leaky_relu" else None
            gain2 = semantics.torch_gain2(nonlinearity, param)
            return _Gain(gain2, nonlinearity, slope, given=True)
    return _Gain(None, given=True)


def _kaiming_gain(call: cst.Call) -> _Gain:
    """The nonlinearity a kaiming_* call names (``leaky_relu`` with ``a=0`` by default, which
    is He) and its squared gain (None if not literal)."""
    a_node = argument(call, 1, "a")
    a = 0.0 if a_node is None else literal_number(a_node)
    nl_node = argument(call, 3, "nonlinearity")
    nonlinearity = "leaky_relu" if nl_node is None else literal_string(nl_node)
    given = nl_node is not None or a != 0.0
    if a is None or nonlinearity is None:
        return _Gain(None, given=given)
    slope = a if nonlinearity == "leaky_relu" else None
    return _Gain(semantics.torch_gain2(nonlinearity, a), nonlinearity, slope, given)


def method_init(method: str, call: cst.Call, context: object) -> Init:
    """Read an in-place tensor initializer: ``w.data.zero_()``, ``w.fill_(1.0)`` (§2.5)."""
    family, distribution = semantics.TORCH_TENSOR_METHODS[method]
    value: float | None = None
    if method == "zero_":
        value = 0.0
    elif method == "fill_":
        value = literal_number(argument(call, 0, "value"))
        family = semantics.constant_family(value)
    return Init(
        name=method,
        family=family,
        framework=Framework.TORCH,
        explicit=True,
        spelling=Spelling.TORCH_METHOD,
        distribution=distribution,
        value=value,
        variance=random_variance(method, call, 0) if family is InitFamily.RANDOM else None,
        display=source_text(call),
        node=call,
        context=context,
    )
