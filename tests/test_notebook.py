"""Jupyter notebooks: findings in cells, magics masked, fixes written back byte-faithfully."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from initlint.cli import main
from initlint.notebook import Notebook, NotebookError, mask

TOKEN = "initlint-test"


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def lines(text: str) -> list[str]:
    """A source as Jupyter stores it: lines keeping their newline, the last without."""
    return text.splitlines(keepends=True)


def code(source: str | list[str], count: int | None = None, outputs: Any = ()) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": count,
        "id": f"c{count}",
        "metadata": {"tags": []},
        "outputs": list(outputs),
        "source": source,
    }


def markdown(text: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "id": "md", "metadata": {}, "source": lines(text)}


def notebook(*cells: dict[str, Any], language: str = "python") -> dict[str, Any]:
    return {
        "cells": list(cells),
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": language, "name": "python3"},
            "language_info": {"name": language, "version": "3.11.4"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def dump(book: Any, style: dict[str, Any]) -> bytes:
    """``book`` serialised as a given tool would: json options, trailing text, newlines."""
    options = {k: v for k, v in style.items() if k not in ("tail", "crlf")}
    text = json.dumps(book, **options) + style.get("tail", "\n")
    return (text.replace("\n", "\r\n") if style.get("crlf") else text).encode("utf-8")


JUPYTER = {"indent": 1, "sort_keys": True, "ensure_ascii": False}  # nbformat's own writer

STREAM = {"name": "stdout", "output_type": "stream", "text": ["Epoch 1/2\n", "loss: 0.2514\n"]}
FIGURE = {
    "data": {"image/png": "iVBORw0KGgoAAAANSUhEUg==", "text/plain": ["<Figure size 640x480>"]},
    "metadata": {"needs_background": "light"},
    "output_type": "display_data",
}

KERAS_MODEL = """\
model = keras.Sequential([
    layers.Input(shape=(784,)),
    layers.Dense(256, activation="relu", kernel_initializer="glorot_uniform"),
    layers.Dropout(0.2),
    layers.Dense(10, activation="softmax"),
])
model.summary()"""


def keras_tutorial(as_lists: bool = True) -> dict[str, Any]:
    """A Keras MNIST tutorial as people write them: magics, shell, data, model, training."""

    def src(text: str) -> str | list[str]:
        return lines(text) if as_lists else text

    return notebook(
        markdown("# MNIST with Keras\n\nA dense network — données manuscrites."),
        code(
            src(
                "%matplotlib inline\n!pip install -q keras\nimport keras\nfrom keras import layers"
            ),
            1,
            [{"name": "stdout", "output_type": "stream", "text": ["Requirement satisfied\n"]}],
        ),
        code(
            src(
                "(x_train, y_train), _ = keras.datasets.mnist.load_data()\n"
                'x_train = x_train.reshape(-1, 784).astype("float32") / 255\n'
                "keras.datasets.mnist.load_data?"
            ),
            2,
        ),
        markdown("## The model"),
        code(src(KERAS_MODEL), 3),
        code(src('model.compile("adam", "sparse_categorical_crossentropy")\n'), 4),
        code(
            src("%%time\nhistory = model.fit(x_train, y_train, epochs=2)\n"),
            5,
            [STREAM, FIGURE],
        ),
    )


TORCH_NET = """\
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, 10)
        nn.init.xavier_uniform_(self.fc1.weight)

    def forward(self, x):
        x = torch.relu(self.fc1(x))
        return self.fc2(x)
"""


def torch_notebook() -> dict[str, Any]:
    return notebook(
        code("import torch\nfrom torch import nn\n", 1),
        code(TORCH_NET, 2),
        code("net = Net()\n%time out = net(torch.randn(8, 784))", 3, [STREAM]),
    )


def write_notebook(
    tmp_path: Path, book: Any, style: dict[str, Any], name: str = "nb.ipynb"
) -> Path:
    path = tmp_path / name
    path.write_bytes(dump(book, style))
    return path


def with_source(book: dict[str, Any], index: int, old: str, new: str) -> dict[str, Any]:
    """``book`` with ``old`` replaced by ``new`` in cell ``index``'s source, same form."""
    changed = copy.deepcopy(book)
    source = changed["cells"][index]["source"]
    if isinstance(source, list):
        changed["cells"][index]["source"] = lines("".join(source).replace(old, new))
    else:
        changed["cells"][index]["source"] = source.replace(old, new)
    assert changed != book
    return changed


def column_of(text: str, row: int, needle: str) -> int:
    return text.splitlines()[row - 1].index(needle) + 1


# --------------------------------------------------------------------------- reporting


def test_keras_tutorial_findings_in_concise_and_json(tmp_path: Path) -> None:
    path = write_notebook(tmp_path, keras_tutorial(), JUPYTER, "mnist.ipynb")
    shown = os.path.relpath(path)
    column = column_of(KERAS_MODEL, 3, '"glorot_uniform"')
    code_, out, err = invoke(path, "--output-format", "concise")
    assert (code_, err) == (1, "")
    # cell 5: markdown cells count, as in ruff (the notebook's 5th cell, 3rd code cell)
    assert out.splitlines()[0].startswith(f"{shown}:cell 5:3:{column}: KIN101 [*] ")
    assert "Found 1 error." in out

    code_, out, _ = invoke(path, "--output-format", "json")
    assert invoke(path, "--output-format", "json")[1] == out  # byte-stable
    (item,) = json.loads(out)
    assert item["cell"] == 5
    assert item["location"] == {"row": 3, "column": column}
    assert item["end_location"] == {"row": 3, "column": column + len('"glorot_uniform"')}
    assert item["noqa_row"] == 3
    assert item["fix"]["edits"] == [
        {
            "content": '"he_uniform"',
            "location": item["location"],
            "end_location": item["end_location"],
        }
    ]


def test_python_files_keep_cell_null_and_plain_positions(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text("import keras\n" + KERAS_MODEL.replace("layers.", "keras.layers.") + "\n")
    _, out, _ = invoke(path, "--output-format", "json")
    (item,) = json.loads(out)
    assert item["cell"] is None
    assert item["location"]["row"] == 4
    _, out, _ = invoke(path, "--output-format", "concise")
    assert ":cell" not in out


def test_torch_notebook_finding_and_full_frame_shows_only_the_cell(tmp_path: Path) -> None:
    path = write_notebook(tmp_path, torch_notebook(), {"indent": 2})
    code_, out, _ = invoke(path)
    assert code_ == 1
    assert f"{os.path.relpath(path)}:cell 2:6:9: KIN101 [*]" in out
    assert "6 |         nn.init.xavier_uniform_(self.fc1.weight)" in out  # cell-relative rows
    assert "5 |         self.fc2 = nn.Linear(256, 10)" in out
    assert "import torch" not in out  # the frame never shows another cell's lines
    assert '= help: Use `nn.init.kaiming_uniform_(self.fc1.weight, nonlinearity="relu")`' in out


def test_syntax_error_in_a_cell_is_kin000_in_that_cell(tmp_path: Path) -> None:
    book = notebook(
        code("import torch\n", 1),
        markdown("text"),
        code("x = torch.zeros(3\ny = torch.nn.init.zeros_(x)", 2),
    )
    path = write_notebook(tmp_path, book, JUPYTER)
    code_, out, err = invoke(path, "--output-format", "json")
    (item,) = json.loads(out)
    assert (code_, err) == (1, "")
    assert (item["code"], item["cell"]) == ("KIN000", 3)
    column = "x = torch.zeros(3".index("(") + 1  # the unclosed bracket, row 1 of cell 3
    assert item["location"] == {"row": 1, "column": column}


@pytest.mark.parametrize(
    ("data", "message", "where"),
    [
        (b'{"cells": [', "Cannot read notebook: invalid JSON", ":1:12:"),
        (b"", "Cannot read notebook: invalid JSON", ":1:1:"),
        (b'{"worksheets": []}', "not a Jupyter notebook (no `cells` list)", ":1:1:"),
        (b"[1, 2]", "not a Jupyter notebook (no `cells` list)", ":1:1:"),
        (b'{"cells": [], "nbformat": 3}', "nbformat 3 (only 4 is read)", ":1:1:"),
        (b'{"cells": [{"cell_type": "code", "source": 7}]}', "cell 1 has no source", ":1:1:"),
        (b'{"cells": ["x"]}', "cell 1 is not an object", ":1:1:"),
        (b'{"cells": [], "x": "\xff"}', "not UTF-8", ":1:1:"),
    ],
)
def test_malformed_notebooks_are_kin000_not_a_crash(
    tmp_path: Path, data: bytes, message: str, where: str
) -> None:
    path = tmp_path / "bad.ipynb"
    path.write_bytes(data)
    for args in ((), ("--fix",)):
        code_, out, err = invoke(path, "--output-format", "concise", *args)
        assert code_ == 1, args
        assert "Traceback" not in out + err
        assert f"{os.path.relpath(path)}{where} KIN000 " in out
        assert message in out
    assert invoke(path, "--diff") == (0, "", "")  # --diff's exit code counts diffs, as ruff's
    assert path.read_bytes() == data


def test_a_notebook_without_frameworks_is_quiet(tmp_path: Path) -> None:
    book = notebook(code("%matplotlib inline\nimport pandas as pd\ndf = pd.DataFrame()", 1))
    path = write_notebook(tmp_path, book, JUPYTER)
    assert invoke(path) == (0, "All checks passed!\n", "")


def test_other_languages_are_not_read(tmp_path: Path) -> None:
    r_book = notebook(code('library(keras)\nlayer_dense(units = 64, activation = "relu")', 1))
    r_book["metadata"] = {"language_info": {"name": "R"}}
    path = write_notebook(tmp_path, r_book, JUPYTER)
    assert invoke(path)[0] == 0
    sql = code("SELECT keras FROM torch WHERE x = (", 1)
    sql["metadata"] = {"vscode": {"languageId": "sql"}}
    path = write_notebook(tmp_path, notebook(sql, code("import torch\n", 2)), JUPYTER)
    assert invoke(path)[0] == 0


def test_noqa_in_a_cell(tmp_path: Path) -> None:
    quiet = KERAS_MODEL.replace('"glorot_uniform"),', '"glorot_uniform"),  # noqa: KIN101')
    book = keras_tutorial()
    book["cells"][4]["source"] = lines(quiet)
    path = write_notebook(tmp_path, book, JUPYTER)
    assert invoke(path)[0] == 0
    other = KERAS_MODEL.replace('"glorot_uniform"),', '"glorot_uniform"),  # noqa: KIN001')
    book["cells"][4]["source"] = lines(other)
    path.write_bytes(dump(book, JUPYTER))
    assert invoke(path)[0] == 1


def test_directory_discovery_finds_notebooks_but_not_checkpoints(tmp_path: Path) -> None:
    write_notebook(tmp_path, torch_notebook(), JUPYTER, "train.ipynb")
    checkpoints = tmp_path / ".ipynb_checkpoints"
    checkpoints.mkdir()
    write_notebook(checkpoints, torch_notebook(), JUPYTER, "train-checkpoint.ipynb")
    code_, out, _ = invoke(tmp_path, "--output-format", "concise")
    assert code_ == 1
    assert "train.ipynb:cell 2:6:9: KIN101" in out
    assert "checkpoint" not in out
    assert "Found 1 error." in out


# --------------------------------------------------------------------------- magics


MAGIC_CELL = """\
%time model = keras.Sequential([layers.Dense(64, activation="relu", kernel_initializer="zeros")])
!echo layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform")
layers.Dense?
import keras
from keras import layers"""

CELL_MAGIC = """\
%%bash
echo 'layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform")'"""

TIMED_CELL = """\
%%time
model = keras.Sequential([
    layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform"),
    layers.Dense(10, activation="softmax"),
])"""


def test_a_timed_cell_body_is_checked_and_fixed_with_its_magic_kept(tmp_path: Path) -> None:
    """As ruff: ``%%time`` and the other cell magics whose body is Python are checked."""
    imports = "import keras\nfrom keras import layers"
    book = notebook(code(lines(imports), 1), code(lines(TIMED_CELL), 2))
    path = write_notebook(tmp_path, book, JUPYTER)
    code_, out, _ = invoke(path, "--output-format", "concise")
    assert code_ == 1
    assert "nb.ipynb:cell 2:3:60: KIN101" in out
    assert invoke(path, "--fix")[0] == 0
    fixed_cell = "".join(json.loads(path.read_text())["cells"][1]["source"])
    assert fixed_cell == TIMED_CELL.replace("glorot_uniform", "he_uniform")


def test_magic_lines_are_never_reported_nor_changed(tmp_path: Path) -> None:
    book = notebook(code(lines(MAGIC_CELL), 1), code(lines(CELL_MAGIC), 2))
    path = write_notebook(tmp_path, book, JUPYTER)
    before = path.read_bytes()
    for args in ((), ("--fix", "--unsafe-fixes"), ("--diff",)):
        assert invoke(path, *args)[0] == 0, args
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("%matplotlib inline\nimport torch", f"pass  # {TOKEN}\nimport torch"),
        ("!pip install \\\n    torch\nx = 1", f"pass  # {TOKEN}\n# {TOKEN}\nx = 1"),
        ("for i in range(3):\n    %time f(i)\n", f"for i in range(3):\n    pass  # {TOKEN}\n"),
        ("files = !ls\nx = %time f()", f"pass  # {TOKEN}\npass  # {TOKEN}"),
        ("torch.nn.init?\n??torch", f"pass  # {TOKEN}\npass  # {TOKEN}"),
        # not IPython: a modulo continuing a bracket, "?" in a string or comment, != ...
        ("y = (a\n% b)\nz = 5 % 3", "y = (a\n% b)\nz = 5 % 3"),
        ("x = 'what?'\ny = 1  # really?\na != b", "x = 'what?'\ny = 1  # really?\na != b"),
        ('s = """\n%text\n"""\n%real', f's = """\n%text\n"""\npass  # {TOKEN}'),
        ("time = 5\nprint(time)", "time = 5\nprint(time)"),  # a magic's name, as Python
        # whole cells: a cell magic, automagic that is not Python
        ("%%bash\necho hi\n  indented", f"# {TOKEN}\n# {TOKEN}\n# {TOKEN}"),
        ("pip install torch", f"# {TOKEN}"),
    ],
)
def test_mask_keeps_rows_and_hides_ipython(source: str, expected: str) -> None:
    text, _rows, _whole = mask(source, TOKEN)
    assert text == expected
    assert text.count("\n") == source.count("\n")


def test_a_fix_touching_a_mask_or_a_boundary_is_refused() -> None:
    book = notebook(code("%matplotlib inline\nimport torch\n", 1), code("x = 1\n", 2))
    parsed = Notebook(dump(book, JUPYTER))
    assert parsed.code.count(parsed.token) == 2  # one placeholder, one boundary
    placeholder = f"pass  # {parsed.token}"
    with pytest.raises(NotebookError, match="masked line in cell 1"):
        parsed.rewrite(parsed.code.replace(placeholder, placeholder + "  # edited"))
    boundary = parsed.code.splitlines()[3]
    assert parsed.token in boundary
    with pytest.raises(NotebookError, match="cell boundary"):
        parsed.rewrite(parsed.code.replace(boundary + "\n", ""))
    assert parsed.rewrite(parsed.code).data == dump(book, JUPYTER)  # unchanged: same bytes


# --------------------------------------------------------------------------- fixing


STYLES = {
    "jupyter": JUPYTER,
    "indent-2-unsorted": {"indent": 2},
    "tabs": {"indent": "\t", "ensure_ascii": False},
    "ascii-escaped": {"indent": 1, "sort_keys": True, "ensure_ascii": True},
    "no-trailing-newline": {**JUPYTER, "tail": ""},
    "crlf": {**JUPYTER, "crlf": True},
    "compact": {"separators": (",", ":"), "tail": ""},
}


@pytest.mark.parametrize("style", list(STYLES.values()), ids=list(STYLES))
@pytest.mark.parametrize("as_lists", [True, False], ids=["list-sources", "string-sources"])
def test_fix_changes_only_the_cell_source(tmp_path: Path, style: Any, as_lists: bool) -> None:
    book = keras_tutorial(as_lists)
    path = write_notebook(tmp_path, book, style)
    before = path.read_bytes()
    code_, out, err = invoke(path, "--fix", "--output-format", "concise")
    assert (code_, err) == (0, ""), out
    assert "(1 fixed, 0 remaining)" in out
    expected = with_source(book, 4, '"glorot_uniform"', '"he_uniform"')
    assert path.read_bytes() == dump(expected, style)  # every other byte as it was

    after = path.read_bytes()
    start = next(i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b)
    assert before[:start] == after[:start]
    assert before[start - 40 : start].decode().endswith('kernel_initializer=\\"')
    assert invoke(path, "--fix") == (0, "All checks passed!\n", "")  # a second run: no-op
    assert path.read_bytes() == after


def test_fix_in_the_torch_notebook_keeps_outputs_and_string_source(tmp_path: Path) -> None:
    book = torch_notebook()
    path = write_notebook(tmp_path, book, {"indent": 1})
    assert invoke(path, "--fix")[0] == 0
    fixed = json.loads(path.read_text())
    assert isinstance(fixed["cells"][1]["source"], str)
    assert (
        'nn.init.kaiming_uniform_(self.fc1.weight, nonlinearity="relu")'
        in (fixed["cells"][1]["source"])
    )
    fixed["cells"][1]["source"] = TORCH_NET
    assert fixed == book  # outputs, metadata, the magic in cell 3: all as they were


def test_fix_that_adds_a_row_keeps_masks_and_later_cells_placed(tmp_path: Path) -> None:
    cell = (
        "%matplotlib inline\n"
        "model = keras.Sequential([\n"
        "    keras.layers.Dense(\n"
        "        64,\n"
        '        activation="relu",\n'
        "    ),\n"
        "])\n"
        "%time model.summary()"
    )
    later = 'layer = keras.layers.Dense(8, activation="relu", kernel_initializer="glorot_normal")'
    book = notebook(code("import keras\n", 1), code(lines(cell), 2), code(later, 3))
    path = write_notebook(tmp_path, book, JUPYTER)
    args = ("--select", "KIN105,KIN101", "--unsafe-fixes", "--output-format", "concise")
    code_, out, _ = invoke(path, *args)
    assert code_ == 1
    assert "cell 2:3:5: KIN105" in out
    column = later.index('"glorot') + 1
    assert f"cell 3:1:{column}: KIN101" in out
    assert invoke(path, "--fix", *args)[0] == 0
    fixed = json.loads(path.read_text())
    source = "".join(fixed["cells"][1]["source"])
    assert source.startswith("%matplotlib inline\n")
    assert source.endswith("%time model.summary()")
    assert source.count("\n") == cell.count("\n") + 1
    assert 'kernel_initializer="he_uniform"' in source
    assert fixed["cells"][2]["source"] == later.replace("glorot_normal", "he_normal")


def test_diff_shows_cells_and_writes_nothing(tmp_path: Path) -> None:
    path = write_notebook(tmp_path, keras_tutorial(), JUPYTER)
    before = path.read_bytes()
    code_, out, err = invoke(path, "--diff")
    assert code_ == 1
    shown = os.path.relpath(path)
    assert out.startswith(f"--- a/{shown}:cell 5\n+++ b/{shown}:cell 5\n")
    assert '-    layers.Dense(256, activation="relu", kernel_initializer="glorot_uniform"),' in out
    assert '+    layers.Dense(256, activation="relu", kernel_initializer="he_uniform"),' in out
    assert "Would fix 1 error." in err
    assert path.read_bytes() == before


def test_unreproducible_json_style_refuses_to_write(tmp_path: Path) -> None:
    text = dump(keras_tutorial(), JUPYTER).decode()
    path = tmp_path / "odd.ipynb"
    path.write_text(text.replace('"nbformat": 4', '"nbformat" : 4'), encoding="utf-8")
    before = path.read_bytes()
    code_, out, err = invoke(path, "--fix", "--output-format", "concise")
    assert code_ == 2
    assert "cannot reproduce this notebook's JSON formatting" in err
    assert "KIN101" in out  # the finding is still reported
    assert "Traceback" not in out + err
    assert path.read_bytes() == before


# --------------------------------------------------------------------------- other ways in


def invoke_stdin(data: bytes, *args: str) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(main, list(args), input=data, catch_exceptions=False)
    return result.exit_code, result.stdout_bytes, result.stderr


def test_stdin_notebook_with_filename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    book = torch_notebook()
    data = dump(book, JUPYTER)
    code_, out, _ = invoke_stdin(
        data, "-", "--stdin-filename", "nb.ipynb", "--output-format", "json"
    )
    (item,) = json.loads(out)
    assert (code_, item["cell"], item["location"]["row"]) == (1, 2, 6)

    code_, out, err = invoke_stdin(data, "-", "--stdin-filename", "nb.ipynb", "--fix")
    assert code_ == 0
    expected = with_source(
        book,
        1,
        "nn.init.xavier_uniform_(self.fc1.weight)",
        'nn.init.kaiming_uniform_(self.fc1.weight, nonlinearity="relu")',
    )
    assert out == dump(expected, JUPYTER)  # the whole notebook, fixed, on stdout
    assert "Traceback" not in err


def test_machine_formats_carry_the_cell(tmp_path: Path) -> None:
    path = write_notebook(tmp_path, keras_tutorial(), JUPYTER)
    _, out, _ = invoke(path, "--output-format", "json-lines")
    assert json.loads(out)["cell"] == 5
    _, out, _ = invoke(path, "--output-format", "github")
    assert out.startswith("::error ")
    assert "::cell 5: KIN101 " in out
