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

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from initlint import semantics
from initlint.frameworks import keras, torch
from initlint.frameworks.common import (
    Recognized,
    What,
    argument,
    children,
    has_star_args,
    literal_int,
    literal_number,
    literal_string,
)
from initlint.frameworks.names import Imports, dotted, is_type_checking, local_names
from initlint.frameworks.values import Const, Flow, LayerObj, ListObj, Literal, ParamRef, SeqObj
from initlint.model import (
    LINEAR_ACT,
    UNKNOWN_ACT,
    Act,
    ActFamily,
    Framework,
    Init,
    InitCall,
    InitFamily,
    InstanceUse,
    LayerKind,
    Spelling,
)


@dataclass(frozen=True)
class ModuleRef:
    """A module object whose insides we know: ``self`` in a method, or ``Net()`` for a class
    defined in this file. Its submodules are the class's ``self.<attr>`` table."""

    cls: ClassState


@dataclass(frozen=True, eq=False)
class FuncRef:
    """A function defined at module level, so a call (``model.apply(weights_init)``,
    ``conv3x3(64, 64)``) can run its body with the caller's values."""

    node: cst.FunctionDef
    nested: bool = False  # defined inside another function: its free names are closures


@dataclass(frozen=True, eq=False)
class ClassRef:
    """A class defined in this file: calling it builds a ``ModuleRef``."""

    cls: ClassState


@dataclass(frozen=True, eq=False)
class BoundMethod:
    """``self._init_weights`` as a value (passed to ``self.apply``)."""

    cls: ClassState
    node: cst.FunctionDef


Value = (
    LayerObj
    | SeqObj
    | ListObj
    | Flow
    | Literal
    | Const
    | ParamRef
    | ModuleRef
    | FuncRef
    | ClassRef
    | BoundMethod
    | tuple[Any, ...]  # `(name, p)` from `named_parameters()`, `(i, m)` from `enumerate`
    | None
)
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
    skipped: bool = False  # this path reached `continue`/`break`: the iteration is over
    skips: list[State] | None = None  # in a loop body: the states at each `continue`
    fallbacks: set[str] = field(default_factory=set)  # names an except clause may rebind
    exits: list[State] = field(default_factory=list)  # states at each earlier return

    # what defs and classes written in this scope see when they run (module: every import)
    inner: tuple[Imports, object] | None = None
    labels: bool = True  # name layers after the variables they are bound to
    nested: bool = False  # inside a function defined in another function: closures apply

    def child(self, name: str, attrs: dict[str, Value] | None = None) -> Scope:
        imports, context = self.inner or (self.imports, self.context)
        nested = self.nested or self.inner is None  # defined inside a function or class body
        return Scope(name, imports, context, attrs=attrs, nested=nested)


@dataclass(eq=False)
class ClassState:
    """A class being walked: its ``self.<attr>`` table and its methods."""

    name: str
    attrs: dict[str, Value]
    methods: dict[str, cst.FunctionDef]
    parent: Scope
    walked: set[str] = field(default_factory=set)
    stack: list[str] = field(default_factory=list)  # methods being walked, innermost last
    bases: tuple[ClassState, ...] = ()  # base classes defined in this file
    external: bool = False  # a base class other than nn.Module that is not in this file
    inherited: dict[str, cst.FunctionDef] = field(default_factory=dict)  # bases' methods

    def lookup(self, name: str) -> cst.FunctionDef | None:
        return self.methods.get(name) or self.inherited.get(name)

    def lineage(self) -> Iterator[ClassState]:
        yield self
        for base in self.bases:
            yield from base.lineage()


@dataclass
class State:
    """Everything a path through the code can change that we track."""

    env: dict[str, Value]
    attrs: dict[str, Value] | None
    imports: Imports
    context: object
    inits: dict[LayerObj, Init | None]
    contents: dict[SeqObj, list[LayerObj | SeqObj]]
    lists: dict[ListObj, tuple[list[Any], bool]]


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
        # init call -> every tensor it fills: layers (even if a later write hides them), and
        # None for a tensor that is no kernel we pair (a bias, an embedding table)
        self.filled: dict[int, list[LayerObj | None]] = {}
        self._broke = False  # a `break` ran in the loop pass being walked
        # (method, caller values) -> its value, for calls that made no layers
        self._inlined: dict[tuple[object, ...], Value] = {}
        self._globals: dict[str, Value] = {}  # module-level functions and classes, by name
        self._running: list[cst.FunctionDef] = []  # module functions being run for a caller
        self.lists: list[ListObj] = []
        self._module_scope: Scope | None = None
        self._assigned_once: set[str] = set()
        # Keras initializer instances held in variables, for KIN003: each evaluation of an
        # instance expression -> (its number, the loops it is built in, the names it sees);
        # the loops and if/try/match arms being walked; every layer built with one
        self.instance_uses: list[InstanceUse] = []
        self._instances: dict[Literal, tuple[int, tuple[int, ...], Imports, object]] = {}
        self._loops: list[int] = []
        self._root = 0  # 0: code run from module level
        self._roots = itertools.count(1)
        self._arms: list[tuple[int, int]] = []
        self._counter = itertools.count()

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
        self._module_scope = scope
        defined: dict[str, int] = {}
        for statement in module.body:
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                defined[statement.name.value] = defined.get(statement.name.value, 0) + 1
        assigned: dict[str, int] = {}
        for statement in module.body:  # names a function may read from module level
            for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
                targets = small.targets if isinstance(small, cst.Assign) else ()
                for target in targets:
                    if isinstance(target.target, cst.Name):
                        name = target.target.value
                        assigned[name] = assigned.get(name, 0) + 1
        elsewhere = [  # statements that bind names some other way: loops, imports, `+=`,
            statement  # `a, b = ...`
            for statement in module.body
            if not isinstance(statement, cst.SimpleStatementLine)
            or not all(
                isinstance(small, cst.Assign)
                and all(isinstance(target.target, cst.Name) for target in small.targets)
                for small in statement.body
            )
        ]
        for name in local_names(elsewhere) | _declared_global(module):
            assigned[name] = 2
        self._assigned_once = {name for name, count in assigned.items() if count == 1}
        for statement in module.body:  # functions are called by name from anywhere
            if isinstance(statement, cst.FunctionDef) and defined[statement.name.value] == 1:
                self._globals[statement.name.value] = FuncRef(statement)
        self._body(module.body, scope)
        for seq in self.sequentials:  # Sequentials never applied in a forward: a chain alone
            if not seq.used and not seq.nested:
                self._finish(self._apply(seq, _PARAM_FLOW))

    def _body(self, statements: object, scope: Scope) -> None:
        if not isinstance(statements, (list, tuple)):
            return
        for statement in statements:
            if scope.terminated or scope.skipped:  # after return, raise, continue: dead code
                return
            self._statement(statement, scope)

    def _statement(self, statement: cst.CSTNode, scope: Scope) -> None:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                self._small(small, scope)
        elif isinstance(statement, cst.FunctionDef):
            owner = self._unique(statement.name.value)
            with self._walk_root():
                self._function(statement, scope.child(owner), method=False)
            if scope is not self._module_scope:  # a local helper: `self.apply(_basic_init)`
                self._shadow(statement.name.value, scope)
                scope.env[statement.name.value] = FuncRef(statement, nested=True)
        elif isinstance(statement, cst.ClassDef):
            self._class(statement, scope)
        elif isinstance(statement, cst.If) and is_type_checking(statement.test):
            if statement.orelse is not None:  # the TYPE_CHECKING block itself never runs
                self._statement(statement.orelse, scope)
        elif (
            isinstance(statement, cst.If)
            and (truth := self._truth(statement.test, scope)) is not None
        ):
            if truth:  # decided statically: `isinstance(m, nn.Linear)` for a known module
                self._block(statement.body, scope)
            elif statement.orelse is not None:
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
        elif isinstance(statement, cst.For):
            items = self._iteration(statement.iter, scope)
            target = statement.target
            if items is not None:  # a loop over modules or parameters we know: unrolled
                broken = False  # after a `break` on some path, later passes may not run
                for visited in items:
                    if scope.terminated or scope.skipped:
                        break

                    def one(visited: Value = visited) -> None:
                        labels, scope.labels = scope.labels, False  # `m` names no layer
                        self._bind(target, visited, scope)
                        scope.labels = labels
                        self._block(statement.body, scope)

                    self._broke = False
                    if broken:

                        def maybe(one: Callable[[], None] = one) -> None:
                            self._loop_body(one, scope)

                        self._branches(scope, [maybe, None])
                    else:
                        self._loop_body(one, scope)
                    broken = broken or self._broke
            else:
                self._walk_expr(statement.iter, scope)

                def body() -> None:
                    with self._repeating():  # one pass walked stands for every pass
                        self._bind(target, None, scope)  # the loop variable: one unknown item
                        self._block(statement.body, scope)

                self._branches(scope, [lambda: self._loop_body(body, scope), None])
                source = statement.iter
                if (  # `for m in self.modules()` over more modules than we unroll
                    isinstance(source, cst.Call)
                    and isinstance(source.func, cst.Attribute)
                    and source.func.attr.value in _ENUMERATORS
                ):
                    self._unfollowed(self._eval(source.func.value, scope))
            if statement.orelse is not None:
                self._block(statement.orelse.body, scope)
        elif isinstance(statement, cst.While):
            self._walk_expr(statement.test, scope)

            def repeat() -> None:
                with self._repeating():
                    self._block(statement.body, scope)

            self._branches(scope, [lambda: self._loop_body(repeat, scope), None])
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
        skipped = False
        point = next(self._counter)
        live_arms: list[int] = []
        returned = False
        for arm, branch in enumerate(branches):
            self._apply_state(scope, base)
            scope.terminated = scope.skipped = False
            if branch is not None:
                depth = len(self._arms)
                self._arms.append((point, arm))
                try:
                    branch()
                finally:
                    del self._arms[depth:]
            if scope.skipped:  # its state is already among the loop's `continue` states
                skipped = True
            elif not scope.terminated:  # a path that returned is already among the exits
                live.append(self._capture(scope))
                live_arms.append(arm)
            else:
                returned = True
        scope.terminated = scope.skipped = False
        if returned and len(live_arms) == 1:  # what follows runs only on the arm that went on
            self._arms.append((point, live_arms[0]))  # until the function ends
        if live:
            self._apply_state(scope, self._merge_states(live))
        else:
            self._apply_state(scope, base)
            scope.skipped = skipped
            scope.terminated = not skipped

    def _loop_body(self, run: Callable[[], None], scope: Scope) -> None:
        """One pass of a loop body; the paths that ``continue`` rejoin at its end."""
        outer, scope.skips = scope.skips, []
        try:
            run()
        finally:
            skips, scope.skips = scope.skips, outer
        if scope.terminated and not skips:  # every path returned (recorded as exits)
            return
        ends = skips + ([] if scope.skipped or scope.terminated else [self._capture(scope)])
        scope.terminated = scope.skipped = False
        if ends:
            self._apply_state(scope, ends[0] if len(ends) == 1 else self._merge_states(ends))

    @contextmanager
    def _walk_root(self) -> Iterator[None]:
        """A definition walked where it is written, not run by a caller: what it builds is
        told apart from what running it builds (see ``InstanceUse.root``)."""
        outer, self._root = self._root, next(self._roots)
        try:
            yield
        finally:
            self._root = outer

    @contextmanager
    def _repeating(self) -> Iterator[None]:
        """Code that may run many times, walked once: a loop body, a comprehension."""
        self._loops.append(next(self._counter))
        try:
            yield
        finally:
            self._loops.pop()

    def _capture(self, scope: Scope) -> State:
        return State(
            dict(scope.env),
            None if scope.attrs is None else dict(scope.attrs),
            scope.imports,
            scope.context,
            {layer: layer.init for layer in self.layers},
            {seq: list(seq.items) for seq in self.sequentials},
            {held: (list(held.items), held.known) for held in self.lists},
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
        for held, (members, known) in state.lists.items():
            held.items, held.known = list(members), known

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
        lists: dict[ListObj, tuple[list[Any], bool]] = {}
        for held in {held for state in states for held in state.lists}:
            kept = [state.lists[held] for state in states if held in state.lists]
            same = all(
                known == kept[0][1] and _same_objects(members, kept[0][0])
                for members, known in kept
            )
            lists[held] = kept[0] if same else ([], False)
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
            lists,
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
            if self._alias(small, scope) or self._freeze(small, scope):
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
            self._leave(scope)
        elif isinstance(small, cst.Raise):
            self._walk_node(small, scope)
            self._leave(scope)
        elif isinstance(small, (cst.Continue, cst.Break)):
            self._broke = self._broke or isinstance(small, cst.Break)
            if scope.skips is not None:  # `break` ends the loop: its later passes may not run
                scope.skips.append(self._capture(scope))
                scope.skipped = True
        elif isinstance(small, cst.Del):
            self._delete(small.target, scope)
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            self._own_imports(scope).add(small)
            scope.context = self.make_context(scope.imports)
        else:
            self._walk_node(small, scope)

    def _assigned_init(self, layer: LayerObj, value: Value, scope: Scope) -> Init:
        """A kernel replaced whole: ``fc.weight = nn.Parameter(torch.zeros(o, i))`` or
        ``fc.weight.data = torch.zeros(o, i)`` start from the factory; anything else is
        unknown."""
        if isinstance(value, LayerObj) and value.type == "Parameter" and value.init is not None:
            if value in self.layers:  # it is this layer's kernel, not a layer of its own
                self.layers.remove(value)
            return value.init
        if isinstance(value, Literal) and isinstance(value.node, cst.Call):
            made = self._recognize(value.node.func, scope)
            if made is not None and made.what is What.TENSOR_FACTORY:
                return torch.factory_init(made.name, value.node, scope.context)[0]
        return _modified(layer)

    def _freeze(self, node: cst.Assign, scope: Scope) -> bool:
        """``fc.weight.requires_grad = False``: a frozen kernel is never trained, so a zero or
        constant one is a fixed transform, not a symmetry bug."""
        if len(node.targets) != 1 or not isinstance(node.value, cst.Name):
            return False
        target = node.targets[0].target
        if not (isinstance(target, cst.Attribute) and target.attr.value == "requires_grad"):
            return False
        owner = self._eval(target.value, scope)
        layer = owner.layer if isinstance(owner, ParamRef) and owner.is_kernel else owner
        if not isinstance(layer, LayerObj) or layer.init is None:
            return False
        layer.trainable = node.value.value != "False" and layer.trainable
        return True

    def _module_constant(self, name: str, scope: Scope) -> Literal | None:
        """An initializer or activation a function reads from module level (``INIT =
        HeNormal()`` above ``def build_model()``): bound once, unconditionally, before."""
        module = self._module_scope
        if module is None or scope is module or scope.nested or name not in self._assigned_once:
            return None  # a nested function may read an enclosing function's local instead
        value = module.env.get(name)
        return value if isinstance(value, Literal) else None

    def _leave(self, scope: Scope) -> None:
        """A ``return`` or ``raise``: this path's state is one of the function's exits."""
        scope.exits.append(self._capture(scope))
        scope.terminated = True

    def _delete(self, target: cst.BaseDelTargetExpression, scope: Scope) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._delete(element.value, scope)  # type: ignore[arg-type]
            return
        if isinstance(target, cst.Subscript):
            base = self._eval(target.value, scope)
            if isinstance(base, ListObj):
                base.known = False
                return
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
        self._outputs(value, scope)

    def _outputs(self, value: cst.BaseExpression, scope: Scope) -> None:
        """A model's outputs: each ends its chain (``return logits, features``,
        ``keras.Model(inputs, {"a": out_a, "b": out_b})``)."""
        if isinstance(value, (cst.Tuple, cst.List)):
            for element in value.elements:
                self._outputs(element.value, scope)
            return
        if isinstance(value, cst.Dict):
            for pair in value.elements:
                self._outputs(pair.value, scope)
            return
        result = self._eval(value, scope)
        if isinstance(result, Flow):
            self._finish(result)

    def _bind(self, target: cst.BaseExpression, value: Value, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            self._shadow(target.value, scope)
            scope.env[target.value] = value
            if scope.labels:
                self._label(value, target.value, scope, target.value)
        elif self._is_self_attr(target, scope):
            assert isinstance(target, cst.Attribute)
            assert scope.attrs is not None
            scope.attrs[target.attr.value] = value
            self._label(value, target.attr.value, scope, f"{scope.self_name}.{target.attr.value}")
        elif isinstance(target, (cst.Tuple, cst.List)):
            starred = any(isinstance(e, cst.StarredElement) for e in target.elements)
            if isinstance(value, tuple) and len(value) == len(target.elements) and not starred:
                for element, part in zip(target.elements, value, strict=True):
                    self._bind(element.value, part, scope)  # `for name, p in named_parameters()`
                return
            self._consume(value)
            for element in target.elements:
                self._bind(element.value, None, scope)
        elif isinstance(target, cst.Subscript) and isinstance(
            held := self._eval(target.value, scope), (ListObj, ParamRef)
        ):
            self._consume(value)
            if isinstance(held, ListObj):
                held.known = False  # `layers[-1] = nn.Identity()`
            elif held.is_kernel and held.layer.init is not None:
                held.layer.init = _modified(held.layer)  # `w.data[i, i] = 1.0`
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
                layer.init = self._assigned_init(layer, value, scope)
            else:
                self._walk_expr(target, scope)

    def _label(self, value: Value, name: str, scope: Scope, path: str) -> None:
        """Name layers after what they are bound to; ``path`` is how the code reaches the
        binding right after it (``self.fc1``, ``fc``), for messages that say what to write."""
        if isinstance(value, ListObj):  # `blocks[0]`, `heads["a"]`, `blocks[i]` for copies
            if value.keys is not None:
                labels = [f'["{key}"]' for key in value.keys]
            elif value.repeated:
                labels = ["[i]"]
            else:
                labels = [f"[{index}]" for index in range(len(value.items))]
            for item, label in zip(value.items, labels, strict=False):
                if isinstance(item, (LayerObj, SeqObj)) and not item.label:
                    item.label, item.path = name + label, path + label
            return
        if isinstance(value, LayerObj) and not value.label:
            value.label, value.path = name, path
        elif isinstance(value, SeqObj) and not value.label:
            value.label, value.path = name, path
            owner = scope.name if scope.attrs is not None else name
            for index, item in enumerate(value.items):
                self._label_item(item, f"{name}[{index}]", owner, f"{path}[{index}]")

    def _label_item(self, item: LayerObj | SeqObj, label: str, owner: str, path: str) -> None:
        if isinstance(item, LayerObj):
            if item.framework is Framework.TORCH:  # `net[0]` is how torch code names it
                item.label = item.label or label
                item.path = item.path or path
            item.owner = owner
        else:
            item.label = item.label or label
            item.path = item.path or path
            for index, inner in enumerate(item.items):
                inner_path = f"{item.path}[{index}]" if item.path else ""
                self._label_item(inner, f"{label}[{index}]", owner, inner_path)

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
        depth = len(self._arms)  # arms an early return leaves in force end with the function
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
        del self._arms[depth:]

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
        for base in node.bases:
            if base.keyword is not None:
                continue
            known = self._eval(base.value, parent)
            if isinstance(known, ClassRef):
                state.bases += (known.cls,)
                state.inherited.update({**known.cls.inherited, **known.cls.methods})
            elif parent.imports.qualify(base.value) != "torch.nn.Module":
                state.external = True
        if parent is self._module_scope:  # visible to functions, which see module names
            self._globals[node.name.value] = ClassRef(state)
        parent.env[node.name.value] = ClassRef(state)
        class_scope = parent.child(name)
        for statement in node.body.body:
            if not isinstance(statement, cst.FunctionDef):
                self._statement(statement, class_scope)
        # As at runtime: `__init__` first, Keras' `build` next, then `forward`/`call`; a helper
        # runs where it is called from. Helpers nobody here calls run last, on their own:
        # their returns are not the model's output.
        with self._walk_root():
            self._class_methods(state, methods)

    def _class_methods(self, state: ClassState, methods: dict[str, cst.FunctionDef]) -> None:
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
            and state.lookup(name) is not None
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
        args, keywords = self._call_values(node, scope)
        method = scope.cls.lookup(name)
        assert method is not None
        return self._inline(method, scope, args, keywords)

    # ---------------------------------------------------------------- modules and parameters

    def _modules(
        self, root: Value, recurse: bool = True, limit: int | None = None
    ) -> list[tuple[str, Value]] | None:
        """``root.named_modules()`` (``recurse``) or ``named_children()``: every submodule
        we know, with its dotted name, in registration order. None: not a module we know,
        or more than ``limit`` of them."""
        limit = _MAX_UNROLLED if limit is None else limit
        found: list[tuple[str, Value]] = []
        seen: set[int] = set()

        def visit(prefix: str, value: Value, depth: int) -> None:
            if id(value) in seen or len(found) > limit:
                return
            seen.add(id(value))
            if depth > 0:
                found.append((prefix, value))
            if depth > 0 and not recurse:
                return
            for name, child in self._children(value):
                visit(f"{prefix}.{name}" if prefix else name, child, depth + 1)

        if not isinstance(root, (ModuleRef, SeqObj, ListObj, LayerObj)):
            return None
        if isinstance(root, LayerObj) and root.module is not None:
            root = root.module
        found.append(("", root))
        visit("", root, 0)
        if not recurse:
            del found[0]
        return found if len(found) <= limit else None

    def _unfollowed(self, root: Value) -> None:
        """A loop or hook over ``root``'s modules that we could not follow module by module
        (too many, a budget spent): any kernel under it may have been written."""
        for _, module in self._modules(root, limit=100_000) or ():
            if isinstance(module, LayerObj) and module.init is not None:
                module.init = _modified(module)

    @staticmethod
    def _children(value: Value) -> Iterator[tuple[str, Any]]:
        if isinstance(value, LayerObj):
            yield from value.parts.items()
        elif isinstance(value, ModuleRef):
            for name, child in value.cls.attrs.items():
                if isinstance(child, LayerObj) and child.type == "Parameter":
                    continue  # a parameter, listed by `_parameters`, not a module
                if isinstance(child, (LayerObj, SeqObj, ListObj, ModuleRef)):
                    yield name, child
        elif isinstance(value, SeqObj):
            names = {id(item): key for key, item in value.keys.items()}
            for index, item in enumerate(value.items):
                name = names.get(id(item), str(index))
                yield name, _unwrapped(item)
        elif isinstance(value, ListObj):
            keys = value.keys or [str(index) for index in range(len(value.items))]
            for key, item in zip(keys, value.items, strict=False):
                if isinstance(item, (LayerObj, SeqObj, ListObj, ModuleRef)):
                    yield key, item

    def _parameters(self, root: Value, recurse: bool = True) -> list[tuple[str, Value]] | None:
        """``root.named_parameters()``: (name, ParamRef) for every layer we know. None when
        some module's parameters cannot be listed (a module we do not know the insides of)."""
        modules = self._modules(root) if recurse else [("", root)]
        if modules is None:
            return None
        found: list[tuple[str, Value]] = []
        for prefix, module in modules:
            if isinstance(module, LayerObj):
                if module.type == "?":
                    return None
                own = self._own_parameters(module)
                if own is None:
                    return None
                for name, ndim in own:
                    full = f"{prefix}.{name}" if prefix else name
                    found.append((full, ParamRef(module, name, ndim)))
            elif isinstance(module, ModuleRef):
                for name, value in module.cls.attrs.items():
                    if isinstance(value, LayerObj) and value.type == "Parameter":
                        full = f"{prefix}.{name}" if prefix else name
                        found.append((full, ParamRef(value, "weight", 2)))
        return found if len(found) <= _MAX_UNROLLED else None

    def _has_parameter(self, layer: LayerObj, name: str) -> bool | None:
        """Does ``layer`` own a parameter ``name`` (``m.bias`` after ``bias=False``)?"""
        own = self._own_parameters(layer)
        return None if own is None else any(found == name for found, _ in own)

    @staticmethod
    def _own_parameters(layer: LayerObj) -> list[tuple[str, int | None]] | None:
        if layer.framework is not Framework.TORCH:
            return None
        if layer.type == "Parameter":
            return [("weight", 2)]
        if layer.synthetic:  # built by a composite with the defaults: weights and biases
            return [("in_proj_weight" if layer.parts else "weight", 2), ("bias", 1)]
        return torch.parameters(layer.type, layer.node)

    def _iteration(self, node: cst.BaseExpression, scope: Scope) -> list[Value] | None:
        """The items a ``for`` loop visits, when we know them all: ``self.modules()``,
        ``self.named_parameters()``, a ModuleList, ``enumerate(...)`` of those."""
        if _is_builtin_call(node, "enumerate", scope):
            assert isinstance(node, cst.Call)
            inner = self._iteration(node.args[0].value, scope)
            if inner is None:
                return None
            return [(Const(index), item) for index, item in enumerate(inner)]
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and not node.args:
            method = node.func.attr.value
            if method not in _ENUMERATORS:
                return None
            receiver = self._eval(node.func.value, scope)
            if isinstance(receiver, ListObj) and method in ("values", "items", "keys"):
                keys = receiver.keys or []
                if method == "values":
                    return list(receiver.items)
                if method == "keys":
                    return [Const(key) for key in keys]
                return [(Const(k), v) for k, v in zip(keys, receiver.items, strict=False)]
            named = method.startswith("named_")
            if method.endswith("parameters"):
                found = self._parameters(receiver)
            else:
                found = self._modules(receiver, recurse=method.endswith("modules"))
            if found is None:
                return None
            return [(Const(name), value) if named else value for name, value in found]
        if isinstance(node, (cst.Tuple, cst.List)) and 0 < len(node.elements) <= _MAX_UNROLLED:
            if any(isinstance(element, cst.StarredElement) for element in node.elements):
                return None
            members = [self._eval(element.value, scope) for element in node.elements]
            if all(
                isinstance(member, (LayerObj, SeqObj, ListObj, ModuleRef)) for member in members
            ):
                return members  # `for m in (self.fc1, self.fc2):`
            for member in members:
                self._consume(member)
            return None
        value = self._eval(node, scope) if isinstance(node, (cst.Name, cst.Attribute)) else None
        if isinstance(value, ListObj) and value.known and len(value.items) <= _MAX_UNROLLED:
            if value.keys is not None:  # iterating a ModuleDict gives its keys
                return [Const(key) for key in value.keys]
            return list(value.items) * (2 if value.repeated else 1)
        if isinstance(value, SeqObj) and len(value.items) <= _MAX_UNROLLED:
            visited: list[Value] = [_unwrapped(item) for item in value.items]
            return visited
        return None

    def _apply_hook(self, receiver: Value, hook: Value, scope: Scope) -> bool:
        """``module.apply(fn)``: run ``fn`` on every submodule we know, children first."""
        modules = self._modules(receiver)
        if not isinstance(hook, (FuncRef, BoundMethod)):
            return False
        if modules is None:
            self._unfollowed(receiver)
            return True
        for _, module in reversed(modules):  # torch's apply visits children before parents
            self._call_function(hook, [module], {}, scope)
        if self._inline_budget <= 0:
            self._unfollowed(receiver)
        return True

    def _call_function(
        self,
        func: FuncRef | BoundMethod,
        args: list[Value],
        keywords: dict[str, Value],
        scope: Scope,
    ) -> Value:
        """Run a function defined in this file for a caller, with the caller's values."""
        if isinstance(func, BoundMethod):
            state = func.cls
            if func.node.name.value in state.stack or len(state.stack) >= _MAX_INLINE_DEPTH:
                return None
            holder = state.parent.child(state.name, state.attrs)
            holder.cls = state
            return self._inline(func.node, holder, args, keywords)
        key = (id(func.node), scope.name, tuple(args), tuple(sorted(keywords.items())))
        if key in self._inlined:
            return self._inlined[key]
        if (
            self._inline_budget <= 0
            or func.node in self._running
            or len(self._running) >= _MAX_INLINE_DEPTH
        ):
            for value in (*args, *keywords.values()):
                self._consume(value)
            return None
        self._inline_budget -= 1
        made = len(self.layers) + len(self.sequentials)
        assert self._module_scope is not None
        callee = self._module_scope.child(scope.name)  # layers made here belong to the caller
        callee.nested = func.nested
        callee.returns = []
        callee.labels = False
        self._running.append(func.node)
        try:
            self._function(func.node, callee, method=False, args=args, keywords=keywords)
        finally:
            self._running.pop()
        result = self._returned(callee.returns)
        if len(self.layers) + len(self.sequentials) == made and not isinstance(result, Literal):
            self._inlined[key] = result  # a Literal is an object each call builds anew
        return result

    def _returned(self, returns: list[Value]) -> Value:
        if not returns:
            return None
        first = returns[0]
        if all(value is first or value == first for value in returns):
            return first
        for value in returns:
            self._consume(value)
        return None

    def _truth(self, node: cst.BaseExpression, scope: Scope) -> bool | None:
        """A test's value when it is decided by what we know statically — which module or
        parameter a loop is visiting: ``isinstance(m, nn.Linear)``, ``"weight" in name``,
        ``p.dim() > 1``, ``classname.find("Conv") != -1``. None: decided at runtime."""
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            inner = self._truth(node.expression, scope)
            return None if inner is None else not inner
        if isinstance(node, cst.BooleanOperation):
            left = self._truth(node.left, scope)
            is_and = isinstance(node.operator, cst.And)
            if left is (not is_and):  # `False and ...`, `True or ...`
                return left
            right = self._truth(node.right, scope)
            if left is None:
                return right if right is (not is_and) else None
            return right
        if isinstance(node, cst.Call):
            return self._truth_call(node, scope)
        if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
            lhs = self._static(node.left, scope)
            rhs = self._static(node.comparisons[0].comparator, scope)
            if lhs is _UNKNOWN or rhs is _UNKNOWN:
                return None
            return _compare(node.comparisons[0].operator, lhs, rhs)
        return None

    def _truth_call(self, node: cst.Call, scope: Scope) -> bool | None:
        func = node.func
        if not isinstance(func, cst.Name) or func.value in scope.env or len(node.args) != 2:
            value = self._static(node, scope)
            return value if isinstance(value, bool) else None
        subject = self._eval(node.args[0].value, scope)
        if func.value == "isinstance":
            return self._is_instance(subject, node.args[1].value, scope)
        if func.value == "hasattr":
            attr = self._static(node.args[1].value, scope)
            if isinstance(subject, LayerObj) and isinstance(attr, str) and subject.type != "?":
                return self._has_parameter(subject, attr) if attr in ("weight", "bias") else None
        return None

    def _is_instance(self, subject: Value, spec: cst.BaseExpression, scope: Scope) -> bool | None:
        classes: list[cst.BaseExpression] = []
        pending = [spec]
        while pending:
            item = pending.pop()
            if isinstance(item, (cst.Tuple, cst.List)):
                pending.extend(element.value for element in item.elements)
            elif isinstance(item, cst.BinaryOperation) and isinstance(item.operator, cst.BitOr):
                pending.extend((item.left, item.right))
            else:
                classes.append(item)
        verdicts = [self._instance_of(subject, cls, scope) for cls in classes]
        if True in verdicts:
            return True
        return None if None in verdicts else False

    def _instance_of(self, subject: Value, cls: cst.BaseExpression, scope: Scope) -> bool | None:
        qualified = (
            scope.imports.qualify(cls) if isinstance(cls, (cst.Name, cst.Attribute)) else None
        )
        target = self._eval(cls, scope) if qualified is None else None
        if isinstance(subject, ParamRef):
            return True if qualified in ("torch.nn.Parameter", "torch.Tensor") else None
        if isinstance(subject, LayerObj) and subject.framework is Framework.TORCH:
            if subject.type in ("?", "Parameter"):
                return None
            if qualified is not None:
                return torch.is_instance(subject.type, qualified)
            return False if isinstance(target, ClassRef) else None
        if isinstance(subject, (SeqObj, ListObj)):
            if qualified is None:
                return False if isinstance(target, ClassRef) else None
            if not qualified.startswith("torch."):
                return False
            return qualified.rsplit(".", 1)[-1] in ("Module", _type_name(subject))
        if isinstance(subject, ModuleRef):
            if isinstance(target, ClassRef):
                return any(state is target.cls for state in subject.cls.lineage())
            if qualified is not None and qualified.rsplit(".", 1)[-1] == "Module":
                return True
            if qualified is not None and not subject.cls.external:
                return False  # a class built only on nn.Module and classes in this file
        return None

    def _static(self, node: cst.BaseExpression, scope: Scope) -> object:
        """A Python value known statically, or ``_UNKNOWN``."""
        if isinstance(node, cst.SimpleString):
            return literal_string(node) if literal_string(node) is not None else _UNKNOWN
        if isinstance(node, (cst.Integer, cst.Float, cst.UnaryOperation)):
            number = literal_number(node)
            if number is not None:
                return number
        if isinstance(node, cst.Name) and node.value in ("None", "True", "False"):
            return {"None": None, "True": True, "False": False}[node.value]
        if isinstance(node, (cst.Tuple, cst.List)):
            values = [self._static(element.value, scope) for element in node.elements]
            return _UNKNOWN if _UNKNOWN in values else tuple(values)
        if isinstance(node, cst.Attribute) and node.attr.value == "__name__":
            owner = node.value  # `m.__class__.__name__`, `type(m).__name__`
            subject: Value = None
            if isinstance(owner, cst.Attribute) and owner.attr.value == "__class__":
                subject = self._eval(owner.value, scope)
            elif _is_type_call(owner, scope):
                assert isinstance(owner, cst.Call)
                subject = self._eval(owner.args[0].value, scope)
            return _type_name(subject)
        if isinstance(node, cst.Attribute) and node.attr.value in ("ndim", "shape"):
            base = self._eval(node.value, scope)
            if isinstance(base, ParamRef) and base.ndim is not None:
                return base.ndim if node.attr.value == "ndim" else ("shape", base.ndim)
            return _UNKNOWN
        if isinstance(node, cst.Attribute) and node.attr.value in ("bias", "weight"):
            base = self._eval(node.value, scope)
            if isinstance(base, LayerObj) and base.type not in ("?", "Parameter"):
                has = self._has_parameter(base, node.attr.value)
                if has is not None:
                    return _PRESENT if has else None
            return _UNKNOWN
        if _is_type_call(node, scope) or (
            isinstance(node, cst.Attribute) and node.attr.value == "__class__"
        ):
            inner = node.args[0].value if isinstance(node, cst.Call) else node.value  # type: ignore[attr-defined]
            named = _type_name(self._eval(inner, scope))
            return _UNKNOWN if named is _UNKNOWN else ("type", named)
        if isinstance(node, cst.Call):
            return self._static_call(node, scope)
        qualified = (
            scope.imports.qualify(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
        )
        if qualified is not None and qualified.startswith("torch.nn."):  # `type(m) == nn.Linear`
            return ("type", qualified.rsplit(".", 1)[1])
        value = self._eval(node, scope) if isinstance(node, (cst.Name, cst.Attribute)) else None
        if isinstance(value, Const):
            return value.value
        return _UNKNOWN

    def _static_call(self, node: cst.Call, scope: Scope) -> object:
        func = node.func
        if isinstance(func, cst.Name) and func.value == "len" and len(node.args) == 1:
            inner = self._static(node.args[0].value, scope)
            if isinstance(inner, tuple) and len(inner) == 2 and inner[0] == "shape":
                return inner[1]
            return len(inner) if isinstance(inner, (str, tuple)) else _UNKNOWN
        if not isinstance(func, cst.Attribute):
            return _UNKNOWN
        method = func.attr.value
        if method in ("dim", "ndimension") and not node.args:
            base = self._eval(func.value, scope)
            if isinstance(base, ParamRef) and base.ndim is not None:
                return base.ndim
            return _UNKNOWN
        if method in ("find", "startswith", "endswith", "count", "lower") and len(node.args) <= 1:
            text = self._static(func.value, scope)
            argument_value = self._static(node.args[0].value, scope) if node.args else None
            if not isinstance(text, str):
                return _UNKNOWN
            if method == "lower":
                return text.lower()
            if not isinstance(argument_value, (str, tuple)) or (
                method in ("find", "count") and not isinstance(argument_value, str)
            ):
                return _UNKNOWN
            if isinstance(argument_value, tuple) and not all(
                isinstance(part, str) for part in argument_value
            ):
                return _UNKNOWN  # `name.endswith((1,))` raises at runtime: never decided
            return getattr(text, method)(argument_value)
        return _UNKNOWN

    def _call_values(self, node: cst.Call, scope: Scope) -> tuple[list[Value], dict[str, Value]]:
        """The values a call passes, positional and by keyword."""
        args = [self._eval(arg.value, scope) for arg in node.args if not arg.keyword]
        keywords = {
            arg.keyword.value: self._eval(arg.value, scope)
            for arg in node.args
            if arg.keyword is not None
        }
        if any(arg.star for arg in node.args):  # `*xs`: which value goes where is unknown
            for value in (*args, *keywords.values()):
                self._consume(value)
            return [], {}
        return args, keywords

    def _module_method(self, node: cst.Call, func: cst.Attribute, scope: Scope) -> Value:
        """Module methods that initialise: ``m.apply(fn)``, transformers' ``post_init()``."""
        method = func.attr.value
        if method == "apply" and len(node.args) == 1 and not node.args[0].keyword:
            receiver = self._eval(func.value, scope)
            if not isinstance(receiver, (ModuleRef, SeqObj, ListObj, LayerObj)):
                self._consume(receiver)
                self._walk_args(node, scope)
                return None
            hook = self._eval(node.args[0].value, scope)
            if not self._apply_hook(receiver, hook, scope):
                self._consume(hook)  # a lambda, a `partial(...)`: it may write any kernel
                self._unfollowed(receiver)
            return receiver
        if method == "requires_grad_" and len(node.args) <= 1:
            owner = self._eval(func.value, scope)
            layer = owner.layer if isinstance(owner, ParamRef) and owner.is_kernel else owner
            flag = node.args[0].value if node.args else cst.Name("True")
            if isinstance(layer, LayerObj) and layer.init is not None:
                if isinstance(flag, cst.Name) and flag.value == "False":
                    layer.trainable = False
                return None
            self._consume(owner)
            self._walk_args(node, scope)
            return None
        if method == "add_weight":  # a Keras layer's own weight, used with `x @ w`
            receiver = self._eval(func.value, scope)
            self._walk_args(node, scope)
            shape = keras.weight_shape(node)
            if isinstance(receiver, ModuleRef) and shape is not None and len(shape) == 1:
                return Const(_BIAS)  # added to a product, it keeps the pairing
            if not isinstance(receiver, ModuleRef) or shape is None or len(shape) != 2:
                return None
            weight = LayerObj("Weight", LayerKind.DENSE, Framework.KERAS, node, scope.name, 0)
            weight.order = len(self.layers)
            weight.fan_in, weight.fan_out = shape  # (input, units), as Keras lays out kernels
            weight.units = weight.fan_out
            weight.init = keras.kernel_init(
                "add_weight", node, scope.imports, scope.context, self._resolve(scope)
            )
            weight.trainable = keras.trainable(node)
            self.layers.append(weight)
            return weight
        if method in ("post_init", "init_weights") and not node.args:
            receiver = self._eval(func.value, scope)
            if isinstance(receiver, ModuleRef):
                defined = receiver.cls.lookup("_init_weights")
                if defined is not None:  # PreTrainedModel: apply `_init_weights` to every module
                    self._apply_hook(receiver, BoundMethod(receiver.cls, defined), scope)
                return None
            self._consume(receiver)
            return None
        return _UNHANDLED

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
            if node.value in scope.env:
                return scope.env[node.value]
            if node.value == scope.self_name and scope.cls is not None:
                return ModuleRef(scope.cls)
            if node.value in scope.imports.aliases:
                return None
            constant = self._module_constant(node.value, scope)
            if constant is not None:
                return constant
            return self._globals.get(node.value)
        if isinstance(node, cst.Attribute):
            if self._is_self_attr(node, scope):
                assert scope.attrs is not None
                name = node.attr.value
                if name not in scope.attrs and self._can_inline(name, scope):
                    assert scope.cls is not None
                    method = scope.cls.lookup(name)
                    assert method is not None
                    if _decorated(method, "property"):
                        return self._inline(method, scope, [], {})
                    return BoundMethod(scope.cls, method)  # `self.apply(self._init_weights)`
                return scope.attrs.get(name)
            if node.attr.value == "__name__":  # `m.__class__.__name__`: which module a hook has
                known = self._static(node, scope)
                return Const(known) if isinstance(known, str) else None
            base = self._eval(node.value, scope)
            attr = node.attr.value
            if isinstance(base, ModuleRef):  # `model.fc`, `block.mlp` of a class in this file
                if attr in base.cls.attrs:
                    return base.cls.attrs[attr]
                method = base.cls.lookup(attr)
                return None if method is None else BoundMethod(base.cls, method)
            if isinstance(base, LayerObj) and attr in base.parts:  # `layer.linear1`
                part: Value = base.parts[attr]
                return part
            if isinstance(base, LayerObj) and base.framework is Framework.TORCH:
                if base.type == "Parameter":
                    return base if attr in torch.PASSTHROUGH_ATTRIBUTES else None
                own = self._own_parameters(base)
                for name, ndim in own or ():
                    if name == attr:
                        return ParamRef(base, name, ndim)
                if own is None and attr.startswith(("weight", "bias")):
                    return ParamRef(base, attr, None)
                return None
            if isinstance(base, SeqObj) and attr in base.keys:  # `self.net.fc1`
                named = base.keys[attr]
                return _unwrapped(named)
            if isinstance(base, ParamRef) and attr in torch.PASSTHROUGH_ATTRIBUTES:
                return base  # `fc.weight.data`
            if isinstance(base, Flow):
                if node.attr.value in torch.PASSTHROUGH_ATTRIBUTES:  # `x.T`, `x.data`
                    return base
                if node.attr.value in torch.INSPECTION_ATTRIBUTES:  # `x.shape`: no values used
                    if all(leaf.activated for leaf in base.leaves()):
                        self._finish(base)  # `print(model(x).shape)`: a model's output
                    return None
            self._consume(base)
            return None
        if isinstance(node, cst.Call):
            return self._call(node, scope)
        if isinstance(node, cst.IfExp):  # `A(...) if c else B(...)`: two arms, one runs
            self._walk_expr(node.test, scope)
            point = next(self._counter)
            values = []
            for arm, branch in enumerate((node.body, node.orelse)):
                self._arms.append((point, arm))
                try:
                    values.append(self._eval(branch, scope))
                finally:
                    self._arms.pop()
            if values[0] is values[1]:
                return values[0]
            for value in values:
                self._consume(value)
            return None
        if isinstance(node, cst.NamedExpr):  # `(h := self.fc(x))`
            value = self._eval(node.value, scope)
            self._bind(node.target, value, scope)
            return value
        if isinstance(
            node, (cst.Lambda, cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)
        ):
            self._inner_scope(node, scope)
            return None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.MatrixMultiply):
            left = self._eval(node.left, scope)
            right = self._eval(node.right, scope)
            if isinstance(right, (LayerObj, ParamRef)):
                return self._product(self._as_flow(left), right)
            self._consume(left)
            self._consume(right)
            return None
        if isinstance(node, cst.BinaryOperation) and isinstance(
            node.operator, (cst.Add, cst.Subtract)
        ):  # `x @ self.W + self.b`: a bias keeps the pairing; a residual sum does not
            left = self._eval(node.left, scope)
            right = self._eval(node.right, scope)
            for flow, other in ((left, right), (right, left)):
                if isinstance(flow, Flow) and _is_bias(other):
                    return dataclasses.replace(flow, parts=(), leading=None)
            self._consume(left)
            self._consume(right)
            return None
        if isinstance(node, cst.List) and node.elements:
            items = [self._eval(element.value, scope) for element in node.elements]
            modules = (LayerObj, SeqObj, ModuleRef)
            if all(isinstance(item, modules) for item in items) and not any(
                isinstance(element, cst.StarredElement) for element in node.elements
            ):
                held = ListObj(list(items))
                self.lists.append(held)
                return held
            for item in items:
                self._consume(item)
            return None
        if isinstance(node, cst.Subscript):
            base = self._eval(node.value, scope)
            if isinstance(base, ListObj) and base.known and not base.repeated:
                index = _subscript_index(node)
                key = (
                    self._static(node.slice[0].slice.value, scope)
                    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index)
                    else _UNKNOWN
                )
                if base.keys is not None and isinstance(key, str) and key in base.keys:
                    found: Value = base.items[base.keys.index(key)]
                    return found
                if (
                    base.keys is None
                    and index is not None
                    and -len(base.items) <= index < len(base.items)
                ):
                    found = base.items[index]
                    return found
            if isinstance(base, ListObj) and base.repeated and _subscript_index(node) is not None:
                found = base.items[0]  # one copy stands for all
                return found
            if isinstance(base, SeqObj):
                index = _subscript_index(node)
                if index is not None and -len(base.items) <= index < len(base.items):
                    return base.items[index]
            self._consume(base)
            for element in node.slice:
                self._walk_node(element, scope)
            return None
        self._walk_node(node, scope)
        return None

    def _inner_scope(self, node: cst.BaseExpression, scope: Scope) -> None:
        """A lambda or comprehension binds its own names: they hide the enclosing ones."""
        saved = dict(scope.env)
        if isinstance(node, cst.Lambda):
            for param in _all_params(node.params):
                scope.env[param.name.value] = None
        else:
            self._comprehension_names(node.for_in, scope)  # type: ignore[attr-defined]
        with nullcontext() if isinstance(node, cst.Lambda) else self._repeating():
            for child in children(node):
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
        for child in children(node):
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
        if qualified is not None and keras.is_initializer(qualified):
            self._walk_args(node, scope)
            held = Literal(node)  # `init = initializers.HeNormal(seed=1)`, held for later
            number = len(self._instances)
            self._instances[held] = (number, tuple(self._loops), scope.imports, scope.context)
            return held
        func = node.func
        if isinstance(func, cst.Attribute) and not (
            self._is_self_attr(func, scope) and self._can_inline(func.attr.value, scope)
        ):
            handled = self._module_method(node, func, scope)
            if handled is not _UNHANDLED:
                return handled
        if (
            isinstance(func, cst.Attribute)
            and self._is_self_attr(func, scope)
            and self._can_inline(func.attr.value, scope)
        ):
            assert scope.cls is not None
            defined = scope.cls.lookup(func.attr.value)
            if defined is not None and not _decorated(defined, "property"):
                return self._call_method(node, func.attr.value, scope)
        if isinstance(func, cst.Attribute) and not self._is_self_attr(func, scope):
            method = func.attr.value
            if method in semantics.TORCH_TENSOR_METHODS:
                layer = self._init_target(func.value, scope)
                self._record_fill(node, layer)
                if layer is not None:
                    layer.init = torch.method_init(method, node, scope.context)
                    self._walk_args(node, scope)
                    return None
                written = self._eval(_subscript_base(func.value), scope)
                if isinstance(written, ParamRef) and written.is_kernel and written.layer.init:
                    written.layer.init = _modified(written.layer)  # `w.data[i].fill_(1)`
                    self._walk_args(node, scope)
                    return None
            if method == "copy_" and len(node.args) == 1 and not node.args[0].keyword:
                layer = self._init_target(func.value, scope)
                source = node.args[0].value
                made = self._recognize(source.func, scope) if isinstance(source, cst.Call) else None
                if layer is not None and made is not None and made.what is What.TENSOR_FACTORY:
                    assert isinstance(source, cst.Call)
                    self._walk_args(source, scope)
                    layer.init = torch.factory_init(made.name, source, scope.context)[0]
                    return None  # `w.data.copy_(torch.zeros(out, in))`
            if method in semantics.TORCH_MUTATING_METHODS:
                self._consume(self._eval(func.value, scope))  # runs `.fill_(0.5)` first
                layer = self._init_target(_chain_base(func.value), scope)
                if layer is not None:
                    layer.init = _modified(layer)
                self._walk_args(node, scope)
                return None
            if method in ("pop", "insert", "extend", "add_module", "register_module"):
                receiver = self._eval(func.value, scope)
                if isinstance(receiver, ListObj):  # contents we no longer know
                    receiver.known = False
                if isinstance(receiver, SeqObj):
                    self._mutate(receiver, method, node)
                    self._walk_args(node, scope)
                    return None
                self._consume(receiver)
                self._walk_args(node, scope)
                return None
            if method in ("add", "append") and not node.args[1:]:
                receiver = self._eval(func.value, scope)
                if isinstance(receiver, ListObj) and node.args and not node.args[0].keyword:
                    item = self._eval(node.args[0].value, scope)
                    if isinstance(item, (LayerObj, SeqObj, ModuleRef)) and receiver.keys is None:
                        receiver.items.append(item)
                    else:
                        self._consume(item)
                        receiver.known = False
                    return None
                if isinstance(receiver, SeqObj) and node.args and not node.args[0].keyword:
                    # `model.add(keras.Input(...))` starts the chain; a module we do not
                    # know breaks it (never pair across it)
                    item = self._item(node.args[0].value, receiver.framework, scope)
                    if isinstance(item, (LayerObj, SeqObj)):
                        receiver.items.append(item)
                        self._mark_nested(item)
                        if receiver.label:
                            owner = scope.name if scope.attrs is not None else receiver.label
                            index = len(receiver.items) - 1
                            self._label_item(
                                item,
                                f"{receiver.label}[{index}]",
                                owner,
                                f"{receiver.path}[{index}]" if receiver.path else "",
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
                        if same:
                            return receiver
                        return Flow(
                            receiver.layer, receiver.activated, normalized=receiver.normalized
                        )
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
        if isinstance(callee, (FuncRef, BoundMethod)):  # `conv3x3(64, 64)`, a hook
            args, keywords = self._call_values(node, scope)
            return self._call_function(callee, args, keywords, scope)
        if callee is _CONCAT_LAYER and len(node.args) == 1:  # `layers.Concatenate()([a, b])`
            return self._joined(node.args[0].value, scope)
        if isinstance(callee, ClassRef):  # `Net()`: a module whose insides we know
            self._walk_args(node, scope)
            return ModuleRef(callee.cls)
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
        if keras.is_initializer(qualified):
            return True
        recognized = _recognize_qualified(qualified)
        return recognized is not None and recognized.what is What.ACT_FUNCTION

    def _resolve(
        self, scope: Scope, held: dict[int, Literal] | None = None
    ) -> Callable[[cst.BaseExpression], cst.BaseExpression | None]:
        """What a variable used as an initializer or activation holds, if we know; ``held``
        collects the values read, by the id of the expression that read them."""

        def resolve(node: cst.BaseExpression) -> cst.BaseExpression | None:
            value = self._eval(node, scope) if isinstance(node, (cst.Name, cst.Attribute)) else None
            if not isinstance(value, Literal) or value.node is node:
                return None
            if held is not None:
                held[id(node)] = value
            return value.node

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
            items, keys = self._sequential_items(node, recognized.framework, scope)
            seq = SeqObj(recognized.framework, node, items, keys=keys)
            for item in seq.items:
                self._mark_nested(item)
            self.sequentials.append(seq)
            return seq
        if what is What.INPUT:
            self._walk_args(node, scope)
            return Flow(None, width=keras.input_width(node), leading=keras.input_width(node, 0))
        if what is What.FUNCTIONAL_MODEL:
            outputs = argument(node, 1, "outputs")
            for arg in node.args:
                if arg.value is outputs:
                    self._outputs(arg.value, scope)  # the model's outputs end their chains
                else:
                    self._consume(self._eval(arg.value, scope))
            return None
        if what is What.CONCATENATE:
            return self._concatenate(node, recognized.name == "Concatenate", scope)
        if what is What.MODULE_LIST:
            return self._module_list(node, recognized.name == "ModuleDict", scope)
        if what is What.PARAMETER:
            return self._parameter(node, scope)
        if what is What.TENSOR_FACTORY:  # held, in case it becomes a kernel's values
            self._walk_args(node, scope)
            return Literal(node)
        if what is What.MATMUL and len(node.args) >= 2 and not has_star_args(node):
            source = self._as_flow(self._eval(node.args[0].value, scope))
            weight = self._eval(node.args[1].value, scope)
            for arg in node.args[2:]:
                self._consume(self._eval(arg.value, scope))
            return self._product(source, weight)
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
            if "dropout" in recognized.name:
                return flow
            return Flow(flow.layer, flow.activated, normalized=flow.normalized)
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
    ) -> tuple[list[LayerObj | SeqObj], dict[str, LayerObj | SeqObj]]:
        """Keras takes ``Sequential([...])`` or ``layers=[...]``; torch takes positional modules."""
        items: list[LayerObj | SeqObj] = []
        keys: dict[str, LayerObj | SeqObj] = {}
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
            elif keyword is None and not arg.star and _is_ordered_dict(value):
                assert isinstance(value, cst.Call)
                named = self._ordered_items(value, scope)
                if named is None:
                    items.append(_opaque_item(framework))
                    continue
                for key, item in named:
                    if isinstance(item, LayerObj) and item.framework is Framework.TORCH:
                        item.label = item.label or key
                    items.append(item)
                    keys[key] = item
            elif keyword is None and not arg.star:
                items.append(self._item(value, framework, scope))
            elif arg.star == "*" and isinstance(held := self._eval(value, scope), ListObj):
                if held.known and not held.repeated and held.keys is None:
                    items.extend(self._item_of(item, framework) for item in held.items)
                else:
                    items.append(_opaque_item(framework))
            else:  # `**modules`, a chain we cannot read item by item
                self._walk_expr(value, scope)
                items.append(_opaque_item(framework))
        return items, keys

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
        if isinstance(item, ModuleRef):
            return self._item_of(item, framework)
        self._consume(item)
        return _opaque_item(framework)

    def _concatenate(self, node: cst.Call, layer_form: bool, scope: Scope) -> Value:
        """``layers.concatenate([a, b])``, ``tf.concat([a, b], -1)``: each input's units
        pass through unchanged, so what follows pairs with each of them. The layer form
        (``layers.Concatenate()``) is applied later, to the list."""
        if layer_form:
            self._walk_args(node, scope)
            return _CONCAT_LAYER
        source = node.args[0].value if node.args and not node.args[0].keyword else None
        for arg in node.args[1:]:
            self._walk_expr(arg.value, scope)
        return self._joined(source, scope)

    def _joined(self, source: cst.BaseExpression | None, scope: Scope) -> Value:
        if not isinstance(source, (cst.List, cst.Tuple)) or not source.elements:
            if source is not None:
                self._walk_expr(source, scope)
            return None
        flows = [self._as_flow(self._eval(element.value, scope)) for element in source.elements]
        if any(isinstance(e, cst.StarredElement) for e in source.elements):
            for flow in flows:
                self._consume(flow)
            return None
        widths = [flow.width for flow in flows]
        width = None if None in widths else sum(w for w in widths if w is not None)
        return Flow(None, width=width, parts=_flat_parts(flows))

    def _module_list(self, node: cst.Call, keyed: bool, scope: Scope) -> ListObj:
        """``nn.ModuleList([...])``, ``nn.ModuleList(x for ...)``, ``nn.ModuleDict({...})``."""
        held = ListObj([], keys=[] if keyed else None)
        self.lists.append(held)
        source = argument(node, 0, "modules")
        for arg in node.args:
            if arg.value is not source:
                self._walk_expr(arg.value, scope)
        if source is None:
            return held
        if isinstance(source, (cst.ListComp, cst.GeneratorExp)) and not keyed:
            item = self._comprehension_item(source, scope)
            if isinstance(item, (LayerObj, SeqObj, ModuleRef)):
                held.items, held.repeated = [item], True
                return held
        elif isinstance(source, cst.Dict) and keyed:
            for element in source.elements:
                key = literal_string(element.key) if isinstance(element, cst.DictElement) else None
                value = self._eval(element.value, scope)
                if key is None or not isinstance(value, (LayerObj, SeqObj, ListObj, ModuleRef)):
                    self._consume(value)
                    held.known = False
                    continue
                held.items.append(value)
                assert held.keys is not None
                held.keys.append(key)
            return held
        elif not keyed:
            value = self._eval(source, scope)
            if isinstance(value, ListObj) and value.keys is None:
                held.items, held.repeated, held.known = (
                    list(value.items),
                    value.repeated,
                    value.known,
                )
                return held
            self._consume(value)
        else:
            self._walk_expr(source, scope)
        held.known = False
        return held

    def _comprehension_names(self, comp: cst.CompFor | None, scope: Scope) -> None:
        """Bind a comprehension's loop names (one unknown item each), walking its sources."""
        while comp is not None:
            self._walk_expr(comp.iter, scope)
            self._bind(comp.target, None, scope)
            for condition in comp.ifs:
                self._walk_expr(condition.test, scope)
            comp = comp.inner_for_in

    def _comprehension_item(self, node: cst.ListComp | cst.GeneratorExp, scope: Scope) -> Value:
        """The value one pass of a comprehension makes (its names hide the enclosing ones)."""
        saved = dict(scope.env)
        self._comprehension_names(node.for_in, scope)
        with self._repeating():
            item = self._eval(node.elt, scope)
        scope.env = saved
        return item

    def _parameter(self, node: cst.Call, scope: Scope) -> Value:
        """``nn.Parameter(torch.zeros(out, in))``: a 2-D parameter is a kernel of its own,
        applied with ``x @ w`` or ``F.linear(x, w)``."""
        data = argument(node, 0, "data")
        for arg in node.args:
            if arg.value is not data:
                self._walk_expr(arg.value, scope)
        scaled = False
        if (  # `torch.randn(out, in) * 0.01`, `torch.randn(out, in) / math.sqrt(in)`
            isinstance(data, cst.BinaryOperation)
            and isinstance(data.operator, (cst.Multiply, cst.Divide))
            and isinstance(data.left, cst.Call)
        ):
            self._walk_expr(data.right, scope)
            data, scaled = data.left, True
        if not isinstance(data, cst.Call):
            if data is not None:
                self._walk_expr(data, scope)
            return None
        recognized = self._recognize(data.func, scope)
        self._walk_args(data, scope)
        if recognized is None or recognized.what is not What.TENSOR_FACTORY:
            return None
        init, ndim = torch.factory_init(recognized.name, data, scope.context)
        if scaled and init.family is not InitFamily.ZEROS:
            init = torch.scaled(init)
        if ndim == 1:  # a bias vector: added to a product, it keeps the pairing
            return Const(_BIAS)
        if ndim != 2:  # scalars, tokens, embeddings tables: not a kernel we pair
            return None
        layer = LayerObj(
            type="Parameter",
            kind=LayerKind.DENSE,
            framework=Framework.TORCH,
            node=node,
            owner=scope.name,
            order=len(self.layers),
            init=init,
        )
        frozen = argument(node, 1, "requires_grad")
        layer.trainable = not (isinstance(frozen, cst.Name) and frozen.value == "False")
        self.layers.append(layer)
        return layer

    def _product(self, flow: Flow, weight: Value) -> Value:
        """``x @ w``: the weight's layer produces the result, fed by ``x``."""
        if isinstance(weight, ParamRef) and weight.is_kernel:
            weight = weight.layer
        if isinstance(weight, LayerObj) and weight.init is not None:
            return self._apply(weight, flow)
        self._consume(flow)
        self._consume(weight)
        return None

    def _ordered_items(
        self, node: cst.Call, scope: Scope
    ) -> list[tuple[str, LayerObj | SeqObj]] | None:
        """``OrderedDict([("fc", nn.Linear(...)), ...])`` or ``OrderedDict(fc=...)``."""
        pairs: list[tuple[str | None, cst.BaseExpression]] = []
        for arg in node.args:
            if arg.keyword is not None:
                pairs.append((arg.keyword.value, arg.value))
            elif isinstance(arg.value, (cst.List, cst.Tuple)) and not arg.star:
                for element in arg.value.elements:
                    entry = element.value
                    if isinstance(entry, cst.Tuple) and len(entry.elements) == 2:
                        pairs.append(
                            (literal_string(entry.elements[0].value), entry.elements[1].value)
                        )
                    else:
                        pairs.append((None, entry))
            elif isinstance(arg.value, cst.Dict) and not arg.star:
                for pair in arg.value.elements:
                    if isinstance(pair, cst.DictElement):
                        pairs.append((literal_string(pair.key), pair.value))
                    else:
                        pairs.append((None, pair.value))
            else:
                pairs.append((None, arg.value))
        found: list[tuple[str, LayerObj | SeqObj]] = []
        readable = True
        for key, source in pairs:
            value = self._eval(source, scope)
            if key is None or not isinstance(value, (LayerObj, SeqObj, ModuleRef)):
                self._consume(value)
                readable = False
                continue
            found.append((key, self._item_of(value, Framework.TORCH)))
        return found if readable else None

    def _item_of(self, value: object, framework: Framework) -> LayerObj | SeqObj:
        """A Sequential item for a module value; a class instance is applied as an unknown."""
        if isinstance(value, (LayerObj, SeqObj)):
            return value
        item = _opaque_item(framework)
        item.module = value
        return item

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
            held: dict[int, Literal] = {}
            resolve = self._resolve(scope, held)
            layer.inline_act = keras.layer_act(recognized.name, node, scope.imports, resolve)
            if layer.kind.has_kernel:
                layer.init = keras.kernel_init(
                    recognized.name, node, scope.imports, scope.context, resolve
                )
                self._note_instance(layer, held.get(id(layer.init.node)))
            layer.fan_in, layer.fan_out = keras.widths(recognized.name, node)
            layer.units = keras.units(node, recognized.name)
            layer.trainable = keras.trainable(node)
            if layer.kind is LayerKind.CONV:
                channels = keras.input_channels(node)
                layer.fan_in, layer.fan_out, layer.units = keras.conv_fans(
                    recognized.name, node, channels
                )
        else:
            if layer.kind is LayerKind.OTHER:
                layer.parts = self._torch_parts(recognized.name, node, scope)
            if layer.kind is LayerKind.ACTIVATION:
                layer.inline_act = torch.module_act(recognized.name, node)
            elif layer.kind in (LayerKind.DENSE, LayerKind.CONV):
                layer.init = torch.default_init(node, scope.context)
            layer.fan_in, layer.fan_out = torch.widths(recognized.name, node)
            layer.units = torch.units(recognized.name, node)
        if layer.kind is LayerKind.RECURRENT and recognized.framework is Framework.TORCH:
            layer.init = torch.recurrent_default_init(node, scope.context)
            layer.inline_act = torch.recurrent_act(recognized.name, node)
            layer.fan_in, layer.fan_out = torch.recurrent_widths(recognized.name, node)
        elif layer.kind is LayerKind.RECURRENT and recognized.name in ("SimpleRNN", "LSTM", "GRU"):
            layer.inline_act = keras.recurrent_act(
                recognized.name, node, scope.imports, self._resolve(scope)
            )
        elif layer.kind is LayerKind.RECURRENT:
            layer.inline_act = None  # ConvLSTM: gates and convolution, not read
        self.layers.append(layer)
        return layer

    def _note_instance(self, layer: LayerObj, value: Literal | None) -> None:
        """Record a Keras layer whose kernel initializer is an instance held in a variable."""
        if value is None or value not in self._instances or layer.init is None:
            return
        number, loops, imports, context = self._instances[value]
        label = layer.label
        use = keras.instance_use(
            value.node,
            imports,
            layer.init,
            number=number,
            layer=label if label.startswith(layer.type) else f"{label} ({layer.type})",
            repeated=any(loop not in loops for loop in self._loops),
            arms=tuple(self._arms),
            context=context,
        )
        if use is not None:
            self.instance_uses.append(dataclasses.replace(use, root=self._root))

    def _torch_parts(self, type_name: str, node: cst.Call, scope: Scope) -> dict[str, Any]:
        """The submodules a built-in composite builds: ``linear1`` feeds the activation and
        ``linear2``; ``out_proj`` and ``linear2`` feed residual sums (role unknown)."""

        def linear(fan_in: int | None, fan_out: int | None) -> LayerObj:
            part = LayerObj("Linear", LayerKind.DENSE, Framework.TORCH, node, scope.name, 0)
            part.synthetic = True
            part.order = len(self.layers)
            part.init = torch.default_init(node, scope.context)
            part.fan_in, part.fan_out, part.units = fan_in, fan_out, fan_out
            self.layers.append(part)
            return part

        if type_name == "MultiheadAttention":
            width = literal_int(argument(node, 0, "embed_dim"))
            out_proj = linear(width, width)
            out_proj.acts.append(UNKNOWN_ACT)
            out_proj.label = "out_proj"
            return {"out_proj": out_proj}
        if type_name in ("TransformerEncoderLayer", "TransformerDecoderLayer"):
            d_model, hidden = torch.transformer_widths(node)
            attention = (
                ("self_attn", "multihead_attn") if "Decoder" in type_name else ("self_attn",)
            )
            parts: dict[str, Any] = {}
            for name in attention:
                mha = LayerObj(
                    "MultiheadAttention",
                    LayerKind.OTHER,
                    Framework.TORCH,
                    node,
                    scope.name,
                    len(self.layers),
                )
                mha.parts = {"out_proj": linear(d_model, d_model)}
                mha.synthetic, mha.label = True, name
                mha.parts["out_proj"].label = f"{name}.out_proj"
                mha.parts["out_proj"].acts.append(UNKNOWN_ACT)
                self.layers.append(mha)
                parts[name] = mha
            first, second = linear(d_model, hidden), linear(hidden, d_model)
            first.acts.append(torch.transformer_layer_act(node, self._act_function_name(scope)))
            first.feeds_weight = True
            second.acts.append(UNKNOWN_ACT)  # into the residual sum and a norm
            first.label, second.label = "linear1", "linear2"
            parts.update(linear1=first, linear2=second)
            return parts
        if type_name in ("TransformerEncoder", "TransformerDecoder"):
            inner = self._eval(
                argument(node, 0, "encoder_layer" if "Encoder" in type_name else "decoder_layer")
                or cst.Name("None"),
                scope,
            )
            if isinstance(inner, LayerObj) and inner.parts:  # deep copies of that layer
                return {"layers": ListObj([inner], repeated=True)}
        return {}

    def _act_function_name(self, scope: Scope) -> Callable[[cst.BaseExpression], str | None]:
        def name(node: cst.BaseExpression) -> str | None:
            recognized = (
                self._recognize(node, scope)
                if isinstance(node, (cst.Name, cst.Attribute))
                else None
            )
            if recognized is not None and recognized.what is What.ACT_FUNCTION:
                return semantics.TORCH_ACT_FUNCTIONS.get(recognized.name)
            return None

        return name

    # ---------------------------------------------------------------- init targets

    def _init_target(self, node: cst.BaseExpression, scope: Scope) -> LayerObj | None:
        """The layer whose kernel ``node`` names: ``self.fc.weight``, ``fc.weight.data``."""
        value = self._eval(node, scope)
        if isinstance(value, ParamRef) and value.is_kernel and value.layer.init is not None:
            return value.layer
        if isinstance(value, LayerObj) and value.type == "Parameter":
            return value
        return None

    def _set_init(self, target: cst.BaseExpression, init: Init, scope: Scope) -> None:
        layer = self._init_target(target, scope)
        self._record_fill(init.node, layer)
        if layer is not None:
            layer.init = init

    def _record_fill(self, node: object, layer: LayerObj | None) -> None:
        """What one init call fills, for deciding whether one rewrite of it can serve all."""
        self.filled.setdefault(id(node), []).append(layer)

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
            joined = bool(flow.parts)
            for leaf in flow.leaves():
                obj.sources.append(None if joined else leaf.layer)
                if leaf.layer is not None:
                    if not leaf.activated:
                        leaf.layer.acts.append(LINEAR_ACT)
                    leaf.layer.feeds_weight = True
                    leaf.layer.targets.append((obj, leaf.normalized, joined))
            if obj.kind is LayerKind.DENSE and obj.fan_in is None and flow.width is not None:
                obj.fan_in = flow.width  # Dense(64) after Dense(128): fan_in 128
            keras_conv = obj.kind is LayerKind.CONV and obj.framework is Framework.KERAS
            first = keras.channels_first(obj.node) if keras_conv else False
            # Conv2D(64) after Conv2D(32) has 32 input channels; an Input's last axis is its
            # channels only under channels_last
            channels = flow.leading if first and flow.layer is None else flow.width
            unknown = None in (obj.fan_in, obj.fan_out)
            if keras_conv and first is not None and unknown and channels is not None:
                obj.fan_in, obj.fan_out, obj.units = keras.conv_fans(obj.type, obj.node, channels)
            width = obj.units if obj.kind is LayerKind.DENSE or keras_conv else None
            if obj.kind is LayerKind.RECURRENT:  # its kernel feeds the gates, not what follows
                obj.acts.append(obj.inline_act or UNKNOWN_ACT)
                return Flow(obj, activated=True)
            inline = obj.inline_act
            if inline is not None and inline.family is not ActFamily.LINEAR:
                obj.acts.append(inline)
                return Flow(obj, activated=True, width=width)
            return Flow(obj, width=width)
        if obj.kind is LayerKind.ACTIVATION:
            return self._activate(flow, obj.inline_act or UNKNOWN_ACT)
        if obj.kind is LayerKind.NORMALIZATION:
            return dataclasses.replace(
                flow,
                normalized=True,
                parts=tuple(dataclasses.replace(part, normalized=True) for part in flow.parts),
            )
        if _keeps_width(obj.type):
            return flow
        if obj.type == "Input":  # the first item of a Sequential: the input's width
            return Flow(None, width=obj.units)
        if obj.kind is LayerKind.PASSTHROUGH:  # pooling, flatten, reshape: a new width
            width = obj.units if obj.type == "Flatten" else None  # Flatten(input_shape=...)
            return Flow(
                flow.layer,
                flow.activated,
                width=width,
                parts=flow.parts,
                normalized=flow.normalized,
            )
        self._consume(flow)
        return _PARAM_FLOW

    @classmethod
    def _activate(cls, flow: Flow, act: Act) -> Flow:
        if flow.parts:  # flat (see `_flat_parts`): each part is one layer's output
            parts = [cls._activate(part, act) for part in flow.parts]
            return Flow(None, width=flow.width, parts=_flat_parts(parts))
        if flow.layer is None or flow.activated:
            return flow
        flow.layer.acts.append(act)
        return Flow(flow.layer, activated=True, width=flow.width, normalized=flow.normalized)

    @staticmethod
    def _consume(value: Value) -> None:
        """A value used where we cannot follow it: its pairing becomes unknown."""
        if isinstance(value, Flow):
            for leaf in value.leaves():
                if leaf.layer is not None:
                    leaf.layer.escapes = True  # the signal model must not follow past it
                    if not leaf.activated:
                        leaf.layer.acts.append(UNKNOWN_ACT)

    @staticmethod
    def _finish(flow: Flow) -> None:
        for leaf in flow.leaves():
            if leaf.layer is None:
                continue
            if not leaf.activated:
                leaf.layer.acts.append(LINEAR_ACT)
            leaf.layer.chain_end = True
            leaf.layer.escapes = True


# Expressions `_eval` reads itself; any other expression is walked child by child.
_EVALUATED = (
    cst.Name,
    cst.IfExp,
    cst.BinaryOperation,
    cst.List,
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
    for child in children(pattern):
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
_MAX_UNROLLED = 64  # a loop over more modules or parameters than this is left unknown
_ENUMERATORS = frozenset(
    (
        "modules",
        "named_modules",
        "children",
        "named_children",
        "parameters",
        "named_parameters",
        "values",
        "items",
        "keys",
    )
)
_UNKNOWN = object()  # a value `_static` cannot decide
_UNHANDLED = Literal(cst.Name("_"))  # `_module_method` did not recognise the call
_CONCAT_LAYER = Literal(cst.Name("Concatenate"))  # a `layers.Concatenate()` object
_PRESENT = object()  # `m.bias` where the module has one: not None, value unknown


def _compare(operator: cst.BaseCompOp, left: object, right: object) -> bool | None:
    """``left <op> right`` for statically known values; None when Python would raise."""
    try:
        if isinstance(operator, (cst.Equal, cst.Is)):
            return left == right if left is not _PRESENT else right is not None and None
        if isinstance(operator, (cst.NotEqual, cst.IsNot)):
            return left != right if left is not _PRESENT else right is None or None
        if isinstance(operator, cst.In):
            return bool(left in right)  # type: ignore[operator]
        if isinstance(operator, cst.NotIn):
            return bool(left not in right)  # type: ignore[operator]
        if isinstance(operator, cst.LessThan):
            return bool(left < right)  # type: ignore[operator]
        if isinstance(operator, cst.LessThanEqual):
            return bool(left <= right)  # type: ignore[operator]
        if isinstance(operator, cst.GreaterThan):
            return bool(left > right)  # type: ignore[operator]
        if isinstance(operator, cst.GreaterThanEqual):
            return bool(left >= right)  # type: ignore[operator]
    except TypeError:
        return None
    return None


def _type_name(subject: object) -> object:
    """``type(subject).__name__`` for a module we know."""
    if isinstance(subject, LayerObj) and subject.type not in ("?", "Parameter"):
        return subject.type
    if isinstance(subject, ModuleRef):
        return subject.cls.name.split(" (")[0]
    if isinstance(subject, SeqObj):
        return "Sequential"
    if isinstance(subject, ListObj):
        return "ModuleList" if subject.keys is None else "ModuleDict"
    return _UNKNOWN


_BIAS = "<bias vector>"


def _is_bias(value: object) -> bool:
    """A 1-D parameter (``nn.Parameter(torch.zeros(n))``) or a layer's bias."""
    if isinstance(value, Const):
        return value.value == _BIAS
    return isinstance(value, ParamRef) and value.name.startswith("bias")


def _is_type_call(node: cst.BaseExpression, scope: Scope) -> bool:
    return _is_builtin_call(node, "type", scope)


def _is_builtin_call(node: cst.BaseExpression, name: str, scope: Scope) -> bool:
    """``name(x)`` with one positional argument, ``name`` not rebound here."""
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == name
        and name not in scope.env
        and len(node.args) == 1
        and node.args[0].keyword is None
        and not node.args[0].star
    )


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


def _subscript_base(node: cst.BaseExpression) -> cst.BaseExpression:
    """``w.data[0, :]`` → ``w.data``: the tensor a slice belongs to (itself if no slice)."""
    while isinstance(node, cst.Subscript):
        node = node.value
    return node


def _declared_global(module: cst.Module) -> set[str]:
    """Names some function rebinds with ``global``: never constants. Statements only (a
    ``global`` statement cannot hide inside an expression): no walk of every node."""
    found: set[str] = set()
    pending: list[cst.CSTNode] = list(module.body)
    while pending:
        statement = pending.pop()
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Global):
                    found.update(item.name.value for item in small.names)
            continue
        for child in children(statement):
            if isinstance(child, cst.IndentedBlock):
                pending.extend(child.body)
            elif isinstance(
                child,
                (
                    cst.BaseCompoundStatement,
                    cst.Else,
                    cst.ExceptHandler,
                    cst.MatchCase | cst.Finally | cst.ExceptStarHandler,
                ),
            ):
                pending.append(child)
    return found


def _unwrapped(item: LayerObj | SeqObj) -> Value:
    """A Sequential item as the module it is: a class instance it stands for, or itself."""
    if isinstance(item, LayerObj) and item.module is not None:
        module: Value = item.module
        return module
    return item


def _flat_parts(flows: list[Flow]) -> tuple[Flow, ...]:
    """The flows a concatenation joins, one level deep and each once: a chain of
    ``x = concatenate([x, f(x)])`` stays as long as the layers it holds."""
    found: dict[tuple[int, bool], Flow] = {}
    for flow in flows:
        for leaf in flow.leaves():
            found.setdefault((id(leaf.layer), leaf.activated), leaf)
    return tuple(found.values())


def _is_ordered_dict(node: cst.BaseExpression) -> bool:
    if not isinstance(node, cst.Call):
        return False
    name = dotted(node.func)
    return name is not None and name.split(".")[-1] == "OrderedDict"


def _same_objects(a: list[object], b: list[object]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


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
