"""Regressions from the review of the PyTorch forms: each program is what real code does,
and each expectation was checked under PyTorch 2.13 (what the layers really hold)."""

from __future__ import annotations

from tests.conftest import check, fixed

FP_NESTED_ODICT_KEYS = """\
from collections import OrderedDict

import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(OrderedDict([
            ("features", nn.Sequential(OrderedDict([
                ("fc", nn.Linear(784, 256)),
                ("relu", nn.ReLU()),
            ]))),
            ("fc", nn.Linear(256, 10)),
        ]))
        nn.init.zeros_(self.net.fc.weight)  # zero-initialised classifier head
        nn.init.zeros_(self.net.fc.bias)

    def forward(self, x):
        return self.net(x)
"""


FP_ODICT_NAMES2 = """\
from collections import OrderedDict

import torch.nn as nn


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = nn.Sequential(OrderedDict([
            ("fc", nn.Linear(512, 256)),
            ("relu", nn.ReLU()),
            ("logits", nn.Linear(256, 10)),
        ]))
        for name, p in self.named_parameters():
            if name == "head.fc.weight":
                nn.init.kaiming_normal_(p, nonlinearity="relu")
            elif name.endswith("weight"):
                nn.init.zeros_(p)  # zero-initialised classifier
            else:
                nn.init.zeros_(p)

    def forward(self, x):
        return self.head(x)
"""


FP_BREAK = """\
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = nn.Linear(256, 10)
        self.body = nn.Sequential(nn.Linear(784, 256), nn.ReLU())
        # zero only the first Linear registered (the head)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.weight)
                break

    def forward(self, x):
        return self.head(self.body(x))
"""


FP_LIST_POP = """\
import torch.nn as nn


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        layers = [
            nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU()
        ]
        layers.pop()  # a regression output: no final activation
        self.net = nn.Sequential(*layers)
        nn.init.xavier_uniform_(self.net[4].weight)  # linear output layer

    def forward(self, x):
        return self.net(x)
"""


FP_FROZEN_PARAM = """\
import torch
import torch.nn as nn


class SumPool(nn.Module):
    # Sums groups of features with a fixed all-ones matrix, then classifies.

    def __init__(self):
        super().__init__()
        self.pool = nn.Parameter(torch.ones(64, 8), requires_grad=False)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        return self.fc(x @ self.pool)
"""


FP_SUBSCRIPT_ASSIGN = """\
import torch
import torch.nn as nn


class IdentityInitBlock(nn.Module):
    # Conv initialised to the identity map (a hand-written dirac_).

    def __init__(self, c=16):
        super().__init__()
        self.proj = nn.Conv2d(c, c, 3, padding=1)
        self.out = nn.Conv2d(c, 3, 1)
        nn.init.zeros_(self.proj.weight)
        with torch.no_grad():
            for i in range(c):
                self.proj.weight[i, i, 1, 1] = 1.0

    def forward(self, x):
        return self.out(torch.relu(self.proj(x)))


class IdentityLinear(nn.Module):
    def __init__(self, n=64):
        super().__init__()
        self.fc = nn.Linear(n, n)
        self.head = nn.Linear(n, 10)
        nn.init.zeros_(self.fc.weight)
        self.fc.weight.data[range(n), range(n)] = 1.0

    def forward(self, x):
        return self.head(torch.relu(self.fc(x)))
"""


FIX_SHARED_MODIFIED = """\
import torch
import torch.nn as nn
import torch.nn.functional as F


class GatedMLP(nn.Module):
    def __init__(self, zero_gate=False):
        super().__init__()
        self.fc = nn.Linear(256, 256)
        self.gate = nn.Linear(256, 256)
        self.out = nn.Linear(256, 10)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
        if zero_gate:
            nn.init.zeros_(self.gate.weight)

    def forward(self, x):
        h = F.relu(self.fc(x))
        g = torch.sigmoid(self.gate(x))
        return self.out(h * g)
"""


FIX_EMBED_SHARED = """\
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(1000, 256)
        self.fc1 = nn.Linear(256, 256)
        self.fc2 = nn.Linear(256, 1000)
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)

    def forward(self, idx):
        return self.fc2(self.fc1(self.embed(idx)).relu())
"""


PARAM_NAMES = """\
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.empty(784, 256))
        self.w2 = nn.Parameter(torch.empty(256, 10))
        for name, p in self.named_parameters():
            if "weight" in name:
                nn.init.kaiming_normal_(p)
            else:
                nn.init.zeros_(p)

    def forward(self, x):
        return torch.relu(x @ self.w1) @ self.w2
"""


def test_zero_heads_named_through_ordered_dicts_stay_quiet() -> None:
    # an outer OrderedDict keeps its own names; named_parameters() uses them
    assert check(FP_NESTED_ODICT_KEYS) == []
    assert check(FP_ODICT_NAMES2) == []


def test_break_ends_an_unrolled_loop() -> None:
    assert check(FP_BREAK) == []


def test_a_mutated_list_is_not_read_as_built() -> None:
    assert check(FP_LIST_POP) == []


def test_frozen_parameters_and_hand_written_identity_inits_stay_quiet() -> None:
    assert check(FP_FROZEN_PARAM) == []
    assert check(FP_SUBSCRIPT_ASSIGN) == []


def test_raw_parameters_are_named_once_by_named_parameters() -> None:
    # torch names them `w1`, `w2`: "weight" is in neither, so both are zeroed
    found = [(d.code, d.start.row) for d in check(PARAM_NAMES)]
    assert found == [("KIN001", 14)]


def test_no_fix_for_a_call_that_also_fills_other_tensors() -> None:
    # the loop also fills the sigmoid gate (hidden by a conditional re-init) / an embedding
    for program in (FIX_SHARED_MODIFIED, FIX_EMBED_SHARED):
        findings = check(program)
        assert [d.code for d in findings] == ["KIN101"]
        assert findings[0].fix is None
        assert fixed(program) == program


def test_one_kaiming_call_for_relu_and_a_steep_leaky_relu_has_no_fix() -> None:
    program = """\
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(256, 256), nn.ReLU(),
            nn.Linear(256, 256), nn.LeakyReLU(0.5),
            nn.Linear(256, 10),
        )
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.kaiming_normal_(m.weight)

    def forward(self, x):
        return self.body(x)
"""
    assert [d.code for d in check(program)] == ["KIN104"]
    assert fixed(program) == program  # was: fixes that never converged


def test_undecidable_string_tests_do_not_crash() -> None:
    program = """\
import torch.nn as nn


def init(m):
    name = m.__class__.__name__
    if name.endswith((1,)):
        nn.init.zeros_(m.weight)


net = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 1))
net.apply(init)
"""
    assert check(program) == []


def test_a_hook_we_cannot_follow_makes_the_kernels_unknown() -> None:
    program = """\
import functools

import torch.nn as nn


def init_weights(m, std):
    if isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, std=std)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(256, 256)
        self.out = nn.Linear(256, 10)
        nn.init.xavier_uniform_(self.fc.weight)
        self.apply(functools.partial(init_weights, std=0.02))

    def forward(self, x):
        return self.out(self.fc(x).relu())
"""
    assert check(program) == []
