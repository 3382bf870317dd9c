"""The catalogue: every initializer and activation spelling we read, their families and gains,
and the initializer each activation needs.

Facts come from ``shared/reference/frameworks.md`` (cited by section). Nothing here touches the
CST: extraction maps source to these names, rules ask these questions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from initlint.model import Act, ActFamily, Distribution, Framework, Init, InitFamily, Spelling

# --------------------------------------------------------------------------------------------
# Keras initializers (frameworks.md §1.2, §1.3)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KerasInit:
    """One Keras initializer: its snake-case identifier, class name, family and distribution."""

    snake: str
    pascal: str
    family: InitFamily
    distribution: Distribution | None = None
    value: float | None = None


_KERAS_INITS = (
    KerasInit("zeros", "Zeros", InitFamily.ZEROS, value=0.0),
    KerasInit("ones", "Ones", InitFamily.CONSTANT, value=1.0),
    # Keras 2 reads the string "constant" as Constant(value=0); Keras 3 rejects it (§1.3).
    KerasInit("constant", "Constant", InitFamily.ZEROS, value=0.0),
    KerasInit("glorot_uniform", "GlorotUniform", InitFamily.GLOROT, Distribution.UNIFORM),
    KerasInit("glorot_normal", "GlorotNormal", InitFamily.GLOROT, Distribution.TRUNCATED_NORMAL),
    KerasInit("he_uniform", "HeUniform", InitFamily.HE, Distribution.UNIFORM),
    KerasInit("he_normal", "HeNormal", InitFamily.HE, Distribution.TRUNCATED_NORMAL),
    KerasInit("lecun_uniform", "LecunUniform", InitFamily.LECUN, Distribution.UNIFORM),
    KerasInit("lecun_normal", "LecunNormal", InitFamily.LECUN, Distribution.TRUNCATED_NORMAL),
    KerasInit("orthogonal", "Orthogonal", InitFamily.ORTHOGONAL),
    KerasInit("identity", "Identity", InitFamily.IDENTITY),
    KerasInit("random_normal", "RandomNormal", InitFamily.RANDOM, Distribution.NORMAL),
    KerasInit("random_uniform", "RandomUniform", InitFamily.RANDOM, Distribution.UNIFORM),
    KerasInit(
        "truncated_normal", "TruncatedNormal", InitFamily.RANDOM, Distribution.TRUNCATED_NORMAL
    ),
    # VarianceScaling() with no arguments is LeCun normal; arguments reclassify it (§1.4).
    KerasInit(
        "variance_scaling", "VarianceScaling", InitFamily.LECUN, Distribution.TRUNCATED_NORMAL
    ),
    KerasInit("stft", "STFT", InitFamily.OTHER),
)

KERAS_INITS: dict[str, KerasInit] = {}
for _init in _KERAS_INITS:
    KERAS_INITS[_init.snake] = _init
    KERAS_INITS[_init.pascal] = _init
    if _init.snake != "stft":  # tf_keras registers V2 twins of the class names (§1.3)
        KERAS_INITS[_init.pascal + "V2"] = _init
for _alias, _target in {
    "zero": "zeros",
    "one": "ones",
    "normal": "random_normal",
    "uniform": "random_uniform",
    "OrthogonalInitializer": "orthogonal",
    "IdentityInitializer": "identity",
    "STFTInitializer": "stft",
    "glorot_normalV2": "glorot_normal",
    "glorot_uniformV2": "glorot_uniform",
    "he_normalV2": "he_normal",
    "he_uniformV2": "he_uniform",
    "lecun_normalV2": "lecun_normal",
    "lecun_uniformV2": "lecun_uniform",
}.items():
    KERAS_INITS[_alias] = KERAS_INITS[_target]

KERAS_DEFAULT_KERNEL_INIT = KERAS_INITS["glorot_uniform"]  # §1.6: Dense, Conv*, RNN input kernels

# The random Keras initializers and where each takes ``seed`` by position (the same in Keras 3
# and tf_keras, §1.2). The others (Zeros, Ones, Constant, Identity, STFT) draw nothing: one
# instance of them on several layers fills each with the same values, as intended.
KERAS_SEED_POSITION: dict[str, int] = {
    **dict.fromkeys(
        (
            f"{family}_{dist}"
            for family in ("glorot", "he", "lecun")
            for dist in ("uniform", "normal")
        ),
        0,
    ),
    "orthogonal": 1,
    "random_normal": 2,
    "random_uniform": 2,
    "truncated_normal": 2,
    "variance_scaling": 3,
}


def keras_variance_scaling(scale: float, mode: str, distribution: str) -> KerasInit:
    """Classify ``VarianceScaling(scale, mode, distribution)`` by what it computes (§1.4)."""
    dist = (
        Distribution.UNIFORM
        if distribution == "uniform"
        else Distribution.NORMAL
        if distribution == "untruncated_normal"
        else Distribution.TRUNCATED_NORMAL  # "normal" means truncated in Keras (§1.4)
    )
    base = KERAS_INITS["variance_scaling"]
    if mode == "fan_in" and math.isclose(scale, 2.0):
        family = InitFamily.HE
    elif mode == "fan_in" and math.isclose(scale, 1.0):
        family = InitFamily.LECUN
    elif mode == "fan_avg" and math.isclose(scale, 1.0):
        family = InitFamily.GLOROT
    else:
        family = InitFamily.SCALED
    return KerasInit(base.snake, base.pascal, family, dist)


def keras_init_named(family: InitFamily, distribution: Distribution | None) -> KerasInit:
    """The named Keras initializer of a family in the given distribution (uniform by default)."""
    suffix = "uniform" if distribution in (None, Distribution.UNIFORM) else "normal"
    return KERAS_INITS[f"{family.value}_{suffix}"]


def constant_family(value: float | None) -> InitFamily:
    """A constant fill: zeros, another constant, or unknown when it is not a literal."""
    if value is None:
        return InitFamily.UNKNOWN
    return InitFamily.ZEROS if value == 0.0 else InitFamily.CONSTANT


# --------------------------------------------------------------------------------------------
# torch.nn.init (frameworks.md §2.1, §2.2)
# --------------------------------------------------------------------------------------------

# function name (underscore form) -> (family, distribution)
TORCH_INIT_FUNCTIONS: dict[str, tuple[InitFamily, Distribution | None]] = {
    "zeros_": (InitFamily.ZEROS, None),
    "ones_": (InitFamily.CONSTANT, None),
    "constant_": (InitFamily.CONSTANT, None),
    "xavier_uniform_": (InitFamily.GLOROT, Distribution.UNIFORM),
    "xavier_normal_": (InitFamily.GLOROT, Distribution.NORMAL),
    "kaiming_uniform_": (InitFamily.HE, Distribution.UNIFORM),
    "kaiming_normal_": (InitFamily.HE, Distribution.NORMAL),
    "orthogonal_": (InitFamily.ORTHOGONAL, None),
    "eye_": (InitFamily.IDENTITY, None),
    "dirac_": (InitFamily.IDENTITY, None),
    "normal_": (InitFamily.RANDOM, Distribution.NORMAL),
    "uniform_": (InitFamily.RANDOM, Distribution.UNIFORM),
    "trunc_normal_": (InitFamily.RANDOM, Distribution.TRUNCATED_NORMAL),
    "sparse_": (InitFamily.RANDOM, Distribution.NORMAL),
}
# Deprecated aliases without the underscore (§2.1: no zeros/ones/trunc_normal aliases exist).
TORCH_DEPRECATED_ALIASES = {
    name[:-1]: name
    for name in TORCH_INIT_FUNCTIONS
    if name not in ("zeros_", "ones_", "trunc_normal_")
}

# In-place tensor methods used as initializers (§2.5): method -> (family, distribution)
TORCH_TENSOR_METHODS: dict[str, tuple[InitFamily, Distribution | None]] = {
    "zero_": (InitFamily.ZEROS, None),
    "fill_": (InitFamily.CONSTANT, None),
    "normal_": (InitFamily.RANDOM, Distribution.NORMAL),
    "uniform_": (InitFamily.RANDOM, Distribution.UNIFORM),
}

# In-place tensor methods that change values after initialisation (§2.5): afterwards the
# kernel is no longer what the initializer gave.
TORCH_MUTATING_METHODS = frozenset(
    (
        "copy_",
        "add_",
        "sub_",
        "mul_",
        "div_",
        "clamp_",
        "clamp_min_",
        "clamp_max_",
        "set_",
        "addcmul_",
        "addcdiv_",
        "masked_fill_",
        "index_fill_",
        "index_copy_",
        "scatter_",
        "fill_diagonal_",
        "random_",
        "bernoulli_",
        "exponential_",
        "log_normal_",
        "cauchy_",
        "geometric_",
    )
)

# calculate_gain(nonlinearity)**2 for the names that take no parameter (§2.2)
_TORCH_GAIN2 = {
    "linear": 1.0,
    "conv1d": 1.0,
    "conv2d": 1.0,
    "conv3d": 1.0,
    "conv_transpose1d": 1.0,
    "conv_transpose2d": 1.0,
    "conv_transpose3d": 1.0,
    "sigmoid": 1.0,
    "tanh": (5.0 / 3.0) ** 2,
    "relu": 2.0,
    "selu": 0.75**2,
}


def torch_gain2(nonlinearity: str, param: float | None) -> float | None:
    """``calculate_gain(nonlinearity, param) ** 2``; None where torch would raise."""
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return 2.0 / (1.0 + slope * slope)
    return _TORCH_GAIN2.get(nonlinearity)


# calculate_gain's name for an activation applied after a layer (§2.2, §2.6). Only these are
# compared by KIN104: calculate_gain has no name for softmax, hard sigmoid/tanh or softsign,
# SELU's "selu" gain is what KIN103 warns against, and a linear output takes any gain.
_GAIN_NAMES = {
    "relu": "relu",
    "relu6": "relu",
    "leaky_relu": "leaky_relu",
    "prelu": "leaky_relu",
    "tanh": "tanh",
    "sigmoid": "sigmoid",
}


def torch_gain_target(act: Act) -> tuple[str, float | None] | None:
    """``(nonlinearity, slope)``: the ``calculate_gain`` arguments for the activation applied;
    None for activations it has no name for, or a leaky slope we cannot read."""
    names = {_GAIN_NAMES.get(part) for part in act.name.split(" or ")}
    if len(names) != 1:
        return None
    name = names.pop()
    if name != "leaky_relu":
        return None if name is None else (name, None)
    slope = relu_slope(act)
    if slope is None:
        return None
    return ("relu", None) if slope == 0.0 else ("leaky_relu", slope)


def torch_gain_expression(nonlinearity: str, slope: float | None) -> str:
    """``calculate_gain(nonlinearity, slope)`` written as a literal expression (§2.2), for a
    fix that keeps a literal gain literal."""
    if nonlinearity == "leaky_relu":
        return f"(2 / (1 + {abs(slope or 0.0)!r} ** 2)) ** 0.5"
    return {"relu": "2 ** 0.5", "tanh": "5 / 3"}.get(nonlinearity, "1.0")


@dataclass(frozen=True, slots=True)
class GainMismatch:
    """A torch init call whose gain is for another activation than the one applied."""

    nonlinearity: str  # calculate_gain's name for the activation applied
    slope: float | None  # its negative slope, for leaky_relu
    written: float  # gain² the call computes
    needed: float  # gain² calculate_gain gives the activation applied

    @property
    def ratio(self) -> float:
        return max(self.written, self.needed) / min(self.written, self.needed)


def gain_mismatch(init: Init, act: Act) -> GainMismatch | None:
    """The gain a ``kaiming_*``/``xavier_*``/``orthogonal_`` call computes, against the one
    ``calculate_gain`` gives the activation applied, when they differ materially (KIN104).

    Only gains set by an argument are compared (``nonlinearity=``, ``a=``, ``gain=``), plus
    kaiming's default (He) before a leaky ReLU steep enough to need another gain. The He and
    Glorot mix-ups are left to the rules about them, with their width-aware exemptions, so
    a call is reported once: a Glorot or LeCun kernel under ReLU is KIN101's, a He kernel
    under sigmoid or tanh (``nonlinearity="relu"`` included) KIN102's.
    """
    if init.framework is not Framework.TORCH or init.spelling is not Spelling.TORCH_FUNCTION:
        return None
    if not init.name.startswith(("kaiming_", "xavier_", "orthogonal_")):
        return None
    if init.gain2 is None or init.gain2 <= 0.0 or init.family is InitFamily.UNKNOWN:
        return None  # unreadable; a zero gain is a zero kernel (KIN001), not a mismatch
    if init.family is InitFamily.TORCH_DEFAULT:
        # kaiming_uniform_(w, a=math.sqrt(5)) is torch's own Linear/Conv reset_parameters
        # (U(±1/√fan_in), §2.4), copied on purpose into custom layers to match nn.Linear: a
        # known idiom whose slope is not meant as any activation's gain.
        return None
    if init.family in (InitFamily.GLOROT, InitFamily.LECUN) and act.family is ActFamily.RELU:
        return None  # KIN101's
    if init.family is InitFamily.HE and is_saturating(act):
        return None  # KIN102's
    target = torch_gain_target(act)
    if target is None:
        return None
    nonlinearity, slope = target
    implicit_he = init.name.startswith("kaiming_") and nonlinearity == "leaky_relu"
    if not init.gain_given and not implicit_he:
        return None
    needed = torch_gain2(nonlinearity, slope)
    if needed is None:
        return None
    # tanh has two accepted gains: PyTorch's 5/3, and 1, which is Glorot's and LeCun's own
    # choice for it (and what KIN102's fix writes).
    accepted = (needed, 1.0) if nonlinearity == "tanh" else (needed,)
    if any(_within(init.gain2, gain2) for gain2 in accepted):
        return None
    if nonlinearity == "tanh" and init.nonlinearity is None and 1.0 <= init.gain2 <= needed:
        return None  # a number between the two (RL's orthogonal_(w, sqrt(2))): no verdict
    return GainMismatch(nonlinearity, slope, init.gain2, needed)


def _within(a: float, b: float) -> bool:
    """Two squared gains (variances at the same fan) too close for the difference to matter."""
    return max(a, b) / min(a, b) < MATERIAL_RATIO


def torch_kaiming_family(nonlinearity: str, gain2: float) -> InitFamily:
    """Name what a kaiming_* call computes (Var(w)·fan = gain², §5.1).

    Only the rectifier gains are He: ``nonlinearity="tanh"`` is PyTorch's gain for tanh and
    ``"linear"``/``"sigmoid"`` give LeCun's variance.
    """
    if nonlinearity in ("relu", "leaky_relu"):
        if gain2 >= 1.5:  # relu (2) and leaky relu with |slope| < ~0.58
            return InitFamily.HE
        if math.isclose(gain2, 1.0 / 3.0):  # a=sqrt(5): torch's own Linear/Conv default (§2.4)
            return InitFamily.TORCH_DEFAULT
        return InitFamily.SCALED
    if math.isclose(gain2, 1.0):
        return InitFamily.LECUN
    return InitFamily.SCALED


# --------------------------------------------------------------------------------------------
# Activations (frameworks.md §1.7, §2.6, §5.2)
# --------------------------------------------------------------------------------------------

ACT_FAMILIES: dict[str, ActFamily] = {
    **dict.fromkeys(
        ("relu", "relu6", "leaky_relu", "prelu", "rrelu", "crelu", "thresholded_relu"),
        ActFamily.RELU,
    ),
    **dict.fromkeys(
        ("sigmoid", "tanh", "hard_sigmoid", "hard_tanh", "softsign"), ActFamily.SATURATING
    ),
    **dict.fromkeys(("softmax", "log_softmax", "softmin", "sparsemax"), ActFamily.SOFTMAX),
    "selu": ActFamily.SELU,
    "linear": ActFamily.LINEAR,
    # No canonical initializer: never flagged by KIN101/KIN102 (§5.2). ELU's
    # 1/E[f(z)^2] = 1.55 sits between Glorot (1) and He (2), so neither is "wrong".
    **dict.fromkeys(
        (
            "gelu",
            "silu",
            "mish",
            "elu",
            "celu",
            "softplus",
            "hard_silu",
            "exponential",
            "glu",
            "log_sigmoid",
            "squareplus",
            "sparse_plus",
            "sparse_sigmoid",
            "tanh_shrink",
            "soft_shrink",
            "hard_shrink",
        ),
        ActFamily.SMOOTH,
    ),
}

# Keras activation identifiers (strings, and function names under keras.activations/ops,
# tf.nn) -> canonical name. Keras 2 also accepts layer names as strings (§1.7).
KERAS_ACT_NAMES: dict[str, str] = {
    **{name: name for name in ACT_FAMILIES},
    "swish": "silu",
    "hard_swish": "hard_silu",
    "log_softmax": "log_softmax",
    "ReLU": "relu",
    "LeakyReLU": "leaky_relu",
    "PReLU": "prelu",
    "ELU": "elu",
    "Softmax": "softmax",
    "ThresholdedReLU": "thresholded_relu",
    "linear": "linear",
}
# tf.nn.leaky_relu, keras.activations.leaky_relu and keras.ops.leaky_relu default to 0.2;
# the Keras LeakyReLU *layer* defaults to 0.3 (§6.2).
KERAS_LEAKY_FUNCTION_SLOPE = 0.2
KERAS_LEAKY_LAYER_SLOPE = 0.3

# Keras activation layer classes -> canonical name (Activation(...) is read separately).
KERAS_ACT_LAYERS = {
    "ReLU": "relu",
    "LeakyReLU": "leaky_relu",
    "PReLU": "prelu",
    "ELU": "elu",
    "Softmax": "softmax",
    "ThresholdedReLU": "thresholded_relu",
}

# torch.nn activation modules -> canonical name (§2.6)
TORCH_ACT_MODULES = {
    "ReLU": "relu",
    "ReLU6": "relu6",
    "LeakyReLU": "leaky_relu",
    "PReLU": "prelu",
    "RReLU": "rrelu",
    "ELU": "elu",
    "CELU": "celu",
    "SELU": "selu",
    "GELU": "gelu",
    "SiLU": "silu",
    "Mish": "mish",
    "Hardswish": "hard_silu",
    "Hardsigmoid": "hard_sigmoid",
    "Hardtanh": "hard_tanh",
    "Sigmoid": "sigmoid",
    "Tanh": "tanh",
    "Softplus": "softplus",
    "Softsign": "softsign",
    "Softmax": "softmax",
    "Softmax2d": "softmax",
    "LogSoftmax": "log_softmax",
    "Softmin": "softmin",
    "LogSigmoid": "log_sigmoid",
    "Tanhshrink": "tanh_shrink",
    "Softshrink": "soft_shrink",
    "Hardshrink": "hard_shrink",
    "GLU": "glu",
    "Identity": "linear",
}
TORCH_LEAKY_SLOPE = 0.01
TORCH_PRELU_SLOPE = 0.25

# torch.nn.functional.X, torch.X and Tensor.X activation functions -> canonical name
TORCH_ACT_FUNCTIONS = {
    **{
        name: name
        for name in (
            "relu",
            "relu6",
            "leaky_relu",
            "prelu",
            "rrelu",
            "elu",
            "celu",
            "selu",
            "gelu",
            "silu",
            "mish",
            "sigmoid",
            "tanh",
            "softplus",
            "softsign",
            "softmax",
            "log_softmax",
            "softmin",
            "glu",
        )
    },
    **{
        name + "_": name
        for name in ("relu", "leaky_relu", "elu", "selu", "sigmoid", "tanh", "rrelu", "celu")
    },
    "hardswish": "hard_silu",
    "hardsigmoid": "hard_sigmoid",
    "hardtanh": "hard_tanh",
    "hardtanh_": "hard_tanh",
    "logsigmoid": "log_sigmoid",
    "tanhshrink": "tanh_shrink",
    "expit": "sigmoid",
}
# Methods a tensor has (§2.6: no gelu/silu/leaky_relu methods).
TORCH_TENSOR_ACT_METHODS = {
    "relu": "relu",
    "relu_": "relu",
    "sigmoid": "sigmoid",
    "sigmoid_": "sigmoid",
    "tanh": "tanh",
    "tanh_": "tanh",
    "softmax": "softmax",
    "log_softmax": "log_softmax",
}


def make_act(name: str, display: str = "", slope: float | None = None) -> Act:
    """Build an ``Act`` from a canonical activation name."""
    family = ACT_FAMILIES.get(name, ActFamily.UNKNOWN)
    if name == "relu":
        slope = None
    return Act(name, family, slope, display or name)


def he_fits(act: Act) -> bool:
    """He's variance suits a rectifier only while its negative slope is small: the gain
    2/(1+slope²) drops below 1.5 past |slope| ≈ 0.58 (slope 1 is the identity, gain 1)."""
    slope = relu_slope(act)
    return act.family is ActFamily.RELU and slope is not None and slope * slope <= 1.0 / 3.0


def is_saturating(act: Act) -> bool:
    """Sigmoid, tanh and softmax: the activations He init over-drives (KIN102)."""
    return act.family in (ActFamily.SATURATING, ActFamily.SOFTMAX)


def relu_slope(act: Act) -> float | None:
    """The negative slope of a ReLU-family activation: 0 for plain ReLU, None when the code
    passes a slope we cannot read."""
    if act.name in ("leaky_relu", "prelu") or " or " in act.name:  # " or ": several paths
        return act.slope
    return 0.0


# --------------------------------------------------------------------------------------------
# Recommendations
# --------------------------------------------------------------------------------------------


def recommended_family(act: Act) -> InitFamily:
    """The initializer family an activation needs (§5.2)."""
    if act.family is ActFamily.RELU:
        return InitFamily.HE
    if act.family is ActFamily.SELU:
        return InitFamily.LECUN
    # sigmoid, tanh, softmax, linear: Glorot; no canonical choice: the framework default.
    return InitFamily.GLOROT


@dataclass(frozen=True, slots=True)
class TorchCall:
    """A ``torch.nn.init`` call to write: function name and keyword arguments (as source)."""

    function: str
    keywords: tuple[tuple[str, str], ...] = ()

    def display(self, quote: str = '"') -> str:
        args = "".join(f", {k}={v}" for k, v in self.keywords)
        return f"{self.function}(w{args})".replace("'", quote)


def torch_recommendation(act: Act, distribution: Distribution | None) -> TorchCall | None:
    """The ``torch.nn.init`` call for an activation, in the given distribution; None when
    its gain depends on a slope we cannot read."""
    dist = "uniform" if distribution in (None, Distribution.UNIFORM) else "normal"
    family = recommended_family(act)
    if family is InitFamily.HE:
        slope = relu_slope(act)
        if slope is None:
            return None
        if slope:
            return TorchCall(
                f"kaiming_{dist}_", (("a", _num(slope)), ("nonlinearity", "'leaky_relu'"))
            )
        return TorchCall(f"kaiming_{dist}_", (("nonlinearity", "'relu'"),))
    if family is InitFamily.LECUN:
        # SELU needs LeCun *normal*; torch spells it kaiming_normal_(nonlinearity="linear") (§5.2).
        return TorchCall("kaiming_normal_", (("nonlinearity", "'linear'"),))
    return TorchCall(f"xavier_{dist}_")


def _num(value: float) -> str:
    return repr(value) if value != int(value) else f"{value:.1f}"


def replacement(
    framework: Framework, family: InitFamily, act: Act, distribution: Distribution | None
) -> KerasInit | TorchCall | None:
    """The initializer of ``family`` to write in ``framework``, keeping the distribution.

    ``family`` is HE, GLOROT or LECUN; LeCun is always LeCun *normal* (what SELU needs).
    """
    if framework is Framework.KERAS:  # Keras He has no slope parameter: He either way
        if family is InitFamily.LECUN:
            return KERAS_INITS["lecun_normal"]
        return keras_init_named(family, distribution)
    if family is InitFamily.HE:
        relu_like = act if act.family is ActFamily.RELU else make_act("relu")
        return torch_recommendation(relu_like, distribution)
    if family is InitFamily.LECUN:
        return torch_recommendation(make_act("selu"), distribution)
    return torch_recommendation(make_act("tanh"), distribution)


def recommendation(
    framework: Framework, act: Act, distribution: Distribution | None
) -> KerasInit | TorchCall | None:
    """What a layer feeding ``act`` should be initialised with, in ``framework``."""
    return replacement(framework, recommended_family(act), act, distribution)


def display(target: KerasInit | TorchCall) -> str:
    return target.snake if isinstance(target, KerasInit) else target.display()


FAMILY_NAMES = {
    InitFamily.GLOROT: "Glorot",
    InitFamily.HE: "He",
    InitFamily.LECUN: "LeCun",
}


def describe_act(act: Act) -> str:
    """``F.leaky_relu`` (negative slope 0.2): the slope matters to the gain."""
    shown = f"`{act.display}`"
    if "leaky_relu" in act.name or "prelu" in act.name:
        slope = "unknown" if act.slope is None else f"{act.slope:g}"
        shown += f" (negative slope {slope})"
    return shown


# --------------------------------------------------------------------------------------------
# Variance formulas (frameworks.md §5.1; fans as each framework computes them, §5.3)
# --------------------------------------------------------------------------------------------


# He's variance must exceed Glorot's by this factor for the choice between them to matter.
# Square layers: 2x; a 784 -> 256 layer: 1.33x; a 128 -> 10 softmax head: 1.08x. The same
# factor between two squared gains decides a gain mismatch (KIN104): relu vs tanh is 1.39x,
# relu vs leaky_relu(0.2) only 1.04x.
MATERIAL_RATIO = 1.25


def he_over_glorot(init: Init, fan_in: int | None, fan_out: int | None) -> float | None:
    """How many times He's variance exceeds Glorot's for this layer's fans (1 + fan_out/fan_in
    with fan-in He): about 2 for square layers, near 1 for narrow heads, where the two
    initializers hardly differ. None when a fan is unknown."""
    if fan_in is None or fan_out is None or fan_in <= 0 or fan_out <= 0:
        return None
    return (fan_in + fan_out) / (fan_out if _fan_out_mode(init) else fan_in)


def _fan_out_mode(init: Init) -> bool:
    """``kaiming_*_(w, mode="fan_out")``: torch scales by fan_out instead of fan_in."""
    if init.framework is not Framework.TORCH or not init.name.startswith("kaiming_"):
        return False
    return fan_mode(init) == "fan_out"


def fan_mode(init: Init) -> str | None:
    """The fan a fan-scaled init divides by: what extraction read (``init.mode``), else a
    literal ``mode=`` keyword, else the function's default (fan_in); None if unreadable."""
    if init.mode is not None:
        return init.mode
    written = dict(init.params).get("mode")
    if written is None:
        return "fan_in"
    text = written.strip("'\"").lower()
    return text if text in ("fan_in", "fan_out", "fan_avg") and text != written else None
