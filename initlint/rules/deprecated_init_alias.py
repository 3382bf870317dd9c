"""KIN301 deprecated-init-alias."""

from __future__ import annotations

from collections.abc import Iterator
from textwrap import dedent

from initlint import prefilter, semantics
from initlint.diagnostics import Applicability, Violation
from initlint.model import FileModels, Model
from initlint.rules._base import Example, Rule, fixes


class DeprecatedInitAlias(Rule):
    """
    ## What it does
    Checks for calls of the deprecated `torch.nn.init` functions without the trailing
    underscore: `xavier_uniform`, `xavier_normal`, `kaiming_uniform`, `kaiming_normal`,
    `constant`, `normal`, `uniform`, `orthogonal`, `sparse`, `eye` and `dirac`, however they
    are reached (`nn.init.normal(w)`, `init.constant(b, 0)` after `from torch.nn import init`,
    a bare `xavier_uniform(w)` imported from `torch.nn.init`). Every call is reported, whatever
    tensor it fills: a kernel, a bias, a parameter, a tensor passed in.

    ## Why is this bad?
    They are thin wrappers PyTorch keeps only for old code: each call emits a
    `FutureWarning` ("nn.init.X is now deprecated in favor of nn.init.X_"), which fails
    test suites that turn warnings into errors and may become an `AttributeError` when the
    aliases are removed. The trailing underscore is also PyTorch's mark of an in-place
    operation: the alias hides that the call overwrites its argument.

    There are no `zeros`, `ones` or `trunc_normal` aliases: those only exist with the
    underscore, and a call of them without it is an `AttributeError` already.

    ## Example
    ```python
    import torch.nn as nn

    fc = nn.Linear(128, 64)
    nn.init.xavier_uniform(fc.weight)
    nn.init.constant(fc.bias, 0.0)
    ```

    Use instead:
    ```python
    import torch.nn as nn

    fc = nn.Linear(128, 64)
    nn.init.xavier_uniform_(fc.weight)
    nn.init.constant_(fc.bias, 0.0)
    ```

    ## Fix safety
    Safe: the alias forwards its arguments unchanged to the underscore function, so the
    fix changes only the name, in the user's spelling (`init.normal` → `init.normal_`). A
    bare imported name is replaced by the underscore name, which is added to the same
    `from torch.nn.init import ...` (the old name stays imported; remove it when nothing
    else uses it). No fix is offered where the underscore name already means something
    else in the file.

    ## References
    - [`torch.nn.init`](https://pytorch.org/docs/stable/nn.init.html)
    - `shared/reference/frameworks.md` §2.1 (the deprecated aliases, `_make_deprecate`)
    """

    code = "KIN301"
    name = "deprecated-init-alias"
    summary = "Deprecated `torch.nn.init` alias without the trailing underscore"
    tokens = prefilter.EXPLICIT_INIT
    fix_applicability = Applicability.SAFE

    valid = (
        Example(
            dedent(
                """\
                import torch.nn as nn

                fc = nn.Linear(128, 64)
                nn.init.xavier_uniform_(fc.weight)
                nn.init.zeros_(fc.bias)
                """
            )
        ),
        Example(
            dedent(
                """\
                import torch


                def normal(tensor, std):  # the project's own helper, not torch's alias
                    return tensor.normal_(0.0, std)


                normal(torch.empty(3, 5), 0.02)
                """
            )
        ),
    )
    invalid = (
        Example(
            dedent(
                """\
                import torch
                import torch.nn as nn
                from torch.nn import init


                class Encoder(nn.Module):
                    def __init__(self):
                        super().__init__()
                        self.embed = nn.Embedding(1000, 64)
                        self.scale = nn.Parameter(torch.empty(64))
                        init.normal(self.embed.weight, std=0.02)
                        torch.nn.init.constant(self.scale, 1.0)
                """
            ),
            fixed=dedent(
                """\
                import torch
                import torch.nn as nn
                from torch.nn import init


                class Encoder(nn.Module):
                    def __init__(self):
                        super().__init__()
                        self.embed = nn.Embedding(1000, 64)
                        self.scale = nn.Parameter(torch.empty(64))
                        init.normal_(self.embed.weight, std=0.02)
                        torch.nn.init.constant_(self.scale, 1.0)
                """
            ),
        ),
        Example(
            dedent(
                """\
                import torch
                from torch.nn.init import orthogonal, xavier_uniform

                w = torch.empty(3, 5)
                xavier_uniform(w)
                for p in (torch.empty(8, 8), torch.empty(4, 4)):
                    orthogonal(p, gain=1.0)
                """
            ),
            fixed=dedent(
                """\
                import torch
                from torch.nn.init import orthogonal, xavier_uniform, xavier_uniform_, orthogonal_

                w = torch.empty(3, 5)
                xavier_uniform_(w)
                for p in (torch.empty(8, 8), torch.empty(4, 4)):
                    orthogonal_(p, gain=1.0)
                """
            ),
        ),
    )

    def check_file(self, file: FileModels) -> Iterator[Violation]:
        for call in file.init_calls:
            current = semantics.TORCH_DEPRECATED_ALIASES.get(call.function)
            if current is None:
                continue  # already the underscore form
            yield self.report(
                call.func,
                f"`{call.function}` is a deprecated alias of `{current}`: it warns on every "
                "call and may be removed",
                fix=fixes.rename_call(call, current),
            )

    def check(self, model: Model) -> Iterator[Violation]:
        return iter(())  # a rule about calls, not layers: see check_file
