"""Keras extraction: Sequential, .add, initializer spellings, activation layers, by value."""

from __future__ import annotations

import pytest

from tests.extract_helpers import models, summary


@pytest.mark.parametrize(
    "imports",
    [
        "import keras\nfrom keras import layers",
        "import tensorflow as tf\nfrom tensorflow.keras import layers\nkeras = tf.keras",
        "from tensorflow import keras\nfrom tensorflow.keras import layers",
        "import tf_keras as keras\nfrom tf_keras import layers",
    ],
)
def test_sequential_under_every_import_root(imports: str) -> None:
    code = (
        imports
        + """
model = keras.Sequential([
    layers.Dense(128, activation="relu", kernel_initializer="he_normal", input_shape=(784,)),
    layers.Dense(64, kernel_initializer=keras.initializers.GlorotUniform(seed=1)),
    layers.BatchNormalization(),
    layers.Activation("tanh"),
    layers.Dense(10, activation="softmax"),
])
"""
    )
    rows = summary(code)["model"]  # `keras = tf.keras` is read as an alias too
    assert [(r[1], r[2], r[3]) for r in rows] == [
        ("he_normal", "he", "relu"),
        ("glorot_uniform", "glorot", "tanh"),
        ("glorot_uniform", "glorot", "softmax"),
    ]


def test_add_form_and_activation_layers() -> None:
    code = """
        from keras.models import Sequential
        from keras.layers import Dense, Dropout, LeakyReLU, ReLU, PReLU

        model = Sequential()
        model.add(Dense(256, input_dim=784, kernel_initializer="lecun_uniform"))
        model.add(LeakyReLU())
        model.add(Dropout(0.2))
        model.add(Dense(128))
        model.add(ReLU(negative_slope=0.1))
        model.add(Dense(64))
        model.add(PReLU())
        model.add(Dense(10, activation="sigmoid"))
    """
    rows = summary(code)["model"]
    assert [(r[0], r[3], r[4]) for r in rows] == [
        ("Dense(256)", "leaky_relu", "hidden"),
        ("Dense(128)", "leaky_relu", "hidden"),
        ("Dense(64)", "prelu", "hidden"),
        ("Dense(10)", "sigmoid", "output"),
    ]
    layers = models(code)[0].weight_layers
    assert [layer.act.slope for layer in layers[:3]] == [0.3, 0.1, 0.0]  # Keras defaults
    assert (layers[0].fan_in, layers[0].fan_out) == (784, 256)
    assert layers[1].init is not None
    assert not layers[1].init.explicit


@pytest.mark.parametrize(
    ("value", "name", "family"),
    [
        ('"zeros"', "zeros", "zeros"),
        ('"Zeros"', "zeros", "zeros"),
        ('"ones"', "ones", "constant"),
        ('"constant"', "constant", "zeros"),
        ("initializers.Constant(0.5)", "constant", "constant"),
        ("initializers.Constant(value=0.0)", "constant", "zeros"),
        ("initializers.Constant()", "constant", "zeros"),
        ("initializers.HeUniform", "he_uniform", "he"),
        ("initializers.he_normal()", "he_normal", "he"),
        ("initializers.LecunNormal(seed=3)", "lecun_normal", "lecun"),
        ("initializers.VarianceScaling(2.0, 'fan_in', 'uniform')", "variance_scaling", "he"),
        ("initializers.VarianceScaling(scale=1.0, mode='fan_avg')", "variance_scaling", "glorot"),
        ("initializers.VarianceScaling()", "variance_scaling", "lecun"),
        ("initializers.RandomNormal(stddev=1.0)", "random_normal", "random"),
        ("initializers.Orthogonal()", "orthogonal", "orthogonal"),
        ('initializers.get("glorot_normal")', "glorot_normal", "glorot"),
        ("my_init", "unknown", "unknown"),
        ('"xavier_uniform"', "unknown", "unknown"),
    ],
)
def test_initializer_values(value: str, name: str, family: str) -> None:
    code = f"""
from keras import layers, initializers
layer = layers.Dense(8, kernel_initializer={value})
"""
    (row,) = summary(code)["<module>"]
    assert (row[1], row[2]) == (name, family)


@pytest.mark.parametrize(
    ("value", "act"),
    [
        ('"relu"', "relu"),
        ('"swish"', "silu"),
        ("None", "linear"),
        ('"linear"', "linear"),
        ("tf.nn.relu", "relu"),
        ("keras.activations.tanh", "tanh"),
        ("keras.ops.sigmoid", "sigmoid"),
        ("layers.LeakyReLU(0.2)", "leaky_relu"),
        ("get_activation(cfg)", "unknown"),
        ('"ReLU"', "relu"),
    ],
)
def test_activation_values(value: str, act: str) -> None:
    code = f"""
import keras
import tensorflow as tf
from keras import layers
layer = layers.Dense(8, activation={value})
"""
    (row,) = summary(code)["<module>"]
    assert row[3] == act


def test_functional_inline_activation_and_model_outputs() -> None:
    code = """
        import keras
        from keras import layers

        inputs = keras.Input(shape=(784,))
        x = layers.Dense(64, activation="relu")(inputs)
        x = layers.Dense(64)(x)
        x = layers.Activation("tanh")(x)
        outputs = layers.Dense(10)(x)
        model = keras.Model(inputs=inputs, outputs=outputs)
    """
    rows = summary(code)["<module>"]
    assert [(r[3], r[4]) for r in rows] == [
        ("relu", "hidden"),
        ("tanh", "hidden"),
        ("linear", "output"),
    ]


def test_star_kwargs_may_carry_the_initializer_and_activation() -> None:
    code = """
        from keras import layers

        common = {"kernel_initializer": "lecun_normal", "activation": "selu"}
        a = layers.Dense(64, activation="selu", **common)
        b = layers.Dense(64, **common)
        c = layers.Dense(64, "relu", True, "glorot_uniform")
    """
    rows = summary(code)["<module>"]
    assert [(r[1], r[3]) for r in rows] == [
        ("unknown", "selu"),
        ("unknown", "unknown"),
        ("glorot_uniform", "relu"),
    ]


def test_functional_model_with_several_outputs() -> None:
    code = """
        import keras
        from keras import layers

        inputs = keras.Input(shape=(32,))
        h = layers.Dense(64, activation="relu")(inputs)
        age = layers.Dense(1, name="age")(h)
        kind = layers.Dense(3, activation="softmax", name="kind")(h)
        model = keras.Model(inputs, [age, kind])
        both = keras.Model(inputs=inputs, outputs={"age": age, "kind": kind})
    """
    rows = summary(code)["<module>"]
    assert [(r[0], r[3], r[4]) for r in rows] == [
        ("Dense(64)", "relu", "hidden"),
        ("age", "linear", "output"),
        ("kind", "softmax", "output"),
    ]


def test_initializers_and_activations_held_in_variables() -> None:
    code = """
        import tensorflow as tf
        from tensorflow.keras import layers, Sequential

        INIT = "lecun_uniform"
        ACT = "relu"
        he = tf.keras.initializers.HeNormal(seed=1)
        model = Sequential()
        for units in (64, 32):
            model.add(layers.Dense(units, activation=ACT, kernel_initializer=INIT))
        head = layers.Dense(10, activation="relu", kernel_initializer=he)
    """
    layers_ = [layer for model in models(code) for layer in model.weight_layers]
    assert [(layer.init.name, layer.init.spelling.value, layer.act.name) for layer in layers_] == [
        ("lecun_uniform", "opaque", "relu"),
        ("he_normal", "opaque", "relu"),
    ]


def test_activation_functions_stored_on_self_and_layers_built_in_build() -> None:
    code = """
        import keras
        from keras import layers

        class Block(keras.layers.Layer):
            def __init__(self):
                super().__init__()
                self.act = keras.activations.relu

            def build(self, input_shape):
                self.fc = layers.Dense(64, kernel_initializer="glorot_uniform")
                self.out = layers.Dense(1)

            def call(self, x):
                return self.out(self.act(self.fc(x)))
    """
    assert [(r[3], r[4]) for r in summary(code)["Block"]] == [
        ("relu", "hidden"),
        ("linear", "output"),
    ]


def test_input_shape_gives_the_first_width() -> None:
    code = """
        import keras
        from keras import layers

        inputs = keras.Input(shape=(10, 64))
        scores = layers.Dense(1)(inputs)
        seq = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(256), layers.Dense(10)])
    """
    fans = [(layer.fan_in, layer.fan_out) for m in models(code) for layer in m.weight_layers]
    assert fans == [(64, 1), (784, 256), (256, 10)]
