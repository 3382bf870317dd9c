"""Resolve names to framework-qualified names by reading the module's own imports.

This replaces libcst's ``QualifiedNameProvider`` (which costs several parses per file): imports
are few, and only candidate calls are ever resolved.
"""

from __future__ import annotations

from collections.abc import Mapping
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
        if node.relative or node.module is None:
            return  # relative imports are the project's own code
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
        return Imports(dict(self.aliases), sources, list(self.star_modules), self.star_exports)

    def add_alias(self, node: cst.Assign) -> None:
        """``keras = tf.keras``, ``init = nn.init``: a module-level name for a framework path."""
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        if not isinstance(node.value, (cst.Name, cst.Attribute)):
            return
        qualified = self.qualify(node.value)
        if qualified is not None and qualified.split(".")[0] in ("keras", "torch", "tensorflow"):
            self.aliases[node.targets[0].target.value] = qualified

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
    """Imports at module level, including those inside ``try``/``if`` blocks."""
    imports = Imports(star_exports=star_exports)
    _collect(module.body, imports)
    return imports


def _collect(body: object, imports: Imports) -> None:
    if not isinstance(body, (list, tuple)):
        return
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    imports.add(small)
                elif isinstance(small, cst.Assign):
                    imports.add_alias(small)
        elif isinstance(statement, cst.Try):
            _collect(statement.body.body, imports)
            for handler in statement.handlers:
                _collect(handler.body.body, imports)
            if statement.orelse is not None:
                _collect(statement.orelse.body.body, imports)
        elif isinstance(statement, cst.If):
            _collect(statement.body.body, imports)
            orelse = statement.orelse
            while orelse is not None:
                _collect(orelse.body.body, imports)
                orelse = orelse.orelse if isinstance(orelse, cst.If) else None
