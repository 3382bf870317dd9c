"""CST → Models: the only part of initlint that walks syntax trees."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

import libcst as cst

from initlint import semantics
from initlint.frameworks import keras, torch
from initlint.frameworks.flow import Walker
from initlint.frameworks.names import Imports, collect_top_level_imports, rebound_names
from initlint.frameworks.values import LayerObj
from initlint.model import UNKNOWN_ACT, Act, ActFamily, FileModels, InitCall, Layer, Model, Role

STAR_EXPORTS = {**keras.STAR_EXPORTS, **torch.STAR_EXPORTS}


@dataclass(eq=False)
class FileContext:
    """What a fix needs besides the node it replaces: the module, the imports visible where
    the initializer is read, and which names a fix may write."""

    module: cst.Module
    imports: Imports
    facts: ModuleFacts

    def usable(self, name: str) -> bool:
        return self.facts.usable(name)


class ModuleFacts:
    """Facts about the whole module that only fixes need, computed once and only then."""

    def __init__(self, module: cst.Module, fixable: set[str]) -> None:
        self.module = module
        self.fixable = fixable
        self._rebound: set[str] | None = None

    def usable(self, name: str) -> bool:
        """A name imported unconditionally before any code runs, and never bound to anything
        else anywhere in the module (not a local, a parameter, a walrus or a match capture)."""
        if name not in self.fixable:
            return False
        if self._rebound is None:
            self._rebound = rebound_names(self.module)
        return name not in self._rebound


def extract(module: cst.Module) -> list[Model]:
    """Every model in a parsed module, in source order."""
    return list(extract_file(module).models)


def extract_file(module: cst.Module) -> FileModels:
    """Every model in a parsed module, in source order, and every ``nn.init`` call in it."""
    imports = collect_top_level_imports(module, STAR_EXPORTS)
    if not imports.aliases and not imports.star_modules:
        return FileModels()
    facts = ModuleFacts(module, imports.fixable)
    walker = Walker(imports, lambda visible: FileContext(module, visible, facts))
    walker.run(module)
    models = build_models(walker.layers, walker.filled)
    return FileModels(tuple(models), _once_each(walker.init_calls), tuple(walker.instance_uses))


def _once_each(calls: list[InitCall]) -> tuple[InitCall, ...]:
    """One record per call in the source: a method the walker runs for several callers (or
    on several paths) sees its calls more than once."""
    seen: dict[int, InitCall] = {}
    for call in calls:
        seen.setdefault(id(call.init.node), call)
    return tuple(seen.values())


def build_models(
    layers: list[LayerObj], filled: dict[int, list[LayerObj | None]] | None = None
) -> list[Model]:
    """Group layers by the class or Sequential that owns them. ``filled``: every tensor each
    init call wrote (None for one we do not pair), so a layer knows what its init call also
    fills, even where a later write hid it."""
    groups: dict[str, list[LayerObj]] = defaultdict(list)
    by_call: dict[int, list[LayerObj | None]] = defaultdict(list)
    for node, tensors in (filled or {}).items():
        by_call[node].extend(tensors)
    for layer in layers:
        groups[layer.owner].append(layer)
        init = layer.init
        if init is not None and init.explicit and init.node is not None:
            by_call[id(init.node)].append(layer)  # one written value for several layers
    acts = {id(layer): _resolve_act(layer) for layer in layers}
    models = []
    for owner, members in groups.items():
        if not any(member.init is not None for member in members):
            continue
        ordered = sorted(members, key=lambda m: m.order)
        built = tuple(_layer(member, acts, by_call) for member in ordered)
        models.append(Model(owner, members[0].framework, _link(ordered, built)))
    return models


def _link(objs: list[LayerObj], built: tuple[Layer, ...]) -> tuple[Layer, ...]:
    """Fill ``Layer.feeds``/``normalized``: an edge only where one weight layer's output
    reaches exactly one weight layer of the same model and nothing else (no residual sum, no
    return, no call we cannot follow), not through a concatenation, on every path with the
    same normalization, and that layer is applied to nothing else."""
    index = {id(obj): position for position, obj in enumerate(objs)}
    linked = list(built)
    for position, obj in enumerate(objs):
        if obj.init is None or not obj.targets or obj.escapes:
            continue
        edges = {(id(target), normed, joined) for target, normed, joined in obj.targets}
        if len(edges) != 1:
            continue
        ((target_id, normed, joined),) = edges
        target = objs[index[target_id]] if target_id in index else None
        if joined or target is None or target is obj or target.init is None:
            continue
        if not target.sources or any(source is not obj for source in target.sources):
            continue
        linked[position] = dataclasses.replace(
            built[position], feeds=index[target_id], normalized=normed
        )
    return tuple(linked)


def _layer(obj: LayerObj, acts: dict[int, Act], by_call: dict[int, list[LayerObj | None]]) -> Layer:
    peers = by_call.get(id(obj.init.node), []) if obj.init is not None else []
    return Layer(
        name=obj.label or f"{obj.type}#{obj.order}",
        type=obj.type,
        kind=obj.kind,
        framework=obj.framework,
        init=obj.init,
        act=acts[id(obj)],
        role=Role.HIDDEN if obj.feeds_weight else Role.OUTPUT if obj.chain_end else Role.UNKNOWN,
        fan_in=obj.fan_in,
        fan_out=obj.fan_out,
        units=obj.units,
        trainable=obj.trainable,
        shared=tuple(
            UNKNOWN_ACT if peer is None else acts[id(peer)]
            for peer in dict.fromkeys(peers)
            if peer is not obj
        ),
        path=obj.path,
        synthetic=obj.synthetic,
        node=obj.node,
        context=obj.init.context if obj.init is not None else None,
    )


def _resolve_act(obj: LayerObj) -> Act:
    """The activation seen on every path the layer's output takes, or unknown: never a guess.

    Different activations of one family (tanh on one branch, sigmoid on the other) resolve
    to that family, since every family-level verdict holds on each path; anything else
    (relu here, linear there; an unknown call) is unknown.
    """
    if obj.kind.name == "ACTIVATION" and obj.inline_act is not None:
        return obj.inline_act
    seen: dict[tuple[str, float | None], Act] = {}
    for act in obj.acts:
        seen.setdefault((act.name, act.slope), act)
    if not seen and obj.inline_act is not None:
        return obj.inline_act
    acts = list(seen.values())
    if len(acts) == 1:
        return acts[0]
    families = {act.family for act in acts}
    if len(families) != 1 or families & {ActFamily.UNKNOWN, ActFamily.LINEAR}:
        return UNKNOWN_ACT
    names = sorted({act.name for act in acts})
    slopes = {semantics.relu_slope(act) for act in acts}
    return Act(
        name=" or ".join(names),
        family=acts[0].family,
        slope=slopes.pop() if len(slopes) == 1 else None,
        display=" or ".join(sorted({act.display for act in acts})),
    )
