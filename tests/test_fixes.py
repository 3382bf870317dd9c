"""Fixes: spelling kept, formatting and comments kept, overlap and fixpoint, safe vs unsafe."""

from __future__ import annotations

from textwrap import dedent

import pytest

from initlint import engine, fixes
from initlint.diagnostics import Applicability, Edit, Fix, Position
from initlint.source import decode
from tests.conftest import check, fixed, settings_for

KERAS = dedent(
    """\
    import keras  # the framework
    from keras import layers

    # an MLP for MNIST
    model = keras.Sequential([
        layers.Dense(128, activation="relu", kernel_initializer="glorot_uniform"),  # hidden
        layers.Dense(10, activation="softmax"),  # head
    ])
    """
)


def test_comments_and_layout_outside_the_edit_are_kept() -> None:
    after = fixed(KERAS)
    assert after == KERAS.replace('"glorot_uniform"', '"he_uniform"')


def test_crlf_line_endings_are_kept() -> None:
    crlf = KERAS.replace("\n", "\r\n")
    after = fixed(crlf)
    assert after == crlf.replace('"glorot_uniform"', '"he_uniform"')
    assert "\n" not in after.replace("\r\n", "")


def test_bom_is_kept_through_decode_and_encode() -> None:
    data = b"\xef\xbb\xbf" + KERAS.encode()
    source = decode(data)
    assert source.bom
    assert not source.text.startswith("\ufeff")
    out = source.encode(fixed(source.text))
    assert out.startswith(b"\xef\xbb\xbf")
    assert b'"he_uniform"' in out


def test_columns_count_characters_not_bytes() -> None:
    code = dedent(
        """\
        from keras import layers
        layer = layers.Dense(8, name="schön", activation="relu", kernel_initializer='glorot_normal')
        """
    )
    (finding,) = check(code, "KIN101")
    assert finding.start.column == code.splitlines()[1].index("'glorot_normal'") + 1
    assert fixed(code) == code.replace("'glorot_normal'", "'he_normal'")


def test_single_quotes_and_class_style_strings_are_kept() -> None:
    code = (
        "from keras import layers\n"
        "d = layers.Dense(4, activation='relu', kernel_initializer='GlorotUniform')\n"
    )
    assert fixed(code) == code.replace("'GlorotUniform'", "'HeUniform'")


def test_two_fixes_growing_one_import_converge() -> None:
    code = dedent(
        """\
        from keras import Sequential, layers
        from keras.initializers import (
            GlorotNormal,
            GlorotUniform,
        )

        model = Sequential([
            layers.Dense(64, activation="relu", kernel_initializer=GlorotUniform()),
            layers.Dense(64, activation="relu", kernel_initializer=GlorotNormal(seed=7)),
            layers.Dense(10),
        ])
        """
    )
    after = fixed(code)
    assert after == dedent(
        """\
        from keras import Sequential, layers
        from keras.initializers import (
            GlorotNormal,
            GlorotUniform,
            HeUniform,
            HeNormal,
        )

        model = Sequential([
            layers.Dense(64, activation="relu", kernel_initializer=HeUniform()),
            layers.Dense(64, activation="relu", kernel_initializer=HeNormal(seed=7)),
            layers.Dense(10),
        ])
        """
    )
    assert fixed(after) == after


def test_existing_import_is_reused() -> None:
    code = dedent(
        """\
        from torch import nn
        from torch.nn.init import xavier_uniform_, kaiming_uniform_

        fc = nn.Linear(4, 4)
        net = nn.Sequential(fc, nn.ReLU(), nn.Linear(4, 2))
        xavier_uniform_(fc.weight)
        """
    )
    assert fixed(code).endswith('kaiming_uniform_(fc.weight, nonlinearity="relu")\n')
    assert fixed(code).count("import") == 2


def test_torch_fix_keeps_quote_style_and_generator() -> None:
    code = dedent(
        """\
        import torch
        import torch.nn as nn

        g = torch.Generator()
        fc = nn.Linear(4, 4)
        net = nn.Sequential(fc, nn.Sigmoid())
        nn.init.kaiming_normal_(fc.weight, mode='fan_out', nonlinearity='relu', generator=g)
        """
    )
    assert fixed(code).endswith("nn.init.xavier_normal_(fc.weight, generator=g)\n")


def test_unsafe_fixes_need_the_flag() -> None:
    code = dedent(
        """\
        import keras
        model = keras.Sequential([
            keras.layers.Dense(8, activation="relu", kernel_initializer="zeros"),
            keras.layers.Dense(1),
        ])
        """
    )
    assert fixed(code, unsafe=False) == code
    assert '"he_uniform"' in fixed(code, unsafe=True)
    (finding,) = check(code)
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.UNSAFE


def test_noqa_suppresses_finding_and_its_fix() -> None:
    code = KERAS.replace("# hidden", "# noqa: KIN101")
    assert check(code) == []
    assert fixed(code) == code
    assert check(KERAS.replace("# hidden", "# noqa")) == []
    assert check(KERAS.replace("# hidden", "# noqa: relu-without-he")) == []
    assert [d.code for d in check(KERAS.replace("# hidden", "# noqa: KIN102"))] == ["KIN101"]


def _fix(start: int, end: int, text: str) -> Fix:
    where = Position(1, start + 1)
    return Fix("t", (Edit(where, Position(1, end + 1), text, start, end),), Applicability.SAFE)


def test_apply_fixes_skips_overlaps_and_splices_in_reverse() -> None:
    text = "abcdefghij"
    out, count = fixes.apply_fixes(text, [_fix(6, 8, "XY"), _fix(0, 2, "Q"), _fix(1, 3, "Z")])
    assert (out, count) == ("Qcdef" + "XY" + "ij", 2)


def test_fix_output_that_does_not_parse_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fixes, "apply_fixes_indexed", lambda text, _: (text + "\n)(\n", [0]))
    with pytest.raises(engine.FixError, match="does not parse"):
        engine.fix(KERAS, settings_for())


@pytest.mark.parametrize(
    "names",
    ["    kaiming_uniform_,  # he\n", "    zeros_,  # z\n    kaiming_uniform_,  # he\n"],
    ids=["one-name", "two-names"],
)
def test_a_name_added_to_a_one_per_line_import_gets_its_own_indented_line(names: str) -> None:
    code = (
        "import torch.nn as nn\n"
        f"from torch.nn.init import (\n{names})\n\n"
        "fc = nn.Linear(64, 64)\n"
        "net = nn.Sequential(fc, nn.Tanh(), nn.Linear(64, 1))\n"
        "kaiming_uniform_(fc.weight)\n"
    )
    after = fixed(code, "KIN102")
    # each comment stays on its own name's line; the new name is indented like the others
    assert f"from torch.nn.init import (\n{names}    xavier_uniform_,\n)\n" in after
