"""The seed-style MNIST stack (784 → Dense(128, relu) → Dense(64, relu) → Dense(10, softmax))
with each `kernel_initializer` string: what initlint reports, layer by layer, and why."""

from __future__ import annotations

import pytest

from tests.conftest import check, fixed

_MNIST = """\
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu", kernel_initializer="{init}"),
    layers.Dense(64, activation="relu", kernel_initializer="{init}"),
    layers.Dense(10, activation="softmax", kernel_initializer="{init}"),
])
"""

# init -> findings on the (128, 64, 10) rows (6, 7, 8)
EXPECTED = {
    # symmetric hidden layers; a zero or constant softmax head is fine
    "zeros": [("KIN001", 6), ("KIN001", 7)],
    "ones": [("KIN002", 6), ("KIN002", 7)],
    # Glorot is 2/(fi+fo): within 1.25x of He's 2/fi at 784→128 (1.16x), not at 128→64 (1.5x)
    "glorot_uniform": [("KIN101", 7)],
    "glorot_normal": [("KIN101", 7)],
    # LeCun is 1/fi whatever the width: half of He everywhere
    "lecun_normal": [("KIN101", 6), ("KIN101", 7)],
    "lecun_uniform": [("KIN101", 6), ("KIN101", 7)],
    # He on the narrow softmax head is within 1.25x of Glorot (64→10: 1.16x)
    "he_normal": [],
    "he_uniform": [],
    # fixed-scale and orthogonal inits are not He/Glorot mix-ups (a scale rule's business)
    "random_normal": [],
    "orthogonal": [],
}


@pytest.mark.parametrize("init", sorted(EXPECTED))
def test_each_initializer_string(init: str) -> None:
    program = _MNIST.format(init=init)
    assert [(d.code, d.start.row) for d in check(program)] == EXPECTED[init]


@pytest.mark.parametrize("init", sorted(EXPECTED))
def test_fixes_settle_on_he_for_the_relu_layers(init: str) -> None:
    after = fixed(program := _MNIST.format(init=init))
    assert check(after) == []
    assert fixed(after) == after
    if EXPECTED[init]:
        rows = after.splitlines()
        for _, row in EXPECTED[init]:
            assert '"he_' in rows[row - 1], rows[row - 1]
    else:
        assert after == program
