"""PyTorch extraction: modules, nn.init calls, forward data flow, by value."""

from __future__ import annotations

from tests.extract_helpers import models, summary


def test_module_class_with_forward_flow() -> None:
    code = """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        from torch.nn import init

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(784, 128)
                self.bn = nn.BatchNorm1d(128)
                self.fc2 = nn.Linear(128, 64)
                self.act = nn.LeakyReLU(0.2)
                self.fc3 = nn.Linear(64, 10)
                init.xavier_uniform_(self.fc1.weight)
                nn.init.kaiming_normal_(self.fc2.weight, a=0.2, nonlinearity="leaky_relu")
                self.fc3.weight.data.zero_()

            def forward(self, x):
                x = self.fc1(x)
                x = self.bn(x)
                x = F.relu(x)
                x = self.act(self.fc2(x))
                return torch.log_softmax(self.fc3(x), dim=-1)
    """
    assert summary(code) == {
        "Net": [
            ("fc1", "xavier_uniform_", "glorot", "relu", "hidden"),
            ("fc2", "kaiming_normal_", "he", "leaky_relu", "hidden"),
            ("fc3", "zero_", "zeros", "log_softmax", "output"),
        ]
    }
    fc2 = models(code)[0].weight_layers[1]
    assert fc2.act.slope == 0.2
    assert (fc2.fan_in, fc2.fan_out) == (128, 64)


def test_sequential_items_and_indexing() -> None:
    code = """
        from torch import nn

        net = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, kernel_size=(3, 3)),
            nn.Tanh(),
            nn.Flatten(),
            nn.Linear(32 * 6 * 6, 10),
        )
        nn.init.orthogonal_(net[3].weight)
        nn.init.normal_(net[-1].weight, std=0.01)
    """
    assert summary(code) == {
        "net": [
            ("net[0]", "kaiming_uniform_(a=sqrt(5))", "torch_default", "relu", "hidden"),
            ("net[3]", "orthogonal_", "orthogonal", "tanh", "hidden"),
            ("net[6]", "normal_", "random", "linear", "output"),
        ]
    }
    first = models(code)[0].weight_layers[0]
    assert (first.fan_in, first.fan_out) == (27, 144)
    assert first.init is not None
    assert not first.init.explicit


def test_tensor_method_activations_and_passthrough() -> None:
    code = """
        import torch
        import torch.nn as nn

        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = nn.Linear(8, 8)
                self.b = nn.Linear(8, 8)

            def forward(self, x):
                h = self.a(x).view(-1, 8).relu()
                return self.b(h).sigmoid()
    """
    assert summary(code)["M"] == [
        ("a", "kaiming_uniform_(a=sqrt(5))", "torch_default", "relu", "hidden"),
        ("b", "kaiming_uniform_(a=sqrt(5))", "torch_default", "sigmoid", "output"),
    ]


def test_residual_and_unknown_calls_are_unknown_never_guessed() -> None:
    code = """
        import torch.nn as nn
        import torch.nn.functional as F

        class LoRALinear(nn.Module):
            def __init__(self, base, r, act):
                super().__init__()
                self.base = base
                self.lora_A = nn.Linear(64, r, bias=False)
                self.lora_B = nn.Linear(r, 64, bias=False)
                self.act = act
                self.proj = nn.Linear(64, 64)
                nn.init.zeros_(self.lora_B.weight)

            def forward(self, x):
                y = self.base(x) + self.lora_B(self.lora_A(x)) * 0.5
                return self.act(self.proj(y))
    """
    assert summary(code)["LoRALinear"] == [
        ("lora_A", "kaiming_uniform_(a=sqrt(5))", "torch_default", "linear", "hidden"),
        ("lora_B", "zeros_", "zeros", "unknown", "unknown"),
        ("proj", "kaiming_uniform_(a=sqrt(5))", "torch_default", "unknown", "unknown"),
    ]


def test_conflicting_uses_make_the_activation_unknown() -> None:
    code = """
        import torch
        import torch.nn as nn

        class Shared(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 4)

            def forward(self, x, y):
                return torch.relu(self.fc(x)), torch.tanh(self.fc(y))
    """
    assert summary(code)["Shared"][0][3] == "unknown"


def test_init_call_spellings_and_gains() -> None:
    code = """
        import math
        import torch
        from torch.nn.init import kaiming_uniform_, xavier_normal_
        import torch.nn as nn

        a = nn.Linear(10, 10)
        b = nn.Linear(10, 10)
        c = nn.Linear(10, 10)
        d = nn.Linear(10, 10)
        e = nn.Linear(10, 10)
        net = nn.Sequential(a, nn.ReLU(), b, nn.ReLU(), c, nn.Tanh(), d, nn.SELU(), e)
        kaiming_uniform_(a.weight, a=math.sqrt(5))
        xavier_normal_(b.weight, gain=nn.init.calculate_gain("relu"))
        torch.nn.init.kaiming_normal_(c.weight, nonlinearity="tanh")
        nn.init.kaiming_normal_(d.weight, mode="fan_in", nonlinearity="linear")
        nn.init.xavier_uniform(e.weight)
    """
    rows = summary(code)["net"]
    assert [row[2] for row in rows] == ["torch_default", "scaled", "scaled", "lecun", "glorot"]
    assert rows[4][1] == "xavier_uniform_"  # the deprecated alias reads as its underscore form


def test_files_without_framework_imports_have_no_models() -> None:
    assert models("class Linear:\n    pass\n\nfc = Linear()\n") == []


def test_reading_shape_or_size_keeps_the_pairing() -> None:
    code = """
        import torch.nn as nn
        import torch.nn.functional as F

        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(8, 8)
                self.out = nn.Linear(8, 2)

            def forward(self, x):
                h = self.fc(x)
                batch, width = h.shape[0], h.size(1)
                h = F.relu(h).view(batch, width)
                y = self.out(h)
                return y.sum(dim=1)
    """
    assert [row[3:] for row in summary(code)["M"]] == [("relu", "hidden"), ("unknown", "unknown")]
