"""Keras forms of issue 5: every model style and initializer spelling reaches the rules.
One program per form; the expectation is which rule fires on which line (or none)."""

from __future__ import annotations

from textwrap import dedent

import pytest

from tests.conftest import check, fixed

CASES = {
    "dict config": (
        """
        from tensorflow import keras

        model = keras.Sequential([
            keras.layers.Dense(256, activation="relu", kernel_initializer={
                "class_name": "GlorotUniform", "config": {"seed": 1}}),
            keras.layers.Dense(10),
        ])
        """,
        [("KIN101", "kernel_initializer={")],
    ),
    "dict config variance scaling He": (
        """
        from tensorflow import keras

        vs = {"class_name": "VarianceScaling", "config": {"scale": 2.0, "mode": "fan_in"}}
        model = keras.Sequential([
            keras.layers.Dense(256, activation="relu", kernel_initializer=vs),
            keras.layers.Dense(10),
        ])
        """,
        [],
    ),
    "tf1 glorot initializer": (
        """
        import tensorflow as tf

        v1 = tf.compat.v1
        model = tf.keras.Sequential([
            tf.keras.layers.Dense(
                256, activation="relu", kernel_initializer=v1.glorot_uniform_initializer()),
            tf.keras.layers.Dense(10),
        ])
        """,
        [("KIN101", "glorot_uniform_initializer")],
    ),
    "tf1 zeros and variance scaling": (
        """
        import tensorflow as tf
        from tensorflow.compat.v1 import variance_scaling_initializer

        model = tf.keras.Sequential([
            tf.keras.layers.Dense(
                64, activation="relu", kernel_initializer=variance_scaling_initializer(2.0)),
            tf.keras.layers.Dense(64, activation="tanh", kernel_initializer=tf.zeros_initializer()),
            tf.keras.layers.Dense(1),
        ])
        """,
        [("KIN001", "zeros_initializer")],
    ),
    "tf initializers namespace": (
        """
        import tensorflow as tf

        model = tf.keras.Sequential([
            tf.keras.layers.Dense(
                256, activation="tanh", kernel_initializer=tf.initializers.he_normal()),
            tf.keras.layers.Dense(1),
        ])
        """,
        [("KIN102", "he_normal")],
    ),
    "separable conv pointwise": (
        """
        from keras import layers, models

        model = models.Sequential([
            layers.SeparableConv2D(
                64, 3, activation="relu", pointwise_initializer="glorot_uniform"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(10),
        ])
        """,
        [("KIN101", "pointwise_initializer")],
    ),
    "lstm gates under He": (
        """
        from keras import layers, models

        model = models.Sequential([
            layers.Embedding(20000, 128),
            layers.LSTM(128, kernel_initializer="he_normal", recurrent_initializer="orthogonal"),
            layers.Dense(1, activation="sigmoid"),
        ])
        """,
        [("KIN102", "layers.LSTM")],
    ),
    "relu lstm is not read as gates": (
        """
        from keras import layers, models

        model = models.Sequential([
            layers.LSTM(128, activation="relu", kernel_initializer="he_normal"),
            layers.Dense(1),
        ])
        """,
        [],
    ),
    "simple rnn relu": (
        """
        from keras import layers, models

        model = models.Sequential([
            layers.SimpleRNN(128, activation="relu", kernel_initializer="glorot_uniform"),
            layers.Dense(1),
        ])
        """,
        [("KIN101", "SimpleRNN")],
    ),
    "concatenate then relu": (
        """
        import keras
        from keras import layers

        a = keras.Input(shape=(32,))
        left = layers.Dense(64, kernel_initializer="zeros")(a)
        right = layers.Dense(64, kernel_initializer="glorot_uniform")(a)
        merged = layers.concatenate([left, right])
        merged = layers.Activation("relu")(merged)
        out = layers.Dense(1)(merged)
        model = keras.Model(a, out)
        """,
        [("KIN001", '"zeros"'), ("KIN101", '"glorot_uniform"')],
    ),
    "concatenate layer object": (
        """
        import keras
        from keras import layers

        a = keras.Input(shape=(32,))
        left = layers.Dense(64, kernel_initializer="glorot_normal")(a)
        right = layers.Dense(64)(a)
        merged = layers.Concatenate(axis=-1)([left, right])
        out = layers.Dense(1)(layers.ReLU()(merged))
        model = keras.Model(a, out)
        """,
        [("KIN101", "glorot_normal")],
    ),
    "residual add stays unknown": (
        """
        import keras
        from keras import layers

        a = keras.Input(shape=(64,))
        h = layers.Dense(64, kernel_initializer="glorot_uniform")(a)
        h = layers.Add()([h, a])
        out = layers.Dense(1)(layers.ReLU()(h))
        model = keras.Model(a, out)
        """,
        [],
    ),
    "add_weight kernels": (
        """
        import keras


        class TwoLayer(keras.Model):
            def __init__(self):
                super().__init__()
                self.w1 = self.add_weight(shape=(784, 256), initializer="zeros")
                self.w2 = self.add_weight(shape=(256, 10), initializer="zeros")

            def call(self, x):
                return keras.ops.matmul(keras.ops.relu(x @ self.w1), self.w2)
        """,
        [("KIN001", "self.w1 =")],
    ),
    "subclassed call with tf.nn": (
        """
        import tensorflow as tf
        from tensorflow import keras


        class MLP(keras.Model):
            def __init__(self):
                super().__init__()
                self.d1 = keras.layers.Dense(512, kernel_initializer="lecun_normal")
                self.d2 = keras.layers.Dense(10)

            def call(self, x):
                return self.d2(tf.nn.relu(self.d1(x)))
        """,
        [("KIN101", "lecun_normal")],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_keras_forms(case: str) -> None:
    code, expected = CASES[case]
    program = dedent(code).lstrip("\n")
    found = [(d.code, d.start.row) for d in check(program)]
    assert found == [(rule, _row(program, text)) for rule, text in expected]


def _row(program: str, text: str) -> int:
    """The line where ``text`` first appears: findings are located by what they point at."""
    return next(i for i, line in enumerate(program.splitlines(), 1) if text in line)


def test_lambda_activations_are_read_and_others_stay_unknown() -> None:
    program = dedent(
        """\
        import tensorflow as tf
        from tensorflow.keras import Sequential
        from tensorflow.keras.layers import Dense

        model = Sequential([
            Dense(256, activation=lambda x: tf.nn.relu(x), kernel_initializer="glorot_uniform"),
            Dense(256, activation=lambda x: x * 2, kernel_initializer="he_normal"),
            Dense(1),
        ])
        """
    )
    assert [
        (d.code, d.start.row) for d in check(program.replace('"glorot"', '"glorot_uniform"'))
    ] == [("KIN101", 6)]


def test_a_factory_used_with_two_activations_gets_no_fix() -> None:
    # One written initializer serves a ReLU layer and a tanh layer: rewriting it for one
    # breaks the other (and KIN101/KIN102 would rewrite it back and forth).
    program = dedent(
        """\
        from keras import layers, models


        def dense(units, act):
            return layers.Dense(units, activation=act, kernel_initializer="glorot_uniform")


        model = models.Sequential([dense(256, "relu"), dense(256, "tanh"), layers.Dense(1)])
        """
    )
    findings = check(program)
    assert [(d.code, d.fix) for d in findings] == [("KIN101", None)]
    assert fixed(program) == program


def test_functions_read_initializers_and_activations_bound_once_at_module_level() -> None:
    program = dedent(
        """\
        from keras import initializers, layers, models

        INIT = initializers.HeNormal(seed=1)
        ACT = "tanh"
        MAYBE = "relu"
        if MAYBE:
            MAYBE = "tanh"


        def build_model():
            return models.Sequential([
                layers.Dense(256, activation=ACT, kernel_initializer=INIT),
                layers.Dense(256, activation=MAYBE, kernel_initializer="glorot_uniform"),
                layers.Dense(1),
            ])
        """
    )
    assert [(d.code, d.start.row) for d in check(program, "KIN101", "KIN102")] == [("KIN102", 12)]


def test_keras_conv_fans_follow_the_channels() -> None:
    # Keras' fan rule for conv kernels (k, k, in, filters), transposed (k, k, filters, in):
    # the sigmoid head of this decoder has fan_in 9 and fan_out 288, He is 33x Glorot.
    program = dedent(
        """\
        import keras
        from keras import layers

        latent = keras.Input(shape=(7, 7, 64))
        x = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu",
                                   kernel_initializer="he_normal")(latent)
        out = layers.Conv2DTranspose(1, 3, padding="same", activation="sigmoid",
                                     kernel_initializer="he_uniform")(x)
        decoder = keras.Model(latent, out)
        """
    )
    assert [(d.code, d.start.row) for d in check(program)] == [("KIN102", 8)]
    assert "33.0x" in check(program)[0].message


def test_sequential_add_input_flatten_width_and_unknown_items() -> None:
    program = dedent(
        """\
        import tensorflow as tf
        from tensorflow.keras.layers import Dense, Flatten


        class Block(tf.keras.layers.Layer):
            pass


        a = tf.keras.Sequential()
        a.add(Flatten(input_shape=(28, 28)))
        a.add(Dense(128, activation="relu", kernel_initializer="glorot_normal"))  # 784 -> 128
        a.add(Dense(10))

        b = tf.keras.Sequential()
        b.add(tf.keras.Input(shape=(784,)))
        b.add(Dense(128, activation="relu", kernel_initializer="glorot_normal"))  # 784 -> 128
        b.add(Dense(10))

        c = tf.keras.Sequential()
        c.add(Dense(256, kernel_initializer="glorot_normal"))
        c.add(Block())
        c.add(tf.keras.layers.ReLU())
        """
    )
    assert check(program) == []
