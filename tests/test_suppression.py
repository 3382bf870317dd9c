"""Suppression comments: ``# noqa``, ``# initlint: ignore[...]``, file-level ``# initlint:
noqa``, ``--add-noqa``, and KIN900 unused-noqa with its fix."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from click.testing import CliRunner

from initlint.add_noqa import add_noqa
from initlint.cli import main
from initlint.diagnostics import Applicability
from initlint.suppression import Scope, noqa_row_map, parse_comment
from tests.conftest import check, fixed, settings_for

KERAS_MLP = dedent(
    """\
    import keras
    from keras import layers

    inputs = keras.Input(shape=(784,))
    x = layers.Dense(
        512,
        activation="relu",
        kernel_initializer="glorot_uniform",{c1}
    )(inputs){c2}
    x = layers.Dropout(0.2)(x)
    x = layers.Dense(256, activation="relu", kernel_initializer="glorot_normal")(x){c3}
    x = layers.Dense(128, activation="tanh", kernel_initializer="he_normal")(x){c4}
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_mlp")
    """
)


def keras_mlp(c1: str = "", c2: str = "", c3: str = "", c4: str = "") -> str:
    return KERAS_MLP.format(c1=c1, c2=c2, c3=c3, c4=c4)


TORCH_MLP = dedent(
    """\
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    {above_class}
    class MLP(nn.Module):
        def __init__(self, in_features: int = 784, hidden: int = 256, classes: int = 10):
            super().__init__()
            self.fc1 = nn.Linear(in_features, hidden)
            self.fc2 = nn.Linear(hidden, hidden)
            self.out = nn.Linear(hidden, classes)
            {above_fc1}
            nn.init.xavier_uniform_(self.fc1.weight){c1}
            nn.init.xavier_normal_(self.fc2.weight)
            nn.init.zeros_(self.fc1.bias)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.out(x)
    """
)


def torch_mlp(above_class: str = "", above_fc1: str = "", c1: str = "") -> str:
    return TORCH_MLP.format(above_class=above_class, above_fc1=above_fc1, c1=c1)


SEQUENTIAL = dedent(
    """\
    import keras
    from keras import layers

    {above}
    model = keras.Sequential([
        keras.Input(shape=(32,)),
        layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform"),
        layers.Dense(64, activation="relu", kernel_initializer="zeros"),
        layers.Dense(1, activation="sigmoid"),
    ])
    head = keras.Sequential([
        layers.Dense(32, activation="relu", kernel_initializer="glorot_uniform"),
        layers.Dense(1),
    ])
    """
)


def rows_codes(code: str, *select: str) -> list[tuple[int, str]]:
    return [(d.start.row, d.code) for d in check(code, *select)]


def test_fixtures_report_what_the_suppression_tests_rely_on() -> None:
    assert rows_codes(keras_mlp()) == [(8, "KIN101"), (11, "KIN101"), (12, "KIN102")]
    assert rows_codes(torch_mlp()) == [(13, "KIN101"), (14, "KIN101")]
    assert rows_codes(SEQUENTIAL.format(above="")) == [(7, "KIN101"), (8, "KIN001"), (12, "KIN101")]


# ------------------------------------------------------------------------- line noqa


@pytest.mark.parametrize(
    "comment",
    [
        "  # noqa: KIN101",
        "  # noqa: relu-without-he",
        "  # noqa: KIN102, KIN101",
        "  # noqa: KIN102 KIN101",
        "  # noqa",
        "  # NOQA: kin101",
        "  #noqa:KIN101",
        "  # type: ignore  # noqa: KIN101",
        "  # noqa: KIN101 -- a legacy checkpoint was trained this way",
    ],
)
def test_noqa_variants_suppress_on_their_line_only(comment: str) -> None:
    assert rows_codes(keras_mlp(c3=comment)) == [(8, "KIN101"), (12, "KIN102")]


@pytest.mark.parametrize(
    "comment",
    [
        "  # noqa: KIN102",  # another code
        "  # noqa: E501",  # another tool's code
        "  # noqa: see the ticket",  # malformed: no code after the colon
        "  # initlint: ignore[KIN101]",  # an ignore directive is not a line directive
        "  # no qa",
    ],
)
def test_noqa_that_does_not_name_the_finding_leaves_it(comment: str) -> None:
    assert (11, "KIN101") in rows_codes(keras_mlp(c3=comment))


def test_noqa_goes_on_the_row_of_the_finding_inside_a_multiline_call() -> None:
    assert rows_codes(keras_mlp(c1="  # noqa: KIN101")) == [(11, "KIN101"), (12, "KIN102")]
    # the call's last row is not the finding's row
    assert (8, "KIN101") in rows_codes(keras_mlp(c2="  # noqa: KIN101"))


def test_noqa_in_a_torch_module_under_relu() -> None:
    assert rows_codes(torch_mlp(c1="  # noqa: KIN101")) == [(14, "KIN101")]


def test_noqa_row_moves_past_backslash_continuations_and_multiline_strings() -> None:
    code = dedent(
        '''\
        from keras import layers

        hidden = layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform", \\
                              name="hidden")
        other = layers.Dense(64, activation="relu", kernel_initializer="glorot_normal", name="""a
        b""")
        '''
    )
    assert [(d.start.row, d.noqa_row) for d in check(code)] == [(3, 4), (5, 6)]
    assert noqa_row_map(code) == {3: 4, 5: 6}
    suppressed = code.replace('"hidden")', '"hidden")  # noqa: KIN101')
    suppressed = suppressed.replace('b""")', 'b""")  # noqa: KIN101')
    assert check(suppressed) == []


def test_noqa_inside_a_string_suppresses_nothing() -> None:
    code = keras_mlp(c3='; note = "# noqa: KIN101"')
    assert (11, "KIN101") in rows_codes(code)


# ---------------------------------------------------------------- # initlint: ignore[...]


@pytest.mark.parametrize(
    "above",
    [
        "# initlint: ignore[KIN101]",
        "# initlint: ignore[KIN101, KIN001]",
        "# initlint: ignore[relu-without-he,zeros-kernel]",
        "#initlint:ignore[KIN101]  -- trained from a Glorot checkpoint",
        "# initlint: ignore",
        "# Initlint: Ignore[kin101]",
    ],
)
def test_ignore_covers_every_row_of_the_multiline_statement_below(above: str) -> None:
    found = rows_codes(SEQUENTIAL.format(above=above))
    assert (7, "KIN101") not in found
    assert (12, "KIN101") in found  # the next statement is not covered


def test_ignore_names_only_its_codes() -> None:
    found = rows_codes(SEQUENTIAL.format(above="# initlint: ignore[KIN101]"))
    assert found == [(8, "KIN001"), (12, "KIN101")]


def test_ignore_with_other_comment_lines_between_still_applies() -> None:
    above = "# initlint: ignore[KIN101]\n# the encoder was pretrained with Glorot"
    assert (7, "KIN101") not in rows_codes(SEQUENTIAL.format(above=above))


def test_a_blank_line_detaches_an_ignore() -> None:
    above = "# initlint: ignore[KIN101]\n"
    assert (8, "KIN101") in rows_codes(SEQUENTIAL.format(above=above))


def test_ignore_at_the_top_of_a_file_applies_to_the_first_statement() -> None:
    code = dedent(
        """\
        # initlint: ignore[KIN101]
        from keras.layers import Dense; hidden = Dense(
            64, activation="relu", kernel_initializer="glorot_uniform"
        )
        other = Dense(64, activation="relu", kernel_initializer="glorot_uniform")
        """
    )
    assert rows_codes(code) == [(5, "KIN101")]


def test_ignore_above_an_annotated_assignment_and_a_call() -> None:
    code = dedent(
        """\
        import keras
        import torch.nn as nn
        from keras import layers

        # initlint: ignore[KIN101]
        model: keras.Sequential = keras.Sequential(
            [
                layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform"),
                layers.Dense(1),
            ]
        )
        fc = nn.Linear(64, 64)
        net = nn.Sequential(fc, nn.ReLU(), nn.Linear(64, 1))
        # initlint: ignore[KIN101]
        nn.init.xavier_uniform_(
            fc.weight,
            gain=1.0,
        )
        """
    )
    assert rows_codes(code) == []


def test_ignore_inside_a_method_covers_that_statement_only() -> None:
    code = torch_mlp(above_fc1="# initlint: ignore[KIN101]")
    assert rows_codes(code) == [(14, "KIN101")]


def test_ignore_above_a_class_covers_its_header_not_its_body() -> None:
    """A comment above ``class`` that silenced every layer in ``__init__`` would also hide
    the layers added later; it covers the header (decorators through the colon)."""
    code = torch_mlp(above_class="# initlint: ignore[KIN101]")
    assert [code for _, code in rows_codes(code)] == ["KIN101", "KIN101"]


def test_ignore_above_a_decorated_function_covers_decorators_through_the_colon() -> None:
    code = dedent(
        """\
        import torch.nn as nn
        from keras import layers

        # initlint: ignore[KIN101]
        @register(
            layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform"),
        )
        def build(
            units: int = 64,
        ):
            return layers.Dense(units, activation="relu", kernel_initializer="lecun_normal")
        """
    )
    assert rows_codes(code.replace("# initlint: ignore[KIN101]", "")) == [
        (6, "KIN101"),
        (11, "KIN101"),
    ]
    assert rows_codes(code) == [(11, "KIN101")]  # the decorator is covered, the body is not


def test_ignore_in_a_string_suppresses_nothing() -> None:
    code = SEQUENTIAL.format(above='note = """\n# initlint: ignore[KIN101]\n"""')
    assert (9, "KIN101") in rows_codes(code)


def test_malformed_ignore_suppresses_nothing() -> None:
    for above in ("# initlint: ignore KIN101", "# initlint: ignore[]", "# initlint: ignore[KIN1"):
        assert (7, "KIN101") in rows_codes(SEQUENTIAL.format(above=above))


# ------------------------------------------------------------------ # initlint: noqa (file)


@pytest.mark.parametrize("where", ["top", "middle", "end", "trailing"])
def test_file_level_noqa_anywhere_turns_the_file_off(where: str) -> None:
    code = keras_mlp()
    if where == "top":
        code = "# initlint: noqa\n" + code
    elif where == "middle":
        code = code.replace("x = layers.Dropout", "# initlint: noqa\nx = layers.Dropout")
    elif where == "end":
        code += "# initlint: noqa  (generated from a checkpoint converter)\n"
    else:
        code = code.replace("(0.2)(x)", "(0.2)(x)  # initlint: noqa")
    assert check(code) == []


def test_file_level_noqa_with_codes_turns_those_off() -> None:
    assert rows_codes("# initlint: noqa: KIN101\n" + keras_mlp()) == [(13, "KIN102")]
    assert rows_codes("# initlint: noqa: he-with-saturating, KIN001\n" + keras_mlp()) == [
        (9, "KIN101"),
        (12, "KIN101"),
    ]


def test_file_level_noqa_in_a_string_or_line_noqa_does_not_count() -> None:
    in_string = keras_mlp() + 'NOTE = "# initlint: noqa"\n'
    assert len(check(in_string)) == 3
    in_docstring = '"""Models.\n\n# initlint: noqa\n"""\n' + keras_mlp()
    assert len(check(in_docstring)) == 3
    assert len(check("# initlint: noqa KIN101\n" + keras_mlp())) == 3  # malformed


def test_parse_comment_columns_and_scopes() -> None:
    (line,) = parse_comment("# note  # noqa: KIN101, E501", column=10)
    assert line.scope is Scope.LINE
    assert [(c.text, c.start, c.end) for c in line.codes] == [("KIN101", 26, 32), ("E501", 34, 38)]
    scopes = {d.scope for d in parse_comment("# initlint: ignore[KIN101]  # noqa: E501")}
    assert scopes == {Scope.STATEMENT, Scope.LINE}


# ------------------------------------------------------------------------------ KIN900


def unused(code: str, *select: str) -> list[tuple[int, str]]:
    return [(d.start.row, d.message) for d in check(code, "KIN900", *select) if d.code == "KIN900"]


def test_unused_noqa_code_is_reported_with_its_name() -> None:
    found = unused(keras_mlp(c3="  # noqa: KIN101, KIN102"), "KIN1")
    assert found == [(11, "Unused `# noqa` directive (unused: `KIN102`)")]


def test_used_and_other_tools_codes_are_not_reported() -> None:
    assert unused(keras_mlp(c3="  # noqa: KIN101, E501, F401"), "KIN1") == []
    assert unused(keras_mlp(c4="  # noqa"), "KIN1") == []  # bare: used here
    assert unused(torch_mlp().replace("self.out(x)", "self.out(x)  # noqa"), "KIN1") == []


def test_codes_of_unselected_rules_are_not_judged() -> None:
    code = keras_mlp(c3="  # noqa: KIN101, KIN001, KIN105")
    assert unused(code, "KIN101") == []  # KIN001 and KIN105 may run with another selection
    assert unused(code, "KIN101", "KIN001") == [
        (11, "Unused `# noqa` directive (unused: `KIN001`)")
    ]


def test_unknown_kin_codes_are_reported() -> None:
    found = unused(keras_mlp(c3="  # noqa: KIN101, KIN199"), "KIN101")
    assert found == [(11, "Unused `# noqa` directive (unknown: `KIN199`)")]


def test_unused_ignore_and_file_directives() -> None:
    ignore = SEQUENTIAL.format(above="# initlint: ignore[KIN101, KIN102]")
    assert unused(ignore, "KIN1") == [
        (4, "Unused `# initlint: ignore` directive (unused: `KIN102`)")
    ]
    blanket = SEQUENTIAL.format(above="# initlint: ignore").replace("kernel_initializer=", "k=")
    assert unused(blanket, "KIN001", "KIN101") == [
        (4, "Unused blanket `# initlint: ignore` directive")
    ]
    assert unused(blanket, "KIN105") == []  # the implicit default is reported there: used
    file_level = "# initlint: noqa: KIN001, KIN103\n" + keras_mlp()
    assert unused(file_level, "KIN0", "KIN1") == [
        (1, "Unused `# initlint: noqa` directive (unused: `KIN001`, `KIN103`)")
    ]
    malformed = unused(SEQUENTIAL.format(above="# initlint: ignore KIN101"), "KIN1")
    assert malformed == [
        (
            4,
            "Malformed `# initlint: ignore` directive (expected `# initlint: ignore[CODES]`); "
            "it suppresses nothing",
        )
    ]


def test_detached_ignore_is_reported_with_an_unsafe_fix() -> None:
    code = SEQUENTIAL.format(above="# initlint: ignore[KIN101]\n")
    (finding,) = [d for d in check(code, "KIN900", "KIN1") if d.code == "KIN900"]
    assert "not directly above a statement" in finding.message
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.UNSAFE
    assert "# initlint: ignore" in fixed(code, "KIN900", unsafe=False)
    assert "# initlint: ignore" not in fixed(code, "KIN900", unsafe=True)


def test_blanket_file_noqa_turns_kin900_off_too() -> None:
    code = "# initlint: noqa\n" + keras_mlp(c3="  # noqa: KIN102")
    assert check(code, "KIN900", "KIN1") == []


def test_kin900_can_itself_be_suppressed() -> None:
    code = keras_mlp(c3="  # noqa: KIN101, KIN102, KIN900")
    assert unused(code, "KIN1") == []


def test_kin900_is_opt_in() -> None:
    assert unused(keras_mlp(c3="  # noqa: KIN102")) == []
    assert "KIN900" not in settings_for().select


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("  # noqa: KIN102", ""),
        ("  # noqa: KIN101, E501", "  # noqa: E501"),
        ("  # noqa: E501, KIN101", "  # noqa: E501"),
        ("  # noqa:KIN102,E501", "  # noqa:E501"),
        ("  # noqa: E501, KIN101, F401", "  # noqa: E501, F401"),
        ("  # noqa: KIN102  # keep this note", "  # keep this note"),
        ("  # keep this note  # noqa: KIN102", "  # keep this note"),
        ("  # noqa: KIN102 -- stale reason  # keep", "  # keep"),
    ],
)
def test_fix_removes_only_the_unused_code(before: str, after: str) -> None:
    line = 'outputs = layers.Dense(10, activation="softmax")(x)'  # no finding on this row
    code = keras_mlp().replace(line, line + before)
    out = fixed(code, "KIN900", "KIN1")
    assert line + after + "\n" in out
    assert unused(out, "KIN1") == []


def test_fix_removes_an_own_line_ignore_whole() -> None:
    code = torch_mlp(above_fc1="# initlint: ignore[KIN102]")
    out = fixed(code, "KIN900", "KIN1")
    assert "initlint: ignore" not in out
    assert out.count("\n") == code.count("\n") - 1
    assert fixed(out, "KIN900", "KIN1") == out


def test_fix_keeps_crlf() -> None:
    code = keras_mlp(c3="  # noqa: KIN101, KIN102").replace("\n", "\r\n")
    out = fixed(code, "KIN900", "KIN1")
    assert "(x)  # noqa: KIN101\r\n" in out
    assert "\n" not in out.replace("\r\n", "")


# ------------------------------------------------------------------------------ --add-noqa


def test_add_noqa_on_a_keras_functional_model() -> None:
    code = keras_mlp(c4="  # saturates on purpose")
    out, added = add_noqa(code, settings_for())
    assert added == 3
    assert out == keras_mlp(
        c1="  # noqa: KIN101",
        c3="  # noqa: KIN101",
        c4="  # saturates on purpose  # noqa: KIN102",
    )
    assert check(out) == []
    assert add_noqa(out, settings_for()) == (out, 0)


def test_add_noqa_on_a_torch_module_merges_with_an_existing_noqa() -> None:
    code = torch_mlp(c1="  # noqa: E501")
    out, added = add_noqa(code, settings_for())
    assert added == 2
    assert "nn.init.xavier_uniform_(self.fc1.weight)  # noqa: E501, KIN101\n" in out
    assert "nn.init.xavier_normal_(self.fc2.weight)  # noqa: KIN101\n" in out
    assert check(out) == []
    assert unused(out, "KIN1") == []


def test_add_noqa_groups_codes_of_one_row() -> None:
    code = SEQUENTIAL.format(above="").replace(
        '"glorot_uniform"),\n    layers.Dense(64, activation="relu", kernel_initializer="zeros")',
        '"glorot_uniform"), layers.Dense(64, activation="relu", kernel_initializer="zeros")',
    )
    out, added = add_noqa(code, settings_for())
    assert "# noqa: KIN001, KIN101\n" in out
    assert added == 2
    assert check(out) == []


def test_add_noqa_never_writes_inside_a_string_or_after_a_backslash() -> None:
    code = dedent(
        '''\
        from keras import layers

        hidden = layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform", \\
                              name="hidden")
        other = layers.Dense(64, activation="relu", kernel_initializer="glorot_normal", name="""a
        b""")
        '''
    )
    out, added = add_noqa(code, settings_for())
    assert added == 2
    assert '"hidden")  # noqa: KIN101\n' in out
    assert 'b""")  # noqa: KIN101\n' in out
    assert '"""a\nb"""' in out  # the string is unchanged
    assert check(out) == []


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_add_noqa_cli_writes_files_keeping_bytes_and_reports_the_count(tmp_path: Path) -> None:
    keras_file = tmp_path / "mlp.py"
    keras_file.write_bytes(b"\xef\xbb\xbf" + keras_mlp().replace("\n", "\r\n").encode())
    torch_file = tmp_path / "torch_mlp.py"
    torch_file.write_text(torch_mlp(), encoding="utf-8")
    clean = tmp_path / "clean.py"
    clean.write_text("import torch\n", encoding="utf-8")

    code, out, err = invoke(tmp_path, "--add-noqa")
    assert (code, out) == (0, "")
    assert err == "Added 5 noqa directives.\n"
    data = keras_file.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == keras_mlp().count("\n")
    assert data.count(b"\n") == data.count(b"\r\n")
    assert b"# noqa: KIN102\r\n" in data
    assert clean.read_text() == "import torch\n"

    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    assert invoke(tmp_path, "--add-noqa")[2] == "Added 0 noqa directives.\n"
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert invoke(tmp_path)[0] == 0


def test_add_noqa_singular_and_conflicts(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(torch_mlp(c1="  # noqa: KIN101"), encoding="utf-8")
    assert invoke(path, "--add-noqa")[2] == "Added 1 noqa directive.\n"
    code, _, err = invoke(path, "--add-noqa", "--fix")
    assert code == 2
    assert err == "initlint: error: `--add-noqa` cannot be combined with `--fix` or `--diff`\n"


def test_add_noqa_respects_the_selection(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(keras_mlp(), encoding="utf-8")
    assert invoke(path, "--add-noqa", "--select", "KIN102")[2] == "Added 1 noqa directive.\n"
    assert "# noqa: KIN102" in path.read_text()
    assert "KIN101" not in path.read_text()


def test_fix_with_kin900_on_disk_removes_stale_codes_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "mlp.py"
    stale = torch_mlp(c1="  # noqa: KIN101, KIN102, E501").replace(
        "nn.init.xavier_normal_(self.fc2.weight)", "nn.init.kaiming_normal_(self.fc2.weight)"
    )
    path.write_text(stale, encoding="utf-8")
    code, out, _ = invoke(path, "--extend-select", "KIN900", "--output-format", "concise")
    assert code == 1
    assert "KIN900 [*] Unused `# noqa` directive (unused: `KIN102`)" in out
    assert invoke(path, "--extend-select", "KIN900", "--fix")[0] == 0
    assert path.read_text() == stale.replace("KIN101, KIN102, E501", "KIN101, E501")


def test_add_noqa_uses_each_files_settings(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.initlint.per-file-ignores]\n"legacy/*" = ["KIN101"]\n', encoding="utf-8"
    )
    legacy = tmp_path / "legacy" / "mlp.py"
    legacy.parent.mkdir()
    legacy.write_text(keras_mlp(), encoding="utf-8")
    current = tmp_path / "mlp.py"
    current.write_text(keras_mlp(), encoding="utf-8")
    assert invoke(tmp_path, "--add-noqa")[2] == "Added 4 noqa directives.\n"
    assert legacy.read_text() == keras_mlp(c4="  # noqa: KIN102")
    assert current.read_text().count("# noqa:") == 3
    code, _, err = invoke("-", "--add-noqa")
    assert (code, err) == (
        2,
        "initlint: error: `--add-noqa` cannot read stdin: it edits files in place\n",
    )


def test_add_noqa_says_it_skips_notebooks(tmp_path: Path) -> None:
    import json

    cell = (
        "import keras\n"
        'layer = keras.layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform")\n'
        "model = keras.Sequential([keras.Input(shape=(8,)), layer, keras.layers.Dense(1)])\n"
    )
    book = {
        "cells": [
            {
                "cell_type": "code",
                "source": cell,
                "metadata": {},
                "outputs": [],
                "execution_count": None,
            }
        ],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(book, indent=1))
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["--add-noqa", str(path)])
    assert result.exit_code == 0
    assert "does not edit notebooks" in result.stderr
    assert path.read_bytes() == before
