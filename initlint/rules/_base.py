"""The Rule base class and the Example record every rule carries."""

from __future__ import annotations

import importlib.util
import inspect
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

from initlint.diagnostics import Applicability, FixPlan, Severity, Violation
from initlint.model import ActFamily, FileModels, Layer, Model
from initlint.prefilter import Token


def _lazy(name: str) -> ModuleType:
    """``name`` imported on first attribute access (importlib's LazyLoader)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# The fix builders need libcst. Rules are imported by every run, for their codes and names,
# and a run the cache answers whole parses nothing: libcst loads when a rule first builds a fix.
if TYPE_CHECKING:
    from initlint import fixes as fixes
else:
    fixes = _lazy("initlint.fixes")


@dataclass(frozen=True, slots=True)
class Example:
    """A whole program; ``fixed`` is what the rule's fixes turn an invalid one into."""

    code: str
    fixed: str | None = None


def one_fix_serves_all(layer: Layer) -> bool:
    """Every other tensor the same init call fills feeds the activation ``layer`` feeds, or
    is a linear output (content with any): a gain right for one activation can be wrong for
    another of the same family (ReLU and a steep leaky ReLU)."""
    if any(act.family is ActFamily.UNKNOWN for act in layer.shared):
        return False  # it also fills a tensor we do not pair (a bias, an embedding)
    return all(
        act.family is ActFamily.LINEAR or (act.name, act.slope) == (layer.act.name, layer.act.slope)
        for act in layer.shared
    )


class Rule:
    """A rule reads Models and yields Violations. It never sees the CST.

    Subclasses declare their metadata as class variables, a docstring in ruff's sections
    (What it does / Why is this bad? / Example / Use instead / Fix safety / References), and
    ``valid``/``invalid`` examples from which the tests and the docs are generated.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    fix_applicability: ClassVar[Applicability | None] = None  # None: the rule never fixes
    sometimes_unsafe: ClassVar[bool] = False  # some fixes are unsafe (`FixPlan.applicability`)
    opt_in: ClassVar[bool] = False  # not in the default selection
    # Other rules selected when the examples run: KIN900 judges only selected rules' codes.
    example_select: ClassVar[tuple[str, ...]] = ()
    valid: ClassVar[tuple[Example, ...]] = ()
    invalid: ClassVar[tuple[Example, ...]] = ()
    # What a file must spell for this rule to fire (initlint/prefilter.py): a file that names
    # none of the selected rules' tokens is never parsed. None: every framework file.
    tokens: ClassVar[tuple[Token, ...] | None] = None

    def __init__(self, options: Mapping[str, float] | None = None) -> None:
        self.options: Mapping[str, float] = options or {}

    def option(self, name: str, default: float) -> float:
        """A numeric setting from ``[tool.initlint]`` (``scale-tolerance`` → ``scale_tolerance``),
        or the rule's default."""
        return self.options.get(name, default)

    def check_file(self, file: FileModels) -> Iterator[Violation]:
        """What the engine calls once per file: by default, ``check`` on each model. A rule
        about something other than a layer's pairing (every ``nn.init`` call, whatever tensor
        it fills) overrides this instead."""
        for model in file.models:
            yield from self.check(model)

    def check(self, model: Model) -> Iterator[Violation]:
        raise NotImplementedError

    def report(
        self, node: Any, message: str, fix: FixPlan | None = None, layer: Layer | None = None
    ) -> Violation:
        """A finding at ``node`` about ``layer``. An init call that fills several layers (a
        loop over ``modules()``, an ``apply`` hook) gets one rewrite for all of them, so the
        fix is offered only when every layer it covers wants the same initializer."""
        if fix is not None and layer is not None and not one_fix_serves_all(layer):
            fix = None
        subject = layer.display if layer is not None else ""
        return Violation(self.code, message, node, fix if self.fix_applicability else None, subject)

    @classmethod
    def doc(cls) -> str:
        """The docstring, dedented."""
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def doc_section(cls, title: str) -> str | None:
        """The body of one ``## Title`` section of the docstring."""
        match = re.search(
            rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", cls.doc(), re.MULTILINE | re.DOTALL
        )
        return match.group(1).strip() if match else None

    @classmethod
    def doc_examples(cls) -> tuple[str, str]:
        """The code of the docstring's Example and Use-instead blocks."""
        section = cls.doc_section("Example") or ""
        blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
        if len(blocks) != 2:
            raise ValueError(f"{cls.code}: the Example section needs two python blocks")
        return blocks[0], blocks[1]
