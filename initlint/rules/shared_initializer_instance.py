"""KIN003 shared-initializer-instance."""

from __future__ import annotations

from collections.abc import Iterator
from textwrap import dedent

from initlint import prefilter
from initlint.diagnostics import Applicability, FixPlan, Violation
from initlint.model import FileModels, InstanceUse, Model, Seed
from initlint.rules._base import Example, Rule, fixes

# Seeds whose instance draws the same values on every call (frameworks.md §1.2, KIN003's issue).
_SAME_EVERY_CALL = (Seed.ABSENT, Seed.NONE, Seed.INT)


class SharedInitializerInstance(Rule):
    """
    ## What it does
    Checks for one Keras initializer instance, unseeded or seeded with an integer, that
    fills the kernels of several layers: an instance built once and held in a variable or
    attribute (`init = initializers.HeNormal()`, `self.init = ...`), then passed as
    `kernel_initializer=init` (a depthwise conv's `depthwise_initializer`, a separable
    conv's `pointwise_initializer`) to two or more layers, or to a layer built in a loop or
    a comprehension that does not build the instance anew. Every use after the first is
    reported, and the message names the first layer that uses the instance.

    It stays quiet for a string identifier or a class (`"he_normal"`, `HeNormal`: Keras
    builds a new instance for each layer), for an instance seeded with
    `keras.random.SeedGenerator` (it advances on every call), for the constant initializers
    (`Zeros`, `Ones`, `Constant`, `Identity`: the same values are what they are for), for
    uses on different arms of one `if`/`else`, `try`/`except` or `match`, and for a seed it
    cannot read (`seed=SEED`: it may hold a `SeedGenerator`; never a guess).

    ## Why is this bad?
    A Keras initializer seeded with an integer draws the same values on every call, and an
    unseeded one picks its seed once, when it is built. Verified on Keras 3.15.1: two `Dense`
    layers given one `HeNormal()` instance, or one `HeNormal(seed=42)`, get identical
    kernels. Layers that see the same input then get the same gradients and stay copies of
    each other (parallel towers, heads, ensemble members), and layers of different shapes
    draw from the same stream. Keras 2 (tf.keras from 2.7, tf_keras) behaves the same and
    warns at run time ("The initializer HeNormal is unseeded and being called multiple
    times, which will return identical values each time"); Keras 3 says nothing.

    Which Keras it is: code that reaches Keras through `keras` (`import keras`, `from keras
    import initializers`) is read as Keras 3, which has `keras.random.SeedGenerator`; through
    `tf.keras`, `tensorflow.keras` or `tf_keras` as Keras 2, which has not (tf.keras is
    Keras 3 from TensorFlow 2.16, but Keras 2 with `TF_USE_LEGACY_KERAS=1`: writing a
    `SeedGenerator` there could break). A file cannot say which `keras` is installed:
    `import keras` over pip's Keras 2.x is read as Keras 3 too. `tf.compat.v1` initializers
    seed otherwise and are not checked.

    Not checked: fresh instances written at each layer with the same integer seed
    (`HeNormal(seed=42)` on two layers) also give identical kernels, but no instance is
    shared, the fix is a different one (distinct seeds), and a rule named for a shared
    instance should not report code that has none: that mistake is left to a rule of its
    own. An instance held in a module-level variable and read inside a function or a class,
    a parameter default, and an instance passed to a class's constructor are not followed.

    ## Example
    ```python
    from keras import initializers, layers

    init = initializers.HeNormal()
    encoder = layers.Dense(256, activation="relu", kernel_initializer=init)
    decoder = layers.Dense(256, activation="relu", kernel_initializer=init)
    ```

    Use instead:
    ```python
    from keras import initializers, layers

    init = initializers.HeNormal()
    encoder = layers.Dense(256, activation="relu", kernel_initializer=init)
    decoder = layers.Dense(256, activation="relu", kernel_initializer=initializers.HeNormal())
    ```

    ## Fix safety
    Unseeded: safe. The later use gets a fresh instance, the instance expression copied in
    the spelling of its definition (`kernel_initializer=initializers.HeNormal()`): the same
    distribution, now drawn anew for each layer. It is offered when every name in the copy
    means the same import at the use and its arguments are literals.

    Seeded with an integer, Keras 3: safe. The seed becomes `keras.random.SeedGenerator(42)`
    where the instance is built: runs stay reproducible (the same kernels run after run)
    and the layers now differ. It is offered when the file already has a name for
    `keras.random` (`import keras`); no import is added.

    Seeded with an integer, Keras 2: unsafe. There is no `SeedGenerator`: each later use gets
    a fresh instance with the next integer seed that no instance held in a variable in the
    file uses (43, 44, ...). The kernels change from what the seed gave before, and an
    instance written elsewhere with the same seed would be identical to it again. It is not
    offered for a use in a loop, where one seed would still give every pass the same kernel.

    No fix copies an integer-seeded constructor as it is: two `HeNormal(seed=42)` give
    identical kernels too.

    ## References
    - [Keras initializers](https://keras.io/api/layers/initializers/): "an initializer seeded
      with an integer or `None` (unseeded) will produce the same random values across
      multiple calls" (`keras/src/initializers/random_initializers.py`)
    - [`keras.random.SeedGenerator`](https://keras.io/api/random/seed_generator/)
    - `shared/reference/frameworks.md` §1.1 (tf.keras and Keras 3), §1.2 (seeds)
    """

    code = "KIN003"
    name = "shared-initializer-instance"
    summary = (
        "One Keras initializer instance, unseeded or seeded with an int, fills several kernels"
    )
    tokens = prefilter.EXPLICIT_INIT
    fix_applicability = Applicability.SAFE
    sometimes_unsafe = True

    valid = (
        Example(
            dedent(
                """\
                import keras
                from keras import layers

                init = keras.initializers.HeNormal(seed=keras.random.SeedGenerator(42))
                tower_a = layers.Dense(64, activation="relu", kernel_initializer=init)
                tower_b = layers.Dense(64, activation="relu", kernel_initializer=init)
                """
            )
        ),
        Example(
            dedent(
                """\
                from keras import initializers, layers

                model = [
                    layers.Dense(64, activation="relu", kernel_initializer="he_normal"),
                    layers.Dense(64, activation="relu", kernel_initializer=initializers.HeNormal),
                    layers.Dense(64, activation="relu", kernel_initializer=initializers.HeNormal()),
                    layers.Dense(64, activation="relu", kernel_initializer=initializers.HeNormal()),
                ]
                """
            )
        ),
        Example(
            dedent(
                """\
                from keras import initializers, layers

                zeros = initializers.Zeros()
                heads = [layers.Dense(1, kernel_initializer=zeros) for _ in range(3)]
                """
            )
        ),
        Example(
            dedent(
                """\
                from keras import initializers, layers


                def block(deep):
                    init = initializers.GlorotUniform(seed=0)
                    if deep:
                        return layers.Dense(64, activation="tanh", kernel_initializer=init)
                    else:
                        return layers.Dense(32, activation="tanh", kernel_initializer=init)
                """
            )
        ),
    )
    invalid = (
        Example(
            dedent(
                """\
                from keras import initializers, layers

                init = initializers.HeNormal()
                encoder = layers.Dense(256, activation="relu", kernel_initializer=init)
                decoder = layers.Dense(256, kernel_initializer=init)
                """
            ),
            fixed=dedent(
                """\
                from keras import initializers, layers

                init = initializers.HeNormal()
                encoder = layers.Dense(256, activation="relu", kernel_initializer=init)
                decoder = layers.Dense(256, kernel_initializer=initializers.HeNormal())
                """
            ),
        ),
        Example(
            dedent(
                """\
                import keras
                from keras import layers

                # reproducible runs
                init = keras.initializers.GlorotUniform(seed=42)
                model = keras.Sequential()
                for width in (128, 128, 128):
                    model.add(layers.Dense(width, activation="tanh", kernel_initializer=init))
                """
            ),
            fixed=dedent(
                """\
                import keras
                from keras import layers

                # reproducible runs
                init = keras.initializers.GlorotUniform(seed=keras.random.SeedGenerator(42))
                model = keras.Sequential()
                for width in (128, 128, 128):
                    model.add(layers.Dense(width, activation="tanh", kernel_initializer=init))
                """
            ),
        ),
        Example(
            dedent(
                """\
                from tensorflow.keras import Model, initializers, layers


                class TwoTower(Model):
                    def __init__(self):
                        super().__init__()
                        self.init = initializers.HeUniform(seed=7)
                        self.q = layers.Dense(64, kernel_initializer=self.init)
                        self.k = layers.Dense(64, kernel_initializer=self.init)
                """
            ),
            fixed=dedent(
                """\
                from tensorflow.keras import Model, initializers, layers


                class TwoTower(Model):
                    def __init__(self):
                        super().__init__()
                        self.init = initializers.HeUniform(seed=7)
                        self.q = layers.Dense(64, kernel_initializer=self.init)
                        self.k = layers.Dense(64, kernel_initializer=initializers.HeUniform(seed=8))
                """
            ),
        ),
    )

    def check_file(self, file: FileModels) -> Iterator[Violation]:
        # A function is walked where it is defined, and again wherever it is called: the
        # same layer reached by several walks. One walk per argument speaks for it: code
        # run from module level if any, else the walk that builds it most often.
        counts: dict[tuple[int, int], int] = {}
        for use in file.instance_uses:
            key = (id(use.init.node), use.root)
            counts[key] = counts.get(key, 0) + 1
        chosen: dict[int, int] = {}
        for (node, root), count in counts.items():
            best = chosen.get(node)
            if best is None or root == 0 or (best != 0 and count > counts[(node, best)]):
                chosen[node] = root
        by_instance: dict[int, list[InstanceUse]] = {}
        for use in file.instance_uses:
            if chosen[id(use.init.node)] == use.root:
                by_instance.setdefault(use.instance, []).append(use)
        # the seeds Keras 2 fixes may not hand out: every instance's own, and those handed out
        taken = {use.seed_value for use in file.instance_uses if use.seed_value is not None}
        for uses in by_instance.values():
            if uses[0].seed not in _SAME_EVERY_CALL:
                continue
            reported: list[InstanceUse] = []
            for index, use in enumerate(uses):
                if any(use.argument_is(done) for done in reported):
                    continue  # one finding per place: a helper run twice, an unrolled loop
                first = next((e for e in uses[:index] if not e.exclusive(use)), None)
                if first is None and not use.repeated:
                    continue
                reported.append(use)
                yield self.report(
                    use.init.node,
                    _message(use, first),
                    fix=_fix(use, taken),
                )

    def check(self, model: Model) -> Iterator[Violation]:
        return iter(())  # a rule about instances and their uses: see check_file


def _message(use: InstanceUse, first: InstanceUse | None) -> str:
    seeded = f"seeded with `{use.seed_value}`" if use.seed is Seed.INT else "unseeded"
    why = f"{seeded}, it gives each layer the same kernel"
    shared = f"`{use.argument}` is one `{use.display}` instance"
    if use.repeated:
        return f"{shared} for every layer this loop builds: {why}"
    assert first is not None
    if first.argument_is(use):
        return f"{shared} for every layer built here: {why}"
    other = f"another `{first.layer}`" if first.layer == use.layer else f"`{first.layer}`"
    return f"`{use.argument}` is the `{use.display}` instance {other} already uses: {why}"


def _fix(use: InstanceUse, taken: set[int]) -> FixPlan | None:
    if use.seed is not Seed.INT:
        return fixes.fresh_instance(use)
    if use.keras3:
        return fixes.seed_generator(use)
    if use.repeated or use.seed_value is None:
        return None
    seed = use.seed_value + 1  # the next seed after the instance's that nothing uses yet
    while seed in taken:
        seed += 1
    plan = fixes.fresh_instance(use, seed)
    if plan is None:
        return None
    taken.add(seed)
    return FixPlan(plan.title, plan.edits, Applicability.UNSAFE)
