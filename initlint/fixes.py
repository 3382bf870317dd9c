"""Fix builders (node edits that keep the user's spelling) and the one applier.

Builders take the opaque CST handles extraction left on an ``Init`` and return a ``FixPlan``
or None when no faithful rewrite exists. The applier splices positioned edits into the text
in one pass, skipping fixes that overlap an earlier one (the fixpoint loop picks them up).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import libcst as cst

from initlint import semantics
from initlint.diagnostics import Fix, FixPlan, NodeEdit
from initlint.frameworks import FileContext
from initlint.frameworks.common import argument, has_star_args, literal_number, source_text
from initlint.frameworks.names import module_of
from initlint.model import Distribution, Init, InitCall, InitFamily, InstanceUse, Spelling
from initlint.semantics import KerasInit, TorchCall

# Named Glorot/He/LeCun classes all take (seed=None) alone: their arguments carry over as is.
_NAMED_KERAS = frozenset(
    f"{family}_{dist}" for family in ("glorot", "he", "lecun") for dist in ("uniform", "normal")
)


def replace_init(init: Init, target: KerasInit | TorchCall | None) -> FixPlan | None:
    """Rewrite ``init`` as ``target`` in the same spelling, or None if it cannot be done.

    The title shows the replacement as it will be written.
    """
    context = init.context
    if target is None or init.node is None or not isinstance(context, FileContext):
        return None
    edits: list[NodeEdit] | None
    if isinstance(target, KerasInit):
        edits = _keras(init, target, context)
    else:
        edits = _torch(init, target, context)
    if not edits or not all(_keeps_comments(edit) for edit in edits):
        return None
    if init.spelling is Spelling.DEFAULT:
        title = f'Add `{init.keyword}="{semantics.display(target)}"`'
    else:
        title = f"Use `{' '.join(edits[0].content.split())}`"
    return FixPlan(title, tuple(edits))


# --------------------------------------------------------------------------------- Keras


def _keras(init: Init, target: KerasInit, context: FileContext) -> list[NodeEdit] | None:
    node = init.node
    if init.spelling is Spelling.STRING and isinstance(node, cst.SimpleString):
        old = node.evaluated_value
        name = target.pascal if isinstance(old, str) and old[:1].isupper() else target.snake
        return [NodeEdit(node, f"{node.prefix}{node.quote}{name}{node.quote}")]
    if init.spelling is Spelling.NONE and isinstance(node, cst.Name):
        return [NodeEdit(node, f'"{target.snake}"')]
    if init.spelling is Spelling.DEFAULT and isinstance(node, cst.Call):
        quote = _quote_in(node)
        value = cst.SimpleString(f"{quote}{target.snake}{quote}")
        return [NodeEdit(node, _code(context, _add_keyword(node, init.keyword, value)))]
    if init.spelling is Spelling.CLASS and isinstance(node, (cst.Name, cst.Attribute)):
        return _rename(node, _same_case(node, target), context)
    if init.spelling is Spelling.INSTANCE and isinstance(node, cst.Call):
        if init.name == "variance_scaling":
            return _variance_scaling(node, target, init, context)
        func = node.func
        if not isinstance(func, (cst.Name, cst.Attribute)):
            return None
        renamed = _rename(func, _same_case(func, target), context)
        if renamed is None:
            return None
        call_edit, *import_edits = renamed
        new_call = node.with_changes(func=cst.parse_expression(call_edit.content))
        if init.name not in _NAMED_KERAS:  # Constant(0.5), RandomNormal(...): keep the seed
            new_call = new_call.with_changes(
                args=_seed_only(node.args), whitespace_before_args=cst.SimpleWhitespace("")
            )
        return [NodeEdit(node, _code(context, new_call)), *import_edits]
    return None


def _same_case(node: cst.Name | cst.Attribute, target: KerasInit) -> str:
    old = node.value if isinstance(node, cst.Name) else node.attr.value
    return target.pascal if old[:1].isupper() else target.snake


def _seed_only(args: Sequence[cst.Arg]) -> list[cst.Arg]:
    kept = [arg for arg in args if arg.keyword is not None and arg.keyword.value == "seed"]
    tidy = cst.SimpleWhitespace("")
    return [
        arg.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=tidy) for arg in kept
    ]


_VARIANCE_SCALING = {
    InitFamily.HE: ("2.0", "fan_in"),
    InitFamily.GLOROT: ("1.0", "fan_avg"),
    InitFamily.LECUN: ("1.0", "fan_in"),
}


def _variance_scaling(
    node: cst.Call, target: KerasInit, init: Init, context: FileContext
) -> list[NodeEdit] | None:
    """``VarianceScaling(1.0, "fan_avg", "uniform")`` → ``VarianceScaling(2.0, "fan_in",
    "uniform")``: the smaller diff, and the distribution and seed stay exactly as written."""
    if target.family not in _VARIANCE_SCALING:
        return None
    scale, mode = _VARIANCE_SCALING[target.family]
    quote = _quote_in(node)
    args = _set_argument(list(node.args), 0, "scale", scale)
    args = _set_argument(args, 1, "mode", f"{quote}{mode}{quote}")
    normal = (Distribution.NORMAL, Distribution.TRUNCATED_NORMAL)
    if target.family is InitFamily.LECUN and init.distribution not in normal:
        args = _set_argument(args, 2, "distribution", f"{quote}truncated_normal{quote}")
    return [NodeEdit(node, _code(context, node.with_changes(args=args)))]


def _set_argument(args: list[cst.Arg], position: int, keyword: str, text: str) -> list[cst.Arg]:
    """Set a parameter given by keyword or position, or append it as a keyword."""
    value = cst.parse_expression(text)
    positional = [i for i, arg in enumerate(args) if arg.keyword is None and not arg.star]
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == keyword:
            args[index] = arg.with_changes(value=value)
            return args
    if position < len(positional):
        args[positional[position]] = args[positional[position]].with_changes(value=value)
        return args
    return _append(args, _keyword(keyword, value))


def _keyword(keyword: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        value=value,
        keyword=cst.Name(keyword),
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )


# --------------------------------------------------------------------------------- PyTorch


def _torch(init: Init, target: TorchCall, context: FileContext) -> list[NodeEdit] | None:
    node = init.node
    if not isinstance(node, cst.Call):
        return None
    quote = _quote_in(node)
    keywords = [(k, v.replace("'", quote)) for k, v in target.keywords]
    if init.spelling is Spelling.TORCH_FUNCTION:
        tensor = argument(node, 0, "tensor")
        func = node.func
        if tensor is None or not isinstance(func, (cst.Name, cst.Attribute)):
            return None
        renamed = _rename(func, target.function, context)
        if renamed is None:
            return None
        call_edit, *import_edits = renamed
        generator = argument(node, None, "generator")
        if generator is not None:
            keywords.append(("generator", source_text(generator)))
        text = _call_text(call_edit.content, source_text(tensor), keywords)
        return [NodeEdit(node, text), *import_edits]
    if init.spelling is Spelling.TORCH_METHOD and isinstance(node.func, cst.Attribute):
        prefix = context.imports.local_for("torch.nn.init", context.usable)
        if prefix is None:
            return None
        receiver = source_text(node.func.value)
        return [NodeEdit(node, _call_text(f"{prefix}.{target.function}", receiver, keywords))]
    return None


def torch_call_text(target: TorchCall, tensor: str, context: object, node: object = None) -> str:
    """``target`` written as a call on ``tensor``, as the file would write it: its own local
    spelling of ``torch.nn.init`` (``nn.init``, ``init``) and the quotes of ``node``; for
    messages that name a call to add where there is none to rewrite."""
    prefix = None
    if isinstance(context, FileContext):
        prefix = context.imports.local_for("torch.nn.init", context.usable)
    quote = _quote_in(node) if isinstance(node, cst.CSTNode) else '"'
    keywords = [(k, v.replace("'", quote)) for k, v in target.keywords]
    return _call_text(f"{prefix or 'torch.nn.init'}.{target.function}", tensor, keywords)


def rename_call(call: InitCall, new: str) -> FixPlan | None:
    """Point an init call at the function ``new`` of the same module, keeping its spelling:
    ``nn.init.xavier_uniform`` → ``nn.init.xavier_uniform_``; a bare imported name → ``new``,
    imported beside it. Arguments are left exactly as written."""
    func, context = call.func, call.init.context
    if not isinstance(func, (cst.Name, cst.Attribute)) or not isinstance(context, FileContext):
        return None
    edits = _rename(func, new, context)
    if not edits or not all(_keeps_comments(edit) for edit in edits):
        return None
    return FixPlan(f"Use `{' '.join(edits[0].content.split())}`", tuple(edits))


def set_gain(init: Init, nonlinearity: str, slope: float | None) -> FixPlan | None:
    """Rewrite a torch init call's gain argument for ``calculate_gain(nonlinearity, slope)``,
    in the form the user wrote it, or None if it cannot be done faithfully.

    ``kaiming_*``: ``nonlinearity=`` (and ``a=`` for leaky ReLU; an ``a`` that other
    nonlinearities ignore is dropped). ``xavier_*``/``orthogonal_``: the arguments of
    ``calculate_gain(...)`` as spelled, or a literal gain as a literal expression.
    """
    node, context = init.node, init.context
    if not isinstance(node, cst.Call) or not isinstance(context, FileContext):
        return None
    if has_star_args(node) or (nonlinearity == "leaky_relu" and slope is None):
        return None
    if init.name.startswith("kaiming_"):
        args, shown = _kaiming_gain_args(node, nonlinearity, slope)
        edit = NodeEdit(node, _code(context, node.with_changes(args=args)))
    else:
        gain = argument(node, 1, "gain")
        if gain is None:
            return None
        if init.nonlinearity is not None and isinstance(gain, cst.Call):  # calculate_gain(...)
            quote = _quote_in(gain)
            gain_args = _set_argument(
                list(gain.args), 0, "nonlinearity", f"{quote}{nonlinearity}{quote}"
            )
            if nonlinearity == "leaky_relu" and _argument_index(gain_args, 1, "param") is None:
                positional = gain_args[0].keyword is None  # calculate_gain("leaky_relu", 0.2)
                value = cst.parse_expression(repr(slope))
                param = cst.Arg(value) if positional else _keyword("param", value)
                gain_args = _append(gain_args, param)
            elif nonlinearity == "leaky_relu":
                gain_args = _set_argument(gain_args, 1, "param", repr(slope))
            else:
                gain_args = _drop_argument(gain_args, 1, "param", "None")
            edit = NodeEdit(gain, _code(context, gain.with_changes(args=gain_args)))
        else:
            edit = NodeEdit(gain, semantics.torch_gain_expression(nonlinearity, slope))
        shown = f"gain={edit.content}"
    if not _keeps_comments(edit):
        return None
    return FixPlan(f"Use `{shown}`", (edit,))


def _kaiming_gain_args(
    node: cst.Call, nonlinearity: str, slope: float | None
) -> tuple[list[cst.Arg], str]:
    """kaiming_*'s arguments set for the gain, and those set as the fix title shows them."""
    quote = _quote_in(node)
    args = list(node.args)
    if nonlinearity == "leaky_relu":
        shown = f"a={slope!r}"
        if _argument_index(args, 1, "a") is None:  # in signature order, before mode=...
            args = _insert_keyword(args, "a", repr(slope), ("mode", "nonlinearity", "generator"))
        else:
            args = _set_argument(args, 1, "a", repr(slope))
        if argument(node, 3, "nonlinearity") is not None:  # else the default: leaky_relu
            args = _set_argument(args, 3, "nonlinearity", f"{quote}leaky_relu{quote}")
            shown += f", nonlinearity={quote}leaky_relu{quote}"
        return args, shown
    args = _set_argument(args, 3, "nonlinearity", f"{quote}{nonlinearity}{quote}")
    a = argument(node, 1, "a")
    if a is not None and literal_number(a) != 0.0:
        args = _drop_argument(args, 1, "a", "0")  # only leaky_relu reads it: it would mislead
    return args, f"nonlinearity={quote}{nonlinearity}{quote}"


def _argument_index(args: Sequence[cst.Arg], position: int, keyword: str) -> int | None:
    """Where a parameter is passed, by keyword or by position (before any keyword)."""
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == keyword:
            return index
    positional = [i for i, arg in enumerate(args) if arg.keyword is None and not arg.star]
    return positional[position] if position < len(positional) else None


def _drop_argument(args: list[cst.Arg], position: int, keyword: str, neutral: str) -> list[cst.Arg]:
    """Remove a parameter; one passed by position with positionals after it is set to
    ``neutral`` instead, so the others keep their places."""
    index = _argument_index(args, position, keyword)
    if index is None:
        return args
    if args[index].keyword is None and any(
        arg.keyword is None and not arg.star for arg in args[index + 1 :]
    ):
        return _set_argument(args, position, keyword, neutral)
    result = args[:index] + args[index + 1 :]
    if index == len(args) - 1 and result:  # the new last item takes the old one's ending
        removed = args[index]
        result[-1] = result[-1].with_changes(
            comma=removed.comma, whitespace_after_arg=removed.whitespace_after_arg
        )
    return result


def _insert_keyword(
    args: list[cst.Arg], keyword: str, text: str, before: tuple[str, ...]
) -> list[cst.Arg]:
    """Add ``keyword=text`` before the first of the keywords ``before``, else at the end."""
    value = cst.parse_expression(text)
    for index, arg in enumerate(args):
        if index and arg.keyword is not None and arg.keyword.value in before:
            new = _keyword(keyword, value).with_changes(comma=args[index - 1].comma)
            return [*args[:index], new, *args[index:]]
    return _append(args, _keyword(keyword, value))


class _Comments(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[str] = []

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found.append(node.value)


def _keeps_comments(edit: NodeEdit) -> bool:
    """A fix never deletes a comment: an edit whose node holds one must write it back."""
    collector = _Comments()
    edit.node.visit(collector)
    return all(comment in edit.content for comment in collector.found)


def _call_text(func: str, tensor: str, keywords: Iterable[tuple[str, str]]) -> str:
    return f"{func}({tensor}{''.join(f', {k}={v}' for k, v in keywords)})"


def _quote_in(node: cst.CSTNode) -> str:
    """The quote character the user already writes in this call, double by default."""
    for arg in getattr(node, "args", ()):
        if isinstance(arg.value, cst.SimpleString):
            return arg.value.quote[0]
    return '"'


# ----------------------------------------------------------------------- shared instances


def fresh_instance(use: InstanceUse, seed: int | None = None) -> FixPlan | None:
    """Give ``use``'s layer an instance of its own: the argument (``init``) becomes a copy
    of the instance expression, spelled as at its definition, with ``seed`` as its seed
    when given. None when the copy might not mean the same thing at the use: a name in it
    that is not the same import there, an argument that is not a literal, a comment."""
    definition, argument_node = use.definition, use.init.node
    context, home = use.init.context, use.definition_context
    if not isinstance(definition, cst.Call) or not isinstance(argument_node, cst.BaseExpression):
        return None
    if not isinstance(context, FileContext) or not isinstance(home, FileContext):
        return None
    head = _head(definition.func)
    if head is None or not context.usable(head):
        return None
    if context.imports.qualify(definition.func) != home.imports.qualify(definition.func):
        return None
    args = []
    for arg in definition.args:
        value = arg.value
        if seed is not None and value is use.seed_node:
            value = cst.Integer(str(seed))
        if arg.star or not _is_literal(value):
            return None
        args.append(
            arg.with_changes(
                value=value,
                comma=cst.MaybeSentinel.DEFAULT,
                whitespace_after_arg=cst.SimpleWhitespace(""),
            )
        )
    copy = definition.with_changes(
        args=args,
        whitespace_after_func=cst.SimpleWhitespace(""),
        whitespace_before_args=cst.SimpleWhitespace(""),
        lpar=[],
        rpar=[],
    )
    collector = _Comments()
    definition.visit(collector)
    if collector.found:
        return None
    text = _code(context, copy)
    return FixPlan(f"Use a fresh `{text}`", (NodeEdit(argument_node, text),))


def seed_generator(use: InstanceUse) -> FixPlan | None:
    """Seed the shared instance with ``keras.random.SeedGenerator(<its int seed>)`` where it
    is built, spelled through a name the file already has for ``keras.random``."""
    node, home = use.seed_node, use.definition_context
    if not isinstance(node, cst.Integer) or not isinstance(home, FileContext):
        return None
    spelling = home.imports.local_for("keras.random.SeedGenerator", home.usable)
    if spelling is None:
        return None
    text = f"{spelling}({node.value})"
    return FixPlan(f"Seed it with `{text}`", (NodeEdit(node, text),))


def _head(node: cst.BaseExpression) -> str | None:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def _is_literal(node: cst.BaseExpression) -> bool:
    """A value that means the same wherever it is written: numbers, strings, None/True/False,
    and tuples or lists of them."""
    if isinstance(node, (cst.Integer, cst.Float, cst.SimpleString, cst.ConcatenatedString)):
        return True
    if isinstance(node, cst.Name):
        return node.value in ("None", "True", "False")
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        return isinstance(node.expression, (cst.Integer, cst.Float))
    if isinstance(node, (cst.Tuple, cst.List)):
        return all(
            not isinstance(element, cst.StarredElement) and _is_literal(element.value)
            for element in node.elements
        )
    return False


# --------------------------------------------------------------------------------- names


def _rename(
    node: cst.Name | cst.Attribute, new: str, context: FileContext
) -> list[NodeEdit] | None:
    """Point ``node`` at ``new`` in the same module: ``init.X`` → ``init.new``; a bare name
    → the local already bound to ``new``, or ``new`` added to the import that bound ``X``."""
    if isinstance(node, cst.Attribute):
        return [NodeEdit(node, _code(context, node.with_changes(attr=cst.Name(new))))]
    qualified = context.imports.qualify(node)
    if qualified is None:
        return None
    module = qualified.rsplit(".", 1)[0]
    local = context.imports.local_for(f"{module}.{new}", context.usable)
    if local is not None and "." not in local:
        return [NodeEdit(node, local)]  # already imported by name
    if context.imports.star_provides(module, new):
        return [NodeEdit(node, new)]  # `from module import *` brings it in
    if new in context.imports.module_bound or new in context.imports.aliases:
        return None  # the name already means something else here
    sources = [  # every import binding the name: both arms of a try/except ImportError
        source
        for source in context.imports.sources.get(node.value, [])
        if module_of(source) == module and not isinstance(source.names, cst.ImportStar)
    ]
    if sources:
        alias = cst.ImportAlias(name=cst.Name(new))
        edits = [NodeEdit(node, new)]
        for source in dict.fromkeys(sources):
            assert not isinstance(source.names, cst.ImportStar)
            opening = source.lpar.whitespace_after if source.lpar else None
            grown = source.with_changes(names=_append(list(source.names), alias, opening))
            edits.append(NodeEdit(source, _code(context, grown)))
        return edits
    return None if local is None else [NodeEdit(node, local)]


def _add_keyword(call: cst.Call, keyword: str, value: cst.BaseExpression) -> cst.Call:
    grown = _append(list(call.args), _keyword(keyword, value), call.whitespace_before_args)
    return call.with_changes(args=grown)


_Item = TypeVar("_Item", cst.Arg, cst.ImportAlias)


def _append(
    items: list[_Item], new: _Item, opening: cst.BaseParenthesizableWhitespace | None = None
) -> list[_Item]:
    """Append to a comma-separated sequence in its own style, trailing comma included.

    ``opening`` is the whitespace after the opening parenthesis: where a one-item sequence
    written one item per line shows its indentation.
    """
    if not items:
        return [new]
    last = items[-1]
    result = list(items[:-1])
    after = getattr(last, "whitespace_after_arg", None)
    before = opening
    if len(items) > 1:
        previous = items[-2].comma
        before = previous.whitespace_after if isinstance(previous, cst.Comma) else None
    line_start = before if isinstance(before, cst.ParenthesizedWhitespace) else None
    if not isinstance(last.comma, cst.Comma) and isinstance(after, cst.ParenthesizedWhitespace):
        # `arg  # comment` on its own line before `)`: the new item goes on the next line,
        # indented like the others, and the closing parenthesis keeps its place.
        indent = after.last_line if line_start is None else line_start.last_line
        comma = cst.Comma(
            whitespace_before=cst.SimpleWhitespace(""),
            whitespace_after=after.with_changes(last_line=indent),
        )
        result.append(last.with_changes(comma=comma, whitespace_after_arg=cst.SimpleWhitespace("")))
        closing = after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
        result.append(new.with_changes(whitespace_after_arg=closing))
        return result
    ending = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else None
    if isinstance(ending, cst.ParenthesizedWhitespace) and line_start is not None:
        # one item per line, with a trailing comma: the last item keeps its own line (and
        # comment); the new one starts a line indented like the others and takes the line
        # break before the closing parenthesis (and any comment lines above it)
        assert isinstance(last.comma, cst.Comma)
        own_line = line_start.with_changes(first_line=ending.first_line, empty_lines=[])
        result.append(last.with_changes(comma=last.comma.with_changes(whitespace_after=own_line)))
        closing = ending.with_changes(first_line=cst.TrailingWhitespace())
        result.append(new.with_changes(comma=last.comma.with_changes(whitespace_after=closing)))
    elif isinstance(last.comma, cst.Comma):  # with a trailing comma
        between = items[-2].comma if len(items) > 1 else last.comma
        result.append(last.with_changes(comma=between))
        result.append(new.with_changes(comma=last.comma))
    else:
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        result.append(last.with_changes(comma=comma))
        result.append(new)
    return result


def _code(context: FileContext, node: cst.CSTNode) -> str:
    return context.module.code_for_node(node)


# --------------------------------------------------------------------------------- applier


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """Splice non-overlapping fixes into ``text``; returns the new text and how many applied."""
    new_text, applied = apply_fixes_indexed(text, list(fixes))
    return new_text, len(applied)


def apply_fixes_indexed(text: str, fixes: Sequence[Fix]) -> tuple[str, list[int]]:
    """Splice non-overlapping fixes into ``text``; returns the new text and the indices (in
    ``fixes``) of those applied, so callers can say which rules' fixes went in.

    Fixes are taken in order of their first edit; one whose edits touch a region an accepted
    fix already edits is skipped whole (the next pass of the fixpoint loop retries it).
    """
    accepted: list[tuple[int, int, str]] = []
    applied: list[int] = []
    order = sorted(range(len(fixes)), key=lambda i: min(e.start_offset for e in fixes[i].edits))
    for index in order:
        spans = [(e.start_offset, e.end_offset, e.content) for e in fixes[index].edits]
        if any(_overlaps(span, other) for span in spans for other in accepted):
            continue
        accepted.extend(spans)
        applied.append(index)
    for start, end, content in sorted(accepted, reverse=True):
        text = text[:start] + content + text[end:]
    return text, applied


def _overlaps(a: tuple[int, int, Any], b: tuple[int, int, Any]) -> bool:
    return (a[0] < b[1] and b[0] < a[1]) or (a[0] == a[1] == b[0] == b[1])
