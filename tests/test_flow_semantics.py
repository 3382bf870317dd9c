"""How the walker follows Python: bindings, mutations, branches, methods. Each case was once
a wrong finding or a missed one."""

from __future__ import annotations

from textwrap import dedent

import pytest

from tests.conftest import check, fixed
from tests.extract_helpers import models, summary

HEAD = dedent(
    """\
    import torch
    import torch.nn as nn


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.head = nn.Linear(4, 4)
            self.b = nn.Linear(4, 4)
            nn.init.zeros_(self.head.weight)

        def forward(self, x, xs):
            h = self.head(x)
    {body}
    """
)


@pytest.mark.parametrize(
    "body",
    [
        "        return [self.b(h) for h in xs], h",
        "        for h in xs:\n            x = self.b(h)\n        return x",
        "        with open(xs) as h:\n            return self.b(h)",
        "        try:\n            pass\n        except ValueError as h:\n"
        "            return self.b(h)\n        return x",
        "        match xs:\n            case [h]:\n"
        "                return self.b(h)\n        return x",
        "        f = lambda h: self.b(h)\n        return f(xs)",
        "        if (h := xs) is not None:\n            return self.b(h)\n        return x",
        "        del h\n        h = xs\n        return self.b(h)",
    ],
    ids=["comprehension", "for", "with", "except", "match", "lambda", "walrus", "del"],
)
def test_a_rebound_name_no_longer_carries_the_layer(body: str) -> None:
    assert check(HEAD.format(body=body)) == []


def test_the_same_name_still_carries_it() -> None:
    assert [d.code for d in check(HEAD.format(body="        return self.b(h)"))] == ["KIN001"]


@pytest.mark.parametrize(
    "after",
    [
        "self.head.weight.data.copy_(w)",
        "self.head.weight = nn.Parameter(w)",
        "self.head.weight.data += w",
        "self.head.weight.data.fill_(0.5).add_(w)",
        "self.head.weight.mul_(0.1)",
    ],
)
def test_a_kernel_written_after_its_init_is_unknown(after: str) -> None:
    code = HEAD.replace(
        "nn.init.zeros_(self.head.weight)", f"nn.init.zeros_(self.head.weight)\n        {after}"
    ).format(body="        return self.b(h)")
    assert check(code) == []


def test_an_init_chosen_by_a_branch_is_unknown() -> None:
    code = dedent(
        """\
        import torch.nn as nn

        fc = nn.Linear(8, 8)
        net = nn.Sequential(fc, nn.ReLU(), nn.Linear(8, 1))
        if cfg.he:
            nn.init.kaiming_uniform_(fc.weight, nonlinearity="relu")
        else:
            nn.init.xavier_uniform_(fc.weight)
        """
    )
    assert check(code) == []
    zeroed = dedent(
        """\
        import torch.nn as nn

        fc = nn.Linear(8, 8)
        net = nn.Sequential(fc, nn.ReLU(), nn.Linear(8, 1))
        if cfg.zero:
            nn.init.zeros_(fc.weight)
        """
    )
    assert check(zeroed) == []
    assert [d.code for d in check(zeroed.replace("if cfg.zero:\n    ", ""))] == ["KIN001"]


@pytest.mark.parametrize(
    "edit",
    ["model.pop()", "if cfg:\n    model.add(layers.Dense(4))"],
)
def test_sequential_contents_changed_later(edit: str) -> None:
    code = dedent(
        """\
        from keras import Sequential, layers

        model = Sequential()
        model.add(layers.Dense(64, kernel_initializer="zeros"))
        model.add(layers.Dense(10))
        """
    )
    assert [d.code for d in check(code)] == ["KIN001"]
    assert check(code + edit + "\n") == []


def test_torch_sequential_item_assignment_and_del() -> None:
    code = dedent(
        """\
        import torch.nn as nn

        net = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 1))
        nn.init.zeros_(net[0].weight)
        """
    )
    assert [d.code for d in check(code)] == ["KIN001"]
    assert check(code + "net[2] = nn.Identity()\n") == []
    assert check(code + "del net[2]\n") == []


def test_recurrent_kernels_do_not_pair_with_the_next_activation() -> None:
    code = dedent(
        """\
        from keras import Sequential, layers

        model = Sequential([
            layers.LSTM(64, kernel_initializer="glorot_uniform"),
            layers.ReLU(),
            layers.GRU(32, kernel_initializer="he_normal"),
            layers.Activation("tanh"),
            layers.Dense(1),
        ])
        """
    )
    # The kernels feed their gates (sigmoid and tanh), not the ReLU after the layer: Glorot
    # is right for the LSTM, and He on the GRU saturates its gates.
    assert [(d.code, d.start.row) for d in check(code)] == [("KIN102", 6)]


def test_helper_methods_run_where_they_are_called() -> None:
    code = dedent(
        """\
        import torch.nn as nn
        import torch.nn.functional as F


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(8, 8)
                self.out = nn.Linear(8, 1)
                self._clear()
                nn.init.kaiming_uniform_(self.fc.weight, nonlinearity="relu")

            def _clear(self):
                nn.init.zeros_(self.fc.weight)

            def forward(self, x):
                return self.forward_head(self.forward_features(x))

            def forward_features(self, x):
                return F.relu(self.fc(x))

            def forward_head(self, x):
                return self.out(x)
        """
    )
    assert check(code) == []  # kaiming runs last at runtime
    assert summary(code)["Net"] == [
        ("fc", "kaiming_uniform_", "he", "relu", "hidden"),
        ("out", "kaiming_uniform_(a=sqrt(5))", "torch_default", "linear", "output"),
    ]


def test_self_attributes_named_like_tensor_methods() -> None:
    code = dedent(
        """\
        import torch.nn as nn


        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = nn.Linear(8, 8)
                self.relu = nn.ReLU(inplace=True)
                self.b = nn.Linear(8, 8)
                self.sigmoid = nn.Sigmoid()
                nn.init.xavier_uniform_(self.a.weight)
                nn.init.kaiming_normal_(self.b.weight)

            def forward(self, x):
                return self.sigmoid(self.b(self.relu(self.a(x))))
        """
    )
    assert [d.code for d in check(code)] == ["KIN101", "KIN102"]


def test_transpose_carries_the_values_and_shape_does_not() -> None:
    base = dedent(
        """\
        import torch
        import torch.nn as nn


        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(8, 8)
                self.b = nn.Linear(8, 8)
                nn.init.xavier_uniform_(self.fc.weight)

            def forward(self, x):
                h = self.fc(x)
                return {use}, torch.relu(h)
        """
    )
    assert check(base.format(use="self.b(h.mT)")) == []  # h feeds b too: not only relu
    assert [d.code for d in check(base.format(use="h.shape"))] == ["KIN101"]


def test_star_kwargs_in_init_calls_are_unknown() -> None:
    code = dedent(
        """\
        import torch.nn as nn
        from keras import layers, initializers

        fc = nn.Linear(8, 8)
        net = nn.Sequential(fc, nn.ReLU(), nn.Linear(8, 1))
        nn.init.xavier_uniform_(fc.weight, **init_kw)
        d = layers.Dense(8, activation="relu",
                         kernel_initializer=initializers.VarianceScaling(**vs_cfg))
        """
    )
    assert check(code) == []


def test_explicit_none_initializer_is_replaced_in_place() -> None:
    code = dedent(
        """\
        from keras import layers

        a = layers.Dense(64, activation="selu", kernel_initializer=None)
        b = layers.Dense(64, "selu", True, None)
        """
    )
    assert fixed(code) == code.replace("None)", '"lecun_normal")')


@pytest.mark.parametrize(
    "literal",
    ["net[1e400].weight", "net[10**400].weight"],
)
def test_huge_literals_are_unknown_not_a_crash(literal: str) -> None:
    code = dedent(
        f"""\
        import torch.nn as nn

        net = nn.Sequential(nn.Linear(4, 4), nn.LeakyReLU(1e400), nn.Linear(4, 1))
        nn.init.uniform_({literal}, -1e200, 1e200)
        nn.init.constant_(net[0].weight, 1{"0" * 400})
        """
    )
    assert [d.code for d in check(code)] == []


FILL = "fc = nn.Linear(4, 4)\nnet = nn.Sequential(fc, nn.ReLU(), nn.Linear(4, 2))\n"


@pytest.mark.parametrize(
    ("code", "spelling"),
    [
        # the import comes after the module-level code being fixed
        (
            "import torch.nn as nn\n"
            + FILL
            + "fc.weight.data.fill_(0.5)\nfrom torch.nn import init\n",
            "nn.init.",
        ),
        # an import that never runs
        (
            "from typing import TYPE_CHECKING\nimport torch.nn as nn\nif TYPE_CHECKING:\n"
            "    from torch.nn import init\n" + FILL + "fc.weight.data.fill_(0.5)\n",
            "nn.init.",
        ),
        # `init` is assigned later in the same function: local (unbound) from its first line
        (
            "import torch.nn as nn\nfrom torch.nn import init\n\ndef build():\n"
            "    fc = nn.Linear(4, 4)\n    net = nn.Sequential(fc, nn.ReLU(), nn.Linear(4, 2))\n"
            "    fc.weight.data.fill_(0.5)\n    init = 'done'\n    return net\n",
            "nn.init.",
        ),
        # a loop variable named init
        (
            "import torch.nn as nn\nfrom torch.nn import init\n\ndef build(xs):\n"
            "    fc = nn.Linear(4, 4)\n    net = nn.Sequential(fc, nn.ReLU(), nn.Linear(4, 2))\n"
            "    fc.weight.data.fill_(0.5)\n    for init in xs:\n        pass\n    return net\n",
            "nn.init.",
        ),
        # the module rebinds init with its own function
        (
            "import torch.nn as nn\nfrom torch.nn import init\n\ndef init(m):\n    pass\n\n"
            "def build():\n    fc = nn.Linear(4, 4)\n"
            "    net = nn.Sequential(fc, nn.ReLU(), nn.Linear(4, 2))\n"
            "    fc.weight.data.fill_(0.5)\n    return net\n",
            "nn.init.",
        ),
        # a relative import hides the framework one
        (
            "import torch.nn as nn\nfrom torch.nn import init\nfrom .helpers import init\n\n"
            "def build():\n    fc = nn.Linear(4, 4)\n"
            "    net = nn.Sequential(fc, nn.ReLU(), nn.Linear(4, 2))\n"
            "    fc.weight.data.fill_(0.5)\n    return net\n",
            "nn.init.",
        ),
    ],
    ids=["later-import", "type-checking", "local-later", "for-target", "def", "relative"],
)
def test_fixes_only_use_names_bound_where_they_write(code: str, spelling: str) -> None:
    after = fixed(code)
    assert f'{spelling}kaiming_uniform_(fc.weight.data, nonlinearity="relu")' in after
    compile(after, "<fixed>", "exec")


def test_fix_does_not_import_a_name_the_module_already_uses() -> None:
    code = dedent(
        """\
        from keras import layers
        from keras.initializers import GlorotUniform

        HeUniform = "a name of the user's own"
        d = layers.Dense(64, activation="relu", kernel_initializer=GlorotUniform())
        """
    )
    (finding,) = check(code)
    assert finding.code == "KIN101"
    assert finding.fix is None


def test_two_classes_with_one_name_stay_two_models() -> None:
    code = dedent(
        """\
        import torch.nn as nn

        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(4, 4)

        if USE_V2:
            class Block(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(8, 8)
        """
    )
    assert [len(m.layers) for m in models(code)] == [1, 1]
