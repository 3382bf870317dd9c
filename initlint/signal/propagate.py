"""Mean-field signal propagation through a model's chains of weight layers.

``analyse(model)`` is a pure function of a ``Model``: the ``--signal`` table, its JSON, and
the rules KIN201 (unscaled-random-init) and KIN202 (signal-drift) all read its numbers.

What a chain is. A run of dense/conv layers with known fans and a known kernel variance,
each feeding the next directly (``Layer.feeds``: through activations, dropout, pooling and
reshapes only). A chain ends where that stops being true, and ``Chain.end`` says why:

* ``"output"``: the layer's output leaves the model;
* ``"normalization"``: a norm sits before the next layer and resets the scale, so the next
  chain starts afresh;
* ``"activation"``: the activation has no moments we can compute (softmax, an unknown or
  ambiguous one, a leaky ReLU of unknown slope);
* ``"next-layer"``: the next weight layer's width or initializer cannot be read;
* ``"branch"``: the output goes to a residual sum, a concatenation, several layers, or code
  we could not follow. Never guessed across.

The model. Pre-activations of unit i of layer l are treated as Gaussian,
h_i = m + C + e_i, with m a mean, C ~ N(0, c) a part shared by all units of the layer for a
given input, and e_i ~ N(0, v) the unit's own part. A centred kernel (E[w] = 0) gives m = c = 0
and the classic recursion q_l = fan_in·Var(w)·E[φ(h_{l-1})²]; a non-centred one (``uniform_``'s
U[0, 1), ``RandomUniform(0, 1)``) adds E[w]·Σx, the same for every unit: that is C, and it
makes the next layer's inputs correlated, which the model keeps track of (``Activation.cross``).
With x the layer's inputs (a = E[x], s = E[x²], r = E[x_i·x_k] for i ≠ k), n = fan_in and
kernel mean/variance μ, sd²:

    m' = μ·n·a,   v' = n·sd²·s,   c' = μ²·(n·(s - r) + n²·(r - a²)),   q' = m'² + c' + v'.

The chain's input has a = r = 0 and s = 1: unit-variance inputs (q_0 = 1), or the output of a
normalization. Spatial correlations inside a convolution's receptive field are ignored, as
are biases (Keras' are zero; PyTorch's default U(±1/sqrt(fan_in)) adds 1/(3·fan_in) to q,
which matters only once q has shrunk to that order).

Backward. The second moment of the loss gradient with respect to each layer's
pre-activations, relative to the chain's last layer (= 1 there), assuming gradient entries
independent of the weights: g_l = g_{l+1}·fan_out_{l+1}·E[w²]_{l+1}·E[φ_l'(h_l)²].
``Chain.input_grad`` continues it to the chain's input.

What a layer "needs". ``Step.needed`` is the Var(w)·fan_in that keeps a unit pre-activation
variance at one through the layer's own activation: 1/E[φ(z)²] at z ~ N(0, 1), frameworks.md
§5.2's "second-moment gain²" (ReLU 2, tanh 2.54, sigmoid 3.41, SELU 1, linear 1). For
rectifiers and linear layers it holds at every scale; for saturating activations the
variance map is not linear in q, so this is the value at q = 1 (the scale a normalised input
has) and not the fixed point of a deep tanh stack, which sits lower. A layer is paired with
the activation applied to its *output*, as the initializer rules pair them; softmax and
other heads count as linear (1).

Recommended. Each chain is also propagated with every kernel replaced by the initializer
``semantics.recommended_family`` names for the layer's activation (He for ReLU family, with
torch's slope gain for leaky ReLU; LeCun for SELU; Glorot for the rest), centred, from the
same q_0. KIN202 measures drift beyond that: sigmoid's own gradient loss under Glorot is
the activation's, not the init's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from initlint import semantics
from initlint.model import ActFamily, Framework, InitFamily, Layer, LayerKind, Model, Role
from initlint.signal.moments import Activation, activation
from initlint.signal.variance import WeightStats, weight_stats

Q0 = 1.0  # the chain's input second moment: unit-variance (or normalised) inputs

END_OUTPUT = "output"
END_NORMALIZATION = "normalization"
END_ACTIVATION = "activation"
END_NEXT_LAYER = "next-layer"
END_BRANCH = "branch"

_CHAIN_KINDS = (LayerKind.DENSE, LayerKind.CONV)


@dataclass(frozen=True, slots=True)
class Step:
    """One weight layer of a chain, with plain numbers only."""

    index: int  # position in ``Model.layers``
    name: str  # as messages show it: ``fc1 (Linear)``, ``Dense(256)``
    init: str  # the initializer's label
    act: str  # the activation's display
    fan_in: int
    fan_out: int
    weight_mean: float  # E[w]
    weight_variance: float  # Var(w)
    gain2: float  # Var(w)·fan_in
    needed: float | None  # the Var(w)·fan_in its activation needs (None: no moments)
    recommended_gain2: float | None  # Var(w)·fan_in of the recommended init
    input_second: float  # E[x²] of the layer's input
    q: float  # E[h²] of its pre-activation: mean² + common + individual
    pre_mean: float  # m
    pre_common: float  # c: variance shared by all units (non-centred kernels upstream)
    pre_individual: float  # v
    output_second: float | None  # E[φ(h)²]; None for an activation without moments
    grad: float  # E[δ²] at its pre-activation, relative to the chain's last layer
    recommended_q: float | None  # q under the recommended init (None: not computable)
    recommended_grad: float | None

    @property
    def centred(self) -> bool:
        return self.weight_mean == 0.0

    @property
    def forward_excess(self) -> float | None:
        """q over what the recommended init gives at this layer (>1: larger)."""
        return _ratio(self.q, self.recommended_q)

    @property
    def backward_excess(self) -> float | None:
        """The gradient scale over what the recommended init gives at this layer."""
        return _ratio(self.grad, self.recommended_grad)


@dataclass(frozen=True, slots=True)
class Chain:
    """Weight layers each feeding the next, with the signal through them."""

    model: str
    steps: tuple[Step, ...]
    end: str  # why it stops: END_OUTPUT, END_NORMALIZATION, END_ACTIVATION, ...
    input_grad: float  # E[δ²] at the chain's input, relative to the last layer's
    recommended_input_grad: float | None
    q0: float = Q0

    @property
    def forward_gain(self) -> float:
        """q at the last layer over q_0: how much the forward signal grew."""
        return self.steps[-1].q / self.q0

    @property
    def recommended_forward_gain(self) -> float | None:
        q = self.steps[-1].recommended_q
        return None if q is None else q / self.q0

    @property
    def has_constant_kernel(self) -> bool:
        """A zero or constant kernel in the chain: KIN001/KIN002's, not drift."""
        return any(step.weight_variance == 0.0 for step in self.steps)


def analyse(model: Model) -> list[Chain]:
    """Every chain of ``model``, in layer order. Layers that cannot be part of one (unknown
    fans or initializer, recurrent, embedding) are in none."""
    layers = model.layers
    eligible = {i: _eligible(layer) for i, layer in enumerate(layers)}
    fed = {
        layer.feeds
        for i, layer in enumerate(layers)
        if eligible[i] and _continues(layer, layers, eligible) is None
    }
    chains: list[Chain] = []
    for start in range(len(layers)):
        if not eligible[start] or start in fed:
            continue
        members = [start]
        while True:
            reason = _continues(layers[members[-1]], layers, eligible)
            if reason is not None:
                break
            following = layers[members[-1]].feeds
            assert following is not None
            if following in members:  # a cycle: a module applied in a loop
                reason = END_BRANCH
                break
            members.append(following)
        chains.append(_propagate(model, [layers[i] for i in members], members, reason))
    return chains


def _eligible(layer: Layer) -> bool:
    if layer.kind not in _CHAIN_KINDS or layer.init is None:
        return False
    if not layer.fan_in or not layer.fan_out:
        return False
    return _stats(layer) is not None


def _stats(layer: Layer) -> WeightStats | None:
    assert layer.init is not None
    units = layer.units if layer.kind is LayerKind.CONV else layer.fan_out
    return weight_stats(layer.init, layer.fan_in, layer.fan_out, units)


def _continues(layer: Layer, layers: tuple[Layer, ...], eligible: dict[int, bool]) -> str | None:
    """None when ``layer`` feeds the next member of its chain, else why the chain ends."""
    if layer.feeds is None:
        return END_OUTPUT if layer.role is Role.OUTPUT else END_BRANCH
    if layer.normalized:
        return END_NORMALIZATION
    if activation(layer.act) is None:
        return END_ACTIVATION
    if not eligible.get(layer.feeds, False):
        return END_NEXT_LAYER
    return None


@dataclass(frozen=True, slots=True)
class _Pre:
    """A pre-activation's Gaussian: mean, common and individual variance."""

    mean: float
    common: float
    individual: float

    @property
    def second(self) -> float:
        return self.mean * self.mean + self.common + self.individual


@dataclass(frozen=True, slots=True)
class _Inputs:
    """A layer's inputs: E[x], E[x²], E[x_i·x_k] for i ≠ k."""

    mean: float
    second: float
    cross: float


def _forward(stats: WeightStats, fan_in: int, inputs: _Inputs) -> _Pre:
    n = float(fan_in)
    mu = stats.mean
    mean = mu * n * inputs.mean
    individual = n * stats.variance * inputs.second
    spread = max(inputs.second - inputs.cross, 0.0)
    shared = max(inputs.cross - inputs.mean * inputs.mean, 0.0)
    common = mu * mu * (n * spread + n * n * shared)
    return _Pre(mean, common, individual)


def _outputs(act: Activation, pre: _Pre) -> _Inputs:
    moments = act.moments(pre.common + pre.individual, pre.mean)
    cross = act.cross(pre.mean, pre.common, pre.individual) if pre.common > 0.0 else None
    return _Inputs(
        moments.mean,
        moments.second,
        moments.mean**2 if cross is None else min(cross, moments.second),
    )


def _run(
    layers: list[Layer], stats: list[WeightStats]
) -> tuple[list[float], list[_Pre], list[float | None], list[float], float]:
    """Forward and backward through one chain: input second moments, pre-activations,
    output second moments, gradient scales per layer, and the gradient at the input."""
    inputs = _Inputs(0.0, Q0, 0.0)
    seconds: list[float] = []
    pres: list[_Pre] = []
    outs: list[float | None] = []
    slopes: list[float] = []
    for layer, weights in zip(layers, stats, strict=True):
        assert layer.fan_in is not None
        seconds.append(inputs.second)
        pre = _forward(weights, layer.fan_in, inputs)
        pres.append(pre)
        act = activation(layer.act)
        if act is None:  # only the last layer: its output leaves the chain
            outs.append(None)
            slopes.append(1.0)
            continue
        inputs = _outputs(act, pre)
        outs.append(inputs.second)
        slopes.append(act.moments(pre.common + pre.individual, pre.mean).slope2)
    grads = [1.0] * len(layers)
    for i in range(len(layers) - 2, -1, -1):
        following = layers[i + 1]
        assert following.fan_out is not None
        grads[i] = grads[i + 1] * following.fan_out * stats[i + 1].second * slopes[i]
    first = layers[0]
    assert first.fan_out is not None
    input_grad = grads[0] * first.fan_out * stats[0].second
    return seconds, pres, outs, grads, input_grad


def _propagate(model: Model, layers: list[Layer], members: list[int], end: str) -> Chain:
    stats = [s for s in (_stats(layer) for layer in layers) if s is not None]
    seconds, pres, outs, grads, input_grad = _run(layers, stats)
    recommended = [recommended_stats(layer) for layer in layers]
    rec_q: list[float | None] = [None] * len(layers)
    rec_grad: list[float | None] = [None] * len(layers)
    rec_input_grad: float | None = None
    if all(r is not None for r in recommended):
        rec_stats = [r for r in recommended if r is not None]
        _, rec_pres, _, grads_rec, rec_input_grad = _run(layers, rec_stats)
        rec_q = [pre.second for pre in rec_pres]
        rec_grad = list(grads_rec)
    steps = []
    for k, layer in enumerate(layers):
        assert layer.init is not None
        assert layer.fan_in is not None
        assert layer.fan_out is not None
        act = activation(layer.act)
        head = act is None and layer.act.family is ActFamily.SOFTMAX
        rec = recommended[k]
        steps.append(
            Step(
                index=members[k],
                name=layer.display,
                init=layer.init.label,
                act=layer.act.display,
                fan_in=layer.fan_in,
                fan_out=layer.fan_out,
                weight_mean=stats[k].mean,
                weight_variance=stats[k].variance,
                gain2=stats[k].variance * layer.fan_in,
                needed=1.0 if head else (None if act is None else act.needed),
                recommended_gain2=None if rec is None else rec.variance * layer.fan_in,
                input_second=seconds[k],
                q=pres[k].second,
                pre_mean=pres[k].mean,
                pre_common=pres[k].common,
                pre_individual=pres[k].individual,
                output_second=outs[k],
                grad=grads[k],
                recommended_q=rec_q[k],
                recommended_grad=rec_grad[k],
            )
        )
    return Chain(model.name, tuple(steps), end, input_grad, rec_input_grad)


def recommended_stats(layer: Layer) -> WeightStats | None:
    """The kernel the initializer rules recommend for this layer's activation (centred):
    He (torch: with the leaky slope's gain; Keras' He has none), LeCun, or Glorot. None when
    the recommendation depends on a slope we cannot read."""
    fan_in, fan_out = layer.fan_in, layer.fan_out
    if not fan_in or not fan_out:
        return None
    family = semantics.recommended_family(layer.act)
    if family is InitFamily.HE:
        slope = semantics.relu_slope(layer.act)
        if slope is None:
            return None
        torch = layer.framework is Framework.TORCH
        gain2 = semantics.torch_gain2("leaky_relu", slope) if torch and slope else 2.0
        return None if gain2 is None else WeightStats(gain2 / fan_in)
    if family is InitFamily.LECUN:
        return WeightStats(1.0 / fan_in)
    return WeightStats(2.0 / (fan_in + fan_out))


def _ratio(value: float, reference: float | None) -> float | None:
    if reference is None or reference == 0.0 or math.isnan(value):
        return None
    return value / reference
