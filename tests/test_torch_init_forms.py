"""PyTorch init forms of issue 4: which kernel an init call fills, through loops over modules
and parameters, hooks, containers and raw parameters. One case per form, by value."""

from __future__ import annotations

from textwrap import dedent, indent

import pytest

from tests.extract_helpers import summary

# A three-layer module; `{init}` is the body of `init_weights(self)`, called from __init__.
_NET = """
import math
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3)
        self.fc = nn.Linear(16, 32)
        self.head = nn.Linear(32, 10)
        self.init_weights()

    def init_weights(self):
{init}

    def forward(self, x):
        x = F.relu(self.conv(x)).mean((2, 3))
        return self.head(F.relu(self.fc(x)))
"""


def _inits(body: str) -> dict[str, str]:
    """layer -> init name after ``init_weights`` runs ``body``."""
    code = _NET.format(init=indent(dedent(body).strip("\n"), " " * 8))
    return {name: init for name, init, _, _, _ in summary(code)["Net"]}


DEFAULT = "kaiming_uniform_(a=sqrt(5))"

CASES = {
    "isinstance": (
        """
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
        """,
        {"conv": DEFAULT, "fc": "xavier_uniform_", "head": "xavier_uniform_"},
    ),
    "isinstance tuple and elif": (
        """
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
        """,
        {"conv": "kaiming_normal_", "fc": "normal_", "head": "normal_"},
    ),
    "isinstance union": (
        """
        for m in self.modules():
            if isinstance(m, nn.Conv2d | nn.Linear):
                m.weight.data.zero_()
        """,
        {"conv": "zero_", "fc": "zero_", "head": "zero_"},
    ),
    "isinstance base class": (
        """
        for m in self.modules():
            if isinstance(m, nn.modules.conv._ConvNd):
                nn.init.orthogonal_(m.weight)
        """,
        {"conv": "orthogonal_", "fc": DEFAULT, "head": DEFAULT},
    ),
    "not isinstance continue": (
        """
        for m in self.modules():
            if not isinstance(m, nn.Linear):
                continue
            nn.init.xavier_normal_(m.weight)
        """,
        {"conv": DEFAULT, "fc": "xavier_normal_", "head": "xavier_normal_"},
    ),
    "type equality": (
        """
        for m in self.modules():
            if type(m) == nn.Linear:
                nn.init.ones_(m.weight)
        """,
        {"conv": DEFAULT, "fc": "ones_", "head": "ones_"},
    ),
    "class name find": (
        """
        for m in self.modules():
            classname = m.__class__.__name__
            if classname.find("Conv") != -1:
                m.weight.data.normal_(0.0, 0.02)
        """,
        {"conv": "normal_", "fc": DEFAULT, "head": DEFAULT},
    ),
    "class name in": (
        """
        for m in self.modules():
            if "Linear" in type(m).__name__:
                nn.init.trunc_normal_(m.weight, std=0.02)
        """,
        {"conv": DEFAULT, "fc": "trunc_normal_", "head": "trunc_normal_"},
    ),
    "named_parameters weight in name": (
        """
        for name, p in self.named_parameters():
            if "weight" in name:
                nn.init.xavier_uniform_(p)
            else:
                nn.init.zeros_(p)
        """,
        {"conv": "xavier_uniform_", "fc": "xavier_uniform_", "head": "xavier_uniform_"},
    ),
    "parameters dim": (
        """
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.kaiming_uniform_(p, nonlinearity="relu")
        """,
        {"conv": "kaiming_uniform_", "fc": "kaiming_uniform_", "head": "kaiming_uniform_"},
    ),
    "named_parameters endswith and ndim": (
        """
        for name, p in self.named_parameters():
            if name.endswith(".weight") and p.ndim == 2:
                nn.init.orthogonal_(p)
        """,
        {"conv": DEFAULT, "fc": "orthogonal_", "head": "orthogonal_"},
    ),
    "named_modules with name test": (
        """
        for name, m in self.named_modules():
            if name == "head":
                nn.init.zeros_(m.weight)
        """,
        {"conv": DEFAULT, "fc": DEFAULT, "head": "zeros_"},
    ),
    "apply local function": (
        """
        def _basic(module):
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight)

        self.apply(_basic)
        """,
        {"conv": "kaiming_normal_", "fc": DEFAULT, "head": DEFAULT},
    ),
    "weight data method": (
        """
        self.fc.weight.data.normal_(mean=0.0, std=0.02)
        self.head.weight.data.copy_(torch.zeros(10, 32))
        """,
        {"conv": DEFAULT, "fc": "normal_", "head": "torch.zeros"},
    ),
    "undecided test leaves it unknown": (
        """
        for m in self.modules():
            if isinstance(m, nn.Linear) and m.out_features > 16:
                nn.init.zeros_(m.weight)
        """,
        {"conv": DEFAULT, "fc": "unknown", "head": "unknown"},
    ),
    "unknown filter in a hook": (
        """
        for m in self.modules():
            if getattr(m, "_is_hf_initialized", False):
                continue
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.weight)
        """,
        {"conv": DEFAULT, "fc": "unknown", "head": "unknown"},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_init_target_forms(case: str) -> None:
    body, expected = CASES[case]
    assert _inits(body) == expected


def test_module_function_hook_applied_to_an_instance() -> None:
    code = """
        import torch.nn as nn

        def weights_init(m):
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.weight)

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 4)
                self.out = nn.Linear(4, 1)

            def forward(self, x):
                return self.out(self.fc(x).relu())

        net = Net()
        net.apply(weights_init)
    """
    assert summary(code)["Net"] == [
        ("fc", "zeros_", "zeros", "relu", "hidden"),
        ("out", "zeros_", "zeros", "linear", "output"),
    ]


def test_containers_and_raw_parameters() -> None:
    code = """
        from collections import OrderedDict
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.blocks = nn.ModuleList([nn.Linear(8, 8) for _ in range(4)])
                self.heads = nn.ModuleDict({"a": nn.Linear(8, 2), "b": nn.Linear(8, 3)})
                self.seq = nn.Sequential(OrderedDict([("fc", nn.Linear(8, 8)), ("act", nn.Tanh())]))
                self.w = nn.Parameter(torch.ones(8, 8))
                nn.init.xavier_uniform_(self.blocks[0].weight)
                nn.init.zeros_(self.heads["b"].weight)
                nn.init.eye_(self.seq.fc.weight)

            def forward(self, x):
                x = self.seq(x)
                for block in self.blocks:
                    x = F.relu(block(x))
                return self.heads["a"](x @ self.w)
    """
    found = {name: (init, act, role) for name, init, _, act, role in summary(code)["Net"]}
    assert found["blocks[i]"] == ("xavier_uniform_", "relu", "hidden")
    assert found['heads["b"]'] == ("zeros_", "unknown", "unknown")
    assert found["fc"] == ("eye_", "tanh", "hidden")
    assert found["w"] == ("torch.ones", "linear", "hidden")
    assert found['heads["a"]'][2] == "output"


def test_recurrent_parameters_and_activations() -> None:
    code = """
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self, depth=2):
                super().__init__()
                self.rnn = nn.RNN(8, 16, nonlinearity="relu")
                self.lstm = nn.LSTM(16, 16)
                self.gru = nn.GRU(16, 16, num_layers=depth)
                nn.init.xavier_uniform_(self.rnn.weight_ih_l0)
                nn.init.orthogonal_(self.lstm.weight_hh_l0)
                for name, p in self.gru.named_parameters():
                    nn.init.zeros_(p)
    """
    found = {name: (init, act) for name, init, _, act, _ in summary(code)["Net"]}
    assert found["rnn"] == ("xavier_uniform_", "relu")
    assert found["lstm"][1] == "sigmoid"
    assert found["lstm"][0].startswith("uniform_")  # weight_hh is not the input kernel
    assert found["gru"][0] != "zeros_"  # parameters we cannot list are not guessed


def test_apply_with_a_method_hook_and_post_init() -> None:
    code = """
        import torch.nn as nn

        class Base(nn.Module):
            def _init_weights(self, module):
                if isinstance(module, nn.Linear):
                    nn.init.xavier_normal_(module.weight)

        class Net(Base):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 4)
                self.post_init()

        class Other(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 3)
                self.fc = nn.Linear(8, 2)
                self.apply(self._hook)

            def _hook(self, m):
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight)
    """
    found = summary(code)
    assert [init for _, init, _, _, _ in found["Net"]] == ["xavier_normal_"]
    assert [init for _, init, _, _, _ in found["Other"]] == ["kaiming_normal_", DEFAULT]


def test_transformer_layers_pair_linear1_with_their_activation() -> None:
    code = """
        import torch.nn as nn
        import torch.nn.functional as F

        class Encoder(nn.Module):
            def __init__(self, act="relu"):
                super().__init__()
                layer = nn.TransformerEncoderLayer(512, 8, 2048)
                self.encoder = nn.TransformerEncoder(layer, num_layers=6)
                self.gelu = nn.TransformerEncoderLayer(512, 8, activation=F.gelu)
                self.configured = nn.TransformerEncoderLayer(512, 8, activation=act)
                for p in self.parameters():
                    if p.dim() > 1:
                        nn.init.xavier_uniform_(p)
    """
    linear1 = [
        (act, role, init)
        for name, init, _, act, role in summary(code)["Encoder"]
        if name == "linear1"
    ]
    assert linear1 == [
        ("relu", "hidden", "xavier_uniform_"),
        ("gelu", "hidden", "xavier_uniform_"),
        ("unknown", "hidden", "xavier_uniform_"),
    ]


def test_frozen_kernels_are_not_symmetry_bugs() -> None:
    from tests.conftest import check

    code = """
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.blur = nn.Conv2d(3, 3, 3)
                self.mix = nn.Linear(8, 8)
                self.fc = nn.Linear(8, 8)
                self.out = nn.Linear(8, 2)
                nn.init.constant_(self.blur.weight, 1 / 9)
                self.blur.weight.requires_grad = False
                nn.init.ones_(self.mix.weight)
                self.mix.requires_grad_(False)
                nn.init.zeros_(self.fc.weight)

            def forward(self, x):
                x = self.blur(x).mean((2, 3))
                return self.out(self.fc(self.mix(x)).relu())
    """
    assert [(d.code, d.start.row) for d in check(dedent(code))] == [("KIN001", 15)]
