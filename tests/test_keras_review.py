"""Regressions from the review of the Keras forms: each program is what real Keras code
does; where behaviour depended on Keras, it was checked on Keras 3.15.1."""

from __future__ import annotations

from tests.conftest import check, fixed

KIN003_SINGLE_CALL = """\
import keras
from keras import layers

KERNEL_INIT = keras.initializers.HeNormal(seed=42)


def build_model(num_classes):
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu", kernel_initializer=KERNEL_INIT)(inputs)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def main():
    model = build_model(10)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")


if __name__ == "__main__":
    main()
"""


WRONG_KEYWORD = """\
import keras
from keras import layers, ops

inputs = keras.Input(shape=(32, 32, 16))
x = layers.SeparableConv2D(64, 3, activation="selu")(inputs)
x = layers.DepthwiseConv2D(3, depth_multiplier=4, activation="selu")(x)
x = layers.GlobalAveragePooling2D()(x)
model = keras.Model(inputs, layers.Dense(10)(x))


class SNN(layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(128, 128))

    def call(self, x):
        return ops.selu(ops.matmul(x, self.w))
"""


EARLY_RETURN = """\
from keras import initializers, layers


def make_head(task):
    init = initializers.GlorotUniform(seed=0)
    if task == "regression":
        return layers.Dense(1, kernel_initializer=init)
    return layers.Dense(10, activation="softmax", kernel_initializer=init)


def make_head2(task):
    init = initializers.GlorotUniform()
    if task == "regression":
        head = layers.Dense(1, kernel_initializer=init)
    elif task == "binary":
        head = layers.Dense(1, activation="sigmoid", kernel_initializer=init)
    else:
        head = layers.Dense(10, activation="softmax", kernel_initializer=init)
    return head


def make_head3(task):
    init = initializers.GlorotUniform()
    layer = (
        layers.Dense(1, kernel_initializer=init)
        if task == "regression"
        else layers.Dense(10, kernel_initializer=init)
    )
    return layer
"""


CACHED_FACTORY = """\
import keras
from keras import layers


def make_init(stddev=0.02):
    return keras.initializers.TruncatedNormal(stddev=stddev)


init_q = make_init()
init_k = make_init()
q = layers.Dense(64, kernel_initializer=init_q)
k = layers.Dense(64, kernel_initializer=init_k)
v = layers.Dense(64, kernel_initializer=make_init())
o = layers.Dense(64, kernel_initializer=make_init())
"""


CLOSURE = """\
import keras
from keras import layers

ACT = "relu"


def build(act_name):
    ACT = act_name

    def block(x):
        return layers.Dense(256, activation=ACT, kernel_initializer="glorot_uniform")(x)

    inputs = keras.Input(shape=(256,))
    x = block(inputs)
    return keras.Model(inputs, layers.Dense(10)(x))


model = build("tanh")
"""


GLOBAL = """\
import keras
from keras import layers

ACT = "relu"


def configure(name):
    global ACT
    ACT = name


def build():
    return keras.Sequential([
        keras.Input(shape=(256,)),
        layers.Dense(256, activation=ACT, kernel_initializer="glorot_uniform"),
        layers.Dense(10),
    ])


configure("tanh")
model = build()
"""


CHANNELS_FIRST = """\
import keras
from keras import layers

# attention map head on a channels_first feature map of 512 channels
inputs = keras.Input(shape=(512, 14, 14))
att = layers.Conv2D(64, 1, data_format="channels_first", activation="sigmoid",
                    kernel_initializer="he_normal")(inputs)
model = keras.Model(inputs, layers.Multiply()([inputs[:, :64], att]))
"""


GROUPS = """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(32, 32, 256)),
    layers.Conv2D(32, 3, groups=8, activation="relu", kernel_initializer="glorot_uniform"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
])
"""


CONV1D_TRANSPOSE = """\
import keras
from keras import layers

# stddev = 1/sqrt(fan_in); Keras' fan_in for a Conv1DTranspose kernel (3, 16, 64) is 3*16 = 48
inputs = keras.Input(shape=(100, 64))
x = layers.Conv1DTranspose(16, 3, activation="selu",
                           kernel_initializer=keras.initializers.RandomNormal(stddev=0.1443))(inputs)
model = keras.Model(inputs, layers.Dense(1)(x))

# Conv1D (3, 64, 16): fan_in 192, stddev 1/sqrt(192) = 0.0722
y = layers.Conv1D(16, 3, activation="selu",
                  kernel_initializer=keras.initializers.RandomNormal(stddev=0.0722))(inputs)
model2 = keras.Model(inputs, layers.Dense(1)(y))
"""


SEQ_BRANCH = """\
import keras
from keras import layers

inputs = keras.Input(shape=(256,))
branch = keras.Sequential([
    layers.Dense(256, activation="relu"),
    layers.Dense(256, activation="relu"),
])
y = layers.Add()([inputs, branch(inputs)])
y = layers.LayerNormalization()(y)
out = layers.Dense(10)(y)
model = keras.Model(inputs, out)

# the same branch written functionally
h = layers.Dense(256, activation="relu")(inputs)
h = layers.Dense(256, activation="relu")(h)
z = layers.Add()([inputs, h])
z = layers.LayerNormalization()(z)
model2 = keras.Model(inputs, layers.Dense(10)(z))
"""


def _found(program: str, *codes: str) -> list[tuple[str, int]]:
    return [(d.code, d.start.row) for d in check(program, *codes)]


def test_a_module_level_instance_used_once_by_a_called_function_is_not_shared() -> None:
    assert _found(KIN003_SINGLE_CALL) == []


def test_exclusive_returns_and_conditional_expressions_share_nothing() -> None:
    assert _found(EARLY_RETURN) == []


def test_each_call_of_an_initializer_factory_builds_a_new_instance() -> None:
    assert _found(CACHED_FACTORY) == []


def test_module_constants_shadowed_by_closures_or_rebound_by_global_are_not_read() -> None:
    assert _found(CLOSURE) == []
    assert _found(GLOBAL) == []


def test_fixes_add_the_initializer_keyword_the_layer_takes() -> None:
    after = fixed(WRONG_KEYWORD)
    assert 'pointwise_initializer="lecun_normal"' in after
    assert 'depthwise_initializer="lecun_normal"' in after
    assert 'initializer="lecun_normal")' in after
    assert "kernel_initializer" not in after
    assert check(after) == []


def test_conv_fans_follow_data_format_groups_and_dimensions() -> None:
    assert _found(CHANNELS_FIRST) == []  # 512 -> 64 channels, 1x1: within 1.25x
    assert _found(GROUPS) == [("KIN101", 6)]  # kernel (3, 3, 32, 32): 2x
    assert _found(CONV1D_TRANSPOSE) == []  # both are exactly LeCun for their fans


def test_a_sequential_used_as_a_residual_branch_is_not_an_output() -> None:
    # KIN105 (opt-in) spares residual branches; the branch's last layer feeds the sum
    assert _found(SEQ_BRANCH, "KIN105") == [("KIN105", 6), ("KIN105", 15)]


def test_a_long_chain_of_concatenations_is_linear_work() -> None:
    lines = ["import keras", "from keras import layers", "x = keras.Input(shape=(8, 8, 4))"]
    lines += ["x = layers.concatenate([x, layers.MaxPooling2D(1)(x)])"] * 600
    lines += ["out = layers.Dense(1, kernel_initializer='zeros')(layers.ReLU()(x))"]
    assert _found("\n".join(lines) + "\n") == []
