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
    file that cannot be opened. Syntax is checked in files that mention `torch`, `keras` or
    `tensorflow`; other files cannot hold a model initlint reads and are not parsed at all.

    ## Why is this bad?
    A file initlint cannot parse is a file it cannot check: a model defined there goes
    unexamined. Reporting it as a finding, with the row and column of the error, keeps the
    run honest instead of silently skipping the file or crashing.

    ## Example
    ```python
    import torch.nn as nn

    layer = nn.Linear(784, 128
    ```

    Use instead:
    ```python
    import torch.nn as nn

    layer = nn.Linear(784, 128)
    ```

    ## Fix safety
    No fix: initlint does not guess what broken code meant.

    ## References
    - [Python grammar](https://docs.python.org/3/reference/grammar.html)
    """

    code = "KIN000"
    name = "parse-error"
    summary = "File cannot be read or parsed"

    valid = (Example("import torch\n\nx = torch.zeros(3)\n"),)
    invalid = (
        Example("import torch.nn as nn\n\n\ndef broken(:\n    pass\n"),
        Example("import keras\n\nprint 'python 2'\n"),
    )

    def check(self, model: Model) -> Iterator[Violation]:
        # Reported by the engine when parsing fails; there is no model to check.
        return iter(())
