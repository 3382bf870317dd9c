"""The text test that decides whether a file is parsed at all.

Parsing with libcst is nearly the whole cost of a run (about ten times ``ast.parse``), so a
file is parsed only when it names a framework *and* one of the selected rules' tokens: the
spellings without which that rule cannot fire (an initializer name, ``kernel_initializer``, an
``nn.init`` function, ``selu``...). Each rule declares its tokens (``Rule.tokens``); this module
holds the shared sets and the fast test.

The test runs over every file of a repository, so it avoids regular expressions with many
alternatives (Python's engine tries each at every position: ~12 s on the 2.5 M-line benchmark
corpus). Every token starts with a literal that ``str.find`` scans for; a regular expression,
anchored at that hit, confirms it only where a literal alone would pass too many files
(``initializer`` is in every transformers model through ``config.initializer_range``).

A token set may pass a file that has no finding (a token in a docstring): that costs one parse.
It must never drop a file that has one; the tests run every rule example and fixture through
it, and ``bench/corpus.py --check-prefilter`` compares findings with and without it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from initlint.semantics import (
    TORCH_DEPRECATED_ALIASES,
    TORCH_INIT_FUNCTIONS,
    TORCH_TENSOR_METHODS,
)

# A file that names none of these cannot define a model we read (TorchFix's prefilter).
_FRAMEWORK_WORDS = re.compile(r"\b(?:torch|keras|tensorflow|tf_keras)\b")


def mentions_framework(text: str) -> bool:
    return _FRAMEWORK_WORDS.search(text) is not None


@dataclass(frozen=True, slots=True)
class Token:
    """A spelling a rule needs: ``literal`` somewhere in the text, as a whole word when
    ``word``, and where ``confirm`` is set, that pattern matching at the literal's position."""

    literal: str  # empty: ``confirm`` is searched for anywhere
    word: bool = False
    confirm: re.Pattern[str] | None = None

    def found(self, text: str) -> bool:
        if not self.literal:  # no literal to anchor on: the pattern searches the whole text
            return self.confirm is not None and self.confirm.search(text) is not None
        find, size = text.find, len(self.literal)
        start = find(self.literal)
        while start >= 0:
            if self._accepts(text, start, size):
                return True
            start = find(self.literal, start + 1)
        return False

    def _accepts(self, text: str, start: int, size: int) -> bool:
        if self.word:
            end = start + size
            if start > 0 and _is_word(text[start - 1]):
                return False
            if end < len(text) and _is_word(text[end]):
                return False
        return self.confirm is None or self.confirm.match(text, start) is not None


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _words(*names: str) -> tuple[Token, ...]:
    return tuple(Token(name, word=True) for name in names)


# Every way a kernel initializer is spelled explicitly (frameworks.md §1, §2): what KIN001-KIN003,
# KIN101/KIN102, KIN104, KIN201/KIN202 and KIN301 read. A file without one of these has only
# framework defaults, which only KIN103 (SELU) and the opt-in KIN105 judge.
EXPLICIT_INIT: tuple[Token, ...] = (
    # Keras: `kernel_initializer=`, `initializers.X`, `add_weight(initializer=)`,
    # `tf.zeros_initializer()`, `get_initializer(...)`; not transformers' `initializer_range`.
    Token("initializer", confirm=re.compile(r"initializer(?!_)")),
    # Keras names that may stand without the word (a string kept in a variable, a dict config).
    *(
        Token(name)
        for name in (
            "glorot",
            "Glorot",
            "lecun",
            "Lecun",
            "HeNormal",
            "HeUniform",
            "he_normal",
            "he_uniform",
            "VarianceScaling",
            "variance_scaling",
            "RandomNormal",
            "RandomUniform",
            "random_normal",
            "random_uniform",
            "TruncatedNormal",
            "truncated_normal",
        )
    ),
    # torch.nn.init functions and in-place tensor initializers, called through any alias
    # (`init.normal_`, `nn.init.normal_`, `w.data.normal_()`, transformers' `init.normal_`).
    *_words(*sorted(set(TORCH_INIT_FUNCTIONS) | set(TORCH_TENSOR_METHODS))),
    Token("xavier"),
    Token("kaiming"),
    Token("calculate_gain"),
    # Deprecated aliases through the module (`init.normal(w)`) or imported by name.
    Token(
        "init.",
        confirm=re.compile(rf"init\.(?:{'|'.join(sorted(TORCH_DEPRECATED_ALIASES))})\b(?!_)"),
    ),
    Token("init import"),
    # A 2-D parameter that starts from a tensor factory, `nn.Parameter(torch.zeros(out, in))`
    # (two or more sizes, a tuple, a star: a single size is a bias or a norm weight, never
    # a kernel, and transformers has one in nearly every model); a kernel assigned or copied
    # whole: `fc.weight.data = torch.randn(o, i)`, `w.data.copy_(torch.zeros(o, i))` (a copy
    # of anything but a factory call leaves the init unknown, so it cannot be judged).
    Token(
        "Parameter(",
        confirm=re.compile(
            r"Parameter\(\s*(?:data\s*=\s*)?[^()]{0,60}?\b(?:eye\(|(?:zeros|ones|full|randn|rand)"
            r"\(\s*(?:[(\[*]|(?:[^,()]|\((?:[^()]|\([^()]*\))*\))*,))"
        ),
    ),
    Token(".data", confirm=re.compile(r"\.data\s*=(?!=)")),
    Token(
        "copy_(",
        confirm=re.compile(r"copy_\(\s*(?:\w+\.)*(?:zeros|ones|full|randn|rand|eye|empty)\("),
    ),
)

# SELU, judged under every initializer, the framework default included (KIN103).
SELU: tuple[Token, ...] = (Token("selu"), Token("SELU"), Token("Selu"))

# Suppression directives, for KIN900 (it judges them even in a file with no other token).
# In any letter case, so no literal can anchor it; the rule is opt-in.
DIRECTIVES: tuple[Token, ...] = (
    Token("", confirm=re.compile(r"#\s*(?:noqa|initlint\s*:)", re.IGNORECASE)),
)


class Selection:
    """The tokens of a set of rules, merged: a rule without tokens (``None``) needs every
    framework file; a rule with none (``()``) needs no file of its own (KIN000 reports what
    the others parse)."""

    def __init__(self, tokens: Iterable[tuple[Token, ...] | None]) -> None:
        merged: dict[Token, None] = {}
        self.every_file = False
        for group in tokens:
            if group is None:
                self.every_file = True
            else:
                merged.update(dict.fromkeys(group))
        self.tokens = tuple(merged)
        if not self.tokens:  # KIN000 alone: report the syntax of every framework file
            self.every_file = True

    def needs_parse(self, text: str) -> bool:
        if not mentions_framework(text):
            return False
        return self.every_file or any(token.found(text) for token in self.tokens)


@functools.lru_cache(maxsize=32)
def for_codes(codes: frozenset[str]) -> Selection:
    """The merged tokens of the rules with these codes (one object per selection)."""
    from initlint.rules import BY_CODE  # the rules import this module for their tokens

    return Selection(BY_CODE[code].tokens for code in sorted(codes) if code in BY_CODE)


def needs_parse(text: str, codes: frozenset[str]) -> bool:
    """Could a rule among ``codes`` report something in ``text``? False means: skip it."""
    return for_codes(codes).needs_parse(text)
