"""The rule registry: every rule, sorted by code. Codes are never reused."""

from __future__ import annotations

from initlint.rules._base import Example, Rule
from initlint.rules.constant_kernel import ConstantKernel
from initlint.rules.deprecated_init_alias import DeprecatedInitAlias
from initlint.rules.gain_mismatch import GainMismatch
from initlint.rules.he_with_saturating import HeWithSaturating
from initlint.rules.implicit_default_mismatch import ImplicitDefaultMismatch
from initlint.rules.parse_error import ParseError
from initlint.rules.relu_without_he import ReluWithoutHe
from initlint.rules.selu_without_lecun import SeluWithoutLecun
from initlint.rules.shared_initializer_instance import SharedInitializerInstance
from initlint.rules.signal_drift import SignalDrift
from initlint.rules.unscaled_random_init import UnscaledRandomInit
from initlint.rules.unused_noqa import UnusedNoqa
from initlint.rules.zeros_kernel import ZerosKernel

ALL_RULES: tuple[type[Rule], ...] = (
    ParseError,
    ZerosKernel,
    ConstantKernel,
    SharedInitializerInstance,
    ReluWithoutHe,
    HeWithSaturating,
    SeluWithoutLecun,
    GainMismatch,
    ImplicitDefaultMismatch,
    UnscaledRandomInit,
    SignalDrift,
    DeprecatedInitAlias,
    UnusedNoqa,
)
BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
BY_NAME: dict[str, type[Rule]] = {rule.name: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "BY_CODE", "BY_NAME", "Example", "Rule"]
