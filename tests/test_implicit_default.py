"""KIN105 implicit-default-mismatch: opt-in selection, Keras and PyTorch defaults under ReLU."""

from __future__ import annotations

import math
from pathlib import Path
from textwrap import dedent

import pytest
from click.testing import CliRunner

from initlint import engine, semantics
from initlint.cli import main
from initlint.model import Framework, Init, InitFamily, Spelling
from initlint.rules import ALL_RULES, BY_CODE
from initlint.settings import Settings, select_rules
from tests.conftest import check, fixed, settings_for
from tests.extract_helpers import kernel_variance, models

KIN105 = "KIN105"

KERAS_RELU = dedent(
    """\
    import keras
    from keras import layers

    model = keras.Sequential([
        keras.Input(shape=(256,)),
        layers.Dense(256, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    """
)

TORCH_RELU = dedent(
    """\
    import torch.nn as nn
    import torch.nn.functional as F


    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(784, 256)
            self.fc2 = nn.Linear(256, 10)

        def forward(self, x):
            return self.fc2(F.relu(self.fc1(x)))
    """
)


KERAS_ONE = dedent(
    """\
    import keras
    from keras import layers

    model = keras.Sequential([
        keras.Input(shape=(256,)),
        {layer},
        layers.Dense(1),
    ])
    """
)

TORCH_ONE = dedent(
    """\
    import torch.nn as nn

    def build(act, cfg):
        return nn.Sequential({layer}, {act}, nn.Linear(256, 1))
    """
)

TORCH_INIT = dedent(
    """\
    import math
    import torch.nn as nn
    import torch.nn.functional as F


    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(784, 256)
            self.fc2 = nn.Linear(256, 10)
            {init}

        def forward(self, x):
            return self.fc2(F.relu(self.fc1(x)))
    """
)


def kin105(code: str) -> list[tuple[int, str]]:
    return [(d.start.row, d.message) for d in check(dedent(code), KIN105) if d.code == KIN105]


def rows(code: str) -> list[int]:
    return [row for row, _ in kin105(code)]


# --------------------------------------------------------------------------- selection


def test_registered_as_opt_in() -> None:
    assert BY_CODE[KIN105].opt_in
    assert KIN105 in [rule.code for rule in ALL_RULES if rule.opt_in]


def test_not_in_the_default_selection() -> None:
    assert KIN105 not in Settings().select
    assert KIN105 not in select_rules()
    assert [d for d in check(KERAS_RELU) if d.code == KIN105] == []
    assert [d for d in check(TORCH_RELU) if d.code == KIN105] == []


@pytest.mark.parametrize("selector", ["KIN105", "kin105", "implicit-default-mismatch", "ALL"])
def test_select_enables_it(selector: str) -> None:
    assert KIN105 in select_rules([selector])


def test_a_prefix_enables_it_like_all() -> None:
    """An explicit selector that covers the code selects it: `KIN1`, `KIN` and `ALL` alike."""
    assert KIN105 in select_rules(["KIN1"])
    assert KIN105 in select_rules(["KIN"])


def test_extend_select_adds_it_to_the_defaults() -> None:
    chosen = select_rules(None, extend_select=["KIN105"])
    assert KIN105 in chosen
    assert chosen == select_rules() | {KIN105}


def test_ignore_wins_over_all() -> None:
    assert KIN105 not in select_rules(["ALL"], ignore=["implicit-default-mismatch"])


def test_select_of_another_rule_leaves_it_out() -> None:
    assert KIN105 not in select_rules(["KIN101"])


def _cli(tmp_path: Path, *args: str) -> tuple[int, str]:
    path = tmp_path / "model.py"
    path.write_text(KERAS_RELU)
    result = CliRunner().invoke(
        main, [str(path), "--output-format", "concise", *args], catch_exceptions=False
    )
    return result.exit_code, result.stdout


@pytest.mark.parametrize(
    ("args", "reported"),
    [
        ((), False),
        (("--select", "KIN105"), True),
        (("--extend-select", "KIN105"), True),
        (("--extend-select", "implicit-default-mismatch"), True),
        (("--select", "ALL"), True),
        (("--select", "ALL", "--ignore", "KIN105"), False),
    ],
)
def test_cli_selection(tmp_path: Path, args: tuple[str, ...], reported: bool) -> None:
    code, out = _cli(tmp_path, *args)
    assert ("KIN105" in out) is reported
    assert code == (1 if reported else 0)


def test_cli_lists_and_explains_it_as_opt_in() -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["--list-rules"]).stdout
    assert any(line.startswith("KIN105") and "(opt-in)" in line for line in listed.splitlines())
    explained = runner.invoke(main, ["--explain", "KIN105"]).stdout
    assert "Opt-in: not in the default selection." in explained


def test_quiet_fixtures_stay_quiet_by_default_but_defaults_fire_when_selected() -> None:
    """`defaults_and_gelu.py` keeps framework defaults under ReLU: quiet by default (its
    quiet-fixture test), reported once each when KIN105 is selected."""
    path = Path(__file__).parent / "fixtures" / "quiet" / "defaults_and_gelu.py"
    text = path.read_text()
    assert check(text) == []
    found = [(d.start.row, d.code) for d in check(text, KIN105)]
    assert found == [(9, KIN105), (16, KIN105)]


# --------------------------------------------------------------------------- Keras


def test_keras_default_under_relu_is_reported_with_an_unsafe_fix() -> None:
    [diagnostic] = [d for d in check(KERAS_RELU, KIN105)]
    assert diagnostic.start.row == 6
    assert diagnostic.message == (
        "`Dense(256)` feeds `relu` but its kernel is left at Keras' default `glorot_uniform`: "
        "ReLU-family activations need He init"
    )
    assert diagnostic.fix is not None
    assert diagnostic.fix.title == 'Add `kernel_initializer="he_uniform"`'
    assert diagnostic.fix.applicability.name == "UNSAFE"


def test_keras_fix_needs_unsafe_fixes() -> None:
    assert fixed(KERAS_RELU, KIN105, unsafe=False) == KERAS_RELU
    after = fixed(KERAS_RELU, KIN105)
    assert 'layers.Dense(256, activation="relu", kernel_initializer="he_uniform"),' in after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (  # single quotes stay single
            "layers.Dense(256, activation='relu')",
            "layers.Dense(256, activation='relu', kernel_initializer='he_uniform')",
        ),
        (  # an activation layer after the kernel; a normal-distribution default does not exist
            "layers.Conv2D(32, 3)",
            'layers.Conv2D(32, 3, kernel_initializer="he_uniform")',
        ),
        (  # `kernel_initializer=None` is the default, rewritten in place
            'layers.Dense(256, activation="relu", kernel_initializer=None)',
            'layers.Dense(256, activation="relu", kernel_initializer="he_uniform")',
        ),
    ],
)
def test_keras_fix_forms(before: str, after: str) -> None:
    template = dedent(
        """\
        import keras
        from keras import layers

        model = keras.Sequential([
            keras.Input(shape=(28, 28, 1)),
            {layer},
            layers.ReLU(),
            layers.Dense(10, activation="softmax"),
        ])
        """
    )
    assert fixed(template.format(layer=before), KIN105) == template.format(layer=after)


def test_keras_fix_keeps_a_multiline_call_and_its_comments() -> None:
    code = dedent(
        """\
        from keras import layers, Sequential

        model = Sequential([
            layers.Dense(
                512,
                activation="relu",  # hidden
            ),
            layers.Dense(10, activation="softmax"),
        ])
        """
    )
    expected = dedent(
        """\
        from keras import layers, Sequential

        model = Sequential([
            layers.Dense(
                512,
                activation="relu",  # hidden
                kernel_initializer="he_uniform",
            ),
            layers.Dense(10, activation="softmax"),
        ])
        """
    )
    after = fixed(code, KIN105)
    assert after == expected
    assert kin105(after) == []
    assert fixed(after, KIN105) == after


def test_keras_kernel_initializer_none_is_reported_at_the_none() -> None:
    code = """\
        import keras
        from keras import layers

        model = keras.Sequential([
            layers.Dense(
                256, activation="relu", kernel_initializer=None
            ),
            layers.Dense(10),
        ])
    """
    [(row, message)] = kin105(code)
    assert row == 6
    assert "(`kernel_initializer=None`)" in message


@pytest.mark.parametrize(
    "layer",
    [
        'layers.Dense(256, activation="leaky_relu")',
        "layers.Dense(256, activation=keras.activations.relu)",
        'layers.Dense(256, activation="relu6")',
    ],
)
def test_keras_rectifiers(layer: str) -> None:
    code = f"""\
        import keras
        from keras import layers

        model = keras.Sequential([keras.Input(shape=(256,)), {layer}, layers.Dense(1)])
    """
    assert rows(code) == [4]


def test_keras_functional_and_subclassed_models() -> None:
    code = """\
        import keras
        from keras import layers

        inputs = keras.Input(shape=(128,))
        x = layers.Dense(128, activation="relu")(inputs)
        outputs = layers.Dense(10)(x)
        functional = keras.Model(inputs, outputs)


        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.hidden = layers.Dense(64, activation="relu")
                self.out = layers.Dense(10)

            def call(self, x):
                return self.out(self.hidden(x))
    """
    assert rows(code) == [5, 13]


def test_keras_narrow_layers_are_exempt_like_kin101() -> None:
    """He/Glorot = 1 + fan_out/fan_in: below 1.25 the default is already close to He."""
    code = """\
        import keras
        from keras import layers

        model = keras.Sequential([
            keras.Input(shape=(784,)),
            layers.Dense(128, activation="relu"),
            layers.Dense(100, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ])
    """
    # 784 -> 128: 1.16x, quiet; 128 -> 100: 1.78x, reported
    assert rows(code) == [7]


def test_keras_unknown_widths_are_reported() -> None:
    code = """\
        from keras import layers, Sequential

        model = Sequential([layers.Conv2D(64, 3, activation="relu"), layers.Dense(10)])
    """
    assert rows(code) == [3]


@pytest.mark.parametrize(
    "layer",
    [
        'layers.Dense(256, activation="tanh")',
        'layers.Dense(256, activation="sigmoid")',
        'layers.Dense(256, activation="softmax")',
        "layers.Dense(256)",
        'layers.Dense(256, activation="gelu")',
        'layers.Dense(256, activation="swish")',
        'layers.Dense(256, activation="elu")',
        'layers.Dense(256, activation="selu")',  # KIN103's
        "layers.Dense(256, activation=cfg.activation)",
        'layers.Dense(256, activation="relu", kernel_initializer="he_normal")',
        'layers.Dense(256, activation="relu", kernel_initializer="glorot_uniform")',  # KIN101's
        'layers.Dense(256, activation="relu", kernel_initializer=init)',
        'layers.Dense(256, activation="relu", **options)',
        'layers.Dense(256, activation="relu", trainable=False)',
        'layers.LSTM(256, activation="relu")',
        'layers.SimpleRNN(256, activation="relu")',
        "layers.Embedding(1000, 256)",
        "layers.BatchNormalization()",
        "layers.Dense(256), layers.LeakyReLU(negative_slope=0.9)",  # too steep for He
    ],
)
def test_keras_quiet(layer: str) -> None:
    assert rows(KERAS_ONE.format(layer=layer)) == []


def test_keras_quiet_template_fires_under_relu() -> None:
    assert rows(KERAS_ONE.format(layer='layers.Dense(256, activation="relu")')) == [6]


def test_keras_lone_layer_is_quiet() -> None:
    """Its output is not followed into a model: the default may be replaced elsewhere."""
    assert rows('from keras import layers\n\ndense = layers.Dense(256, activation="relu")\n') == []


def test_keras_factory_shared_by_relu_and_tanh_is_reported_without_a_fix() -> None:
    """One constructor, built twice: adding He to it would also change the tanh layer."""
    code = dedent(
        """\
        import keras
        from keras import layers


        def dense(act):
            return layers.Dense(64, activation=act)


        model = keras.Sequential([dense("relu"), dense("tanh"), layers.Dense(1)])
        """
    )
    [diagnostic] = [d for d in check(code, KIN105)]
    assert diagnostic.start.row == 6
    assert diagnostic.fix is None
    assert fixed(code, "ALL") == code


def test_keras_factory_used_only_under_relu_is_fixed_once() -> None:
    code = dedent(
        """\
        import keras
        from keras import layers


        def dense(units):
            return layers.Dense(units, activation="relu")


        model = keras.Sequential([dense(64), dense(64), layers.Dense(1)])
        """
    )
    assert rows(code) == [6]
    assert 'activation="relu", kernel_initializer="he_uniform")' in fixed(code, KIN105)


def test_keras_fix_settles_with_every_rule() -> None:
    after = fixed(KERAS_RELU, "ALL")
    assert [d for d in check(after, "ALL")] == []


# --------------------------------------------------------------------------- PyTorch


def test_torch_default_under_relu_names_the_call_to_add() -> None:
    [diagnostic] = [d for d in check(TORCH_RELU, KIN105)]
    assert diagnostic.start.row == 8
    assert diagnostic.message == (
        "`fc1 (Linear)` feeds `relu` but its kernel is left at PyTorch's default "
        "`kaiming_uniform_(a=sqrt(5))` (Var 1/(3·fan_in), 6x below He): add "
        '`nn.init.kaiming_uniform_(self.fc1.weight, nonlinearity="relu")` after creating it'
    )
    assert diagnostic.fix is None
    assert fixed(TORCH_RELU, KIN105) == TORCH_RELU


@pytest.mark.parametrize(
    ("imports", "spelled"),
    [
        ("import torch.nn as nn\nfrom torch.nn import init", "init.kaiming_uniform_"),
        ("import torch\nimport torch.nn as nn", "nn.init.kaiming_uniform_"),
        (
            "import torch\nfrom torch.nn import Linear as nn_Linear",
            "torch.nn.init.kaiming_uniform_",
        ),
        ("from torch.nn import Linear as nn_Linear", "torch.nn.init.kaiming_uniform_"),
        ("import torch.nn as nn\nimport torch.nn.init as I", "I.kaiming_uniform_"),
    ],
)
def test_torch_message_uses_the_files_spelling_of_nn_init(imports: str, spelled: str) -> None:
    linear = "nn_Linear" if "nn_Linear" in imports else "nn.Linear"
    code = f"""\
{imports}
import torch

fc1 = {linear}(512, 512)
net = torch.nn.Sequential(fc1, torch.nn.ReLU(), {linear}(512, 10))
"""
    [(_, message)] = kin105(code)
    assert f'`{spelled}(fc1.weight, nonlinearity="relu")` after creating it' in message


@pytest.mark.parametrize(
    ("code", "row", "call"),
    [
        (
            """\
            import torch.nn as nn

            net = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
            """,
            3,
            'nn.init.kaiming_uniform_(net[0].weight, nonlinearity="relu")',
        ),
        (
            """\
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(this):
                    super().__init__()
                    self_made = nn.Linear(8, 8)
                    this.body = nn.Sequential(self_made, nn.ReLU(), nn.Linear(8, 8))

                def forward(self, x):
                    return self.body(x)
            """,
            6,
            'nn.init.kaiming_uniform_(self_made.weight, nonlinearity="relu")',
        ),
        (
            """\
            import torch.nn as nn

            class Net(nn.Module):
                def __init__(this):
                    super().__init__()
                    this.head = nn.Sequential(nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU6()))
                    this.out = nn.Linear(8, 1)

                def forward(self, x):
                    return self.out(self.head(x))
            """,
            6,
            'nn.init.kaiming_uniform_(this.head[0][0].weight, nonlinearity="relu")',
        ),
        (
            """\
            from collections import OrderedDict
            import torch.nn as nn

            net = nn.Sequential(OrderedDict([("fc", nn.Linear(4, 4)), ("act", nn.ReLU())]))
            net.append(nn.Linear(4, 4))
            """,
            4,
            'nn.init.kaiming_uniform_(net[0].weight, nonlinearity="relu")',
        ),
        (
            """\
            import torch.nn as nn

            net = nn.Sequential()
            net.append(nn.Linear(4, 4))
            net.append(nn.LeakyReLU(0.2))
            net.append(nn.Linear(4, 1))
            """,
            4,
            'nn.init.kaiming_uniform_(net[0].weight, a=0.2, nonlinearity="leaky_relu")',
        ),
    ],
)
def test_torch_message_names_the_layers_path(code: str, row: int, call: str) -> None:
    [(found_row, message)] = kin105(code)
    assert found_row == row
    assert f"add `{call}` after creating it" in message


def test_torch_layer_without_a_name_gets_the_call_on_w() -> None:
    code = """\
        import torch.nn as nn

        def build():
            return nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1))
    """
    [(_, message)] = kin105(code)
    assert message.endswith(
        'initialise its weight with `nn.init.kaiming_uniform_(w, nonlinearity="relu")`'
    )


def test_torch_leaky_relu_passes_its_slope_and_factor() -> None:
    code = """\
        from torch import nn

        net = nn.Sequential(nn.Conv2d(3, 64, 3), nn.LeakyReLU(0.2), nn.Conv2d(64, 1, 3))
    """
    [(_, message)] = kin105(code)
    assert "`nn.LeakyReLU(0.2)` (negative slope 0.2)" in message
    assert "5.8x below He" in message
    assert 'kaiming_uniform_(net[0].weight, a=0.2, nonlinearity="leaky_relu")' in message


def test_torch_has_no_width_exemption() -> None:
    """PyTorch's default ignores fan_out: a narrow layer is as far from He as a square one."""
    code = """\
        import torch.nn as nn

        net = nn.Sequential(nn.Linear(784, 16), nn.ReLU(), nn.Linear(16, 1))
    """
    assert rows(code) == [3]


@pytest.mark.parametrize(("fan_in", "fan_out"), [(784, 10), (256, 256), (16, 4096), (27, 64)])
def test_torch_default_is_six_times_below_he_at_any_width(fan_in: int, fan_out: int) -> None:
    default = Init(
        "kaiming_uniform_(a=sqrt(5))",
        InitFamily.TORCH_DEFAULT,
        Framework.TORCH,
        explicit=False,
        spelling=Spelling.DEFAULT,
        gain2=1.0 / 3.0,
    )
    he = Init(
        "kaiming_uniform_",
        InitFamily.HE,
        Framework.TORCH,
        explicit=True,
        spelling=Spelling.TORCH_FUNCTION,
        gain2=2.0,
    )
    low, high = (
        kernel_variance(default, fan_in, fan_out),
        kernel_variance(he, fan_in, fan_out),
    )
    assert low is not None
    assert high is not None
    assert math.isclose(high / low, 6.0)
    # the steepest leaky ReLU KIN105 reports (|slope|² = 1/3) is still 4.5x off
    assert semantics.torch_gain2("leaky_relu", math.sqrt(1 / 3)) * 3 == pytest.approx(4.5)


@pytest.mark.parametrize(
    ("layer", "act"),
    [
        ("nn.Linear(256, 256)", "nn.Tanh()"),
        ("nn.Linear(256, 256)", "nn.Sigmoid()"),
        ("nn.Linear(256, 256)", "nn.Softmax(dim=-1)"),
        ("nn.Linear(256, 256)", "nn.GELU()"),
        ("nn.Linear(256, 256)", "nn.SiLU()"),
        ("nn.Linear(256, 256)", "nn.ELU()"),
        ("nn.Linear(256, 256)", "nn.SELU()"),  # KIN103's
        ("nn.Linear(256, 256)", "nn.LeakyReLU(cfg.slope)"),  # slope unknown
        ("nn.Linear(256, 256)", "nn.LeakyReLU(0.9)"),  # too steep for He
        ("nn.Linear(256, 256)", "act"),  # unknown
        ("nn.Linear(256, 256)", "nn.Identity()"),
        ("nn.Embedding(1000, 256)", "nn.ReLU()"),
        ("nn.LayerNorm(256)", "nn.ReLU()"),
        ("nn.LSTM(256, 256)", "nn.ReLU()"),
    ],
)
def test_torch_quiet(layer: str, act: str) -> None:
    assert rows(TORCH_ONE.format(layer=layer, act=act)) == []


def test_torch_quiet_template_fires_under_relu() -> None:
    assert rows(TORCH_ONE.format(layer="nn.Linear(256, 256)", act="nn.ReLU()")) == [4]


@pytest.mark.parametrize(
    "init",
    [
        'nn.init.kaiming_uniform_(self.fc1.weight, nonlinearity="relu")',
        "nn.init.xavier_uniform_(self.fc1.weight)",  # KIN101's
        "nn.init.kaiming_uniform_(self.fc1.weight, a=math.sqrt(5))",  # written out: deliberate
        "self.apply(self._unknown_hook)",
        "self.fc1.weight.requires_grad_(False)",
    ],
)
def test_torch_explicit_or_unknown_inits_are_quiet(init: str) -> None:
    assert rows(TORCH_INIT.format(init=init)) == []


def test_torch_init_template_fires_without_an_init() -> None:
    assert rows(TORCH_INIT.format(init="pass")) == [9]


def test_torch_recurrent_layers_and_transformer_internals_are_quiet() -> None:
    code = """\
        import torch.nn as nn


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = nn.RNN(64, 64, nonlinearity="relu")
                self.cell = nn.RNNCell(64, 64, nonlinearity="relu")
                self.encoder = nn.TransformerEncoderLayer(512, 8, 2048)  # linear1 feeds relu
                self.head = nn.Linear(512, 10)

            def forward(self, x):
                h, _ = self.rnn(x)
                return self.head(self.encoder(self.cell(h)))
    """
    assert rows(code) == []


def test_torch_layer_in_a_residual_sum_is_quiet() -> None:
    code = """\
        import torch.nn as nn
        import torch.nn.functional as F


        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(64, 64)

            def forward(self, x):
                return x + F.relu(self.fc(x))
    """
    assert rows(code) == []


def test_torch_factory_built_twice_is_reported_once_at_the_constructor() -> None:
    code = """\
        import torch.nn as nn


        def block(width):
            return nn.Sequential(nn.Linear(width, width), nn.ReLU())


        net = nn.Sequential(block(64), block(64), nn.Linear(64, 1))
    """
    [(row, message)] = kin105(code)
    assert row == 5
    assert message.endswith(
        'initialise its weight with `nn.init.kaiming_uniform_(w, nonlinearity="relu")`'
    )


def test_every_rule_together_converges_on_a_mixed_file() -> None:
    code = dedent(
        """\
        import keras
        import torch.nn as nn
        from keras import layers

        model = keras.Sequential([
            keras.Input(shape=(256,)),
            layers.Dense(256, activation="relu"),
            layers.Dense(256, activation="relu", kernel_initializer="glorot_uniform"),
            layers.Dense(64, activation="selu"),
            layers.Dense(10, activation="softmax"),
        ])

        net = nn.Sequential(nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
        """
    )
    after, _, remaining = engine.fix(code, settings_for("ALL", unsafe=True))
    assert [(d.start.row, d.code) for d in remaining] == [(13, KIN105)]
    assert 'layers.Dense(256, activation="relu", kernel_initializer="he_uniform"),' in after
    assert 'layers.Dense(64, activation="selu", kernel_initializer="lecun_normal"),' in after


# --------------------------------------------------------------------------- extraction


def test_layers_carry_the_path_code_reaches_them_by() -> None:
    code = """\
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                local = nn.Linear(2, 2)
                self.fc = nn.Linear(2, 2)
                self.seq = nn.Sequential(local, nn.ReLU(), nn.Linear(2, 2))
                self.blocks = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
                self.heads = nn.ModuleDict({"a": nn.Linear(2, 2)})

        net = nn.Sequential(nn.Linear(2, 2))
        loose = nn.Linear(2, 2)
        encoder = nn.TransformerEncoderLayer(8, 2, 16)
    """
    paths = {
        (layer.name, layer.path, layer.synthetic)
        for model in models(code)
        for layer in model.weight_layers
    }
    assert paths == {
        ("local", "local", False),
        ("fc", "self.fc", False),
        ("seq[2]", "self.seq[2]", False),
        ("blocks[i]", "self.blocks[i]", False),
        ('heads["a"]', 'self.heads["a"]', False),
        ("net[0]", "net[0]", False),
        ("loose", "loose", False),
        ("self_attn.out_proj", "", True),
        ("linear1", "", True),
        ("linear2", "", True),
    }
