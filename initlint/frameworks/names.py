"""Resolve names to framework-qualified names by reading the module's own imports.

This replaces libcst's ``QualifiedNameProvider`` (which costs several parses per file): imports
are few, and only candidate calls are ever resolved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst

from initlint.frameworks.common import children

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
    # names a fix may write anywhere: imported unconditionally, before any code runs
    fixable: set[str] = field(default_factory=set)

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
            self.fixable,
        )

    def merged(self, others: Sequence[Imports]) -> Imports:
        """The names bound to the same thing on every path (``try: from tensorflow.keras
        import X`` / ``except ImportError: from keras import X`` binds X either way)."""
        result = self.copy()
        for name, target in self.aliases.items():
            if any(canonical(o.aliases.get(name, "")) != canonical(target) for o in others):
                del result.aliases[name]
                result.sources.pop(name, None)
            else:
                sources = [s for o in others for s in o.sources.get(name, [])]
                if sources:
                    result.sources[name] = list(dict.fromkeys(sources))
        return result

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
        # kept as imported (`tensorflow.keras`), so `origin` still tells the roots apart
        self.aliases[node.targets[0].target.value] = self.origin(node.value) or qualified
        return True

    def qualify(self, node: cst.BaseExpression) -> str | None:
        """The canonical qualified name of a Name/Attribute expression, if imported."""
        found = self.origin(node)
        return None if found is None else canonical(found)

    def origin(self, node: cst.BaseExpression) -> str | None:
        """The qualified name as imported, before the Keras roots are merged: whether code
        reaches Keras through ``keras`` or ``tensorflow.keras`` (KIN003's fix depends on it)."""
        text = dotted(node)
        if text is None:
            return None
        head, _, rest = text.partition(".")
        base = self.aliases.get(head) or self._from_star(head)
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    def _from_star(self, name: str) -> str | None:
        """``Dense`` after ``from keras.layers import *``: the last star import exporting it."""
        for module in reversed(self.star_modules):
            if name in self.star_exports.get(canonical(module), ()):
                return f"{module}.{name}"
        return None

    def star_provides(self, module: str, name: str) -> bool:
        """Does a star import in this file already bring ``module.name`` in?"""
        return any(
            canonical(star) == module and name in self.star_exports.get(module, ())
            for star in self.star_modules
        )

    def local_for(
        self, qualified: str, usable: Callable[[str], bool] = lambda name: True
    ) -> str | None:
        """A local spelling that resolves to ``qualified``, shortest first, if any exists;
        ``usable`` says which local names a fix may write."""
        best: str | None = None
        for local, target in self.aliases.items():
            if not usable(local):
                continue
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
    _collect(module.body, imports, _Header())
    for name in imports.module_bound:
        imports.aliases.pop(name, None)
        imports.fixable.discard(name)
    return imports


@dataclass
class _Header:
    """Where we are among the top-level statements, for which imports a fix may rely on."""

    code_seen: bool = False  # a statement that runs code came first: later imports may not
    conditional: bool = False  # inside `if` or an unmatched `try`


def _collect(body: Sequence[cst.CSTNode], imports: Imports, header: _Header) -> None:
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    imports.add(small)
                    if not header.code_seen and not header.conditional:
                        imports.fixable.update(_imported_names(small))
                elif isinstance(small, cst.Assign) and imports.add_alias(small):
                    continue
                else:
                    _small_bound(small, imports.module_bound, set())
                    if not _is_declaration(small):
                        header.code_seen = True
        elif isinstance(statement, cst.If):
            _collect_if(statement, imports, header)
        elif isinstance(statement, (cst.Try, cst.TryStar)):
            _collect_try(statement, imports, header)
        else:
            _header_bound(statement, imports.module_bound)
            if not isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                header.code_seen = True
                for block in _blocks(statement):
                    _collect(block, imports, header)


def _collect_if(statement: cst.If, imports: Imports, header: _Header) -> None:
    if not is_type_checking(statement.test):  # a TYPE_CHECKING block never runs
        inner = _Header(header.code_seen, conditional=True)
        _collect(_block_body(statement), imports, inner)
        header.code_seen = inner.code_seen
    if isinstance(statement.orelse, cst.If):
        _collect_if(statement.orelse, imports, header)
    elif statement.orelse is not None:
        inner = _Header(header.code_seen, conditional=True)
        _collect(_block_body(statement.orelse), imports, inner)
        header.code_seen = inner.code_seen


def _collect_try(statement: cst.Try | cst.TryStar, imports: Imports, header: _Header) -> None:
    """``try: import X`` / ``except ImportError: import X as ...`` (or ``X = None``): the
    name is bound either way, and the fallback is not a rebinding that hides the import."""
    tried = Imports(star_exports=imports.star_exports)
    inner = _Header(header.code_seen, conditional=True)
    _collect(_block_body(statement), tried, inner)
    handled = Imports(star_exports=imports.star_exports)
    for handler in statement.handlers:
        _collect(_block_body(handler), handled, _Header(inner.code_seen, conditional=True))
    for block in (statement.orelse, statement.finalbody):
        if block is not None:
            _collect(_block_body(block), imports, inner)
    for source in (tried, handled):
        imports.aliases.update(source.aliases)
        for name, nodes in source.sources.items():
            imports.sources.setdefault(name, []).extend(nodes)
        imports.star_modules.extend(source.star_modules)
        imports.module_bound.update(source.module_bound - set(tried.aliases))
    both = {
        name
        for name in tried.aliases
        if name in handled.aliases
        and canonical(handled.aliases[name]) == canonical(tried.aliases[name])
    }
    if not header.code_seen and not header.conditional:
        imports.fixable.update(both)  # bound by an import whichever arm runs
    header.code_seen = inner.code_seen


def _imported_names(node: cst.Import | cst.ImportFrom) -> set[str]:
    found: set[str] = set()
    _small_bound(node, found, set())
    return found


def _is_declaration(small: cst.BaseSmallStatement) -> bool:
    """Statements that run no code of the module's: docstrings, literal constants,
    ``__all__``, pass."""
    if isinstance(small, cst.Pass):
        return True
    if isinstance(small, cst.Expr):
        return isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))
    if isinstance(small, (cst.Assign, cst.AnnAssign)):
        value = small.value
        if value is None:
            return True
        return isinstance(value, _LITERALS) and not _has_call(value)
    return False


_LITERALS = (
    cst.SimpleString,
    cst.ConcatenatedString,
    cst.Integer,
    cst.Float,
    cst.Name,
    cst.List,
    cst.Tuple,
    cst.Dict,
)


def _has_call(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Call) or any(_has_call(child) for child in children(node))


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
    elif isinstance(small, cst.Del):
        _target_names(small.target, bound)
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


def rebound_names(module: cst.Module) -> set[str]:
    """Every name the module binds anywhere other than by one framework import: locals,
    parameters, loop and ``with`` targets, walrus, match captures, ``del``, ``global``, defs,
    and names imported from two different places."""
    visitor = _Rebinds()
    module.visit(visitor)
    ambiguous = {name for name, targets in visitor.imported.items() if len(targets) > 1}
    return visitor.bound | ambiguous


class _Rebinds(cst.CSTVisitor):
    def __init__(self) -> None:
        self.bound: set[str] = set()
        self.imported: dict[str, set[str]] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            _target_names(target.target, self.bound)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        _target_names(node.target, self.bound)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        _target_names(node.target, self.bound)

    def visit_For(self, node: cst.For) -> None:
        _target_names(node.target, self.bound)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        _target_names(node.target, self.bound)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            _target_names(node.asname.name, self.bound)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            _target_names(node.name.name, self.bound)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        _target_names(node.target, self.bound)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self.bound.add(node.name.value)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self.bound.add(node.name.value)

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        if node.rest is not None:
            self.bound.add(node.rest.value)

    def visit_Del(self, node: cst.Del) -> None:
        _target_names(node.target, self.bound)

    def visit_Global(self, node: cst.Global) -> None:
        self.bound.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.bound.update(item.name.value for item in node.names)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.bound.add(node.name.value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.bound.add(node.name.value)

    def visit_Param(self, node: cst.Param) -> None:
        self.bound.add(node.name.value)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            module = dotted(alias.name) or ""
            local = alias.asname.name if alias.asname is not None else None
            name = local.value if isinstance(local, cst.Name) else module.split(".")[0]
            target = canonical(module) if isinstance(local, cst.Name) else module.split(".")[0]
            self.imported.setdefault(name, set()).add(target)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        base = "." * len(node.relative) + (dotted(node.module) or "" if node.module else "")
        for alias in node.names:
            local = alias.asname.name if alias.asname is not None else alias.name
            if isinstance(local, cst.Name) and isinstance(alias.name, cst.Name):
                target = canonical(f"{base}.{alias.name.value}")
                self.imported.setdefault(local.value, set()).add(target)
