"""KIN900 unused-noqa: metadata, documentation and examples.

The findings are computed by the engine after every other rule has run and suppression
has been applied (``suppression.unused``): whether a suppression is used is a fact about
the other rules' findings, not about a Model.
"""

from __future__ import annotations

from collections.abc import Iterator
from textwrap import dedent

from initlint import prefilter
from initlint.diagnostics import Applicability, Violation
from initlint.model import FileModels, Model
from initlint.rules._base import Example, Rule

_KERAS = dedent(
    """\
    from keras import layers

    hidden = layers.Dense(256, activation="relu", kernel_initializer={init}){comment}
    """
)

_SEQUENTIAL = dedent(
    """\
    import keras
    from keras import layers

    {comment}
    model = keras.Sequential([
        keras.Input(shape=(32,)),
        layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform"),
        layers.Dense(1, activation="sigmoid"),
    ])
    """
)


class UnusedNoqa(Rule):
    """
    ## What it does
    Checks for suppression comments that suppress nothing: a `# noqa: KIN101` on a line
    where KIN101 is not reported, a `# initlint: ignore[...]` above a statement where none
    of its codes is reported (or not directly above any statement), a
    `# initlint: noqa: KIN001` in a file without KIN001 findings, and `KIN` codes that
    name no rule.

    Only codes of the rules selected in this run are judged: a rule that is not selected
    may run elsewhere with another selection. Other tools' codes (`E501`, `F401`) and a
    bare `# noqa` are never reported, since flake8, ruff and others read them too; a
    blanket `# initlint: noqa` is not reported either, since it turns this rule off as well.
    Files that mention neither Keras, TensorFlow nor PyTorch are not read at all.

    ## Why is this bad?
    A suppression outlives the finding it was written for: after the initializer is
    fixed, a stale `# noqa: KIN101` silently hides the next real mistake on that line, and
    readers take it for a known exception that no longer exists.

    ## Example
    ```python
    from keras import layers

    hidden = layers.Dense(256, activation="relu", kernel_initializer="he_uniform")  # noqa: KIN101
    ```

    Use instead:
    ```python
    from keras import layers

    hidden = layers.Dense(256, activation="relu", kernel_initializer="he_uniform")
    ```

    ## Fix safety
    Safe: the fix removes only the unused codes, or the whole directive (with the reason
    written after it) when none is left; other comment text and other tools' codes stay.
    An `# initlint: ignore` that is not directly above a statement is removed by an unsafe
    fix: it may be meant to be moved rather than deleted. A malformed directive
    (`# initlint: ignore KIN101`, without brackets) is reported without a fix.

    ## References
    - [Ruff: unused-noqa (RUF100)](https://docs.astral.sh/ruff/rules/unused-noqa/)
    - [Ruff: error suppression](https://docs.astral.sh/ruff/linter/#error-suppression)
    """

    code = "KIN900"
    name = "unused-noqa"
    summary = "Suppression comment that suppresses nothing"
    tokens = prefilter.DIRECTIVES
    fix_applicability = Applicability.SAFE
    sometimes_unsafe = True
    opt_in = True
    example_select = ("KIN001", "KIN101", "KIN102")

    valid = (
        Example(_KERAS.format(init='"glorot_uniform"', comment="  # noqa: KIN101")),
        Example(_KERAS.format(init='"he_uniform"', comment="  # noqa: E501")),
        Example(_KERAS.format(init='"he_uniform"', comment="  # noqa")),
        Example(_SEQUENTIAL.format(comment="# initlint: ignore[relu-without-he]")),
    )
    invalid = (
        Example(
            _KERAS.format(init='"he_uniform"', comment="  # noqa: KIN101"),
            fixed=_KERAS.format(init='"he_uniform"', comment=""),
        ),
        Example(
            _KERAS.format(init='"glorot_uniform"', comment="  # noqa: KIN101, KIN102, E501"),
            fixed=_KERAS.format(init='"glorot_uniform"', comment="  # noqa: KIN101, E501"),
        ),
        Example(
            _KERAS.format(init='"he_uniform"', comment="  # noqa: KIN101  # tuned by hand"),
            fixed=_KERAS.format(init='"he_uniform"', comment="  # tuned by hand"),
        ),
        Example(
            _SEQUENTIAL.format(comment="# initlint: ignore[KIN001, KIN101] legacy weights"),
            fixed=_SEQUENTIAL.format(comment="# initlint: ignore[KIN101] legacy weights"),
        ),
        Example(
            _SEQUENTIAL.format(comment="# initlint: ignore[KIN101, KIN109]"),
            fixed=_SEQUENTIAL.format(comment="# initlint: ignore[KIN101]"),
        ),
    )

    def check_file(self, file: FileModels) -> Iterator[Violation]:
        # Computed by the engine from the other rules' findings; nothing to read in a Model.
        return iter(())

    def check(self, model: Model) -> Iterator[Violation]:
        return iter(())
