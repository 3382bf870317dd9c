"""Plain data extraction produces and rules read: Model, Layer, Init, Act, InitCall, InstanceUse."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Framework(enum.Enum):
    KERAS = "keras"
    TORCH = "torch"


class LayerKind(enum.Enum):
    DENSE = "dense"
    CONV = "conv"
    RECURRENT = "recurrent"
    EMBEDDING = "embedding"
    NORMALIZATION = "normalization"
    ACTIVATION = "activation"
    PASSTHROUGH = "passthrough"  # dropout, pooling, reshape, flatten: keep the pairing
    OTHER = "other"

    @property
    def has_kernel(self) -> bool:
        return self in (LayerKind.DENSE, LayerKind.CONV, LayerKind.RECURRENT)


class Role(enum.Enum):
    """Where a weight layer sits in its chain; exemptions for zero init depend on it."""

    HIDDEN = "hidden"  # its output (through activations/norms) feeds another weight layer
    OUTPUT = "output"  # the last weight layer of a model or Sequential
    UNKNOWN = "unknown"  # a residual branch, a standalone layer, or flow we could not follow


class InitFamily(enum.Enum):
    ZEROS = "zeros"
    CONSTANT = "constant"
    GLOROT = "glorot"
    HE = "he"
    LECUN = "lecun"
    ORTHOGONAL = "orthogonal"
    IDENTITY = "identity"
    RANDOM = "random"  # fixed-scale random: RandomNormal(stddev), normal_(std), uniform_(a, b)
    SCALED = "scaled"  # fan-scaled with a gain that is none of He/Glorot/LeCun
    TORCH_DEFAULT = "torch_default"  # kaiming_uniform_(a=sqrt(5)): U(±1/sqrt(fan_in))
    OTHER = "other"
    UNKNOWN = "unknown"


class ActFamily(enum.Enum):
    RELU = "relu"  # relu, relu6, leaky relu, prelu: He territory
    SATURATING = "saturating"  # sigmoid, tanh and their hard variants: Glorot territory
    SOFTMAX = "softmax"
    SELU = "selu"
    LINEAR = "linear"
    SMOOTH = "smooth"  # gelu, silu/swish, mish, elu, softplus: no canonical init, never flagged
    UNKNOWN = "unknown"


class Distribution(enum.Enum):
    UNIFORM = "uniform"
    NORMAL = "normal"
    TRUNCATED_NORMAL = "truncated_normal"


class Spelling(enum.Enum):
    """How the user wrote an initializer, so a fix can write the replacement the same way."""

    STRING = "string"  # kernel_initializer="glorot_uniform"
    CLASS = "class"  # kernel_initializer=initializers.GlorotUniform
    INSTANCE = "instance"  # kernel_initializer=GlorotUniform(seed=1)
    TORCH_FUNCTION = "torch_function"  # nn.init.xavier_uniform_(w)
    TORCH_METHOD = "torch_method"  # w.data.zero_()
    DEFAULT = "default"  # nothing written: the framework default
    NONE = "none"  # `kernel_initializer=None`: the default, rewritten in place
    OPAQUE = "opaque"  # read, but not rewritten: `initializers.get("...")`


@dataclass(frozen=True, slots=True)
class Init:
    """The initializer that fills a layer's kernel."""

    name: str  # canonical: "glorot_uniform", "he_normal", "zeros", "kaiming_uniform_", ...
    family: InitFamily
    framework: Framework
    explicit: bool
    spelling: Spelling
    distribution: Distribution | None = None
    value: float | None = None  # the constant of a constant/zeros init
    gain2: float | None = None  # Var(w)*fan for fan-scaled inits, when literal
    variance: float | None = None  # Var(w) of a fixed-scale random init, when literal
    mean: float | None = None  # E[w] of a fixed-scale random init, when literal (U[0,1): 0.5)
    # The fan a fan-scaled init divides by ("fan_in", "fan_out", "fan_avg"), when an argument
    # sets it (Keras VarianceScaling, torch kaiming_); None: the function's default.
    mode: str | None = None
    params: tuple[tuple[str, str], ...] = ()  # literal keyword arguments as source text
    keyword: str = "kernel_initializer"  # the Keras argument that takes it, for a fix to add
    # What a torch gain argument says (kaiming_'s `nonlinearity`/`a`, xavier_/orthogonal_'s
    # `gain`): calculate_gain's name for the activation it is computed for (None for a
    # bare number), leaky_relu's slope in it, and whether an argument moves it off the
    # function's default (kaiming: nonlinearity= or a≠0; xavier/orthogonal: gain≠1).
    nonlinearity: str | None = None
    slope: float | None = None
    gain_given: bool = False
    display: str = ""  # the source text, for messages
    node: Any = field(default=None, compare=False, repr=False)  # opaque handle for fixes
    context: Any = field(default=None, compare=False, repr=False)  # the file's names, for fixes

    @property
    def label(self) -> str:
        """How messages name it: as written when that is short (``VarianceScaling(1.0,
        "fan_avg")``, ``"GlorotUniform"``), else by its canonical name (``xavier_uniform_``)."""
        written = " ".join(self.display.split())
        if self.spelling is Spelling.STRING:
            written = written.strip("'\"")  # the identifier, as the user spelled it
        keras_value = self.framework is Framework.KERAS and self.spelling in (
            Spelling.STRING,
            Spelling.CLASS,
            Spelling.INSTANCE,
        )
        return written if keras_value and 0 < len(written) <= 60 else self.name


@dataclass(frozen=True, slots=True)
class Act:
    """The activation applied to a layer's output."""

    name: str  # canonical: "relu", "leaky_relu", "tanh", "softmax", "linear", "unknown", ...
    family: ActFamily
    slope: float | None = None  # leaky relu negative slope, when known
    display: str = ""


UNKNOWN_ACT = Act("unknown", ActFamily.UNKNOWN, display="unknown")
LINEAR_ACT = Act("linear", ActFamily.LINEAR, display="linear")


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer of a model, with what its kernel is filled with and what it feeds."""

    name: str  # "fc1", "Dense#2", the attribute or a positional label
    type: str  # the framework class: "Dense", "Linear", "Conv2d", "ReLU", ...
    kind: LayerKind
    framework: Framework
    init: Init | None  # None for layers without a kernel
    act: Act
    role: Role
    fan_in: int | None = None
    fan_out: int | None = None
    units: int | None = None  # output units or filters, when literal
    trainable: bool = True  # False for `trainable=False`: never updated, so never symmetric
    shared: tuple[Act, ...] = ()  # what the other layers filled by the same init call feed
    # How the code reaches the layer right after the binding that names it (`self.fc1`,
    # `net[0]`, `fc`), for messages that say what to write; "" when it is not bound.
    path: str = ""
    synthetic: bool = False  # built inside a framework composite (TransformerEncoderLayer)
    # For the signal model: the index, in its model's ``layers``, of the one weight layer this
    # layer's output reaches (through activations, dropout, pooling, reshapes and norms) when
    # that layer reads nothing else; None otherwise (a residual sum, a concatenation, several
    # consumers, a layer of another model, flow we could not follow). ``normalized``: a
    # normalization layer sits on that path.
    feeds: int | None = None
    normalized: bool = False
    node: Any = field(default=None, compare=False, repr=False)  # the constructor call
    context: Any = field(default=None, compare=False, repr=False)

    @property
    def init_node(self) -> Any:
        """Where an init finding is reported: the initializer as written, else the layer."""
        if self.init is not None and self.init.explicit and self.init.node is not None:
            return self.init.node
        return self.node

    @property
    def display(self) -> str:
        """``fc1 (Linear)``, or ``Dense(256)`` when the name already says the type."""
        return self.name if self.name.startswith(self.type) else f"{self.name} ({self.type})"


@dataclass(frozen=True, slots=True)
class Model:
    """An ordered chain of layers: a Sequential, a module class, or a lone layer."""

    name: str
    framework: Framework
    layers: tuple[Layer, ...]

    @property
    def weight_layers(self) -> tuple[Layer, ...]:
        return tuple(layer for layer in self.layers if layer.init is not None)


@dataclass(frozen=True, slots=True)
class InitCall:
    """A ``torch.nn.init`` call as written, whatever tensor it fills: a layer's kernel, a bias,
    a bare ``nn.Parameter``, a tensor passed in. Rules about the call itself (how it is
    spelled) read these; rules about what a kernel feeds read the models' layers."""

    function: str  # as resolved through imports: "xavier_uniform" for the deprecated alias
    init: Init  # what the call computes; ``init.node`` is the call, ``init.context`` its names
    func: Any = field(default=None, compare=False, repr=False)  # the callee as written


class Seed(enum.Enum):
    """How a Keras initializer instance is seeded."""

    ABSENT = "absent"  # no seed argument
    NONE = "none"  # seed=None
    INT = "int"  # seed=42: an integer literal
    GENERATOR = "generator"  # seed=keras.random.SeedGenerator(42): advances on every call
    OTHER = "other"  # an expression we cannot read (a variable, a call): never a guess


@dataclass(frozen=True, slots=True)
class InstanceUse:
    """A Keras layer whose kernel initializer is a variable holding an initializer instance
    (``init = initializers.HeNormal()``, then ``Dense(64, kernel_initializer=init)``): one
    record per layer built, in the order the code builds them. Records with the same
    ``instance`` hand the layers one object: one evaluation of the instance expression."""

    instance: int  # which evaluation of the instance expression, numbered per file
    layer: str  # the layer, as messages name it: ``Dense(64)``, ``encoder (Dense)``
    argument: str  # the initializer argument as written: ``init``, ``self.init``
    display: str  # the instance expression as written (``HeNormal(seed=42)``), or its callee
    name: str  # the initializer's canonical name: "he_normal"
    seed: Seed
    seed_value: int | None  # the literal of an INT seed
    keras3: bool  # reached through `keras` (Keras 3: SeedGenerator exists), not tf.keras/tf_keras
    repeated: bool  # built in a loop or comprehension that does not rebuild the instance
    arms: tuple[tuple[int, int], ...]  # (branch point, arm) of each if/try/match it runs under
    init: Init  # what the instance is; ``init.node`` is the argument as written at this layer
    definition: Any = field(default=None, compare=False, repr=False)  # the instance expression
    seed_node: Any = field(default=None, compare=False, repr=False)  # the seed argument's value
    # the names visible where the instance is built, for a fix there
    definition_context: Any = field(default=None, compare=False, repr=False)
    # which walk built it: 0 for code that runs from module level (calls included), else
    # the walk of one function or class definition (code reached only from there)
    root: int = 0

    def argument_is(self, other: InstanceUse) -> bool:
        """The same argument in the source: code that runs more than once (a helper called
        twice, a loop unrolled)."""
        return self.init.node is other.init.node

    def exclusive(self, other: InstanceUse) -> bool:
        """Built on different arms of one ``if``/``try``/``match``: never both in one run."""
        mine = dict(self.arms)
        return any(point in mine and mine[point] != arm for point, arm in other.arms)


@dataclass(frozen=True, slots=True)
class FileModels:
    """Everything extraction reads from one file: its models, every init call in it, and every
    layer given an initializer instance held in a variable."""

    models: tuple[Model, ...] = ()
    init_calls: tuple[InitCall, ...] = ()
    instance_uses: tuple[InstanceUse, ...] = ()
