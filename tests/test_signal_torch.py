"""The signal model proved against real PyTorch models.

Each case is a model written as PyTorch source the way users write it (an ``nn.Sequential``
spelled out layer by layer, inits applied in a module-level loop over its weight layers).
``initlint --signal --output-format json`` reads the source without running it; the same
source is then executed with torch, several independently seeded copies are fed a batch of
N(0, 1) inputs, and a backward pass runs from ``sum(output * r)`` with r ~ N(0, 1), whose
gradient at the last layer's pre-activations has unit second moment, as the static model's
gradient scale assumes. The static forward second moment q and gradient scale of every layer
must be within 25 % of the measured means, where the measurement resolves them and the
mean-field assumption holds (``_compared`` states both criteria). KIN202's verdict must agree
with the drift measured against the same model under the recommended initializers.

Layers are built with ``bias=False``: the static model ignores biases (its docstring), and
``test_default_biases_set_the_floor`` checks what it says they would add. Torch runs in float64
so that exploding and vanishing chains stay measurable down to 1e-30 and up to 1e30.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import random
import statistics
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    # torch warns at import when numpy is absent (it is not a test dependency).
    warnings.simplefilter("ignore", UserWarning)
    import torch
    from torch import nn

# The matrices are small: one thread is as fast on an idle machine, and on a loaded CI runner
# two threads fighting over two cores made the file ten times slower.
torch.set_num_threads(1)

TOLERANCE = 0.25  # |static - measured| <= 25 % of the measured mean
LOW, HIGH = 1e-30, 1e30  # outside: the measured value is degenerate, not compared
# Mean-field treats every input's pre-activations as having the same variance q. At finite
# width each input's own mean of h² over the layer's units random-walks with depth; once its
# relative spread over the inputs passes this, activations that are not homogeneous (GELU,
# SELU, tanh, sigmoid) turn the spread into a bias, and the estimate stops holding.
MAX_SPREAD = 0.5
# A measured mean is compared only when its standard error over the seeds resolves the
# tolerance: at most a quarter of it (from a handful of seeds of a skewed quantity the sample
# standard error runs low, hence a quarter rather than a third).
MAX_STANDARD_ERROR = TOLERANCE / 4
THRESHOLD = 100.0  # KIN202's default
# A measured drift excess this close to the threshold (a factor 1.25² either way: both
# models' q within 25 %) cannot decide KIN202's verdict; there the static excess must
# instead match the measured one within that factor.
BAND = (1 + TOLERANCE) ** 2

ACTIVATIONS = {
    "relu": "nn.ReLU()",
    "leaky_relu": "nn.LeakyReLU(0.2)",
    "tanh": "nn.Tanh()",
    "sigmoid": "nn.Sigmoid()",
    "gelu": "nn.GELU()",
    "selu": "nn.SELU()",
    "linear": "",  # weight layers back to back
}
INITS = ("zeros", "normal", "uniform", "default", "xavier", "kaiming", "lecun")


def _init_call(init: str, act: str) -> str | None:
    """The init call for one weight, ``{w}`` standing for it; None for the default."""
    if init == "kaiming":
        if act == "leaky_relu":
            return 'nn.init.kaiming_normal_({w}, a=0.2, nonlinearity="leaky_relu")'
        return 'nn.init.kaiming_normal_({w}, nonlinearity="relu")'
    return {
        "zeros": "nn.init.zeros_({w})",
        "normal": "nn.init.normal_({w})",  # std 1
        "uniform": "nn.init.uniform_({w})",  # U[0, 1)
        "default": None,
        "xavier": "nn.init.xavier_uniform_({w})",
        "lecun": 'nn.init.kaiming_normal_({w}, nonlinearity="linear")',  # LeCun normal
    }[init]


def _recommended_call(act: str) -> str:
    """What initlint recommends for a layer feeding ``act``: He (with the leaky slope's
    gain), LeCun normal for SELU, Glorot otherwise (the linear head included)."""
    if act in ("relu", "leaky_relu"):
        return _init_call("kaiming", act)
    if act == "selu":
        return _init_call("lecun", act)
    return "nn.init.xavier_normal_({w})"


@dataclass(frozen=True)
class Case:
    """A stack of ``depth`` weight layers of ``width`` units (channels for a CNN), each but
    the last followed by ``act``; ``explicit`` of them (from the first) get ``init``, the
    rest keep the framework default."""

    kind: str  # "mlp" or "cnn"
    depth: int
    width: int
    act: str
    init: str
    inputs: int  # the first layer's in_features / in_channels
    explicit: int | None = None  # None: every layer
    label: str = ""
    # The MLP's last layer is as wide as the others: a 10-unit classifier head is the same
    # formula, but measured over ten units of nearly collinear deep inputs its q is too noisy
    # for 25 % with a few seeds.
    head: int = 0

    def __post_init__(self) -> None:
        if not self.head:
            object.__setattr__(self, "head", self.width)

    @property
    def name(self) -> str:
        size = f"w{self.width}" if self.kind == "mlp" else f"c{self.width}"
        base = f"{self.kind}-d{self.depth}-{size}-{self.act}-{self.init}"
        if self.explicit is not None:
            base += f"-first{self.explicit}"
        return f"{base}-{self.label}" if self.label else base

    def __str__(self) -> str:
        return self.name

    @property
    def image(self) -> int:
        """CNN inputs are images wide enough that the last layer keeps a 4x4 interior
        untouched by zero padding (see ``_interior``); 0 for an MLP."""
        return 2 * self.depth + 4 if self.kind == "cnn" else 0

    @property
    def seeds(self) -> int:
        if self.kind == "cnn":
            return 8
        return {128: 32, 256: 16}.get(self.width, 8)

    @property
    def batch(self) -> int:
        return 16 if self.kind == "cnn" else 64

    def _layer(self, k: int) -> str:
        fan_in = self.inputs if k == 0 else self.width
        last = k == self.depth - 1
        if self.kind == "mlp":
            return f"nn.Linear({fan_in}, {self.head if last else self.width}, bias=False)"
        return f"nn.Conv2d({fan_in}, {self.width}, 3, padding=1, bias=False)"

    def weight_indices(self) -> list[int]:
        step = 2 if ACTIVATIONS[self.act] else 1
        return [k * step for k in range(self.depth)]

    def _body(self) -> list[str]:
        lines = ["import torch.nn as nn", "", "net = nn.Sequential("]
        act = ACTIVATIONS[self.act]
        for k in range(self.depth):
            tail = f" {act}," if act and k < self.depth - 1 else ""
            lines.append(f"    {self._layer(k)},{tail}")
        lines.append(")")
        return lines

    @staticmethod
    def _loop(indices: list[int], call: str) -> list[str]:
        if len(indices) == 1:
            return [call.format(w=f"net[{indices[0]}].weight")]
        layers = ", ".join(f"net[{i}]" for i in indices)
        return [f"for layer in ({layers}):", "    " + call.format(w="layer.weight")]

    def source(self) -> str:
        lines = self._body()
        call = _init_call(self.init, self.act)
        if call is not None:
            indices = self.weight_indices()[: self.explicit]
            lines += self._loop(indices, call)
        return "\n".join(lines) + "\n"

    def recommended_source(self) -> str:
        """The same model with every kernel under the recommended init for its activation."""
        lines = self._body()
        *hidden, head = self.weight_indices()
        if hidden:
            lines += self._loop(hidden, _recommended_call(self.act))
        lines += self._loop([head], _recommended_call("linear"))
        return "\n".join(lines) + "\n"


# The deepest chains only where they are cheap: time grows with depth·width².
DEPTHS = {
    128: (2, 3, 4, 6, 8, 12, 16, 20),
    256: (2, 3, 4, 6, 8, 12, 16, 20),
    512: (2, 3, 4, 6, 8, 12),
    1024: (2, 4, 8),
}


def _grid() -> list[Case]:
    """A fixed sample of the full grid, cheap enough to run in CI: every activation x init
    pair once, each with a depth (2-20) and width (128-1024, CNNs 16-64 channels) drawn with
    a fixed seed; a quarter of the pairs as CNNs."""
    rng = random.Random(7)
    cases: dict[str, Case] = {}
    pairs = [(act, init) for act in ACTIVATIONS for init in INITS]
    rng.shuffle(pairs)
    for n, (act, init) in enumerate(pairs):
        if n % 4 == 3:  # a quarter of the pairs as CNNs
            case = Case("cnn", rng.choice((2, 3, 4, 6)), rng.choice((16, 32, 64)), act, init, 3)
        else:
            width = rng.choice((128, 256, 512, 1024))
            depth = rng.choice(DEPTHS[width])
            case = Case("mlp", depth, width, act, init, rng.choice((width, 784)))
        cases[case.name] = case
    return list(cases.values())


NAMED = [
    # The signal model's hardest regimes: deep and narrow, saturated, exploding.
    Case("mlp", 20, 128, "relu", "kaiming", 128, label="deep-narrow"),
    Case("mlp", 20, 256, "gelu", "kaiming", 256, label="gelu-contracting"),
    Case("mlp", 20, 256, "tanh", "normal", 256, label="saturated"),
    Case("mlp", 16, 512, "relu", "normal", 512, label="exploding"),
    Case("mlp", 8, 256, "sigmoid", "xavier", 256, label="sigmoid-glorot"),
    Case("cnn", 6, 32, "relu", "kaiming", 3, label="conv-he"),
    # KIN202's judged part: explicit inits up to the first default.
    Case("mlp", 4, 256, "relu", "normal", 256, explicit=3, label="std1-then-default"),
    Case("mlp", 12, 256, "relu", "xavier", 256, explicit=2, label="glorot-then-defaults"),
    Case("mlp", 12, 256, "relu", "xavier", 256, label="glorot-relu"),
]
CASES = _grid() + NAMED


# --- the static side: one initlint run per question over every case's file -----------------


def _initlint(directory: Path, *args: str) -> Any:
    run = subprocess.run(
        [sys.executable, "-m", "initlint", *args, "--output-format", "json", "."],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("signal_torch")
    for number, case in enumerate(CASES):
        (directory / f"case{number}.py").write_text(case.source())
    return directory


def _case_of(filename: str) -> str:
    return CASES[int(Path(filename).stem.removeprefix("case"))].name


@pytest.fixture(scope="module")
def static_steps(sources: Path) -> dict[str, list[dict[str, Any]]]:
    """Each case's single chain, as ``initlint --signal`` prints it."""
    found: dict[str, list[dict[str, Any]]] = {}
    for item in _initlint(sources, "--signal"):
        assert len(item["chains"]) == 1, item
        found[_case_of(item["filename"])] = item["chains"][0]["steps"]
    return found


@pytest.fixture(scope="module")
def kin202_messages(sources: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for diagnostic in _initlint(sources, "--select", "KIN202"):
        found.setdefault(_case_of(diagnostic["filename"]), []).append(diagnostic["message"])
    return found


# --- the measured side ------------------------------------------------------------------------


@dataclass(frozen=True)
class Stat:
    """A per-layer quantity over the seeds: mean, standard error of the mean (relative)."""

    mean: float
    error: float

    @property
    def degenerate(self) -> bool:
        return not (math.isfinite(self.mean) and LOW < self.mean < HIGH)


@dataclass(frozen=True)
class Measured:
    q: list[Stat]
    grad: list[Stat | None]  # None where no pixel's backward cone is clear of the padding
    spread: list[float]  # per-input relative spread of q (mean over seeds)


def _stat(values: list[float]) -> Stat:
    mean = statistics.fmean(values)
    if not math.isfinite(mean) or mean <= 0.0:
        return Stat(mean, math.inf)
    return Stat(mean, statistics.stdev(values) / math.sqrt(len(values)) / mean)


def _interior(tensor: torch.Tensor, margin: int) -> torch.Tensor:
    """Pixels at least ``margin`` from the border. A layer-l output pixel that far in never
    saw zero padding (its receptive field is 2l+1 wide), so it is what the static model,
    which knows no borders, describes; zero padding lowers the mean over the whole image."""
    size = tensor.shape[-1]
    return tensor[..., margin : size - margin, margin : size - margin]


def _grad_margin(layer: int, depth: int) -> int:
    """The margin at which layer ``layer``'s gradient (1-based) is untouched by padding: its
    backward cone to the output must stay inside, and every pre-activation whose slope it
    passes through (layers up to depth-1) must itself be interior."""
    if layer == depth:
        return 0
    return max(depth - layer, 2 * (depth - 1) - layer)


@functools.cache
def measure(source: str, kind: str, seeds: int, batch: int, image: int) -> Measured:
    code = compile(source, "<case>", "exec")
    qs: list[list[float]] = []
    grads: list[list[float]] = []
    spreads: list[list[float]] = []
    for seed in range(seeds):
        torch.manual_seed(seed)
        namespace: dict[str, Any] = {}
        exec(code, namespace)
        net = namespace["net"].double()
        weights = [m for m in net if isinstance(m, (nn.Linear, nn.Conv2d))]
        outputs: list[torch.Tensor] = []

        def keep(
            module: nn.Module, args: Any, output: torch.Tensor, into: list[Any] = outputs
        ) -> None:
            output.retain_grad()
            into.append(output)

        hooks = [m.register_forward_hook(keep) for m in weights]
        first = weights[0]
        if kind == "cnn":
            assert isinstance(first, nn.Conv2d)
            x = torch.randn(batch, first.in_channels, image, image, dtype=torch.float64)
        else:
            assert isinstance(first, nn.Linear)
            x = torch.randn(batch, first.in_features, dtype=torch.float64)
        y = net(x)
        (y * torch.randn_like(y)).sum().backward()
        for hook in hooks:
            hook.remove()
        depth = len(outputs)
        q_row, g_row, s_row = [], [], []
        for layer, h in enumerate(outputs, 1):
            pre = h.detach()
            grad = h.grad
            assert grad is not None
            if kind == "cnn":
                pre = _interior(pre, layer)
                grad = _interior(grad, _grad_margin(layer, depth))
            per_input = pre.pow(2).flatten(1).mean(1)
            q_row.append(per_input.mean().item())
            s_row.append((per_input.std() / per_input.mean()).item())
            g_row.append(grad.pow(2).mean().item() if grad.numel() else math.nan)
        qs.append(q_row)
        grads.append(g_row)
        spreads.append(s_row)
    layers = range(len(qs[0]))
    return Measured(
        q=[_stat([row[k] for row in qs]) for k in layers],
        grad=[
            None if math.isnan(grads[0][k]) else _stat([row[k] for row in grads]) for k in layers
        ],
        spread=[statistics.fmean(row[k] for row in spreads) for k in layers],
    )


def measured(case: Case, recommended: bool = False) -> Measured:
    source = case.recommended_source() if recommended else case.source()
    return measure(source, case.kind, case.seeds, case.batch, case.image)


# --- where the comparison applies -------------------------------------------------------------


def _self_averaging(spread: list[float], upto: int) -> bool:
    """Mean-field holds for a layer fed by layers ``[0, upto)`` when every one of them had
    each input's q close to the layer's (spread <= MAX_SPREAD; nan/inf spreads fail)."""
    return all(s <= MAX_SPREAD for s in spread[:upto])


def _compared(stat: Stat | None, spread: list[float], upto: int) -> bool:
    """The criteria under which static and measured must agree: the measured value is not
    degenerate, its standard error resolves the tolerance, and mean-field holds upstream."""
    return (
        stat is not None
        and not stat.degenerate
        and stat.error <= MAX_STANDARD_ERROR
        and _self_averaging(spread, upto)
    )


def _centred_chain(steps: list[dict[str, Any]]) -> bool:
    return all(step["weight_mean"] == 0.0 for step in steps)


def _within(static: float, measured_mean: float) -> bool:
    return abs(static - measured_mean) <= TOLERANCE * measured_mean


def _weight_names(case: Case) -> list[str]:
    kind = "Linear" if case.kind == "mlp" else "Conv2d"
    return [f"net[{i}] ({kind})" for i in case.weight_indices()]


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=str)
def test_extraction_reads_the_whole_chain(
    case: Case, static_steps: dict[str, list[dict[str, Any]]]
) -> None:
    steps = static_steps[case.name]
    assert [step["layer"] for step in steps] == _weight_names(case)
    model = _build(case.source())
    torch_fans = [_fans(m) for m in model if isinstance(m, (nn.Linear, nn.Conv2d))]
    assert [(step["fan_in"], step["fan_out"]) for step in steps] == torch_fans


def _build(source: str) -> nn.Sequential:
    namespace: dict[str, Any] = {}
    exec(compile(source, "<case>", "exec"), namespace)
    net = namespace["net"]
    assert isinstance(net, nn.Sequential)
    return net


def _fans(module: nn.Module) -> tuple[int, int]:
    """torch's own fans (``nn.init._calculate_fan_in_and_fan_out``'s rule: channels times
    the receptive field for a conv)."""
    assert isinstance(module, (nn.Linear, nn.Conv2d))
    weight = module.weight
    receptive = weight[0][0].numel() if weight.dim() > 2 else 1
    return weight.shape[1] * receptive, weight.shape[0] * receptive


@pytest.mark.parametrize("case", CASES, ids=str)
def test_forward_second_moment_matches_torch(
    case: Case, static_steps: dict[str, list[dict[str, Any]]]
) -> None:
    steps = static_steps[case.name]
    result = measured(case)
    compared = 0
    for k, (step, stat) in enumerate(zip(steps, result.q, strict=True)):
        if stat.mean == 0.0:  # a zero kernel upstream: exactly zero both ways
            assert step["q"] == 0.0, (k, step)
            continue
        if case.kind == "cnn" and not _centred_chain(steps[:k]):
            # A non-centred conv kernel gives every pixel its own common part; the static
            # model, which ignores spatial correlations, treats it as shared by all of the
            # receptive field and overestimates the next layers' q (about 1.6x).
            continue
        # Per-input spread is what a non-centred kernel's common part (one value per input,
        # shared by the units) produces and the model tracks: the criterion is for centred chains.
        upstream = k if _centred_chain(steps[:k]) else 0
        if not _compared(stat, result.spread, upstream):
            continue
        compared += 1
        assert _within(step["q"], stat.mean), (
            f"layer {k + 1}: static q {step['q']:.4g}, measured {stat.mean:.4g}"
        )
    if case.init != "zeros":
        assert compared >= 1  # the first layer at least: nothing upstream to break mean-field


@pytest.mark.parametrize("case", CASES, ids=str)
def test_gradient_scale_matches_torch(
    case: Case, static_steps: dict[str, list[dict[str, Any]]]
) -> None:
    steps = static_steps[case.name]
    result = measured(case)
    last = result.grad[-1]
    assert last is not None
    assert _within(1.0, last.mean)  # the loss gives the last layer a unit gradient scale
    if not _centred_chain(steps):
        return  # a known gap, see test_gradient_through_a_non_centred_kernel
    depth = len(steps)
    for k, (step, stat) in enumerate(zip(steps, result.grad, strict=True)):
        if stat is not None and stat.mean == 0.0:
            assert step["gradient"] == 0.0, (k, step)
            continue
        # The gradient at layer k goes back through the slopes of layers k..depth-1: mean-field
        # must hold on the whole chain's forward pass.
        if not _compared(stat, result.spread, depth - 1):
            continue
        assert stat is not None
        assert _within(step["gradient"], stat.mean), (
            f"layer {k + 1}: static gradient {step['gradient']:.4g}, measured {stat.mean:.4g}"
        )


@pytest.mark.xfail(
    reason="signal-model gap: the backward pass ignores that a non-centred kernel (uniform_, "
    "U[0, 1)) gives every unit the same term E[w]·Σδ, so gradients below it are correlated "
    "across units and grow like (E[w]·fan_out)² per layer, not fan_out·E[w²]",
    strict=True,
)
def test_gradient_through_a_non_centred_kernel() -> None:
    case = Case("mlp", 3, 256, "relu", "uniform", 256)
    steps = _static_of(case, "--signal")[0]["chains"][0]["steps"]
    first = measured(case).grad[0]
    assert first is not None
    assert _within(steps[0]["gradient"], first.mean)


def _static_of(case: Case, *args: str) -> Any:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "case.py").write_text(case.source())
        return _initlint(Path(folder), *args)


def _off(excess: float) -> float:
    return max(excess, 1.0 / excess) if excess > 0.0 else math.inf


def _clamped(value: float) -> float:
    """A measured mean that overflowed (inf, or nan from inf - inf) or underflowed, pinned to
    the edge it crossed: enough to say "beyond 100x" against a finite reference."""
    if math.isnan(value) or value > HIGH:
        return HIGH
    return max(value, LOW)


def _measured_excess(model: Measured, reference: Measured, judged: int) -> float:
    """KIN202's excess drift, measured: the forward q over the recommended init's at any
    judged layer, or the gradient at any judged layer over the recommended init's, relative
    to the same ratio at the last judged layer (gradients travel back from there)."""
    worst = 1.0
    for k in range(judged):
        worst = max(worst, _off(_clamped(model.q[k].mean) / _clamped(reference.q[k].mean)))
    end_model, end_reference = model.grad[judged - 1], reference.grad[judged - 1]
    if end_model is None or end_reference is None:
        return worst
    end = _clamped(end_model.mean) / _clamped(end_reference.mean)
    for k in range(judged):
        here_model, here_reference = model.grad[k], reference.grad[k]
        if here_model is None or here_reference is None:
            continue
        excess = _clamped(here_model.mean) / _clamped(here_reference.mean)
        worst = max(worst, _off(excess / end))
    return worst


def _static_excess(steps: list[dict[str, Any]]) -> float:
    """The same excess from the static numbers."""
    worst = max(_off(step["q"] / step["recommended_q"]) for step in steps)
    end = steps[-1]["gradient"] / steps[-1]["recommended_gradient"]
    backward = max(_off(step["gradient"] / step["recommended_gradient"] / end) for step in steps)
    return max(worst, backward)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_kin202_agrees_with_measured_drift(
    case: Case,
    static_steps: dict[str, list[dict[str, Any]]],
    kin202_messages: dict[str, list[str]],
) -> None:
    reported = kin202_messages.get(case.name, [])
    assert len(reported) <= 1  # once per chain
    explicit = case.depth if case.explicit is None else case.explicit
    if case.init in ("default", "zeros") or explicit < 2:
        # Not KIN202's: defaults are KIN105's, zero kernels KIN001's, one layer is no chain.
        assert not reported
        return
    steps = static_steps[case.name][:explicit]
    excess = _measured_excess(measured(case), measured(case, recommended=True), explicit)
    if THRESHOLD / BAND <= excess <= THRESHOLD * BAND:
        static = _static_excess(steps)
        assert excess / BAND <= static <= excess * BAND, (static, excess)
        return
    assert bool(reported) == (excess > THRESHOLD), (excess, reported)


def test_seeds_default_relu_mlp_shrinks_six_fold_per_layer() -> None:
    """The seeds' claim: a 12-deep ReLU MLP under nn.Linear's default init (Var(w)·fan_in =
    1/3) shrinks its forward signal about 6x per layer. Statically exactly 6 (1/3 · E[relu²]
    = q/6); measured, the per-layer factor averaged over the chain is within 25 % of it."""
    case = Case("mlp", 12, 128, "relu", "default", 784, label="seeds", head=10)
    steps = _static_of(case, "--signal")[0]["chains"][0]["steps"]
    static_factors = [a["q"] / b["q"] for a, b in itertools.pairwise(steps)]
    assert all(math.isclose(f, 6.0, rel_tol=1e-9) for f in static_factors)
    q = [stat.mean for stat in measured(case).q]
    per_layer = (q[0] / q[-1]) ** (1 / (len(q) - 1))
    assert _within(6.0, per_layer), per_layer
    # No KIN202 on framework defaults.
    assert _static_of(case, "--select", "KIN202") == []


def test_default_biases_set_the_floor() -> None:
    """What the static model's docstring says it leaves out: nn.Linear's default bias
    U(±1/sqrt(fan_in)) adds 1/(3·fan_in) to q. Under the default kernel init and ReLU each
    layer keeps a sixth of the previous q, so the deep layers settle where q = q/6 +
    1/(3·fan_in), at 6/5 · 1/(3·fan_in); with bias=False they keep shrinking."""
    case = Case("mlp", 12, 128, "relu", "default", 784, label="seeds", head=10)
    with_bias = case.source().replace(", bias=False", "")
    q = measure(with_bias, "mlp", case.seeds, case.batch, 0).q
    floor = 6 / 5 / (3 * 128)
    assert _within(floor, q[-2].mean), q[-2].mean
    assert measured(case).q[-2].mean < floor / 1000
