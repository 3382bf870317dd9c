"""KIN003 shared-initializer-instance: what extraction records, spellings and Keras roots,
seeds, loops and branches, fixes that round-trip, and what stays quiet."""

from __future__ import annotations

from textwrap import dedent

import libcst as cst
import pytest

from initlint.diagnostics import Applicability
from initlint.frameworks import extract_file
from initlint.model import InstanceUse, Seed
from tests.conftest import check, fixed


def _uses(code: str) -> list[InstanceUse]:
    return list(extract_file(cst.parse_module(dedent(code))).instance_uses)


def _rows(code: str) -> list[int]:
    return [d.start.row for d in check(dedent(code), "KIN003")]


def _messages(code: str) -> list[str]:
    return [d.message for d in check(dedent(code), "KIN003")]


def _round_trip(code: str, unsafe: bool = True) -> str:
    """The fixed text: it parses, a second run changes nothing, nothing fixable is left."""
    after = fixed(dedent(code), "KIN003", unsafe=unsafe)
    cst.parse_module(after)
    assert fixed(after, "KIN003", unsafe=unsafe) == after, "fixing is not idempotent"
    return after


# --------------------------------------------------------------------------- extraction


def test_extraction_records_each_layer_built_with_a_held_instance() -> None:
    uses = _uses(
        """\
        import keras
        from keras import layers

        init = keras.initializers.HeNormal(seed=42)
        a = layers.Dense(64, kernel_initializer=init)
        b = layers.Dense(64, name="b", kernel_initializer=init)
        c = layers.Dense(64, kernel_initializer="he_normal")
        """
    )
    shown = "keras.initializers.HeNormal(seed=42)"
    assert [
        (u.instance, u.layer, u.argument, u.display, u.name, u.seed, u.seed_value, u.keras3)
        for u in uses
    ] == [
        (0, "Dense(64)", "init", shown, "he_normal", Seed.INT, 42, True),
        (0, "b (Dense)", "init", shown, "he_normal", Seed.INT, 42, True),
    ]
    assert not any(u.repeated for u in uses)
    assert not uses[0].exclusive(uses[1])
    assert not uses[0].argument_is(uses[1])


@pytest.mark.parametrize(
    ("seed", "form", "value"),
    [
        ("", Seed.ABSENT, None),
        ("seed=None", Seed.NONE, None),
        ("seed=7", Seed.INT, 7),
        ("7", Seed.INT, 7),  # HeNormal's first parameter
        ("seed=keras.random.SeedGenerator(7)", Seed.GENERATOR, None),
        ("seed=SEED", Seed.OTHER, None),
        ("seed=rng()", Seed.OTHER, None),
    ],
)
def test_seed_forms(seed: str, form: Seed, value: int | None) -> None:
    code = f"""\
        import keras
        SEED = 7
        init = keras.initializers.HeNormal({seed})
        a = keras.layers.Dense(8, kernel_initializer=init)
        """
    (use,) = _uses(code)
    assert (use.seed, use.seed_value) == (form, value)


@pytest.mark.parametrize(
    ("imports", "expression", "keras3"),
    [
        ("import keras", "keras.initializers.HeNormal()", True),
        ("from keras import initializers", "initializers.HeNormal()", True),
        ("from keras.initializers import HeNormal", "HeNormal()", True),
        ("from keras.src.initializers import HeNormal", "HeNormal()", True),
        ("import tensorflow as tf", "tf.keras.initializers.HeNormal()", False),
        ("from tensorflow import keras", "keras.initializers.HeNormal()", False),
        ("from tensorflow.keras import initializers", "initializers.HeNormal()", False),
        ("import tf_keras as keras", "keras.initializers.HeNormal()", False),
        ("import tensorflow as tf", "tf.initializers.HeNormal()", False),
        ("import tensorflow as tf\nkeras = tf.keras", "keras.initializers.HeNormal()", False),
        ("from tensorflow.keras.initializers import *", "HeNormal()", False),
    ],
)
def test_keras_3_or_2_by_the_root_the_initializer_is_reached_through(
    imports: str, expression: str, keras3: bool
) -> None:
    use = "layers.Dense(8, kernel_initializer=init)"
    code = f"{imports}\nfrom keras import layers\ninit = {expression}\n{use}\n"
    (use,) = _uses(code)
    assert use.keras3 is keras3


@pytest.mark.parametrize(
    "expression",
    [
        "initializers.HeNormal",  # a class: Keras builds one per layer
        "initializers.Zeros()",
        "initializers.Ones()",
        "initializers.Constant(0.1)",
        "initializers.Identity()",
        "initializers.get(name)",
        "initializers.HeNormal(**config)",
        "make_init()",
    ],
)
def test_values_that_cannot_be_shared_wrongly_are_not_recorded(expression: str) -> None:
    code = f"""\
        from keras import initializers, layers
        init = {expression}
        layers.Dense(8, kernel_initializer=init)
        layers.Dense(8, kernel_initializer=init)
        """
    assert _uses(code) == []


def test_tf_compat_v1_initializers_are_not_recorded() -> None:
    code = """\
        import tensorflow as tf
        init = tf.compat.v1.keras.initializers.he_normal()
        a = tf.keras.layers.Dense(8, kernel_initializer=init)
        b = tf.keras.layers.Dense(8, kernel_initializer=init)
        """
    assert _uses(code) == []
    assert _rows(code) == []


# --------------------------------------------------------------------------- firing


@pytest.mark.parametrize(
    "definition",
    [
        "initializers.HeNormal()",
        "initializers.he_normal()",
        "initializers.HeNormal(seed=None)",
        "initializers.HeNormal(seed=3)",
        "initializers.GlorotUniform()",
        "initializers.LecunNormal()",
        "initializers.Orthogonal(gain=1.0)",
        "initializers.RandomNormal(stddev=0.02)",
        "initializers.RandomUniform(-0.1, 0.1)",
        "initializers.TruncatedNormal(stddev=0.02)",
        'initializers.VarianceScaling(2.0, "fan_in", "uniform")',
        'initializers.get("he_normal")',
        "initializers.HeNormalV2()",
    ],
)
def test_every_random_initializer_instance_fires_on_its_second_use(definition: str) -> None:
    code = f"""\
        from keras import initializers, layers
        init = {definition}
        a = layers.Dense(8, kernel_initializer=init)
        b = layers.Dense(8, kernel_initializer=init)
        """
    assert _rows(code) == [4]


def test_every_later_use_is_reported_naming_the_first_layer() -> None:
    code = """\
        from keras import initializers, layers
        init = initializers.HeNormal()
        a = layers.Dense(8, name="encoder", kernel_initializer=init)
        b = layers.Dense(8, kernel_initializer=init)
        c = layers.Conv2D(8, 3, kernel_initializer=init)
        """
    assert _rows(code) == [4, 5]
    assert _messages(code) == [
        "`init` is the `initializers.HeNormal()` instance `encoder (Dense)` already uses: "
        "unseeded, it gives each layer the same kernel",
        "`init` is the `initializers.HeNormal()` instance `encoder (Dense)` already uses: "
        "unseeded, it gives each layer the same kernel",
    ]


def test_message_for_an_int_seed_and_a_layer_of_the_same_label() -> None:
    code = """\
        import keras
        init = keras.initializers.HeNormal(seed=42)
        a = keras.layers.Dense(8, kernel_initializer=init)
        b = keras.layers.Dense(8, kernel_initializer=init)
        """
    assert _messages(code) == [
        "`init` is the `keras.initializers.HeNormal(seed=42)` instance another `Dense(8)` "
        "already uses: seeded with `42`, it gives each layer the same kernel"
    ]


@pytest.mark.parametrize(
    "code",
    [
        # a for loop that does not build the instance anew
        """\
        from keras import Sequential, initializers, layers
        init = initializers.HeNormal()
        model = Sequential()
        for _ in range(3):
            model.add(layers.Dense(64, kernel_initializer=init))
        """,
        # a while loop
        """\
        from keras import initializers, layers
        init = initializers.HeNormal()
        blocks = []
        while len(blocks) < 3:
            blocks.append(layers.Dense(64, kernel_initializer=init))
        """,
        # a comprehension
        """\
        from keras import Sequential, initializers, layers
        init = initializers.HeNormal()
        model = Sequential([layers.Dense(64, kernel_initializer=init) for _ in range(3)])
        """,
    ],
    ids=["for", "while", "comprehension"],
)
def test_one_layer_built_in_a_loop_fires_alone(code: str) -> None:
    (message,) = _messages(code)
    assert "for every layer this loop builds" in message


def test_class_attribute_functional_api_and_other_weight_layers() -> None:
    code = """\
        import keras
        from keras import layers


        class Encoder(keras.Model):
            def __init__(self):
                super().__init__()
                self.init = keras.initializers.GlorotUniform()
                self.rnn = layers.LSTM(64, kernel_initializer=self.init)
                self.conv = layers.Conv1D(64, 3, kernel_initializer=self.init)


        init = keras.initializers.HeNormal()
        inputs = keras.Input(shape=(16,))
        x = layers.Dense(64, activation="relu", kernel_initializer=init)(inputs)
        x = layers.Dense(64, activation="relu", kernel_initializer=init)(x)
        model = keras.Model(inputs, x)
        """
    assert _rows(code) == [10, 16]


def test_depthwise_and_pointwise_kernels_count_as_kernels() -> None:
    code = """\
        from keras import initializers, layers
        init = initializers.HeNormal()
        a = layers.SeparableConv2D(8, 3, pointwise_initializer=init)
        b = layers.DepthwiseConv2D(3, depthwise_initializer=init)
        c = layers.Conv2D(8, 3, kernel_initializer=init)
        """
    assert _rows(code) == [4, 5]
    assert "`SeparableConv2D(8)` already uses" in _messages(code)[0]


def test_a_helper_run_twice_is_reported_once_where_it_builds_the_layer() -> None:
    code = """\
        import keras
        from keras import layers


        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.init = keras.initializers.HeNormal()
                self.a = self._dense()
                self.b = self._dense()

            def _dense(self):
                return layers.Dense(64, kernel_initializer=self.init)
        """
    assert _rows(code) == [13]
    assert "for every layer built here" in _messages(code)[0]


def test_a_use_after_exclusive_arms_fires_and_names_the_first_arm() -> None:
    code = """\
        from keras import initializers, layers
        init = initializers.HeNormal()
        if wide:
            a = layers.Dense(128, kernel_initializer=init)
        else:
            a = layers.Dense(64, kernel_initializer=init)
        b = layers.Dense(8, kernel_initializer=init)
        """
    assert _rows(code) == [7]
    assert "`Dense(128)` already uses" in _messages(code)[0]


# --------------------------------------------------------------------------- quiet


@pytest.mark.parametrize(
    "code",
    [
        # a string or a class: a new instance per layer
        """\
        from keras import initializers, layers
        a = layers.Dense(8, kernel_initializer="he_normal")
        b = layers.Dense(8, kernel_initializer="he_normal")
        cls = initializers.HeNormal
        c = layers.Dense(8, kernel_initializer=cls)
        d = layers.Dense(8, kernel_initializer=cls)
        """,
        # fresh instances written at each layer, even with the same int seed (a different
        # mistake, not a shared instance: see the rule's docs)
        """\
        from keras import initializers, layers
        a = layers.Dense(8, kernel_initializer=initializers.HeNormal())
        b = layers.Dense(8, kernel_initializer=initializers.HeNormal(seed=1))
        c = layers.Dense(8, kernel_initializer=initializers.HeNormal(seed=1))
        """,
        # a SeedGenerator seed advances on every call
        """\
        from keras import initializers, layers
        from keras.random import SeedGenerator
        init = initializers.HeNormal(seed=SeedGenerator(1))
        a = layers.Dense(8, kernel_initializer=init)
        b = layers.Dense(8, kernel_initializer=init)
        """,
        # a seed we cannot read
        """\
        from keras import initializers, layers
        SEED = 42
        init = initializers.HeNormal(seed=SEED)
        a = layers.Dense(8, kernel_initializer=init)
        b = layers.Dense(8, kernel_initializer=init)
        """,
        # constant initializers are the same values on purpose
        """\
        from keras import initializers, layers
        init = initializers.Constant(0.1)
        a = layers.Dense(8, kernel_initializer=init)
        b = layers.Dense(8, kernel_initializer=init)
        """,
        # one use
        """\
        from keras import initializers, layers
        init = initializers.HeNormal()
        a = layers.Dense(8, kernel_initializer=init)
        """,
        # rebuilt before the second layer
        """\
        from keras import initializers, layers
        init = initializers.HeNormal()
        a = layers.Dense(8, kernel_initializer=init)
        init = initializers.HeNormal()
        b = layers.Dense(8, kernel_initializer=init)
        """,
        # built anew on every pass of the loop
        """\
        from keras import initializers, layers
        for _ in range(3):
            init = initializers.HeNormal()
            layers.Dense(8, kernel_initializer=init)
        """,
        # a function that builds its own instance, called twice
        """\
        from keras import initializers, layers
        def block():
            init = initializers.HeNormal()
            return layers.Dense(8, kernel_initializer=init)
        a = block()
        b = block()
        """,
        # arms of one if/else, try/except, match: never both in one run
        """\
        from keras import initializers, layers
        init = initializers.HeNormal()
        if deep:
            head = layers.Dense(8, kernel_initializer=init)
        else:
            head = layers.Dense(4, kernel_initializer=init)
        """,
        """\
        from keras import initializers, layers
        init = initializers.HeNormal()
        try:
            tail = layers.Dense(8, kernel_initializer=init)
        except ValueError:
            tail = layers.Dense(4, kernel_initializer=init)
        """,
        """\
        from keras import initializers, layers
        init = initializers.HeNormal()
        match kind:
            case "wide":
                head = layers.Dense(64, kernel_initializer=init)
            case _:
                head = layers.Dense(8, kernel_initializer=init)
        """,
        # the instance fills one kernel; the other use is a bias
        """\
        from keras import initializers, layers
        init = initializers.RandomNormal(stddev=0.01)
        a = layers.Dense(8, kernel_initializer=init)
        b = layers.Dense(8, bias_initializer=init)
        """,
    ],
    ids=[
        "string-and-class",
        "fresh-instances",
        "seed-generator",
        "unreadable-seed",
        "constant",
        "one-use",
        "rebuilt",
        "built-in-loop",
        "function-twice",
        "if-else",
        "try-except",
        "match",
        "bias",
    ],
)
def test_quiet(code: str) -> None:
    assert _rows(code) == []


# --------------------------------------------------------------------------- fixes


def test_unseeded_fix_copies_the_definition_in_its_own_spelling() -> None:
    code = """\
        from keras import initializers as inits, layers
        from keras.initializers import GlorotUniform
        he = inits.VarianceScaling(
            scale=2.0,
            mode="fan_in",
        )
        glorot = GlorotUniform(seed=None)
        a = layers.Dense(8, kernel_initializer=he)
        b = layers.Dense(8, kernel_initializer=he)  # second
        c = layers.Dense(8, kernel_initializer=glorot)
        d = layers.Dense(8, kernel_initializer=glorot)
        """
    after = _round_trip(code, unsafe=False)
    copy = 'inits.VarianceScaling(scale=2.0, mode="fan_in")'
    assert f"b = layers.Dense(8, kernel_initializer={copy})  # second" in after
    assert "d = layers.Dense(8, kernel_initializer=GlorotUniform(seed=None))" in after
    assert check(after, "KIN003") == []


def test_unseeded_fix_in_a_loop_builds_a_fresh_instance_per_pass() -> None:
    code = """\
        from keras import Sequential, initializers, layers
        init = initializers.RandomNormal(stddev=0.02)
        model = Sequential([layers.Dense(64, kernel_initializer=init) for _ in range(3)])
        """
    after = _round_trip(code, unsafe=False)
    assert "layers.Dense(64, kernel_initializer=initializers.RandomNormal(stddev=0.02))" in after
    assert check(after, "KIN003") == []


def test_keras3_int_seed_becomes_a_seed_generator_where_it_is_built() -> None:
    code = """\
        import keras as K
        from keras.initializers import HeNormal, Orthogonal
        init = HeNormal(42)
        rec = Orthogonal(gain=1.0, seed=7)  # reproducible
        a = K.layers.Dense(8, kernel_initializer=init)
        b = K.layers.Dense(8, kernel_initializer=init)
        c = K.layers.Dense(8, kernel_initializer=init)
        d = K.layers.Dense(8, kernel_initializer=rec)
        e = K.layers.Dense(8, kernel_initializer=rec)
        """
    found = check(dedent(code), "KIN003")
    assert [d.start.row for d in found] == [6, 7, 9]
    assert all(d.fix is not None and d.fix.applicability is Applicability.SAFE for d in found)
    after = _round_trip(code, unsafe=False)
    assert "init = HeNormal(K.random.SeedGenerator(42))" in after
    assert "rec = Orthogonal(gain=1.0, seed=K.random.SeedGenerator(7))  # reproducible" in after
    assert after.count("kernel_initializer=init") == 3  # the uses are left alone
    assert check(after, "KIN003") == []


def test_keras3_int_seed_without_a_name_for_keras_random_has_no_fix() -> None:
    code = """\
        from keras import initializers, layers
        init = initializers.HeNormal(seed=3)
        a = layers.Dense(8, kernel_initializer=init)
        b = layers.Dense(8, kernel_initializer=init)
        """
    (found,) = check(dedent(code), "KIN003")
    assert found.fix is None


def test_keras2_int_seed_gets_distinct_seeds_as_an_unsafe_fix() -> None:
    code = """\
        import tensorflow as tf
        init = tf.keras.initializers.HeNormal(seed=42)
        other = tf.keras.initializers.GlorotUniform(seed=43)
        a = tf.keras.layers.Dense(8, kernel_initializer=init)
        b = tf.keras.layers.Dense(8, kernel_initializer=init)
        c = tf.keras.layers.Dense(8, kernel_initializer=init)
        d = tf.keras.layers.Dense(8, kernel_initializer=other)
        e = tf.keras.layers.Dense(8, kernel_initializer=other)
        """
    found = check(dedent(code), "KIN003")
    assert [d.fix.applicability if d.fix else None for d in found] == [Applicability.UNSAFE] * 3
    assert fixed(dedent(code), "KIN003", unsafe=False) == dedent(code)  # --fix alone: nothing
    after = _round_trip(code)
    # 43 is `other`'s own seed; each seed handed out is new in the file
    given = [line.split("kernel_initializer=")[1] for line in after.splitlines()[3:]]
    assert given == [
        "init)",
        "tf.keras.initializers.HeNormal(seed=44))",
        "tf.keras.initializers.HeNormal(seed=45))",
        "other)",
        "tf.keras.initializers.GlorotUniform(seed=46))",
    ]
    assert check(after, "KIN003") == []


@pytest.mark.parametrize(
    "code",
    [
        # Keras 2, int seed, in a loop: one seed per pass would still be one kernel
        """\
        from tensorflow.keras import initializers, layers
        init = initializers.HeNormal(seed=1)
        for _ in range(2):
            layers.Dense(8, kernel_initializer=init)
        """,
        # an argument that is not a literal
        """\
        from keras import initializers, layers
        STD = 0.02
        init = initializers.RandomNormal(stddev=STD)
        a = layers.Dense(8, kernel_initializer=init)
        b = layers.Dense(8, kernel_initializer=init)
        """,
        # a comment inside the definition
        """\
        from keras import initializers, layers
        init = initializers.RandomNormal(
            stddev=0.02,  # GPT-2
        )
        a = layers.Dense(8, kernel_initializer=init)
        b = layers.Dense(8, kernel_initializer=init)
        """,
        # the class is imported inside the function only
        """\
        import keras


        def build():
            from keras.initializers import HeNormal

            init = HeNormal()
            return [keras.layers.Dense(8, kernel_initializer=init) for _ in range(2)]
        """,
        # the name the copy would write means something else somewhere
        """\
        from keras import initializers, layers
        init = initializers.HeNormal()
        a = layers.Dense(8, kernel_initializer=init)
        b = layers.Dense(8, kernel_initializer=init)


        def other(initializers):
            return initializers
        """,
    ],
    ids=["keras2-loop", "not-literal", "comment", "local-import", "rebound-name"],
)
def test_reported_without_a_fix(code: str) -> None:
    found = check(dedent(code), "KIN003")
    assert found
    assert all(d.fix is None for d in found)
    assert fixed(dedent(code), "KIN003") == dedent(code)
