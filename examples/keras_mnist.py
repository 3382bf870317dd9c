"""A Keras MLP for MNIST with the initialization mistakes initlint exists to catch.

Run `initlint examples/` to see them, `initlint --fix examples/keras_mnist.py` to fix the
safe ones, and add `--unsafe-fixes` for the rest.
"""

import keras
from keras import layers


def build_model() -> keras.Model:
    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            # Glorot under ReLU halves the signal at every layer: KIN101.
            layers.Dense(256, activation="relu", kernel_initializer="glorot_uniform"),
            layers.Dropout(0.2),
            # He under tanh saturates it: KIN102.
            layers.Dense(256, activation="tanh", kernel_initializer="he_normal"),
            # Every unit of a zero kernel learns the same thing: KIN001.
            layers.Dense(64, kernel_initializer="zeros"),
            layers.Activation("relu"),
            # SELU self-normalises only with LeCun normal: KIN103.
            layers.Dense(64, activation="selu"),
            # A zero-initialised output head is fine: not reported.
            layers.Dense(10, activation="softmax", kernel_initializer="zeros"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


if __name__ == "__main__":
    (x_train, y_train), _ = keras.datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
    build_model().fit(x_train, y_train, epochs=3, batch_size=128)
