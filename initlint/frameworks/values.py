"""What the flow walker knows about a value: the records it creates and passes around.

Each record stands for a runtime object the walker can follow: a layer, a container of
layers, a tensor produced by a layer, one parameter of a layer, or a Python constant it can
decide tests with (``"weight" in name``, ``classname.find("Conv") != -1``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from initlint.model import Act, Framework, Init, LayerKind


@dataclass(eq=False)
class LayerObj:
    """A layer constructor call, with what we learn about it while walking."""

    type: str
    kind: LayerKind
    framework: Framework
    node: cst.Call
    owner: str
    order: int
    label: str = ""
    path: str = ""  # how code reaches it right after the binding that names it: `self.fc1`
    init: Init | None = None
    inline_act: Act | None = None  # keras activation=..., or what an activation layer applies
    acts: list[Act] = field(default_factory=list)
    feeds_weight: bool = False
    chain_end: bool = False
    fan_in: int | None = None
    fan_out: int | None = None
    units: int | None = None
    trainable: bool = True
    # an unreadable Sequential item that is a module we still know the insides of
    module: Any = None
    # the submodules a built-in composite creates itself (nn.TransformerEncoderLayer's linear1)
    parts: dict[str, Any] = field(default_factory=dict)
    synthetic: bool = False  # one of those submodules: built with its defaults
    # Data-flow edges for the signal model: each weight layer this one's output reaches
    # (with whether a normalization sat between, and whether through a concatenation), and
    # each value this one was applied to (None: an input, or a value we could not follow).
    targets: list[tuple[LayerObj, bool, bool]] = field(default_factory=list)
    sources: list[LayerObj | None] = field(default_factory=list)
    escapes: bool = False  # its output is also used where we cannot follow it, or returned


@dataclass(eq=False)
class SeqObj:
    """A Sequential container: its items are applied in order."""

    framework: Framework
    node: cst.Call
    items: list[LayerObj | SeqObj]
    label: str = ""
    path: str = ""
    used: bool = False
    nested: bool = False
    keys: dict[str, LayerObj | SeqObj] = field(default_factory=dict)  # OrderedDict names


@dataclass(eq=False)
class ListObj:
    """A ``ModuleList``/``ModuleDict`` (or a Python list of layers): held, never applied as a
    chain. ``repeated``: built by a comprehension, so each item stands for several copies."""

    items: list[Any]  # flow values (layers, Sequentials, modules)
    keys: list[str] | None = None  # a ModuleDict's keys, in order
    repeated: bool = False
    known: bool = True  # False: some items could not be read


@dataclass(frozen=True, slots=True)
class Flow:
    """A tensor: the weight layer that produced it, and whether it has been activated since."""

    layer: LayerObj | None
    activated: bool = False
    width: int | None = None  # features per example, while a Dense/Linear output is unchanged
    parts: tuple[Flow, ...] = ()  # a concatenation: each part's units pass through unchanged
    leading: int | None = None  # an input's first axis: channels, under channels_first
    normalized: bool = False  # a normalization layer has been applied since ``layer``

    def leaves(self) -> tuple[Flow, ...]:
        """The flows this value is made of: itself, or the parts of a concatenation (kept
        flat, so one level)."""
        return self.parts or (self,)


@dataclass(frozen=True, eq=False)
class Literal:
    """An initializer or activation held in a variable: ``init = HeNormal()``, ``ACT =
    "relu"``, ``self.act = keras.activations.relu``. Compared by identity."""

    node: cst.BaseExpression


@dataclass(frozen=True, slots=True)
class Const:
    """A Python value known statically: a parameter's name, a class name, a number."""

    value: str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class ParamRef:
    """One parameter of a layer: ``fc.weight``, ``lstm.weight_hh_l0``, or ``p`` in a loop over
    ``named_parameters()``. ``ndim`` is its number of dimensions, when known."""

    layer: LayerObj
    name: str
    ndim: int | None

    @property
    def is_kernel(self) -> bool:
        """The tensor a layer's ``init`` describes: the weight, or an RNN's input weights."""
        return self.name == "weight" or self.name.startswith("weight_ih")
