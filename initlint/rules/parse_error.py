"""KIN000 parse-error."""

from __future__ import annotations

from collections.abc import Iterator

from initlint.diagnostics import Violation
from initlint.model import Model
from initlint.rules._base import Example, Rule


class ParseError(Rule):
    """
    ## What it does
    Reports files initlint cannot read or parse: invalid syntax, undecodable bytes, or a
    file that cannot be opened. Syntax is checked in the files initlint must parse: those
    that mention `torch`, `keras` or `tensorflow` *and* a spelling one of the selected rules
    needs (an initializer, an `nn.init` call, `selu`...). Other files cannot hold a finding
    and are not parsed at all, since parsing is nearly the whole cost of a run; Python or
    ruff reports their syntax errors. Selected alone (`--select KIN000`), it parses every
    file that mentions a framework.

    ## Why is this bad?
    A file initlint cannot parse is a file it cannot check: a model defined there goes
    unexamined. Reporting it as a finding, with the row and column of the error, keeps the
    run honest instead of silently skipping the file or crashing.

    ## Example
    ```python
    import torch.nn as nn

    layer = nn.Linear(784, 128
    nn.init.kaiming_normal_(layer.weight)
    ```

    Use instead:
    ```python
    import torch.nn as nn

    layer = nn.Linear(784, 128)
    nn.init.kaiming_normal_(layer.weight)
    ```

    ## Fix safety
    No fix: initlint does not guess what broken code meant.

    ## References
    - [Python grammar](https://docs.python.org/3/reference/grammar.html)
    """

    code = "KIN000"
    name = "parse-error"
    summary = "File cannot be read or parsed"
    tokens = ()  # never needs a file of its own: it reports on what the others parse

    valid = (Example("import torch\n\nx = torch.zeros(3)\n"),)
    invalid = (
        Example("import torch.nn as nn\n\n\ndef broken(:\n    nn.init.zeros_(w)\n"),
        Example(
            "import keras\n\nprint 'python 2'\n"
            "d = keras.layers.Dense(8, kernel_initializer='he_normal')\n"
        ),
    )

    def check(self, model: Model) -> Iterator[Violation]:
        # Reported by the engine when parsing fails; there is no model to check.
        return iter(())
