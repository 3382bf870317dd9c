"""Regressions found by trying initlint as a new user on realistic model code."""

from __future__ import annotations

import os
from pathlib import Path
from textwrap import dedent

import pytest
from click.testing import CliRunner

from initlint.cli import main
from tests.conftest import check, fixed


def test_activation_chosen_by_a_branch_is_unknown() -> None:
    code = dedent(
        """\
        import torch
        import torch.nn as nn
        import torch.nn.functional as F


        class Configurable(nn.Module):
            def __init__(self, act="tanh"):
                super().__init__()
                self.act = act
                self.fc = nn.Linear(64, 64)
                self.out = nn.Linear(64, 64)
                nn.init.xavier_uniform_(self.fc.weight)
                nn.init.kaiming_normal_(self.out.weight)

            def forward(self, x):
                h = self.fc(x)
                if self.act == "relu":
                    h = F.relu(h)
                elif self.act == "sigmoid":
                    h = torch.sigmoid(h)
                return torch.sigmoid(self.out(h))
        """
    )
    assert [d.code for d in check(code)] == ["KIN102"]  # only the unconditional pairing


def test_module_chosen_by_a_branch_is_unknown() -> None:
    code = dedent(
        """\
        import torch.nn as nn


        class Block(nn.Module):
            def __init__(self, use_relu):
                super().__init__()
                self.fc = nn.Linear(8, 8)
                if use_relu:
                    self.act = nn.ReLU()
                else:
                    self.act = nn.Tanh()
                nn.init.xavier_uniform_(self.fc.weight)

            def forward(self, x):
                return self.act(self.fc(x))
        """
    )
    assert check(code) == []


def test_variance_scaling_is_rewritten_in_place_keeping_distribution_and_seed() -> None:
    code = dedent(
        """\
        from keras import layers, initializers

        a = layers.Dense(64, activation="tanh",
                         kernel_initializer=initializers.VarianceScaling(2.0, "fan_in", seed=3))
        b = layers.Dense(64, activation="relu", kernel_initializer=initializers.VarianceScaling(
            scale=1.0, mode="fan_avg", distribution="untruncated_normal"))
        c = layers.Dense(64, activation="selu",
                         kernel_initializer=initializers.VarianceScaling(1.0, "fan_avg", "uniform"))
        """
    )
    after = fixed(code)
    assert 'initializers.VarianceScaling(1.0, "fan_avg", seed=3))' in after
    assert 'scale=2.0, mode="fan_in", distribution="untruncated_normal"))' in after
    assert 'initializers.VarianceScaling(1.0, "fan_in", "truncated_normal"))' in after
    assert check(after) == []


def test_multi_line_constant_becomes_a_tidy_named_call() -> None:
    code = dedent(
        """\
        from keras import Sequential, layers, initializers

        model = Sequential([
            layers.Dense(64, activation="relu", kernel_initializer=initializers.Constant(
                value=0.1, )),
            layers.Dense(1),
        ])
        """
    )
    assert "kernel_initializer=initializers.HeUniform())," in fixed(code)


def test_leaky_slope_decides_whether_he_fits() -> None:
    template = dedent(
        """\
        import torch.nn as nn

        LEAK = 0.2
        fc = nn.Linear(64, 64)
        net = nn.Sequential(fc, nn.LeakyReLU({slope}), nn.Linear(64, 1))
        nn.init.xavier_uniform_(fc.weight)
        """
    )
    assert check(template.format(slope="LEAK")) == []  # unknown slope: never a guess
    assert check(template.format(slope="1.0")) == []  # the identity: Glorot/LeCun is right
    assert check(template.format(slope="0.9")) == []  # gain 1.1: He would overshoot
    literal = template.format(slope="0.2")
    assert 'kaiming_uniform_(fc.weight, a=0.2, nonlinearity="leaky_relu")' in fixed(literal)
    keras = dedent(
        """\
        from keras import Sequential, layers

        model = Sequential([
            layers.Dense(64, kernel_initializer="lecun_normal"),
            layers.LeakyReLU(negative_slope={slope}),
            layers.Dense(1),
        ])
        """
    )
    assert check(keras.format(slope="1.0")) == []
    assert [d.code for d in check(keras.format(slope="0.3"))] == ["KIN101"]


def test_diff_of_a_file_without_final_newline_applies_with_patch(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(
        "import torch.nn as nn\nfc = nn.Linear(4, 4)\nnet = nn.Sequential(fc, nn.ReLU(), "
        "nn.Linear(4, 1))\nnn.init.xavier_uniform_(fc.weight)"
    )
    result = CliRunner().invoke(main, [str(path), "--diff"])
    assert result.exit_code == 1
    assert result.stdout.count("\\ No newline at end of file\n") == 2
    assert result.stdout.endswith("\\ No newline at end of file\n")


def test_name_imported_in_both_arms_of_try_except_grows_both() -> None:
    code = dedent(
        """\
        try:
            from tensorflow.keras import layers
            from tensorflow.keras.initializers import GlorotUniform
        except ImportError:
            from keras import layers
            from keras.initializers import GlorotUniform

        hidden = layers.Dense(64, activation="relu", kernel_initializer=GlorotUniform(seed=0))
        """
    )
    after = fixed(code)
    assert after.count("import GlorotUniform, HeUniform") == 2
    assert "kernel_initializer=HeUniform(seed=0)" in after


def test_import_inside_another_function_is_not_used_by_a_fix() -> None:
    code = dedent(
        """\
        from keras import layers
        from keras.initializers import GlorotUniform


        def make_head():
            from keras.initializers import HeUniform as HU
            return layers.Dense(10, kernel_initializer=HU())


        hidden = layers.Dense(64, activation="relu", kernel_initializer=GlorotUniform())
        """
    )
    after = fixed(code)
    assert "kernel_initializer=HeUniform())" in after
    assert "from keras.initializers import GlorotUniform, HeUniform" in after


def test_parameter_shadowing_an_import_is_respected() -> None:
    code = dedent(
        """\
        import torch.nn as nn
        import torch.nn.functional as F
        from torch.nn import init


        class Net(nn.Module):
            def __init__(self, init="kaiming"):
                super().__init__()
                self.fc = nn.Linear(4, 4)
                self.out = nn.Linear(4, 1)
                self.fc.weight.data.zero_()
                init.xavier_uniform_(self.out.weight)  # `init` is the string here

            def forward(self, x):
                return self.out(F.relu(self.fc(x)))
        """
    )
    after = fixed(code)
    assert 'nn.init.kaiming_uniform_(self.fc.weight.data, nonlinearity="relu")' in after
    assert [d.code for d in check(code)] == ["KIN001"]


def test_fix_that_would_drop_a_comment_is_not_offered() -> None:
    code = dedent(
        """\
        import torch.nn as nn

        fc = nn.Linear(4, 4)
        net = nn.Sequential(fc, nn.ReLU(), nn.Linear(4, 1))
        nn.init.xavier_uniform_(fc.weight,  # hidden layer
                                gain=1.0,  # TODO tune
                                )
        """
    )
    (finding,) = check(code)
    assert finding.code == "KIN101"
    assert finding.fix is None
    assert fixed(code) == code


def test_added_keyword_after_a_trailing_comment_keeps_the_layout() -> None:
    code = dedent(
        """\
        from keras import layers

        hidden = layers.Dense(
            100,
            activation="selu"  # self-normalising
        )
        """
    )
    assert fixed(code) == dedent(
        """\
        from keras import layers

        hidden = layers.Dense(
            100,
            activation="selu",  # self-normalising
            kernel_initializer="lecun_normal"
        )
        """
    )


def test_initializer_read_through_get_is_reported_without_a_fix() -> None:
    code = (
        "from keras import layers, initializers\n"
        'd = layers.Dense(64, activation="relu", '
        'kernel_initializer=initializers.get("glorot_uniform"))\n'
    )
    (finding,) = check(code)
    assert (finding.code, finding.fix) == ("KIN101", None)


def test_noqa_inside_a_string_does_not_suppress() -> None:
    code = (
        "from keras import layers\n"
        'd = layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform"); '
        's = "# noqa"\n'
    )
    assert [d.code for d in check(code)] == ["KIN101"]


def test_zero_gate_mixed_elementwise_is_quiet() -> None:
    code = dedent(
        """\
        import torch
        import torch.nn as nn


        class GatedResidual(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.gate = nn.Linear(d, d)
                nn.init.zeros_(self.gate.weight)

            def forward(self, x, y):
                g = torch.sigmoid(self.gate(x))
                return g * x + (1 - g) * y
        """
    )
    assert check(code) == []


def test_selu_with_lecun_written_out_is_quiet_and_wrong_scale_is_not() -> None:
    template = dedent(
        """\
        import math
        import torch.nn as nn

        fc = nn.Linear(256, 256)
        net = nn.Sequential(fc, nn.SELU(), nn.Linear(256, 1))
        nn.init.normal_(fc.weight, std={std})
        """
    )
    assert check(template.format(std="1 / math.sqrt(256)")) == []
    assert check(template.format(std="0.0625")) == []  # 1/sqrt(256)
    assert [d.code for d in check(template.format(std="0.2"))] == ["KIN103"]


def test_fix_writes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_text(
        "import keras\n"
        'd = keras.layers.Dense(8, activation="relu", kernel_initializer="glorot_uniform")\n'
    )
    link = tmp_path / "link.py"
    link.symlink_to(real)
    result = CliRunner().invoke(main, [str(link), "--fix"])
    assert result.exit_code == 0
    assert link.is_symlink()
    assert '"he_uniform"' in real.read_text()


def test_too_deep_to_analyse_is_a_finding_not_a_contradiction(tmp_path: Path) -> None:
    path = tmp_path / "deep.py"
    path.write_text("import torch\nx = " + "-" * 5000 + "1\ntorch.nn.init.zeros_(w)\n")
    result = CliRunner().invoke(main, [str(path), "--output-format", "concise"])
    assert result.exit_code == 1
    assert "KIN000" in result.stdout
    assert "All checks passed!" not in result.stdout


def test_read_only_file_under_fix_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ro.py"
    original = (
        "import keras\n"
        'd = keras.layers.Dense(8, activation="relu", kernel_initializer="glorot_uniform")\n'
    )
    path.write_text(original)
    real_access = os.access
    monkeypatch.setattr(  # root may write anything; simulate the user's read-only file
        os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode)
    )
    result = CliRunner().invoke(main, [str(path), "--fix"])
    assert result.exit_code == 2
    assert "cannot write fixes: Permission denied (file is read-only)" in result.stderr
    assert path.read_text() == original


def test_branches_agreeing_on_a_family_keep_the_family() -> None:
    code = dedent(
        """\
        import torch
        import torch.nn as nn
        import torch.nn.functional as F


        class Head(nn.Module):
            def __init__(self, bounded):
                super().__init__()
                self.bounded = bounded
                self.proj = nn.Linear(16, 16)
                self.gate = nn.Linear(16, 16)
                nn.init.kaiming_uniform_(self.proj.weight, nonlinearity="relu")
                nn.init.xavier_uniform_(self.gate.weight)

            def forward(self, x):
                if self.bounded:
                    y = torch.tanh(self.proj(x))
                    g = F.relu(self.gate(x))
                else:
                    y = torch.sigmoid(self.proj(x))
                    g = F.leaky_relu(self.gate(x), 0.1)
                return y * g
        """
    )
    (proj,) = check(code)  # relu on one path, leaky 0.1 on the other: no single slope
    assert proj.code == "KIN102"
    assert "feeds `sigmoid or tanh`" in proj.message
    assert proj.fix is not None  # Glorot for tanh or sigmoid alike
    same_slope = code.replace("F.relu(self.gate(x))", "F.leaky_relu(self.gate(x), 0.1)")
    assert [d.code for d in check(same_slope)] == ["KIN102", "KIN101"]


def test_star_imports_of_framework_modules_are_read_and_fixed() -> None:
    code = dedent(
        """\
        from keras.models import *
        from keras.layers import *
        from torch.nn import *
        from torch.nn.init import *

        model = Sequential([Dense(64, activation="relu", kernel_initializer=GlorotUniform())])
        fc = Linear(8, 8)
        net = Sequential(fc, Tanh(), Linear(8, 1))
        kaiming_normal_(fc.weight)
        """
    )
    assert [d.code for d in check(code)] == ["KIN102"]  # GlorotUniform: no initializers star
    after = fixed(code)
    assert "xavier_normal_(fc.weight)" in after
    assert "import xavier_normal_" not in after  # the star import already provides it


def test_frozen_or_single_filter_constant_kernels_are_deliberate() -> None:
    template = dedent(
        """\
        from keras import Sequential, layers

        model = Sequential([
            layers.Conv2D({filters}, 3, use_bias=False, {frozen}kernel_initializer="ones"),
            layers.Conv2D(16, 3, activation="relu"),
        ])
        """
    )
    assert check(template.format(filters=1, frozen="")) == []  # a box filter
    assert check(template.format(filters=8, frozen="trainable=False, ")) == []
    assert [d.code for d in check(template.format(filters=8, frozen=""))] == ["KIN002"]


def test_narrow_heads_where_he_and_glorot_hardly_differ_are_quiet() -> None:
    keras = dedent(
        """\
        from keras import Sequential, layers

        model = Sequential([
            layers.Dense(128, activation="relu", kernel_initializer="he_normal", input_dim=784),
            layers.Dropout(0.2),
            layers.Dense({width}, activation="softmax", kernel_initializer="he_uniform"),
        ])
        """
    )
    assert check(keras.format(width=10)) == []  # He is 1.08x Glorot here
    (finding,) = check(keras.format(width=128))  # a square layer: 2x
    assert finding.code == "KIN102"
    assert "2.0x Glorot's variance" in finding.message
    torch = dedent(
        """\
        import torch
        import torch.nn as nn

        fc = nn.Linear(512, {width})
        net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), fc, nn.Sigmoid())
        nn.init.xavier_uniform_(net[0].weight)
        nn.init.kaiming_uniform_(fc.weight, nonlinearity="relu")
        """
    )
    # net[0] (784 -> 512, He is 1.65x Glorot) fires either way; the 512 -> 1 head does not
    assert [d.code for d in check(torch.format(width=1))] == ["KIN101"]
    assert [d.code for d in check(torch.format(width=512))] == ["KIN101", "KIN102"]


def test_glorot_on_a_narrow_relu_layer_is_quiet() -> None:
    code = dedent(
        """\
        import torch.nn as nn

        net = nn.Sequential(nn.Linear(1024, 16), nn.ReLU(), nn.Linear(16, 1))
        nn.init.xavier_uniform_(net[0].weight)
        """
    )
    assert check(code) == []  # 2/(1024+16) is within 1.02x of He's 2/1024
    assert [
        d.code for d in check(code.replace("1024, 16", "256, 256").replace("16, 1", "256, 1"))
    ] == ["KIN101"]
