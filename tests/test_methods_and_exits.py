"""Methods run in call order with their callers' values; early returns end paths; fixes write
only names bound wherever they land. Each case was once a wrong finding, a miss or a broken fix."""

from __future__ import annotations

from textwrap import dedent

import libcst as cst
import pytest

from initlint.frameworks import STAR_EXPORTS, FileContext, ModuleFacts
from initlint.frameworks.flow import _INLINE_BUDGET, Walker
from initlint.frameworks.names import collect_top_level_imports
from tests.conftest import check, fixed


def test_a_factory_helper_makes_a_new_layer_per_call() -> None:
    code = dedent(
        """\
        import torch.nn as nn
        import torch.nn.functional as F


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = self.make()
                self.out = self.make()
                nn.init.zeros_(self.out.weight)

            def make(self):
                return nn.Linear(4, 4)

            def forward(self, x):
                return self.out(F.relu(self.hidden(x)))
        """
    )
    assert check(code) == []  # the zero layer is the output head


def test_a_helper_called_from_forward_pairs_like_inline_code() -> None:
    code = dedent(
        """\
        import torch.nn as nn
        import torch.nn.functional as F


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = nn.Linear(4, 4)
                self.b = nn.Linear(4, 1)
                nn.init.xavier_uniform_(self.a.weight)

            def features(self, x):
                return self.a(x)

            def forward(self, x):
                return self.b(F.relu(self.features(x)))
        """
    )
    assert [d.code for d in check(code)] == ["KIN101"]


@pytest.mark.parametrize(
    ("signature", "call"),
    [("h, **extra", "h, skip=h"), ("x, *extra, skip=None", "h, h, skip=h")],
)
def test_arguments_bind_as_python_binds_them(signature: str, call: str) -> None:
    code = dedent(
        f"""\
        import torch.nn as nn
        import torch.nn.functional as F


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = nn.Linear(4, 4)
                nn.init.xavier_uniform_(self.a.weight)

            def mix(self, {signature}):
                return F.relu({signature.split(",")[0]})

            def forward(self, x):
                h = self.a(x)
                return self.mix({call})
        """
    )
    assert check(code) == []  # h also goes where we cannot follow it


def test_a_sequential_built_by_calls_of_one_helper_is_not_circular() -> None:
    code = dedent(
        """\
        import torch.nn as nn


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.body = self.block()
                self.body.append(self.block())

            def block(self):
                return nn.Sequential(nn.Linear(4, 4), nn.ReLU())

            def forward(self, x):
                return self.body(x)
        """
    )
    assert check(code) == []


def test_an_early_return_ends_the_path() -> None:
    code = dedent(
        """\
        import torch.nn as nn
        import torch.nn.functional as F


        class Net(nn.Module):
            def __init__(self, zero_init=False):
                super().__init__()
                self.a = nn.Linear(4, 4)
                self.b = nn.Linear(4, 1)
                self._reset(zero_init)

            def _reset(self, zero_init):
                if not zero_init:
                    return
                nn.init.zeros_(self.a.weight)

            def forward(self, x):
                return self.b(F.relu(self.a(x)))
        """
    )
    assert check(code) == []
    unconditional = code.replace("if not zero_init:\n            return\n", "")
    assert unconditional != code
    assert [d.code for d in check(unconditional)] == ["KIN001"]


def test_inlining_work_is_bounded() -> None:
    methods = "\n".join(
        f"    def m{i}(self, x):\n"
        + "".join(f"        x = self.m{i + 1}(x)\n" for _ in range(12))
        + "        return x\n"
        for i in range(30)
    )
    code = (
        "import torch.nn as nn\n\n\nclass Net(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n\n"
        f"{methods}\n    def m30(self, x):\n        return self.fc(x)\n\n"
        "    def forward(self, x):\n        return self.m0(x)\n"
    )
    module = cst.parse_module(code)
    imports = collect_top_level_imports(module, STAR_EXPORTS)
    facts = ModuleFacts(module, imports.fixable)
    walker = Walker(imports, lambda visible: FileContext(module, visible, facts))
    walker.run(module)
    # linear in the methods (each runs for a few distinct values), not 12 ** depth
    assert _INLINE_BUDGET - walker._inline_budget <= 2 * 31


FILL = "    fc = nn.Linear(4, 4)\n    net = nn.Sequential(fc, nn.ReLU(), nn.Linear(4, 2))\n"


@pytest.mark.parametrize(
    "code",
    [
        "import torch.nn as nn\nfrom torch.nn import init\n\ndef build():\n"
        + FILL
        + "    fc.weight.data.fill_(0.5)\n    if (init := None):\n        pass\n    return net\n",
        "import torch.nn as nn\nfrom torch.nn import init\n\ndef build(cfg):\n"
        + FILL
        + "    fc.weight.data.fill_(0.5)\n    match cfg:\n        case {'init': init}:\n"
        "            pass\n    return net\n",
        "import torch.nn as nn\nfrom torch.nn import init\n\ndef build():\n"
        + FILL
        + "    fc.weight.data.fill_(0.5)\n    return net\n\ndef swap(fn):\n    global init\n"
        "    init = fn\n",
        "import torch.nn as nn\nif USE_INIT:\n    from torch.nn import init\n"
        + FILL.replace("    ", "")
        + "fc.weight.data.fill_(0.5)\n",
        "import torch.nn as nn\nfrom typing import TYPE_CHECKING\nif False:\n    pass\n"
        "elif TYPE_CHECKING:\n    from torch.nn import init\n\ndef build():\n"
        + FILL
        + "    fc.weight.data.fill_(0.5)\n    return net\n",
        "import torch.nn as nn\nfrom torch.nn import init\n\ndef build():\n"
        + FILL
        + "    fc.weight.data.fill_(0.5)\n    del init\n    return net\n",
        "import torch.nn as nn\n\ndef build():\n"
        + FILL
        + "    fc.weight.data.fill_(0.5)\n    return net\n\nnet = build()\n"
        "from torch.nn import init\n",
    ],
    ids=["walrus", "match", "global", "conditional", "elif-type-checking", "del", "late"],
)
def test_fixes_never_write_a_name_that_may_be_unbound(code: str) -> None:
    after = fixed(code)
    assert 'nn.init.kaiming_uniform_(fc.weight.data, nonlinearity="relu")' in after
    assert "init.kaiming" not in after.replace("nn.init.kaiming", "")


def test_an_optional_import_fallback_still_reads_the_file() -> None:
    code = dedent(
        """\
        try:
            import torch.nn as nn
        except ImportError:
            nn = None

        fc = nn.Linear(4, 4)
        net = nn.Sequential(fc, nn.ReLU(), nn.Linear(4, 1))
        nn.init.xavier_uniform_(fc.weight)
        """
    )
    assert [d.code for d in check(code)] == ["KIN101"]
