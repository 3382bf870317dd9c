"""One walk per file: build layer objects and follow data from layer to activation.

Keras and PyTorch model code have the same shape once names are resolved: layer objects are
created (``nn.Linear(...)``, ``layers.Dense(...)``), stored (``self.fc``, a local, a Sequential),
and applied to values (``self.fc(x)``, ``Dense(10)(x)``), with activations applied to the
results. The walker evaluates statements in the order Python runs them and tracks, for every
value, which weight layer produced it and whether an activation has been applied since:

- class methods run in call order: ``__init__`` first, a helper where it is called from (with
  the caller's values bound to its parameters and its return value handed back), ``forward``
  or ``call`` last;
- alternatives (``if``/``else``, loops that may not run, ``try``/``except``, ``match``) run
  from the same state and are merged: a name, attribute, kernel initializer or Sequential
  that differs between paths is unknown afterwards;
- names are resolved through imports visible where the code runs: module-level code sees the
  imports above it, functions see the module's, minus names shadowed locally.

Anything it cannot follow (a residual sum, an unknown call, a config lookup) makes the
pairing "unknown": never a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from initlint import semantics
from initlint.frameworks import keras, torch
from initlint.frameworks.common import Recognized, What, argument, literal_int, literal_number
from initlint.frameworks.names import Imports, dotted, is_type_checking, local_names
from initlint.model import (
    LINEAR_ACT,
    UNKNOWN_ACT,
    Act,
    ActFamily,
    Framework,
    Init,
    InitCall,
    InitFamily,
    LayerKind,
    Spelling,
)


@dataclass(eq=False)
class LayerObj:
    """A layer constructor call, with what we learn about it while walking."""

    type: str
    kind: LayerKind
    framework: Framework
    node: cst.Call
    owner: str
    order: int
    label: str = ""
    init: Init | None = None
    inline_act: Act | None = None  # keras activation=..., or what an activation layer applies
    acts: list[Act] = field(default_factory=list)
    feeds_weight: bool = False
    chain_end: bool = False
    fan_in: int | None = None
    fan_out: int | None = None
    units: int | None = None
    trainable: bool = True


@dataclass(eq=False)
class SeqObj:
    """A Sequential container: its items are applied in order."""

    framework: Framework
    node: cst.Call
    items: list[LayerObj | SeqObj]
    label: str = ""
    used: bool = False
    nested: bool = False


@dataclass(frozen=True, slots=True)
class Flow:
    """A tensor: the weight layer that produced it, and whether it has been activated since."""

    layer: LayerObj | None
    activated: bool = False
    width: int | None = None  # features per example, while a Dense/Linear output is unchanged


@dataclass(frozen=True, eq=False)
class Literal:
    """An initializer or activation held in a variable: ``init = HeNormal()``, ``ACT =
    "relu"``, ``self.act = keras.activations.relu``. Compared by identity."""

    node: cst.BaseExpression


Value = LayerObj | SeqObj | Flow | Literal | None
_PARAM_FLOW = Flow(None)


@dataclass
class Scope:
    """A function, class or module body: its names, and the imports visible in it."""

    name: str
    imports: Imports
    context: object  # what fixes of inits read here need (FileContext), per visible imports
    env: dict[str, Value] = field(default_factory=dict)
    attrs: dict[str, Value] | None = None  # the class's self.<attr> table, inside a method
    self_name: str | None = None

    cls: ClassState | None = None  # inside a method: the class's methods, for inlining
    returns: list[Value] | None = None  # inside a method run for its value: what it returns
    terminated: bool = False  # this path has returned or raised: what follows is dead
    fallbacks: set[str] = field(default_factory=set)  # names an except clause may rebind
    exits: list[State] = field(default_factory=list)  # states at each earlier return

    # what defs and classes written in this scope see when they run (module: every import)
    inner: tuple[Imports, object] | None = None

    def child(self, name: str, attrs: dict[str, Value] | None = None) -> Scope:
        imports, context = self.inner or (self.imports, self.context)
        return Scope(name, imports, context, attrs=attrs)


@dataclass
class ClassState:
    """A class being walked: its ``self.<attr>`` table and its methods."""

    name: str
    attrs: dict[str, Value]
    methods: dict[str, cst.FunctionDef]
    parent: Scope
    walked: set[str] = field(default_factory=set)
    stack: list[str] = field(default_factory=list)  # methods being walked, innermost last


@dataclass
class State:
    """Everything a path through the code can change that we track."""

    env: dict[str, Value]
    attrs: dict[str, Value] | None
    imports: Imports
    context: object
    inits: dict[LayerObj, Init | None]
    contents: dict[SeqObj, list[LayerObj | SeqObj]]


_INLINE_BUDGET = 400  # method bodies run for their callers, per file: bounds the total work


class Walker:
    """Evaluates a module's statements once, in order, collecting layers and their pairings."""

    def __init__(self, imports: Imports, make_context: Callable[[Imports], object]) -> None:
        self.module_imports = imports
        self.make_context = make_context
        self.layers: list[LayerObj] = []
        self.sequentials: list[SeqObj] = []
        self.init_calls: list[InitCall] = []  # every nn.init call, whatever it fills
        self._owners: dict[str, int] = {}
        self._inline_budget = _INLINE_BUDGET
        # (method, caller values) -> its value, for calls that made no layers
        self._inlined: dict[tuple[object, ...], Value] = {}

    def _unique(self, name: str) -> str:
        """A model name per definition: a second ``class Block`` is ``Block (2)``."""
        count = self._owners.get(name, 0) + 1
        self._owners[name] = count
        return name if count == 1 else f"{name} ({count})"

    # ---------------------------------------------------------------- statements

    def run(self, module: cst.Module) -> None:
        # Module-level code sees the imports above it, as it runs; functions and classes run
        # later and see them all (the table collected up front).
        seen_so_far = Imports(
            star_exports=self.module_imports.star_exports,
            module_bound=self.module_imports.module_bound,
        )
        scope = Scope("<module>", seen_so_far, self.make_context(seen_so_far))
        scope.inner = (self.module_imports, self.make_context(self.module_imports))
        self._body(module.body, scope)
        for seq in self.sequentials:  # Sequentials never applied in a forward: a chain alone
            if not seq.used and not seq.nested:
                self._finish(self._apply(seq, _PARAM_FLOW))

    def _body(self, statements: object, scope: Scope) -> None:
        if not isinstance(statements, (list, tuple)):
            return
        for statement in statements:
            if scope.terminated:  # after a return or raise: dead code
                return
            self._statement(statement, scope)

    def _statement(self, statement: cst.CSTNode, scope: Scope) -> None:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                self._small(small, scope)
        elif isinstance(statement, cst.FunctionDef):
            owner = self._unique(statement.name.value)
            self._function(statement, scope.child(owner), method=False)
        elif isinstance(statement, cst.ClassDef):
            self._class(statement, scope)
        elif isinstance(statement, cst.If) and is_type_checking(statement.test):
            if statement.orelse is not None:  # the TYPE_CHECKING block itself never runs
                self._statement(statement.orelse, scope)
        elif isinstance(statement, cst.If):
            self._walk_expr(statement.test, scope)
            orelse = statement.orelse
            self._branches(
                scope,
                [
                    lambda: self._block(statement.body, scope),
                    (lambda: self._statement(orelse, scope)) if orelse is not None else None,
                ],
            )
        elif isinstance(statement, cst.Else):
            self._block(statement.body, scope)
        elif isinstance(statement, (cst.For, cst.While)):
            if isinstance(statement, cst.For):
                self._walk_expr(statement.iter, scope)
                target = statement.target

                def body() -> None:
                    self._bind(target, None, scope)  # the loop variable: one item, unknown
                    self._block(statement.body, scope)

            else:
                self._walk_expr(statement.test, scope)

                def body() -> None:
                    self._block(statement.body, scope)

            self._branches(scope, [body, None])
            if statement.orelse is not None:
                self._block(statement.orelse.body, scope)
        elif isinstance(statement, cst.With):
            for item in statement.items:
                self._walk_expr(item.item, scope)
                if item.asname is not None:
                    self._bind(item.asname.name, None, scope)
            self._block(statement.body, scope)
        elif isinstance(statement, cst.Match):
            self._walk_expr(statement.subject, scope)
            cases = [(lambda case=case: self._case(case, scope)) for case in statement.cases]
            self._branches(scope, [*cases, None])
        elif isinstance(statement, cst.Try):
            self._try(statement, scope)
        else:  # match, async variants: still find every layer call inside
            self._walk_node(statement, scope)

    def _try(self, statement: cst.Try, scope: Scope) -> None:
        imported: dict[str, str] = {}

        def body() -> None:
            before = scope.imports
            self._block(statement.body, scope)
            imported.update(
                (name, target)
                for name, target in scope.imports.aliases.items()
                if before.aliases.get(name) != target
            )
            if statement.orelse is not None:
                self._block(statement.orelse.body, scope)

        def handle(handler: cst.ExceptHandler) -> None:
            if handler.name is not None:
                self._bind(handler.name.name, None, scope)
            # `except ImportError: nn = None`: a fallback for when the framework is absent,
            # not a new meaning for code that uses it
            scope.fallbacks = set(imported)
            try:
                self._block(handler.body, scope)
            finally:
                scope.fallbacks = set()
            assigned = [name for name in imported if name in scope.env]
            if assigned:  # the fallback stands in for the import: keep reading the framework
                own = self._own_imports(scope)
                for name in assigned:
                    own.aliases[name] = imported[name]
                    del scope.env[name]
                scope.context = self.make_context(scope.imports)

        handlers = [(lambda handler=handler: handle(handler)) for handler in statement.handlers]
        self._branches(scope, [body, *handlers])
        if statement.finalbody is not None:
            self._block(statement.finalbody.body, scope)

    def _case(self, case: cst.MatchCase, scope: Scope) -> None:
        for node in _pattern_names(case.pattern):
            self._bind(node, None, scope)
        if case.guard is not None:
            self._walk_expr(case.guard, scope)
        self._block(case.body, scope)

    def _branches(self, scope: Scope, branches: list[Callable[[], None] | None]) -> None:
        """Run alternative blocks from the same state and merge what they leave behind.

        A name, attribute, import, kernel initializer or Sequential that differs between the
        paths is unknown after the merge, and a layer whose output is activated on one path
        only pairs with "unknown": which branch runs is a runtime fact we never guess. A path
        that returns or raises leaves the function; its state joins the function's exit.
        """
        base = self._capture(scope)
        live: list[State] = []
        for branch in branches:
            self._apply_state(scope, base)
            scope.terminated = False
            if branch is not None:
                branch()
            if scope.terminated:
                scope.exits.append(self._capture(scope))
            else:
                live.append(self._capture(scope))
        if live:
            self._apply_state(scope, self._merge_states(live))
            scope.terminated = False
        else:
            self._apply_state(scope, base)
            scope.terminated = True

    def _capture(self, scope: Scope) -> State:
        return State(
            dict(scope.env),
            None if scope.attrs is None else dict(scope.attrs),
            scope.imports,
            scope.context,
            {layer: layer.init for layer in self.layers},
            {seq: list(seq.items) for seq in self.sequentials},
        )

    def _apply_state(self, scope: Scope, state: State) -> None:
        scope.env = dict(state.env)
        if scope.attrs is not None and state.attrs is not None:
            scope.attrs.clear()  # the dict is shared by the class's methods: update in place
            scope.attrs.update(state.attrs)
        scope.imports, scope.context = state.imports, state.context
        for layer, init in state.inits.items():
            layer.init = init
        for seq, items in state.contents.items():
            seq.items = list(items)

    def _merge_states(self, states: list[State]) -> State:
        first = states[0]
        imports = first.imports
        if any(state.imports is not imports for state in states):
            imports = imports.merged([state.imports for state in states])
        inits: dict[LayerObj, Init | None] = {}
        for layer in {layer for state in states for layer in state.inits}:
            chosen = [state.inits[layer] for state in states if layer in state.inits]
            same = all(init is chosen[0] for init in chosen)
            inits[layer] = chosen[0] if same else _modified(layer)
        contents: dict[SeqObj, list[LayerObj | SeqObj]] = {}
        for seq in {seq for state in states for seq in state.contents}:
            versions = [state.contents[seq] for state in states if seq in state.contents]
            if all(_same_items(version, versions[0]) for version in versions):
                contents[seq] = versions[0]
            else:
                contents[seq] = [_opaque_item(seq.framework)]
        attrs = None
        if first.attrs is not None:
            attrs = self._merge([state.attrs for state in states if state.attrs is not None])
        return State(
            self._merge([state.env for state in states]),
            attrs,
            imports,
            first.context if imports is first.imports else self.make_context(imports),
            inits,
            contents,
        )

    def _merge(self, tables: list[dict[str, Value]]) -> dict[str, Value]:
        merged: dict[str, Value] = {}
        for key in {key for table in tables for key in table}:
            values = [table.get(key) for table in tables]
            first = values[0]
            if all(value is first or value == first for value in values):
                merged[key] = first
                continue
            for value in values:
                self._consume(value)
            merged[key] = None
        return merged

    def _block(self, block: cst.BaseSuite, scope: Scope) -> None:
        if isinstance(block, cst.IndentedBlock):
            self._body(block.body, scope)
        elif isinstance(block, cst.SimpleStatementSuite):
            for small in block.body:
                self._small(small, scope)

    def _small(self, small: cst.BaseSmallStatement, scope: Scope) -> None:
        if isinstance(small, cst.Assign):
            if self._alias(small, scope):
                return
            pairs = _unpacked(small)
            if pairs is not None:  # `self.a, self.b = nn.Linear(...), nn.Linear(...)`
                values = [self._eval(value, scope) for _, value in pairs]
                for (destination, _), value in zip(pairs, values, strict=True):
                    self._bind(destination, value, scope)
                return
            value = self._eval(small.value, scope)
            for target in small.targets:
                self._bind(target.target, value, scope)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self._bind(small.target, self._eval(small.value, scope), scope)
        elif isinstance(small, cst.AugAssign):
            self._consume(self._eval(small.value, scope))
            self._consume(self._eval(small.target, scope))
            self._bind(small.target, None, scope)
        elif isinstance(small, cst.Expr):
            self._consume(self._eval(small.value, scope))
        elif isinstance(small, cst.Return):
            if small.value is not None:
                self._return(small.value, scope)
            scope.terminated = True
        elif isinstance(small, cst.Raise):
            self._walk_node(small, scope)
            scope.terminated = True
        elif isinstance(small, cst.Del):
            self._delete(small.target, scope)
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            self._own_imports(scope).add(small)
            scope.context = self.make_context(scope.imports)
        else:
            self._walk_node(small, scope)

    def _delete(self, target: cst.BaseDelTargetExpression, scope: Scope) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._delete(element.value, scope)  # type: ignore[arg-type]
            return
        if isinstance(target, cst.Subscript):
            base = self._eval(target.value, scope)
            if isinstance(base, SeqObj):
                index = _subscript_index(target)
                if index is not None and -len(base.items) <= index < len(base.items):
                    del base.items[index]
                else:
                    self._break(base)
                return
        if isinstance(target, cst.Name):
            scope.env.pop(target.value, None)
        elif self._is_self_attr(target, scope):
            assert isinstance(target, cst.Attribute)
            assert scope.attrs is not None
            scope.attrs.pop(target.attr.value, None)

    def _own_imports(self, scope: Scope) -> Imports:
        """A fresh copy of the scope's imports to change: contexts already handed to inits
        keep the names that were visible where those inits were read."""
        scope.imports = scope.imports.copy()
        return scope.imports

    def _alias(self, node: cst.Assign, scope: Scope) -> bool:
        """``keras = tf.keras``: a new name for a framework path, not a value. The rules for
        what counts are ``Imports.add_alias``'s; nothing changes when it declines."""
        imports = scope.imports.copy()
        if not imports.add_alias(node):
            return False
        scope.imports = imports
        scope.context = self.make_context(scope.imports)
        for target in node.targets:  # the name now means the framework path, not a value
            if isinstance(target.target, cst.Name):
                scope.env.pop(target.target.value, None)
        return True

    def _shadow(self, name: str, scope: Scope) -> None:
        """A parameter or local named like an import hides the import in this scope."""
        if name in scope.fallbacks:
            return
        if name in scope.imports.aliases:
            del self._own_imports(scope).aliases[name]
            scope.context = self.make_context(scope.imports)

    def _return(self, value: cst.BaseExpression, scope: Scope) -> None:
        if scope.returns is not None:  # an inlined method hands its value back to the caller
            scope.returns.append(self._eval(value, scope))
            return
        if isinstance(value, (cst.Tuple, cst.List)):  # `return logits, features`: each is one
            for element in value.elements:
                self._return(element.value, scope)
            return
        if isinstance(value, cst.Dict):  # keras.Model(inputs, {"a": out_a, "b": out_b})
            for pair in value.elements:
                self._return(pair.value, scope)
            return
        result = self._eval(value, scope)
        if isinstance(result, Flow):
            self._finish(result)

    def _bind(self, target: cst.BaseExpression, value: Value, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            self._shadow(target.value, scope)
            scope.env[target.value] = value
            self._label(value, target.value, scope)
        elif self._is_self_attr(target, scope):
            assert isinstance(target, cst.Attribute)
            assert scope.attrs is not None
            scope.attrs[target.attr.value] = value
            self._label(value, target.attr.value, scope)
        elif isinstance(target, (cst.Tuple, cst.List)):
            self._consume(value)
            for element in target.elements:
                self._bind(element.value, None, scope)
        elif isinstance(target, cst.Subscript) and isinstance(
            base := self._eval(target.value, scope), SeqObj
        ):
            index = _subscript_index(target)
            if index is not None and -len(base.items) <= index < len(base.items):
                replacement = value if isinstance(value, (LayerObj, SeqObj)) else None
                if replacement is None:
                    self._consume(value)
                    self._break(base)
                else:
                    base.items[index] = replacement
            else:
                self._consume(value)
                self._break(base)
        else:
            self._consume(value)
            layer = self._init_target(target, scope)
            if layer is not None:  # `fc.weight = nn.Parameter(...)`, `fc.weight.data += noise`
                layer.init = _modified(layer)
            else:
                self._walk_expr(target, scope)

    def _label(self, value: Value, name: str, scope: Scope) -> None:
        if isinstance(value, LayerObj) and not value.label:
            value.label = name
        elif isinstance(value, SeqObj) and not value.label:
            value.label = name
            owner = scope.name if scope.attrs is not None else name
            for index, item in enumerate(value.items):
                self._label_item(item, f"{name}[{index}]", owner)

    def _label_item(self, item: LayerObj | SeqObj, label: str, owner: str) -> None:
        if isinstance(item, LayerObj):
            if item.framework is Framework.TORCH:  # `net[0]` is how torch code names it
                item.label = item.label or label
            item.owner = owner
        else:
            item.label = item.label or label
            for index, inner in enumerate(item.items):
                self._label_item(inner, f"{label}[{index}]", owner)

    def _function(
        self,
        node: cst.FunctionDef,
        scope: Scope,
        method: bool,
        args: list[Value] | None = None,
        keywords: dict[str, Value] | None = None,
    ) -> None:
        """Walk a function body. ``args``/``keywords``: the caller's values, when it runs for
        a caller; otherwise its parameters are unknown inputs."""
        if isinstance(node.body, cst.IndentedBlock):
            for name in local_names(node.body.body):  # local from the first line on
                self._shadow(name, scope)
        self._bind_params(node, scope, method, args, keywords)
        if args is None:
            for decorator in node.decorators:
                self._walk_expr(decorator.decorator, scope)
        self._block(node.body, scope)
        # The function's effects are those of every way out of it: merge the early returns.
        ends = scope.exits + ([] if scope.terminated else [self._capture(scope)])
        if len(ends) > 1:
            self._apply_state(scope, self._merge_states(ends))
        elif ends:
            self._apply_state(scope, ends[0])
        scope.exits, scope.terminated = [], False

    def _bind_params(
        self,
        node: cst.FunctionDef,
        scope: Scope,
        method: bool,
        args: list[Value] | None,
        keywords: dict[str, Value] | None,
    ) -> None:
        """Bind parameters as Python does: positionals in order, keyword-only by name, the
        rest into ``*args``/``**kwargs`` (whose contents we do not follow)."""
        params = node.params
        positional = [*params.posonly_params, *params.params]
        if method and not _decorated(node, "staticmethod") and positional:
            scope.self_name = positional[0].name.value
            positional = positional[1:]
        missing: Value = _PARAM_FLOW if args is None else None  # a default, when called
        given = list(args or [])
        named = dict(keywords or {})
        for position, param in enumerate(positional):
            name = param.name.value
            self._shadow(name, scope)
            if position < len(given):
                scope.env[name] = given[position]
            else:
                scope.env[name] = named.pop(name, missing)
        for param in params.kwonly_params:
            self._shadow(param.name.value, scope)
            scope.env[param.name.value] = named.pop(param.name.value, missing)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self._shadow(star.name.value, scope)
                scope.env[star.name.value] = None
        for value in (*given[len(positional) :], *named.values()):
            self._consume(value)  # into *args/**kwargs: used in ways we do not follow

    def _class(self, node: cst.ClassDef, parent: Scope) -> None:
        name = self._unique(node.name.value)
        methods = {s.name.value: s for s in node.body.body if isinstance(s, cst.FunctionDef)}
        state = ClassState(name, {}, methods, parent)
        class_scope = parent.child(name)
        for statement in node.body.body:
            if not isinstance(statement, cst.FunctionDef):
                self._statement(statement, class_scope)
        # As at runtime: `__init__` first, Keras' `build` next, then `forward`/`call`; a helper
        # runs where it is called from. Helpers nobody here calls run last, on their own:
        # their returns are not the model's output.
        for entry in ("__init__", "build", *_ENTRY_POINTS):
            if entry in methods and entry not in state.walked:
                self._method(methods[entry], state, entry=True)
        for method_name, method in methods.items():
            if method_name not in state.walked and not _decorated(method, "property"):
                self._method(method, state, entry=False)

    def _method(
        self,
        node: cst.FunctionDef,
        state: ClassState,
        entry: bool,
        args: list[Value] | None = None,
        keywords: dict[str, Value] | None = None,
    ) -> Value:
        """Walk one method. An entry point's returns end chains; any other method hands
        its return value back (to the caller that ran it, or to nobody)."""
        scope = state.parent.child(state.name, state.attrs)
        scope.cls = state
        scope.returns = None if entry else []
        state.walked.add(node.name.value)
        state.stack.append(node.name.value)
        try:
            self._function(node, scope, method=True, args=args, keywords=keywords)
        finally:
            state.stack.pop()
        if not scope.returns:
            return None
        first = scope.returns[0]
        if all(value is first or value == first for value in scope.returns):
            return first
        for value in scope.returns:
            self._consume(value)
        return None

    def _can_inline(self, name: str, scope: Scope) -> bool:
        state = scope.cls
        return (
            state is not None
            and name in state.methods
            and (scope.attrs is None or name not in scope.attrs)  # an attribute wins
            and name not in state.stack
            and len(state.stack) < _MAX_INLINE_DEPTH
        )

    def _inline(
        self, node: cst.FunctionDef, scope: Scope, args: list[Value], keywords: dict[str, Value]
    ) -> Value:
        """Run ``node`` for its caller, once per distinct set of values (unless it makes
        layers: every call of a factory makes new ones), within a budget per file."""
        assert scope.cls is not None
        key = (id(scope.cls), node.name.value, tuple(args), tuple(sorted(keywords.items())))
        if key in self._inlined:
            return self._inlined[key]
        if self._inline_budget <= 0:
            for value in (*args, *keywords.values()):
                self._consume(value)
            return None
        self._inline_budget -= 1
        made = len(self.layers) + len(self.sequentials)
        result = self._method(node, scope.cls, False, args, keywords)
        if len(self.layers) + len(self.sequentials) == made:
            self._inlined[key] = result
        return result

    def _call_method(self, node: cst.Call, name: str, scope: Scope) -> Value:
        """``self.helper(x, k=v)``: the helper's body runs here, with the caller's values."""
        assert scope.cls is not None
        args = [self._eval(arg.value, scope) for arg in node.args if not arg.keyword]
        keywords = {
            arg.keyword.value: self._eval(arg.value, scope)
            for arg in node.args
            if arg.keyword is not None
        }
        if any(arg.star for arg in node.args):  # `*xs`: which value goes where is unknown
            for value in (*args, *keywords.values()):
                self._consume(value)
            args, keywords = [], {}
        return self._inline(scope.cls.methods[name], scope, args, keywords)

    # ---------------------------------------------------------------- expressions

    def _is_self_attr(self, node: cst.BaseExpression, scope: Scope) -> bool:
        return (
            scope.attrs is not None
            and isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value == scope.self_name
        )

    def _eval(self, node: cst.BaseExpression, scope: Scope) -> Value:
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            return Literal(node)
        if isinstance(node, (cst.Name, cst.Attribute)) and self._is_reference(node, scope):
            return Literal(node)  # `keras.activations.relu`, `initializers.HeNormal`
        if isinstance(node, cst.Name):
            return scope.env.get(node.value)
        if isinstance(node, cst.Attribute):
            if self._is_self_attr(node, scope):
                assert scope.attrs is not None
                name = node.attr.value
                if name not in scope.attrs and self._can_inline(name, scope):
                    assert scope.cls is not None
                    method = scope.cls.methods[name]
                    if _decorated(method, "property"):
                        return self._inline(method, scope, [], {})
                return scope.attrs.get(name)
            base = self._eval(node.value, scope)
            if isinstance(base, Flow):
                if node.attr.value in torch.PASSTHROUGH_ATTRIBUTES:  # `x.T`, `x.data`
                    return base
                if node.attr.value in torch.INSPECTION_ATTRIBUTES:  # `x.shape`: no values used
                    return None
            self._consume(base)
            return None
        if isinstance(node, cst.Call):
            return self._call(node, scope)
        if isinstance(node, cst.NamedExpr):  # `(h := self.fc(x))`
            value = self._eval(node.value, scope)
            self._bind(node.target, value, scope)
            return value
        if isinstance(
            node, (cst.Lambda, cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)
        ):
            self._inner_scope(node, scope)
            return None
        if isinstance(node, cst.Subscript):
            base = self._eval(node.value, scope)
            if isinstance(base, SeqObj):
                index = _subscript_index(node)
                if index is not None and -len(base.items) <= index < len(base.items):
                    return base.items[index]
            self._consume(base)
            for element in node.slice:
                self._walk_node(element, scope)
            return None
        self._walk_expr(node, scope)
        return None

    def _inner_scope(self, node: cst.BaseExpression, scope: Scope) -> None:
        """A lambda or comprehension binds its own names: they hide the enclosing ones."""
        saved = dict(scope.env)
        if isinstance(node, cst.Lambda):
            for param in _all_params(node.params):
                scope.env[param.name.value] = None
        else:
            comp: cst.CompFor | None = node.for_in  # type: ignore[attr-defined]
            while comp is not None:
                self._walk_expr(comp.iter, scope)
                self._bind(comp.target, None, scope)
                for condition in comp.ifs:
                    self._walk_expr(condition.test, scope)
                comp = comp.inner_for_in
        for child in node.children:
            if isinstance(child, cst.BaseExpression) and not isinstance(child, cst.Lambda):
                self._walk_expr(child, scope)
            elif isinstance(child, cst.Lambda):
                self._inner_scope(child, scope)
        scope.env = saved

    def _walk_expr(self, node: cst.CSTNode, scope: Scope) -> None:
        """Evaluate an expression we do not follow: every value used in it is consumed."""
        if isinstance(node, _EVALUATED):
            self._consume(self._eval(node, scope))
            return
        self._walk_node(node, scope)

    def _walk_node(self, node: cst.CSTNode, scope: Scope) -> None:
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self._walk_expr(child, scope)
            elif isinstance(child, cst.BaseSuite):
                self._block(child, scope)
            elif isinstance(child, cst.BaseCompoundStatement):
                self._statement(child, scope)
            else:
                self._walk_node(child, scope)

    def _recognize(self, func: cst.BaseExpression, scope: Scope) -> Recognized | None:
        return _recognize_qualified(scope.imports.qualify(func))

    def _call(self, node: cst.Call, scope: Scope) -> Value:
        qualified = scope.imports.qualify(node.func)
        recognized = _recognize_qualified(qualified)
        if recognized is not None:
            return self._known_call(node, recognized, scope)
        if qualified is not None and qualified.startswith("keras.initializers."):
            self._walk_args(node, scope)
            return Literal(node)  # `init = initializers.HeNormal(seed=1)`, held for later
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and self._is_self_attr(func, scope)
            and self._can_inline(func.attr.value, scope)
        ):
            assert scope.cls is not None
            if not _decorated(scope.cls.methods[func.attr.value], "property"):
                return self._call_method(node, func.attr.value, scope)
        if isinstance(func, cst.Attribute) and not self._is_self_attr(func, scope):
            method = func.attr.value
            if method in semantics.TORCH_TENSOR_METHODS:
                layer = self._init_target(func.value, scope)
                if layer is not None:
                    layer.init = torch.method_init(method, node, scope.context)
                    self._walk_args(node, scope)
                    return None
            if method in semantics.TORCH_MUTATING_METHODS:
                self._consume(self._eval(func.value, scope))  # runs `.fill_(0.5)` first
                layer = self._init_target(_chain_base(func.value), scope)
                if layer is not None:
                    layer.init = _modified(layer)
                self._walk_args(node, scope)
                return None
            if method in ("pop", "insert", "extend", "add_module", "register_module"):
                receiver = self._eval(func.value, scope)
                if isinstance(receiver, SeqObj):
                    self._mutate(receiver, method, node)
                    self._walk_args(node, scope)
                    return None
                self._consume(receiver)
                self._walk_args(node, scope)
                return None
            if method in ("add", "append") and not node.args[1:]:
                receiver = self._eval(func.value, scope)
                if isinstance(receiver, SeqObj) and node.args:
                    item = self._eval(node.args[0].value, scope)
                    if isinstance(item, (LayerObj, SeqObj)):
                        receiver.items.append(item)
                        self._mark_nested(item)
                        if receiver.label:
                            owner = scope.name if scope.attrs is not None else receiver.label
                            self._label_item(
                                item, f"{receiver.label}[{len(receiver.items) - 1}]", owner
                            )
                        return None
                self._consume(receiver)
                self._walk_args(node, scope)
                return None
            if method in semantics.TORCH_TENSOR_ACT_METHODS or method in torch.PASSTHROUGH_METHODS:
                receiver = self._eval(func.value, scope)
                self._walk_args(node, scope)
                if isinstance(receiver, Flow):
                    if method in torch.PASSTHROUGH_METHODS:  # `.view(...)` may change width
                        same = method in ("to", "float", "half", "type_as", "contiguous")
                        return receiver if same else Flow(receiver.layer, receiver.activated)
                    act = torch.function_act(method, None, f".{method}()")
                    return self._activate(receiver, act)
                self._consume(receiver)
                return None
            receiver = self._eval(func.value, scope)
            if method not in torch.INSPECTION_METHODS:  # an op we do not know
                self._consume(receiver)
            self._walk_args(node, scope)
            return None
        callee = self._eval(func, scope)
        if isinstance(callee, Literal):  # `self.act(x)` with `self.act = F.relu`
            recognized = self._recognize(callee.node, scope)
            if recognized is not None and recognized.what is What.ACT_FUNCTION:
                first = node.args[0].value if node.args and not node.args[0].keyword else None
                flow = self._as_flow(self._eval(first, scope)) if first is not None else None
                for arg in node.args[1:]:
                    self._consume(self._eval(arg.value, scope))
                if flow is None:
                    return None
                return self._activate(flow, self._function_act(recognized, callee.node, scope))
            self._walk_args(node, scope)
            return None
        if isinstance(callee, (LayerObj, SeqObj)):
            first = node.args[0].value if node.args and not node.args[0].keyword else None
            flow = self._as_flow(self._eval(first, scope)) if first is not None else _PARAM_FLOW
            for arg in node.args[1:]:
                self._consume(self._eval(arg.value, scope))
            return self._apply(callee, flow)
        self._consume(callee)
        self._walk_args(node, scope)
        return None

    def _is_reference(self, node: cst.Name | cst.Attribute, scope: Scope) -> bool:
        """A name for an activation function or Keras initializer, not a call of one."""
        if isinstance(node, cst.Name) and node.value in scope.env:
            return False
        qualified = scope.imports.qualify(node)
        if qualified is None:
            return False
        if qualified.startswith("keras.initializers."):
            return True
        recognized = _recognize_qualified(qualified)
        return recognized is not None and recognized.what is What.ACT_FUNCTION

    def _resolve(self, scope: Scope) -> Callable[[cst.BaseExpression], cst.BaseExpression | None]:
        """What a variable used as an initializer or activation holds, if we know."""

        def resolve(node: cst.BaseExpression) -> cst.BaseExpression | None:
            value = self._eval(node, scope) if isinstance(node, (cst.Name, cst.Attribute)) else None
            return value.node if isinstance(value, Literal) and value.node is not node else None

        return resolve

    def _walk_args(self, node: cst.Call, scope: Scope) -> None:
        for arg in node.args:
            self._consume(self._eval(arg.value, scope))

    def _known_call(self, node: cst.Call, recognized: Recognized, scope: Scope) -> Value:
        what = recognized.what
        if what is What.LAYER:
            layer = self._new_layer(node, recognized, scope)
            self._walk_args(node, scope)
            return layer
        if what is What.SEQUENTIAL:
            items = self._sequential_items(node, recognized.framework, scope)
            seq = SeqObj(recognized.framework, node, items)
            for item in seq.items:
                self._mark_nested(item)
            self.sequentials.append(seq)
            return seq
        if what is What.INPUT:
            self._walk_args(node, scope)
            return Flow(None, width=keras.input_width(node))
        if what is What.FUNCTIONAL_MODEL:
            outputs = argument(node, 1, "outputs")
            for arg in node.args:
                if arg.value is outputs:
                    self._return(arg.value, scope)  # the model's outputs end their chains
                else:
                    self._consume(self._eval(arg.value, scope))
            return None
        if what is What.INIT_FUNCTION:
            init = torch.init_call(recognized.name, node, scope.context)
            self.init_calls.append(InitCall(recognized.name, init, node.func))
            if node.args:
                self._set_init(node.args[0].value, init, scope)
            return None
        first = node.args[0].value if node.args else None
        flow = self._as_flow(self._eval(first, scope)) if first is not None else None
        for arg in node.args[1:]:
            self._consume(self._eval(arg.value, scope))
        if flow is None:
            return None
        if what is What.PASSTHROUGH:
            return flow if "dropout" in recognized.name else Flow(flow.layer, flow.activated)
        return self._activate(flow, self._function_act(recognized, node, scope))

    def _function_act(self, recognized: Recognized, node: cst.BaseExpression, scope: Scope) -> Act:
        """The activation an activation function applies; ``node`` is its call, or a bare
        reference to it (then its defaults apply)."""
        call = node if isinstance(node, cst.Call) else None
        func = node.func if isinstance(node, cst.Call) else node
        if recognized.framework is Framework.TORCH:
            return torch.function_act(recognized.name, call, recognized.name)
        qualified = scope.imports.qualify(func) or recognized.name
        return keras.function_act(qualified, call)

    def _sequential_items(
        self, node: cst.Call, framework: Framework, scope: Scope
    ) -> list[LayerObj | SeqObj]:
        """Keras takes ``Sequential([...])`` or ``layers=[...]``; torch takes positional modules."""
        items: list[LayerObj | SeqObj] = []
        for position, arg in enumerate(node.args):
            value = arg.value
            keyword = arg.keyword.value if arg.keyword is not None else None
            if framework is Framework.KERAS:
                listed = isinstance(value, (cst.List, cst.Tuple)) and not arg.star
                if listed and (keyword == "layers" or (keyword is None and position == 0)):
                    assert isinstance(value, (cst.List, cst.Tuple))
                    items.extend(
                        self._item(element.value, framework, scope) for element in value.elements
                    )
                else:
                    self._walk_expr(value, scope)
            elif keyword is None and not arg.star:
                items.append(self._item(value, framework, scope))
            else:  # `*modules`, an OrderedDict: a chain we cannot read item by item
                self._walk_expr(value, scope)
                items.append(_opaque_item(framework))
        return items

    def _item(
        self, source: cst.BaseExpression, framework: Framework, scope: Scope
    ) -> LayerObj | SeqObj:
        item = self._eval(source, scope)
        if isinstance(item, (LayerObj, SeqObj)):
            return item
        if isinstance(item, Flow) and item.layer is None and item.width is not None:
            node = source if isinstance(source, cst.Call) else _OPAQUE_CALL  # keras.Input(...)
            start = LayerObj("Input", LayerKind.PASSTHROUGH, Framework.KERAS, node, "", -1)
            start.units = item.width
            return start
        self._consume(item)
        return _opaque_item(framework)

    def _mutate(self, seq: SeqObj, method: str, node: cst.Call) -> None:
        """``model.pop()`` removes the last layer; other edits leave an unreadable chain."""
        if method == "pop" and not node.args and seq.items:
            seq.items.pop()
        else:
            self._break(seq)

    def _break(self, seq: SeqObj) -> None:
        """Replace a Sequential whose contents we lost track of by one unreadable item."""
        seq.items = [_opaque_item(seq.framework)]

    def _mark_nested(self, item: LayerObj | SeqObj) -> None:
        if isinstance(item, SeqObj):
            item.nested = True

    def _new_layer(self, node: cst.Call, recognized: Recognized, scope: Scope) -> LayerObj:
        layer = LayerObj(
            type=recognized.name,
            kind=recognized.kind,
            framework=recognized.framework,
            node=node,
            owner=scope.name,
            order=len(self.layers),
        )
        if recognized.framework is Framework.KERAS:
            layer.label = keras.label(recognized.name, node)
            resolve = self._resolve(scope)
            layer.inline_act = keras.layer_act(recognized.name, node, scope.imports, resolve)
            if layer.kind.has_kernel:
                layer.init = keras.kernel_init(
                    recognized.name, node, scope.imports, scope.context, resolve
                )
            layer.fan_in, layer.fan_out = keras.widths(recognized.name, node)
            layer.units = keras.units(node)
            layer.trainable = keras.trainable(node)
        else:
            if layer.kind is LayerKind.ACTIVATION:
                layer.inline_act = torch.module_act(recognized.name, node)
            elif layer.kind in (LayerKind.DENSE, LayerKind.CONV):
                layer.init = torch.default_init(node, scope.context)
            layer.fan_in, layer.fan_out = torch.widths(recognized.name, node)
            layer.units = torch.units(recognized.name, node)
        if layer.kind is LayerKind.RECURRENT:
            layer.init = layer.init if recognized.framework is Framework.KERAS else None
            layer.inline_act = None  # gates are read in a later pass; never guess them now
        self.layers.append(layer)
        return layer

    # ---------------------------------------------------------------- init targets

    def _init_target(self, node: cst.BaseExpression, scope: Scope) -> LayerObj | None:
        """The layer whose kernel ``node`` names: ``self.fc.weight``, ``fc.weight.data``."""
        if isinstance(node, cst.Attribute) and node.attr.value == "data":
            node = node.value
        if not (isinstance(node, cst.Attribute) and node.attr.value == "weight"):
            return None
        owner = self._eval(node.value, scope)
        if isinstance(owner, LayerObj) and owner.init is not None:
            return owner
        return None

    def _set_init(self, target: cst.BaseExpression, init: Init, scope: Scope) -> None:
        layer = self._init_target(target, scope)
        if layer is not None:
            layer.init = init

    # ---------------------------------------------------------------- data flow

    @staticmethod
    def _as_flow(value: Value) -> Flow:
        return value if isinstance(value, Flow) else _PARAM_FLOW

    def _apply(self, obj: LayerObj | SeqObj, flow: Flow) -> Flow:
        if isinstance(obj, SeqObj):
            obj.used = True
            for item in obj.items:
                flow = self._apply(item, flow)
            return flow
        if obj.init is not None:
            if flow.layer is not None:
                if not flow.activated:
                    flow.layer.acts.append(LINEAR_ACT)
                flow.layer.feeds_weight = True
            if obj.kind is LayerKind.DENSE and obj.fan_in is None and flow.width is not None:
                obj.fan_in = flow.width  # Dense(64) after Dense(128): fan_in 128
            width = obj.units if obj.kind is LayerKind.DENSE else None
            if obj.kind is LayerKind.RECURRENT:  # its kernel feeds the gates, not what follows
                obj.acts.append(UNKNOWN_ACT)
                return Flow(obj, activated=True)
            inline = obj.inline_act
            if inline is not None and inline.family is not ActFamily.LINEAR:
                obj.acts.append(inline)
                return Flow(obj, activated=True, width=width)
            return Flow(obj, width=width)
        if obj.kind is LayerKind.ACTIVATION:
            return self._activate(flow, obj.inline_act or UNKNOWN_ACT)
        if obj.kind is LayerKind.NORMALIZATION or _keeps_width(obj.type):
            return flow
        if obj.type == "Input":  # the first item of a Sequential: the input's width
            return Flow(None, width=obj.units)
        if obj.kind is LayerKind.PASSTHROUGH:  # pooling, flatten, reshape: a new width
            return Flow(flow.layer, flow.activated)
        self._consume(flow)
        return _PARAM_FLOW

    @staticmethod
    def _activate(flow: Flow, act: Act) -> Flow:
        if flow.layer is None or flow.activated:
            return flow
        flow.layer.acts.append(act)
        return Flow(flow.layer, activated=True, width=flow.width)

    @staticmethod
    def _consume(value: Value) -> None:
        """A value used where we cannot follow it: its pairing becomes unknown."""
        if isinstance(value, Flow) and value.layer is not None and not value.activated:
            value.layer.acts.append(UNKNOWN_ACT)

    @staticmethod
    def _finish(flow: Flow) -> None:
        if flow.layer is None:
            return
        if not flow.activated:
            flow.layer.acts.append(LINEAR_ACT)
        flow.layer.chain_end = True


# Expressions `_eval` reads itself; any other expression is walked child by child.
_EVALUATED = (
    cst.Name,
    cst.Attribute,
    cst.Call,
    cst.Subscript,
    cst.NamedExpr,
    cst.Lambda,
    cst.ListComp,
    cst.SetComp,
    cst.GeneratorExp,
    cst.DictComp,
)


def _all_params(params: cst.Parameters) -> list[cst.Param]:
    found = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            found.append(star)
    return found


def _pattern_names(pattern: cst.CSTNode) -> list[cst.Name]:
    """The names a match pattern captures (``case [h]``, ``case {**rest}``, ``case X() as y``)."""
    names: list[cst.Name] = []
    if isinstance(pattern, (cst.MatchAs, cst.MatchStar)) and isinstance(pattern.name, cst.Name):
        names.append(pattern.name)
    if isinstance(pattern, cst.MatchMapping) and pattern.rest is not None:
        names.append(pattern.rest)
    for child in pattern.children:
        if not isinstance(child, cst.BaseExpression) or isinstance(child, cst.MatchPattern):
            names.extend(_pattern_names(child))
    return names


def _unpacked(node: cst.Assign) -> list[tuple[cst.BaseExpression, cst.BaseExpression]] | None:
    """Target/value pairs of ``a, b = x, y`` (same length, nothing starred), else None."""
    if len(node.targets) != 1:
        return None
    target, value = node.targets[0].target, node.value
    if not (isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List))):
        return None
    if len(target.elements) != len(value.elements):
        return None
    if any(isinstance(e, cst.StarredElement) for e in (*target.elements, *value.elements)):
        return None
    return [(t.value, v.value) for t, v in zip(target.elements, value.elements, strict=True)]


_OPAQUE_CALL = cst.Call(func=cst.Name("_"))
_MAX_INLINE_DEPTH = 6  # methods calling methods: deeper chains are left unknown


_ENTRY_POINTS = ("forward", "call", "__call__")


def _decorated(node: cst.FunctionDef, name: str) -> bool:
    """``@staticmethod``, ``@property``, also ``@functools.cached_property``-style names."""
    for decorator in node.decorators:
        text = dotted(decorator.decorator)
        if text is not None and text.split(".")[-1] in (name, f"cached_{name}"):
            return True
    return False


def _recognize_qualified(qualified: str | None) -> Recognized | None:
    """What a canonical framework name is, by the recogniser of its framework."""
    if qualified is None:
        return None
    if qualified.startswith("torch"):
        return torch.recognize(qualified)
    if qualified.startswith(("keras", "tensorflow")):
        return keras.recognize(qualified)
    return None


def _keeps_width(type_name: str) -> bool:
    """Dropout and noise layers change no shape; Identity neither."""
    return "Dropout" in type_name or "Noise" in type_name or type_name == "Identity"


def _opaque_item(framework: Framework) -> LayerObj:
    """An item we cannot read: it breaks the chain, so pairings across it stay unknown."""
    return LayerObj("?", LayerKind.OTHER, framework, _OPAQUE_CALL, "", -1)


def _same_items(a: list[LayerObj | SeqObj], b: list[LayerObj | SeqObj]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def _chain_base(node: cst.BaseExpression) -> cst.BaseExpression:
    """``fc.weight.data.fill_(0.5)`` → ``fc.weight.data``: the tensor an in-place chain edits."""
    while (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and (
            node.func.attr.value in semantics.TORCH_TENSOR_METHODS
            or node.func.attr.value in semantics.TORCH_MUTATING_METHODS
        )
    ):
        node = node.func.value
    return node


def _modified(layer: LayerObj) -> Init:
    """A kernel written again after its initializer ran: no longer known."""
    return Init(
        name="unknown",
        family=InitFamily.UNKNOWN,
        framework=layer.framework,
        explicit=True,
        spelling=Spelling.OPAQUE,
        display="modified after initialisation",
    )


def _subscript_index(node: cst.Subscript) -> int | None:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    return _int_index(node.slice[0].slice.value)


def _int_index(node: cst.BaseExpression) -> int | None:
    value = literal_int(node)
    if value is not None:
        return value
    number = literal_number(node)
    return int(number) if number is not None and number == int(number) else None
