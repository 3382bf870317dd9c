"""Resolve names to framework-qualified names by reading the module's own imports.

This replaces libcst's ``QualifiedNameProvider`` (which costs several parses per file): imports
are few, and only candidate calls are ever resolved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst

# Roots that are all "Keras" to us (frameworks.md §1.1), longest first.
_KERAS_ROOTS = (
    ("tensorflow.compat.v1.keras", "keras"),
    ("tensorflow.compat.v2.keras", "keras"),
    ("tensorflow.python.keras", "keras"),
    ("tensorflow.keras", "keras"),
    ("tensorflow.initializers", "keras.initializers"),
    ("tf_keras", "keras"),
    ("keras.src", "keras"),
)


def canonical(qualified: str) -> str:
    """Map every Keras import root onto ``keras``: tf.keras and Keras 2 read the same way."""
    for prefix, replacement in _KERAS_ROOTS:
        if qualified == prefix or qualified.startswith(prefix + "."):
            return replacement + qualified[len(prefix) :]
    return qualified


def dotted(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` as text for Name/Attribute chains, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def module_of(node: cst.ImportFrom) -> str | None:
    """The canonical module an absolute ``from X import ...`` reads from."""
    if node.relative or node.module is None:
        return None
    return canonical(_module_name(node.module))


def _module_name(node: cst.Attribute | cst.Name) -> str:
    name = dotted(node)
    assert name is not None  # import targets are always dotted names
    return name


@dataclass
class Imports:
    """The names a module binds through imports, and where each came from."""

    aliases: dict[str, str] = field(default_factory=dict)  # local name -> qualified name
    # local name -> every `from ... import` binding it (several under try/except or if/else)
    sources: dict[str, list[cst.ImportFrom]] = field(default_factory=dict)
    star_modules: list[str] = field(default_factory=list)
    # what `from <module> import *` brings in, per framework module (the recognisers' tables)
    star_exports: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # names the module binds by other means than framework imports (defs, assignments, ...)
    module_bound: set[str] = field(default_factory=set)

    def add(self, node: cst.Import | cst.ImportFrom) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                module = _module_name(alias.name)
                if alias.asname is not None:
                    local = alias.asname.name
                    if isinstance(local, cst.Name):
                        self.aliases[local.value] = module
                else:
                    root = module.split(".")[0]
                    self.aliases[root] = root
            return
        if node.relative or node.module is None:  # the project's own code: hides any import
            if not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    bound = alias.asname.name if alias.asname is not None else alias.name
                    if isinstance(bound, cst.Name):
                        self.aliases.pop(bound.value, None)
                        self.sources.pop(bound.value, None)
            return
        module = _module_name(node.module)
        if isinstance(node.names, cst.ImportStar):
            self.star_modules.append(module)
            return
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            local_node = alias.asname.name if alias.asname is not None else alias.name
            if isinstance(local_node, cst.Name):
                self.aliases[local_node.value] = f"{module}.{alias.name.value}"
                self.sources.setdefault(local_node.value, []).append(node)

    def copy(self) -> Imports:
        sources = {name: list(nodes) for name, nodes in self.sources.items()}
        return Imports(
            dict(self.aliases),
            sources,
            list(self.star_modules),
            self.star_exports,
            self.module_bound,
        )

    def add_alias(self, node: cst.Assign) -> bool:
        """``keras = tf.keras``, ``init = nn.init``: a new name for a framework path."""
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return False
        if not isinstance(node.value, (cst.Name, cst.Attribute)):
            return False
        qualified = self.qualify(node.value)
        if qualified is None or qualified.split(".")[0] not in ("keras", "torch", "tensorflow"):
            return False
        if qualified.rsplit(".", 1)[-1] in ("weight", "bias", "data"):
            return False  # `w = fc.weight` with fc a module name is not a path
        self.aliases[node.targets[0].target.value] = qualified
        return True

    def qualify(self, node: cst.BaseExpression) -> str | None:
        """The canonical qualified name of a Name/Attribute expression, if imported."""
        text = dotted(node)
        if text is None:
            return None
        head, _, rest = text.partition(".")
        base = self.aliases.get(head) or self._from_star(head)
        if base is None:
            return None
        return canonical(f"{base}.{rest}" if rest else base)

    def _from_star(self, name: str) -> str | None:
        """``Dense`` after ``from keras.layers import *``: the last star import exporting it."""
        for module in reversed(self.star_modules):
            if name in self.star_exports.get(canonical(module), ()):
                return f"{canonical(module)}.{name}"
        return None

    def star_provides(self, module: str, name: str) -> bool:
        """Does a star import in this file already bring ``module.name`` in?"""
        return any(
            canonical(star) == module and name in self.star_exports.get(module, ())
            for star in self.star_modules
        )

    def local_for(self, qualified: str) -> str | None:
        """A local spelling that resolves to ``qualified``, shortest first, if any exists."""
        best: str | None = None
        for local, target in self.aliases.items():
            target = canonical(target)
            if qualified == target:
                candidate = local
            elif qualified.startswith(target + "."):
                candidate = local + qualified[len(target) :]
            else:
                continue
            if best is None or len(candidate) < len(best):
                best = candidate
        return best


def collect_top_level_imports(
    module: cst.Module, star_exports: Mapping[str, frozenset[str]]
) -> Imports:
    """Imports at module level (inside ``try``/``if`` blocks too, not ``if TYPE_CHECKING:``),
    as functions see them when they run: a name the module also binds otherwise (``init =
    ...``, ``def init``, ``from .helpers import init``) is not the import's any more."""
    imports = Imports(star_exports=star_exports)
    _collect(module.body, imports)
    for name in imports.module_bound:
        imports.aliases.pop(name, None)
    return imports


def _collect(body: Sequence[cst.CSTNode], imports: Imports) -> None:
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    imports.add(small)
                elif not (isinstance(small, cst.Assign) and imports.add_alias(small)):
                    _small_bound(small, imports.module_bound, set())
        elif isinstance(statement, cst.If) and is_type_checking(statement.test):
            if statement.orelse is not None:
                _collect(_block_body(statement.orelse), imports)
        else:
            _header_bound(statement, imports.module_bound)
            for block in _blocks(statement):
                _collect(block, imports)


def is_type_checking(test: cst.BaseExpression) -> bool:
    """``if TYPE_CHECKING:`` / ``if typing.TYPE_CHECKING:``: imports that never run."""
    text = dotted(test)
    return text is not None and text.split(".")[-1] == "TYPE_CHECKING"


def local_names(body: Sequence[cst.CSTNode]) -> set[str]:
    """Names a function body binds, so they are local everywhere in it (Python's rule),
    minus those declared ``global``/``nonlocal``. Statements only: defs, classes, lambdas
    and comprehensions keep their own names."""
    bound: set[str] = set()
    declared: set[str] = set()
    _scan(body, bound, declared)
    return bound - declared


def _scan(body: Sequence[cst.CSTNode], bound: set[str], declared: set[str]) -> None:
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                _small_bound(small, bound, declared)
        else:
            _header_bound(statement, bound)
            for block in _blocks(statement):
                _scan(block, bound, declared)


def _small_bound(small: cst.BaseSmallStatement, bound: set[str], declared: set[str]) -> None:
    if isinstance(small, cst.Assign):
        for target in small.targets:
            _target_names(target.target, bound)
    elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
        _target_names(small.target, bound)
    elif isinstance(small, (cst.Import, cst.ImportFrom)):
        if isinstance(small, cst.ImportFrom) and isinstance(small.names, cst.ImportStar):
            return
        for alias in small.names:  # type: ignore[union-attr]
            name = alias.asname.name if alias.asname is not None else alias.name
            text = dotted(name) if isinstance(name, (cst.Name, cst.Attribute)) else None
            if text:
                bound.add(text.split(".")[0])
    elif isinstance(small, (cst.Global, cst.Nonlocal)):
        declared.update(item.name.value for item in small.names)


def _header_bound(statement: cst.CSTNode, bound: set[str]) -> None:
    """Names bound by a compound statement itself: a def's name, a for target, ``as`` names."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        bound.add(statement.name.value)
    elif isinstance(statement, cst.For):
        _target_names(statement.target, bound)
    elif isinstance(statement, cst.With):
        for item in statement.items:
            if item.asname is not None:
                _target_names(item.asname.name, bound)
    elif isinstance(statement, (cst.Try, cst.TryStar)):
        for handler in statement.handlers:
            if handler.name is not None:
                _target_names(handler.name.name, bound)


def _block_body(node: cst.CSTNode) -> Sequence[cst.CSTNode]:
    body = getattr(node, "body", None)
    if isinstance(body, cst.IndentedBlock):
        return body.body
    if isinstance(body, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=body.body)]
    return []


def _blocks(statement: cst.CSTNode) -> list[Sequence[cst.CSTNode]]:
    """The statement lists directly inside a compound statement (not inside defs)."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return []
    blocks = [_block_body(statement)]
    for handler in getattr(statement, "handlers", ()):
        blocks.append(_block_body(handler))
    for name in ("orelse", "finalbody"):
        extra = getattr(statement, name, None)
        while extra is not None:
            blocks.append(_block_body(extra))
            extra = extra.orelse if isinstance(extra, cst.If) else None
    for case in getattr(statement, "cases", ()):
        blocks.append(_block_body(case))
    return blocks


def _target_names(target: cst.CSTNode, found: set[str]) -> None:
    if isinstance(target, cst.Name):
        found.add(target.value)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            _target_names(element.value, found)
    elif isinstance(target, cst.StarredElement):
        _target_names(target.value, found)
