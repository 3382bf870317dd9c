"""The command line as users meet it: exit codes, formats, fixes on disk, bad input."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from initlint import engine
from initlint.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

BAD_KERAS = """\
import keras

model = keras.Sequential([
    keras.layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform"),
    keras.layers.Dense(64, activation="relu", kernel_initializer="zeros"),
    keras.layers.Dense(10, activation="softmax"),
])
"""


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target


def test_examples_report_findings_and_exit_1() -> None:
    code, out, _ = invoke(EXAMPLES, "--output-format", "concise")
    assert code == 1
    for expected in ("KIN001", "KIN002", "KIN101", "KIN102", "KIN103"):
        assert expected in out
    assert "correct_mnist.py" not in out
    assert "Found 7 errors." in out


def test_correct_example_is_clean() -> None:
    code, out, _ = invoke(EXAMPLES / "correct_mnist.py")
    assert (code, out.strip()) == (0, "All checks passed!")


def test_full_format_has_code_frame_caret_and_help() -> None:
    code, out, _ = invoke(EXAMPLES / "keras_mnist.py")
    assert code == 1
    assert 'kernel_initializer="glorot_uniform"),' in out
    assert "^^^^^^^^^^^^^^^^ KIN101" in out
    assert '= help: Use `"he_uniform"`' in out
    assert "[*] 3 fixable with the `--fix` option" in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_fix_then_unsafe_fixes_then_nothing_left(examples: Path) -> None:
    keras_file = examples / "keras_mnist.py"
    code, out, _ = invoke(examples, "--fix", "--output-format", "concise")
    assert code == 1  # unsafe findings remain
    assert "(5 fixed, 2 remaining)" in out
    text = keras_file.read_text()
    assert 'activation="relu", kernel_initializer="he_uniform"' in text
    assert 'activation="selu", kernel_initializer="lecun_normal"' in text
    assert 'kernel_initializer="zeros"),\n            layers.Activation' in text  # unsafe: kept
    assert "# Glorot under ReLU halves the signal" in text  # comments kept

    code, out, _ = invoke(examples, "--fix", "--unsafe-fixes")
    assert code == 0
    assert "(2 fixed, 0 remaining)" in out
    snapshot = {p.name: p.read_bytes() for p in examples.iterdir()}
    code, out, _ = invoke(examples, "--fix", "--unsafe-fixes")
    assert (code, out.strip()) == (0, "All checks passed!")
    assert snapshot == {p.name: p.read_bytes() for p in examples.iterdir()}
    for path in examples.iterdir():
        compile(path.read_text(), str(path), "exec")


def test_diff_prints_and_writes_nothing(examples: Path) -> None:
    before = {p.name: p.read_bytes() for p in examples.iterdir()}
    code, out, err = invoke(examples / "torch_mnist.py", "--diff")
    assert code == 1
    assert out.count("\n-") == 2
    assert "+        nn.init.kaiming_uniform_(self.conv1.weight" in out
    assert "Would fix 2 errors." in err
    assert before == {p.name: p.read_bytes() for p in examples.iterdir()}
    code, out, err = invoke(examples / "correct_mnist.py", "--diff")
    assert (code, out, err) == (0, "", "")


def test_fix_keeps_file_mode(write) -> None:  # type: ignore[no-untyped-def]
    path = write("model.py", BAD_KERAS)
    os.chmod(path, 0o640)
    invoke(path, "--fix")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert '"he_uniform"' in path.read_text()


def test_json_format(write) -> None:  # type: ignore[no-untyped-def]
    path = write("model.py", BAD_KERAS)
    code, out, _ = invoke(path, "--output-format", "json")
    assert code == 1
    items = json.loads(out)
    assert [item["code"] for item in items] == ["KIN101", "KIN001"]
    first = items[0]
    assert set(first) == {
        "cell",
        "code",
        "end_location",
        "filename",
        "fix",
        "location",
        "message",
        "name",
        "noqa_row",
        "severity",
        "url",
    }
    column = BAD_KERAS.splitlines()[3].index('"glorot_uniform"') + 1
    assert first["location"] == {"row": 4, "column": column}
    assert first["end_location"] == {"row": 4, "column": column + len('"glorot_uniform"')}
    assert first["filename"] == str(path.resolve())  # absolute, as ruff writes it
    assert first["name"] == "relu-without-he"
    assert first["severity"] == "error"
    assert first["fix"]["applicability"] == "safe"
    assert first["fix"]["edits"] == [
        {
            "content": '"he_uniform"',
            "location": first["location"],
            "end_location": first["end_location"],
        }
    ]
    assert items[1]["fix"]["applicability"] == "unsafe"
    assert invoke(path, "--output-format", "json")[1] == out  # byte-stable


def test_selection_by_code_prefix_and_name(write) -> None:  # type: ignore[no-untyped-def]
    path = write("model.py", BAD_KERAS)
    assert "KIN101" not in invoke(path, "--select", "zeros-kernel")[1]
    assert "KIN001" not in invoke(path, "--select", "KIN1")[1]
    assert "KIN001" not in invoke(path, "--ignore", "KIN0")[1]
    _code, out, _ = invoke(path, "--select", "KIN001,relu-without-he", "--output-format", "concise")
    assert "KIN001" in out
    assert "KIN101" in out


def test_unknown_selector_is_exit_2_with_a_suggestion(write) -> None:  # type: ignore[no-untyped-def]
    path = write("model.py", BAD_KERAS)
    code, out, err = invoke(path, "--select", "zero-kernel")
    assert code == 2
    assert "unknown rule selector `zero-kernel` (did you mean `zeros-kernel`?)" in err
    assert "Traceback" not in out + err


def test_exit_zero(write) -> None:  # type: ignore[no-untyped-def]
    assert invoke(write("model.py", BAD_KERAS), "--exit-zero")[0] == 0


def test_missing_path_is_exit_2_in_one_line(tmp_path: Path) -> None:
    code, _out, err = invoke(tmp_path / "nope.py")
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "No such file or directory" in err


def test_parse_error_is_a_finding_and_the_run_goes_on(write) -> None:  # type: ignore[no-untyped-def]
    broken = write("broken.py", "import torch\n\ndef f(:\n    torch.nn.init.zeros_(w)\n")
    good = write("model.py", BAD_KERAS)
    code, out, _ = invoke(broken.parent, "--output-format", "concise")
    assert code == 1
    assert f"{os.path.relpath(broken)}:3:7: KIN000 Cannot parse: invalid syntax" in out
    assert os.path.relpath(good) in out


def test_undecodable_empty_and_bom_files(write) -> None:  # type: ignore[no-untyped-def]
    write("latin.py", b"import torch\nname = '\xff\xfe'\n")
    write("empty.py", b"")
    bom = write("bom.py", b"\xef\xbb\xbf" + BAD_KERAS.encode())
    code, out, _ = invoke(bom.parent, "--output-format", "concise", "--fix")
    assert code == 1
    assert "latin.py:1:1: KIN000 Cannot read file" in out
    assert "empty.py" not in out
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    assert b'"he_uniform"' in bom.read_bytes()


def test_folder_without_python_files_is_clean(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here")
    code, _out, err = invoke(tmp_path)
    assert code == 0
    assert "no Python files found" in err


def test_gitignore_and_default_excludes(write) -> None:  # type: ignore[no-untyped-def]
    root = write("model.py", BAD_KERAS).parent
    (root / ".git").mkdir()
    write(".gitignore", "generated/\n")
    write("generated/gen.py", BAD_KERAS)
    write(".venv/lib/dep.py", BAD_KERAS)
    write("pkg/sub.py", BAD_KERAS)
    out = invoke(root, "--output-format", "concise")[1]
    assert "model.py" in out
    assert "sub.py" in out
    assert "gen.py" not in out
    assert "dep.py" not in out
    # an excluded file named explicitly is linted, unless --force-exclude (pre-commit)
    assert "gen.py" in invoke(root / "generated" / "gen.py")[1]
    code, out, _ = invoke(root / "generated" / "gen.py", "--force-exclude")
    assert (code, out.strip()) == (0, "All checks passed!")


def test_internal_error_is_exit_2_without_traceback(
    write,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    def boom(text: str, settings: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(engine, "check", boom)
    code, _out, err = invoke(write("model.py", BAD_KERAS))
    assert code == 2
    assert "internal error: ValueError: boom" in err
    assert "Traceback" not in err


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0
    assert out.startswith("initlint, version ")


def test_installed_entry_point_in_a_subprocess(examples: Path) -> None:
    script = Path(sys.executable).parent / "initlint"
    assert script.exists(), "initlint is not installed in this environment"
    result = subprocess.run(
        [str(script), "keras_mnist.py", "torch_mnist.py", "--output-format", "concise"],
        cwd=examples,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout.startswith("keras_mnist.py:16:69: KIN101")
    module = subprocess.run(
        [sys.executable, "-m", "initlint", "correct_mnist.py"],
        cwd=examples,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (module.returncode, module.stdout.strip()) == (0, "All checks passed!")
