"""PyTorch: modules, ``torch.nn.init`` calls, in-place tensor initializers and activations."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
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
    receptive_field,
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
            "MultiheadAttention",
            "TransformerEncoderLayer",
            "TransformerDecoderLayer",
            "TransformerEncoder",
            "TransformerDecoder",
        ),
        K.OTHER,
    ),
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
# Products of an input (first argument) with a weight (second).
_MATMULS = frozenset(("torch.matmul", "torch.mm", "torch.bmm", "torch.nn.functional.linear"))


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
    "torch.nn": frozenset(
        (
            *MODULE_KINDS,
            "Sequential",
            "ModuleList",
            "ModuleDict",
            "Parameter",
            "Module",
            "init",
            "functional",
        )
    ),
    "torch.nn.init": frozenset(
        (*semantics.TORCH_INIT_FUNCTIONS, *semantics.TORCH_DEPRECATED_ALIASES, "calculate_gain")
    ),
    "torch.nn.functional": frozenset(
        (
            *semantics.TORCH_ACT_FUNCTIONS,
            *(q.rsplit(".", 1)[1] for q in _PASSTHROUGH_FUNCTIONS),
            "linear",
        )
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
    if qualified in ("torch.nn.ModuleList", "torch.nn.ModuleDict"):
        return Recognized(What.MODULE_LIST, Framework.TORCH, last)
    if qualified in ("torch.nn.Parameter", "torch.nn.parameter.Parameter"):
        return Recognized(What.PARAMETER, Framework.TORCH, "Parameter")
    if prefix == "torch" and last in TENSOR_FACTORIES:
        return Recognized(What.TENSOR_FACTORY, Framework.TORCH, last)
    if qualified in _MATMULS:
        return Recognized(What.MATMUL, Framework.TORCH, last)
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
        size = receptive_field(argument(call, 2, "kernel_size"), _conv_dims(type_name))
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
    mean: float | None = None
    mode: str | None = None
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
        mode_node = argument(call, 2, "mode")
        mode = literal_string(mode_node)
        if mode is not None:
            mode = mode.lower()
        if gain.gain2 is None or (mode_node is not None and mode not in ("fan_in", "fan_out")):
            family, mode = InitFamily.UNKNOWN, None
        else:
            family = semantics.torch_kaiming_family(gain.nonlinearity or "", gain.gain2)
    elif family is InitFamily.RANDOM:
        variance = random_variance(canonical, call, 1)
        mean = random_mean(canonical, call, 1)
    if has_star_args(call) and canonical not in ("zeros_", "ones_"):
        family, gain, variance = InitFamily.UNKNOWN, _NO_GAIN, None  # `**cfg` may set anything
        mean = mode = None
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
        mean=mean,
        mode=mode,
        params=params,
        display=source_text(call),
        node=call,
        context=context,
        nonlinearity=gain.nonlinearity,
        slope=gain.slope,
        gain_given=gain.given,
    )


def random_variance(method: str, call: cst.Call, offset: int) -> float | None:
    """Var(w) of ``normal_``/``uniform_``/``trunc_normal_``/``sparse_`` from literal
    arguments (§2.1, §2.5); for ``sparse_`` the second moment E[w²] = (1-sparsity)·std², since
    the zeroed entries are part of the kernel (its mean is 0).

    ``offset`` is 1 for ``nn.init.f(tensor, ...)`` and 0 for ``tensor.f(...)``.
    """
    if method == "sparse_":
        sparsity = literal_number(argument(call, 1, "sparsity"))
        std = literal_or(argument(call, 2, "std"), 0.01)
        return None if sparsity is None or std is None else (1.0 - sparsity) * std * std
    if method == "normal_":
        std = literal_or(argument(call, offset + 1, "std"), 1.0)
        return None if std is None else std * std
    if method == "uniform_":
        low, high = _uniform_bounds(call, offset)
        return None if low is None or high is None else (high - low) ** 2 / 12.0
    if method == "trunc_normal_":  # cut at absolute a, b: untruncated beyond 3 std
        mean, std, low, high = _trunc_normal_arguments(call)
        if mean is None or std is None or low is None or high is None:
            return None
        return std * std if min(mean - low, high - mean) >= 3 * std else None
    return None


def random_mean(method: str, call: cst.Call, offset: int) -> float | None:
    """E[w] of the same calls: ``uniform_(w)`` is U[0, 1), mean 1/2; ``normal_(w, 1.0)`` 1.
    A ``trunc_normal_`` is centred on its mean only when the cut is symmetric about it."""
    if method == "sparse_":
        return 0.0
    if method == "normal_":
        return literal_or(argument(call, offset, "mean"), 0.0)
    if method == "uniform_":
        low, high = _uniform_bounds(call, offset)
        return None if low is None or high is None else 0.5 * (low + high)
    if method == "trunc_normal_":
        mean, std, low, high = _trunc_normal_arguments(call)
        if mean is None or std is None or low is None or high is None:
            return None
        symmetric = math.isclose(mean - low, high - mean)
        return mean if symmetric or min(mean - low, high - mean) >= 3 * std else None
    return None


def _uniform_bounds(call: cst.Call, offset: int) -> tuple[float | None, float | None]:
    low = literal_or(argument(call, offset, "a" if offset else "from"), 0.0)
    high = literal_or(argument(call, offset + 1, "b" if offset else "to"), 1.0)
    return low, high


def _trunc_normal_arguments(
    call: cst.Call,
) -> tuple[float | None, float | None, float | None, float | None]:
    return (
        literal_or(argument(call, 1, "mean"), 0.0),
        literal_or(argument(call, 2, "std"), 1.0),
        literal_or(argument(call, 3, "a"), -2.0),
        literal_or(argument(call, 4, "b"), 2.0),
    )


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
        mean=random_mean(method, call, 0) if family is InitFamily.RANDOM else None,
        display=source_text(call),
        node=call,
        context=context,
    )


# ---------------------------------------------------------------- module structure

# Base classes a module type is an instance of, besides itself and `nn.Module`
# (torch/nn/modules: conv.py, batchnorm.py, linear.py, rnn.py, instancenorm.py).
_BASES: dict[str, tuple[str, ...]] = {
    **{name: ("_ConvNd",) for name in ("Conv1d", "Conv2d", "Conv3d")},
    **{f"LazyConv{n}d": ("_ConvNd", f"Conv{n}d") for n in (1, 2, 3)},
    **{
        name: ("_ConvNd", "_ConvTransposeNd", "_ConvTransposeMixin")
        for name in ("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d")
    },
    "LazyLinear": ("Linear",),
    "NonDynamicallyQuantizableLinear": ("Linear",),
    **{
        name: ("_NormBase", "_BatchNorm")
        for name in ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm")
    },
    **{
        name: ("_NormBase", "_InstanceNorm")
        for name in ("InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d")
    },
    **{name: ("RNNBase",) for name in ("RNN", "LSTM", "GRU")},
    **{name: ("RNNCellBase",) for name in ("RNNCell", "LSTMCell", "GRUCell")},
}


def is_instance(type_name: str, qualified: str) -> bool | None:
    """``isinstance(<a type_name module>, <qualified>)``; None for a torch class we do not
    know the hierarchy of. A class outside torch is never a base of a torch module."""
    if not qualified.startswith("torch."):
        return False
    last = qualified.rsplit(".", 1)[1]
    if last in ("Module", "object"):
        return True
    if last == type_name or last in _BASES.get(type_name, ()):
        return True
    known = last in MODULE_KINDS or any(last in bases for bases in _BASES.values())
    return False if known or last in ("Sequential", "ModuleList", "ModuleDict") else None


def parameters(type_name: str, call: cst.Call) -> list[tuple[str, int | None]] | None:
    """A module's own parameters as ``named_parameters()`` lists them: (name, ndim).

    None where they depend on arguments we cannot read.
    """
    bias = has_bias(type_name, call)
    if type_name in ("Linear", "LazyLinear", "Bilinear") or type_name.startswith(
        ("Conv", "LazyConv")
    ):
        ndim = 2 if "Linear" in type_name else _conv_dims(type_name) + 2
        if type_name == "Bilinear":
            ndim = 3
        if bias is None:
            return None
        return [("weight", ndim), *([("bias", 1)] if bias else [])]
    if type_name in ("Embedding", "EmbeddingBag"):
        return [("weight", 2)]
    if type_name in ("RNN", "LSTM", "GRU"):
        layers = literal_or(argument(call, 2, "num_layers"), 1)
        bidirectional = argument(call, 6 if type_name != "RNN" else 7, "bidirectional")
        directions = 1 if bidirectional is None else _literal_bool(bidirectional)
        if layers is None or directions is None or bias is None or not 0 < layers <= 64:
            return None
        suffixes = [""] if directions is False or directions == 1 else ["", "_reverse"]
        names = [
            f"{kind}_{part}_l{index}{suffix}"
            for index in range(int(layers))
            for suffix in suffixes
            for kind, part in (("weight", "ih"), ("weight", "hh"), ("bias", "ih"), ("bias", "hh"))
            if kind == "weight" or bias
        ]
        return [(name, 2 if name.startswith("weight") else 1) for name in names]
    if type_name in ("RNNCell", "LSTMCell", "GRUCell"):
        if bias is None:
            return None
        names = ["weight_ih", "weight_hh", *(["bias_ih", "bias_hh"] if bias else [])]
        return [(name, 2 if name.startswith("weight") else 1) for name in names]
    if MODULE_KINDS.get(type_name) is LayerKind.NORMALIZATION:
        affine = argument(call, None, "affine")
        elementwise = argument(call, None, "elementwise_affine")
        flag = affine if affine is not None else elementwise
        default = not type_name.startswith("InstanceNorm")
        present = default if flag is None else _literal_bool(flag)
        if present is None:
            return None
        return [("weight", 1), ("bias", 1)] if present else []
    if type_name == "PReLU":
        return [("weight", 1)]
    if type_name == "MultiheadAttention":
        flag = argument(call, 3, "bias")  # (embed_dim, num_heads, dropout, bias)
        bias = True if flag is None else _literal_bool(flag)
        if bias is None:
            return None
        return [("in_proj_weight", 2), *([("in_proj_bias", 1)] if bias else [])]
    if MODULE_KINDS.get(type_name) in (LayerKind.ACTIVATION, LayerKind.PASSTHROUGH):
        return []
    if type_name.startswith("Transformer"):  # its parameters belong to its submodules
        return []
    return None


def transformer_layer_act(
    call: cst.Call, resolve_function: Callable[[cst.BaseExpression], str | None]
) -> Act:
    """The activation between ``linear1`` and ``linear2`` of ``nn.Transformer*Layer``:
    ``activation="relu"`` (the default) or ``"gelu"``, or a function such as ``F.gelu``."""
    node = argument(call, 4, "activation")
    if node is None:
        return semantics.make_act("relu", 'activation="relu" (the default)')
    name = literal_string(node)
    if name is None:
        name = resolve_function(node)
    if name not in ("relu", "gelu"):
        return semantics.make_act("unknown", source_text(node))
    return semantics.make_act(name, f'activation="{name}"')


def transformer_widths(call: cst.Call) -> tuple[int | None, int | None]:
    """(d_model, dim_feedforward) of ``nn.Transformer*Layer`` (dim_feedforward 2048 default)."""
    d_model = literal_int(argument(call, 0, "d_model"))
    node = argument(call, 2, "dim_feedforward")
    return d_model, 2048 if node is None else literal_int(node)


def has_bias(type_name: str, call: cst.Call) -> bool | None:
    """Does the module get a bias? (``bias=False`` turns it off.)"""
    position = {
        "Linear": 2,
        "LazyLinear": 1,
        "Bilinear": 3,
        "RNN": 4,
        "LSTM": 3,
        "GRU": 3,
        "RNNCell": 2,
        "LSTMCell": 2,
        "GRUCell": 2,
    }.get(type_name)
    if type_name.startswith("Conv"):
        position = 7
    node = argument(call, position, "bias")
    return True if node is None else _literal_bool(node)


def _conv_dims(type_name: str) -> int:
    return int(type_name[-2]) if type_name[-2].isdigit() else 2


def _literal_bool(node: cst.BaseExpression) -> bool | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


# Tensor factories whose values a parameter starts with (frameworks.md §2.5).
TENSOR_FACTORIES = frozenset(
    ("zeros", "ones", "full", "randn", "rand", "empty", "Tensor", "FloatTensor", "eye")
)


def factory_init(function: str, call: cst.Call, context: object) -> tuple[Init, int | None]:
    """What ``nn.Parameter(torch.<function>(...))`` starts as, and how many dimensions it has.

    ``torch.empty``/``torch.Tensor`` leave memory uninitialised: unknown until an init call.
    """
    shape = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    if function == "full":
        shape = shape[:1]
    if len(shape) == 1 and isinstance(shape[0], (cst.Tuple, cst.List)):
        ndim: int | None = len(shape[0].elements)
    elif has_star_args(call) or not shape:
        ndim = None
    else:
        ndim = len(shape)
    value: float | None = None
    mean: float | None = None
    family, distribution, variance = InitFamily.UNKNOWN, None, None
    if function == "zeros":
        family, value = InitFamily.ZEROS, 0.0
    elif function == "ones":
        family, value = InitFamily.CONSTANT, 1.0
    elif function == "full":
        value = literal_number(argument(call, 1, "fill_value"))
        family = semantics.constant_family(value)
    elif function == "randn":
        family, distribution, variance = InitFamily.RANDOM, Distribution.NORMAL, 1.0
        mean = 0.0
    elif function == "rand":
        family, distribution, variance = InitFamily.RANDOM, Distribution.UNIFORM, 1.0 / 12.0
        mean = 0.5
    elif function == "eye":
        family, ndim = InitFamily.IDENTITY, 2
    init = Init(
        name=f"torch.{function}",
        family=family,
        framework=Framework.TORCH,
        explicit=True,
        spelling=Spelling.OPAQUE,
        distribution=distribution,
        value=value,
        variance=variance,
        mean=mean if family is InitFamily.RANDOM else None,
        display=source_text(call),
        node=call,
        context=context,
    )
    return init, ndim


def recurrent_act(type_name: str, call: cst.Call) -> Act:
    """What a recurrent layer's input weights feed: ``nn.RNN``'s ``nonlinearity`` (tanh by
    default, or relu), or the sigmoid and tanh gates of LSTM/GRU (frameworks.md §2.4)."""
    if type_name in ("RNN", "RNNCell"):
        node = argument(call, 3, "nonlinearity")
        name = "tanh" if node is None else literal_string(node)
        if name not in ("tanh", "relu"):
            return semantics.make_act("unknown", _short(call))
        return semantics.make_act(name, f'{type_name}(nonlinearity="{name}")')
    return semantics.make_act("sigmoid", f"{type_name} gates (sigmoid and tanh)")


def recurrent_default_init(node: cst.Call, context: object) -> Init:
    """Every RNN/LSTM/GRU parameter starts U(±1/sqrt(hidden_size)) (frameworks.md §2.4)."""
    return dataclasses.replace(
        default_init(node, context),
        name="uniform_(-1/sqrt(hidden_size), 1/sqrt(hidden_size))",
        gain2=None,
        display="PyTorch default uniform_(-1/sqrt(hidden_size), 1/sqrt(hidden_size))",
    )


def recurrent_widths(type_name: str, call: cst.Call) -> tuple[int | None, int | None]:
    """(fan_in, fan_out) of ``weight_ih``, shape (gates·hidden, input) (§2.3)."""
    gates = {"LSTM": 4, "LSTMCell": 4, "GRU": 3, "GRUCell": 3}.get(type_name, 1)
    inputs = literal_int(argument(call, 0, "input_size"))
    hidden = literal_int(argument(call, 1, "hidden_size"))
    return inputs, None if hidden is None else gates * hidden


def scaled(init: Init) -> Init:
    """A factory's values times a factor we do not evaluate: random stays random with an
    unknown variance; a constant becomes an unknown constant."""
    family = InitFamily.RANDOM if init.family is InitFamily.RANDOM else InitFamily.UNKNOWN
    return dataclasses.replace(init, family=family, variance=None, mean=None, value=None)
