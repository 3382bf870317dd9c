"""Chains and the mean-field signal through them."""

from __future__ import annotations

import math
import random
from itertools import pairwise
from textwrap import dedent

import pytest

from initlint.frameworks.torch import default_init
from initlint.model import (
    Act,
    ActFamily,
    Framework,
    Init,
    InitFamily,
    Layer,
    LayerKind,
    Model,
    Role,
    Spelling,
)
from initlint.semantics import make_act
from initlint.signal import Chain, analyse
from initlint.signal.propagate import (
    END_ACTIVATION,
    END_BRANCH,
    END_NEXT_LAYER,
    END_NORMALIZATION,
    END_OUTPUT,
)
from tests.extract_helpers import models


def _init(name: str, family: InitFamily, **fields: object) -> Init:
    return Init(name, family, Framework.TORCH, True, Spelling.TORCH_FUNCTION, **fields)  # type: ignore[arg-type]


HE = _init("kaiming_normal_", InitFamily.HE, gain2=2.0)
GLOROT = _init("xavier_normal_", InitFamily.GLOROT, gain2=1.0)
ZEROS = _init("zeros_", InitFamily.ZEROS, value=0.0)
DEFAULT = default_init()


def _random(variance: float, mean: float = 0.0) -> Init:
    return _init("normal_", InitFamily.RANDOM, variance=variance, mean=mean)


def _mlp(
    init: Init | list[Init],
    act: str | Act = "relu",
    depth: int = 12,
    width: int = 256,
    head: str = "linear",
) -> Model:
    """A Sequential of `depth` Linear layers, each followed by `act`, the last by `head`."""
    inits = init if isinstance(init, list) else [init] * depth
    hidden = act if isinstance(act, Act) else make_act(act)
    layers = []
    for k in range(depth):
        last = k == depth - 1
        layers.append(
            Layer(
                name=f"fc{k}",
                type="Linear",
                kind=LayerKind.DENSE,
                framework=Framework.TORCH,
                init=inits[k],
                act=make_act(head) if last else hidden,
                role=Role.OUTPUT if last else Role.HIDDEN,
                fan_in=width,
                fan_out=width,
                units=width,
                feeds=None if last else k + 1,
            )
        )
    return Model("mlp", Framework.TORCH, tuple(layers))


def _one(model: Model) -> Chain:
    (chain,) = analyse(model)
    return chain


def test_he_keeps_relu_signal_constant() -> None:
    chain = _one(_mlp(HE))
    assert len(chain.steps) == 12
    assert chain.end == END_OUTPUT
    for step in chain.steps:
        assert step.gain2 == pytest.approx(2.0)
        assert step.needed == pytest.approx(2.0) or step is chain.steps[-1]
        assert step.q == pytest.approx(2.0)  # fan_in·(2/fan_in)·E[x²], E[x²] = 1
        assert step.input_second == pytest.approx(1.0)
    # He is what ReLU layers are recommended; the linear head's recommendation is Glorot (1)
    assert [s.forward_excess for s in chain.steps] == pytest.approx([1.0] * 11 + [2.0])
    # square layers under He: the gradient's scale is kept too
    grads = [step.grad for step in chain.steps]
    assert grads[:-1] == pytest.approx([1.0] * 11)
    assert chain.steps[-1].needed == 1.0  # a linear head


def test_pytorch_default_shrinks_six_times_per_relu_layer() -> None:
    chain = _one(_mlp(DEFAULT))
    q = [step.q for step in chain.steps]
    assert q[0] == pytest.approx(1 / 3)
    for before, after in pairwise(q):
        assert after / before == pytest.approx(1 / 6)
    assert chain.forward_gain == pytest.approx(6.0**-11 / 3)
    # against He on the hidden layers and Glorot (q = 1) on the head
    assert chain.steps[-1].forward_excess == pytest.approx(2 / 6**12)
    for before, after in pairwise(chain.steps):
        assert before.grad / after.grad == pytest.approx(1 / 6)


def test_glorot_halves_relu_signal_on_square_layers() -> None:
    q = [step.q for step in _one(_mlp(GLOROT)).steps]
    for before, after in pairwise(q):
        assert after / before == pytest.approx(0.5)


def test_tanh_under_glorot_stays_bounded() -> None:
    chain = _one(_mlp(GLOROT, "tanh", depth=20))
    q = [step.q for step in chain.steps]
    assert q[0] == pytest.approx(1.0)
    assert q == sorted(q, reverse=True)
    # Var·fan_in = 1 is tanh's critical point: q' = q - 2q² + ..., a power-law decay
    # q ≈ 1/(2l), not the geometric one of a mis-scaled init
    assert 2 * len(q) * q[-1] == pytest.approx(1.0, abs=0.15)
    assert all(step.forward_excess == pytest.approx(1.0) for step in chain.steps)  # Glorot
    tanh_needed = chain.steps[0].needed
    assert tanh_needed is not None
    assert tanh_needed == pytest.approx(2.536, abs=5e-4)


def test_sigmoid_gradient_loss_is_the_activations_not_the_inits() -> None:
    chain = _one(_mlp(GLOROT, "sigmoid", depth=12))
    assert chain.input_grad < 1e-5  # sigmoid' ≤ 1/4: the gradient vanishes
    assert all(step.backward_excess == pytest.approx(1.0) for step in chain.steps)


def test_zeros_kill_the_signal() -> None:
    chain = _one(_mlp([HE, ZEROS, HE, HE], depth=4))
    assert chain.has_constant_kernel
    assert [step.q for step in chain.steps] == pytest.approx([2.0, 0.0, 0.0, 0.0])
    assert not _one(_mlp(HE, depth=4)).has_constant_kernel


def test_unscaled_normal_explodes() -> None:
    chain = _one(_mlp(_random(1.0), depth=3, width=512))
    assert chain.steps[0].gain2 == 512
    assert [step.q for step in chain.steps] == pytest.approx([512, 512**2 / 2, 512**3 / 4])
    assert chain.steps[-1].forward_excess == pytest.approx(512**3 / 4)


def test_recommended_follows_the_activation() -> None:
    selu = _one(_mlp(_random(1e-4), "selu", depth=3))
    assert [s.recommended_gain2 for s in selu.steps[:-1]] == pytest.approx([1.0, 1.0])
    assert [s.recommended_q for s in selu.steps] == pytest.approx([1.0] * 3, rel=1e-9)
    leaky = _one(_mlp(HE, Act("leaky_relu", ActFamily.RELU, 0.2), depth=3))
    assert leaky.steps[0].recommended_gain2 == pytest.approx(2 / 1.04)
    assert leaky.steps[0].needed == pytest.approx(2 / 1.04)
    unknown = analyse(_mlp(HE, Act("leaky_relu", ActFamily.RELU, None), depth=3))
    # no moments for an unknown slope: each chain stops at its layer
    assert [(len(c.steps), c.end) for c in unknown] == [(1, END_ACTIVATION)] * 2 + [(1, END_OUTPUT)]
    assert unknown[0].steps[0].recommended_q is None


def test_chain_ends() -> None:
    base = _mlp(HE, depth=4)
    layers = list(base.layers)
    layers[1] = _replace(layers[1], normalized=True)
    first, second = analyse(Model("m", Framework.TORCH, tuple(layers)))
    assert (len(first.steps), first.end) == (2, END_NORMALIZATION)
    assert (len(second.steps), second.end) == (2, END_OUTPUT)
    assert second.steps[0].input_second == 1.0  # a fresh chain: q_0 = 1

    layers = list(base.layers)
    layers[1] = _replace(layers[1], feeds=None, role=Role.UNKNOWN)  # a residual sum
    first, second = analyse(Model("m", Framework.TORCH, tuple(layers)))
    assert (len(first.steps), first.end) == (2, END_BRANCH)
    assert [step.index for step in second.steps] == [2, 3]

    layers = list(base.layers)
    layers[2] = _replace(layers[2], fan_in=None)
    chains = analyse(Model("m", Framework.TORCH, tuple(layers)))
    assert [(len(c.steps), c.end) for c in chains] == [(2, END_NEXT_LAYER), (1, END_OUTPUT)]

    layers = list(base.layers)
    layers[1] = _replace(layers[1], act=make_act("softmax"))
    chains = analyse(Model("m", Framework.TORCH, tuple(layers)))
    assert [(len(c.steps), c.end) for c in chains] == [(2, END_ACTIVATION), (2, END_OUTPUT)]
    assert chains[0].steps[-1].needed == 1.0  # softmax counts as linear for its kernel
    assert chains[0].steps[-1].output_second is None


def _replace(layer: Layer, **fields: object) -> Layer:
    import dataclasses

    return dataclasses.replace(layer, **fields)  # type: ignore[arg-type]


# ------------------------------------------------------------ non-centred kernels


def _simulate(
    widths: list[int], draws: list[tuple[float, float, str]], act: str, batch: int, seed: int
) -> list[float]:
    """E[h²] per layer of a small MLP with N(0, 1) inputs, in pure Python. Each layer's
    kernel is uniform with the given (mean, variance) ('u') or normal ('n')."""
    rng = random.Random(seed)
    phi = {"relu": lambda z: max(z, 0.0), "tanh": math.tanh}[act]
    x = [[rng.gauss(0, 1) for _ in range(widths[0])] for _ in range(batch)]
    out = []
    for (mean, variance, kind), fan_in, fan_out in zip(draws, widths, widths[1:], strict=False):
        half = math.sqrt(3 * variance)
        w = [
            [
                rng.uniform(mean - half, mean + half)
                if kind == "u"
                else rng.gauss(mean, math.sqrt(variance))
                for _ in range(fan_in)
            ]
            for _ in range(fan_out)
        ]
        h = [
            [sum(wi * xi for wi, xi in zip(row, sample, strict=True)) for row in w] for sample in x
        ]
        out.append(sum(v * v for sample in h for v in sample) / (batch * fan_out))
        x = [[phi(v) for v in sample] for sample in h]
    return out


@pytest.mark.parametrize("act", ["relu", "tanh"])
def test_non_centred_kernels_match_simulation(act: str) -> None:
    # U[0, 1) twice (the second sees inputs correlated through the first's shared part),
    # then centred layers. Finite width adds noise: E[w]·Σx is one number per weight draw.
    width = 48
    draws = [(0.5, 1 / 12, "u"), (0.5, 1 / 12, "u"), (0.0, 1 / width, "n"), (0.0, 2 / width, "n")]
    inits = [_random(variance, mean) for mean, variance, _ in draws]
    chain = _one(_mlp(inits, act, depth=4, width=width))
    measured = [0.0] * 4
    copies = 8
    for seed in range(copies):
        for k, value in enumerate(_simulate([width] * 5, draws, act, batch=64, seed=seed)):
            measured[k] += value / copies
    static = [step.q for step in chain.steps]
    assert static[0] == pytest.approx(width * (1 / 12 + 1 / 4))
    assert chain.steps[0].pre_common == pytest.approx(width / 4)  # E[w]·Σx, shared by all units
    for got, want in zip(static, measured, strict=True):
        assert got == pytest.approx(want, rel=0.25)
    # treating the second layer's inputs as independent (E[x_i·x_k] = E[x]²) would be far off
    first = chain.steps[0]
    assert chain.steps[1].input_second is not None
    a = _mean_after(act, first.q)
    s = chain.steps[1].input_second
    independent = 0.25 * (width * s + width * (width - 1) * a * a) + width / 12 * s
    if act == "relu":
        assert measured[1] > 1.5 * independent


def _mean_after(act: str, q: float) -> float:
    from initlint.signal import activation_named

    found = activation_named(act)
    assert found is not None
    return found.moments(q).mean


# ------------------------------------------------------------ through extraction


def _chains(code: str) -> list[Chain]:
    (model,) = models(dedent(code))
    return analyse(model)


def test_extracted_sequential_splits_at_batchnorm() -> None:
    chains = _chains(
        """
        import torch.nn as nn

        net = nn.Sequential(
            nn.Linear(784, 256), nn.ReLU(),
            nn.Linear(256, 256), nn.BatchNorm1d(256), nn.ReLU(),
            nn.Linear(256, 128), nn.Tanh(), nn.Dropout(0.1),
            nn.Linear(128, 10),
        )
        for m in net:
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
        """
    )
    assert [[s.name for s in c.steps] for c in chains] == [
        ["net[0] (Linear)", "net[2] (Linear)"],
        ["net[5] (Linear)", "net[8] (Linear)"],
    ]
    assert [c.end for c in chains] == [END_NORMALIZATION, END_OUTPUT]
    assert chains[0].steps[0].q == pytest.approx(784 * 1e-4)


def test_extracted_class_follows_forward_not_declaration_order() -> None:
    chains = _chains(
        """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(64, 64)
                self.fc2 = nn.Linear(64, 64)
                self.fc3 = nn.Linear(64, 64)
                self.out = nn.Linear(64, 10)
                self.norm = nn.LayerNorm(64)

            def forward(self, x):
                x = F.relu(self.fc1(x))
                x = x + F.relu(self.fc2(x))
                x = self.norm(self.fc3(x))
                return self.out(torch.tanh(x))
        """
    )
    assert [([s.name for s in c.steps], c.end) for c in chains] == [
        (["fc1 (Linear)"], END_BRANCH),  # its output goes to fc2 and the residual sum
        (["fc2 (Linear)"], END_BRANCH),
        (["fc3 (Linear)"], END_NORMALIZATION),
        (["out (Linear)"], END_OUTPUT),
    ]


def test_extracted_concatenation_ends_chains() -> None:
    chains = _chains(
        """
        import torch
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = nn.Linear(32, 32)
                self.b = nn.Linear(32, 32)
                self.c = nn.Linear(64, 10)

            def forward(self, x):
                return self.c(torch.cat([torch.relu(self.a(x)), torch.relu(self.b(x))], dim=1))
        """
    )
    assert [(len(c.steps), c.end) for c in chains] == [(1, END_BRANCH)] * 2 + [(1, END_OUTPUT)]


def test_extracted_keras_chain() -> None:
    chains = _chains(
        """
        from keras import Sequential, Input
        from keras.layers import Dense

        model = Sequential([
            Input(shape=(512,)),
            Dense(256, activation="relu", kernel_initializer="he_normal"),
            Dense(256, activation="relu", kernel_initializer="he_normal"),
            Dense(10, activation="softmax"),
        ])
        """
    )
    (chain,) = chains
    assert [s.q for s in chain.steps] == pytest.approx([2.0, 2.0, 256 * 2 / 266])
    assert chain.end == END_OUTPUT
