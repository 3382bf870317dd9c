"""What the framework recognisers hand to the flow walker: small tagged records and literals."""

from __future__ import annotations

import dataclasses
import enum
import inspect
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from initlint.model import Framework, LayerKind

_VISITED_FIELD = re.compile(r'visit_\w+\(\s*self,\s*"(\w+)"')
_FIELD_ORDER: dict[type[cst.CSTNode], tuple[str, ...] | None] = {}


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """``node.children`` without its cost: libcst collects children by rebuilding the node
    through a visitor (validation included), which made half of our walk over a parsed file.
    Here the fields are read directly, in the order libcst's own ``_visit_and_replace_children``
    visits them (read once per node type from its source), so the result is the same list."""
    kind = type(node)
    if kind not in _FIELD_ORDER:
        _FIELD_ORDER[kind] = _visit_order(kind)
    order = _FIELD_ORDER[kind]
    if order is None:
        return list(node.children)
    found: list[cst.CSTNode] = []
    for name in order:
        value = getattr(node, name)
        kind = type(value)
        if kind in _NODE_TYPES:  # a set lookup: isinstance on libcst's ABCs is slow
            found.append(value)
        elif kind is tuple or kind is list:
            found.extend(item for item in value if _is_node(item))
        elif value is not None and _is_node(value):
            found.append(value)
    return found


def _subclasses(kind: type) -> set[type]:
    found = {kind}
    subclasses: list[type] = kind.__subclasses__()
    for sub in subclasses:
        found |= _subclasses(sub)
    return found


_NODE_TYPES = frozenset(_subclasses(cst.CSTNode))


def _is_node(value: object) -> bool:
    return type(value) in _NODE_TYPES or isinstance(value, cst.CSTNode)


def _visit_order(kind: type[cst.CSTNode]) -> tuple[str, ...] | None:
    """The fields ``kind`` visits, in order; None when its source cannot be read that way."""
    try:
        source = inspect.getsource(kind._visit_and_replace_children)
    except (OSError, TypeError):
        return None
    names = tuple(dict.fromkeys(_VISITED_FIELD.findall(source)))
    fields = {field.name for field in dataclasses.fields(kind)}
    return names if set(names) <= fields else None


class What(enum.Enum):
    LAYER = "layer"  # a layer/module constructor
    SEQUENTIAL = "sequential"
    FUNCTIONAL_MODEL = "functional_model"  # keras.Model(inputs, outputs)
    INIT_FUNCTION = "init_function"  # torch.nn.init.xavier_uniform_(w, ...)
    ACT_FUNCTION = "act_function"  # F.relu(x), tf.nn.relu(x)
    PASSTHROUGH = "passthrough"  # F.dropout(x), torch.flatten(x, 1)
    INPUT = "input"  # keras.Input(shape=(784,)): where a functional graph starts
    MODULE_LIST = "module_list"  # nn.ModuleList([...]), nn.ModuleDict({...})
    PARAMETER = "parameter"  # nn.Parameter(torch.zeros(out, in))
    TENSOR_FACTORY = "tensor_factory"  # torch.zeros(...), torch.randn(...)
    MATMUL = "matmul"  # torch.matmul(x, w), F.linear(x, w), tf.matmul(x, w)
    CONCATENATE = "concatenate"  # layers.concatenate([a, b]): each input's units pass through


@dataclass(frozen=True, slots=True)
class Recognized:
    what: What
    framework: Framework
    name: str  # the class or function name ("Dense", "relu", "xavier_uniform_")
    kind: LayerKind = LayerKind.OTHER


# Literals beyond this are not scales anyone means; reading them as unknown avoids overflow.
_LARGEST = 1e30


def literal_number(node: cst.BaseExpression | None) -> float | None:
    """The value of a numeric literal, including ``-x`` and ``math.sqrt(5)``."""
    if node is None:
        return None
    if isinstance(node, (cst.Integer, cst.Float)):
        try:
            value = float(node.evaluated_value)
        except (OverflowError, ValueError, SyntaxError):
            return None
        return value if math.isfinite(value) and abs(value) <= _LARGEST else None
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        inner = literal_number(node.expression)
        if inner is None:
            return None
        return -inner if isinstance(node.operator, cst.Minus) else inner
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "sqrt"
        and len(node.args) == 1
    ):
        inner = literal_number(node.args[0].value)
        return None if inner is None or inner < 0 else inner**0.5
    return None


_ARITHMETIC: dict[type[cst.BaseBinaryOp], Callable[[float, float], object]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.Divide: operator.truediv,
    cst.Power: operator.pow,
}


def literal_arithmetic(node: cst.BaseExpression | None) -> float | None:
    """``literal_number``, also through ``+ - * / **`` between literals: how gains are written
    out (``5 / 3``, ``2 ** 0.5``, ``(2 / (1 + 0.2 ** 2)) ** 0.5``)."""
    number = literal_number(node)
    if number is not None or not isinstance(node, cst.BinaryOperation):
        return number
    apply = _ARITHMETIC.get(type(node.operator))
    left, right = literal_arithmetic(node.left), literal_arithmetic(node.right)
    if apply is None or left is None or right is None:
        return None
    try:
        value = apply(left, right)
    except (ArithmeticError, ValueError):  # 1 / 0, 10.0 ** 400
        return None
    if not isinstance(value, float) or not math.isfinite(value) or abs(value) > _LARGEST:
        return None  # (-8) ** 0.5 is complex
    return value


def literal_or(node: cst.BaseExpression | None, default: float) -> float | None:
    """An argument's literal value, ``default`` when it is absent, None when it is an
    expression we cannot evaluate (never the default then: that would be a guess)."""
    return default if node is None else literal_number(node)


def literal_int(node: cst.BaseExpression | None) -> int | None:
    """An integer literal, or a product/sum of them: widths are often written out
    (``nn.Linear(16 * 5 * 5, 120)``, ``Dense(3 * 32 * 32)``)."""
    if isinstance(node, cst.Integer) and abs(literal_number(node) or 0) <= _LARGEST:
        value = node.evaluated_value
        return value if isinstance(value, int) else None
    if isinstance(node, cst.BinaryOperation) and isinstance(
        node.operator, (cst.Multiply, cst.Add, cst.Subtract, cst.FloorDivide)
    ):
        left, right = literal_int(node.left), literal_int(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.operator, cst.Multiply):
            value = left * right
        elif isinstance(node.operator, cst.Add):
            value = left + right
        elif isinstance(node.operator, cst.Subtract):
            value = left - right
        else:
            value = left // right if right else 0
        return value if 0 < value <= _LARGEST else None
    return None


def literal_string(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except (SyntaxError, ValueError):  # an invalid escape: not a string we can read
            return None
        return value if isinstance(value, str) else None
    return None


def argument(
    call: cst.Call, position: int | None, keyword: str | None
) -> cst.BaseExpression | None:
    """The expression passed for a parameter, by keyword or by position (before any ``*args``)."""
    if keyword is not None:
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == keyword:
                return arg.value
    if position is not None:
        for index, arg in enumerate(call.args):
            if arg.keyword is not None or arg.star:
                break
            if index == position:
                return arg.value
    return None


def receptive_field(kernel: cst.BaseExpression | None, dims: int) -> int | None:
    """The number of positions a conv kernel covers: ``kernel_size=3`` in 2-D is 9,
    ``(3, 5)`` is 15; None when not literal."""
    if isinstance(kernel, (cst.Tuple, cst.List)):
        sizes = [literal_int(element.value) for element in kernel.elements]
        return None if None in sizes else math.prod(s for s in sizes if s is not None)
    single = literal_int(kernel)
    return None if single is None else single**dims


def has_star_args(call: cst.Call) -> bool:
    """``f(*args)`` or ``f(**kwargs)``: any parameter may be passed that way."""
    return any(arg.star for arg in call.args)


def source_text(node: cst.CSTNode) -> str:
    """The code of a node on its own (whitespace inside it kept)."""
    return _EMPTY.code_for_node(node)


_EMPTY = cst.Module(body=[])
