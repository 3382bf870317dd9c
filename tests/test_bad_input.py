"""Whatever it is given, initlint neither crashes, hangs nor damages a file (issue 8).

Every case goes through the command line and checks the whole outcome: the exit code, the
one line that names the file (never a traceback), and for fixes the exact bytes written.
"""

from __future__ import annotations

import codecs
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from initlint import runner
from initlint.cli import main

KERAS = (
    "import keras\n",
    'd = keras.layers.Dense(8, activation="relu", kernel_initializer="glorot_uniform")\n',
)
TORCH = """\
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(256, 256)
        nn.init.xavier_uniform_(self.fc.weight)

    def forward(self, x):
        return nn.functional.relu(self.fc(x))
"""


READ_ONLY = "Permission denied (file is read-only)"


def lint(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process (concise output): exit code, stdout, stderr."""
    result = CliRunner().invoke(main, ["--output-format", "concise", *args])
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def one_finding(name: str, message: str, row: int = 1, column: int = 1) -> str:
    return f"{name}:{row}:{column}: KIN000 {message}\nFound 1 error.\n"


def python_says(code: bytes) -> tuple[str, int, int]:
    """Python's own message and place for invalid code: what KIN000 must report."""
    try:
        compile(code, "<test>", "exec", dont_inherit=True, flags=0x400)  # PyCF_ONLY_AST
    except SyntaxError as error:
        return error.msg, error.lineno or 1, error.offset or 1
    raise AssertionError("the code is valid")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # messages name files relative to here


# ---------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    "code",
    [
        # each names an init call: a file the prefilter passes is parsed, and its syntax read
        b'import torch\nnn.init.zeros_(w)\nprint "x"\n',
        b'import torch\nnn.init.zeros_(w)\nexec "x"\n',
        b"import torch\nnn.init.zeros_(w)\nx = `1`\n",
        b'import torch\nnn.init.zeros_(w)\nx = f"{1 +}"\n',
        b'import torch\nnn.init.zeros_(w)\nx = f"{"\n',
    ],
    ids=["print", "exec", "backticks", "f-string-expression", "f-string-unclosed"],
)
def test_syntax_error_is_kin000_with_pythons_message(code: bytes) -> None:
    Path("bad.py").write_bytes(code)
    message, row, column = python_says(code)
    assert lint("bad.py") == (1, one_finding("bad.py", f"Cannot parse: {message}", row, column), "")


# ---------------------------------------------------------------------- bytes and text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'import torch\nx = "\xe9t\xe9"\n',
            "Cannot read file: cannot decode as utf-8: 'utf-8' codec can't decode byte 0xe9 "
            "in position 18: invalid continuation byte",
        ),
        (b"# -*- coding: bogus -*-\nimport torch\n", "Cannot read file: unknown encoding: bogus"),
    ],
    ids=["latin-1-without-cookie", "bad-cookie"],
)
def test_undecodable_file_is_kin000(data: bytes, message: str) -> None:
    Path("bad.py").write_bytes(data)
    assert lint("bad.py") == (1, one_finding("bad.py", message), "")
    assert lint("bad.py", "--fix") == (1, one_finding("bad.py", message), "")
    assert Path("bad.py").read_bytes() == data


def test_nul_byte_is_kin000_with_pythons_message() -> None:
    data = b"import torch\nnn.init.zeros_(w)\nx = 1\x00\n"
    Path("nul.py").write_bytes(data)
    try:
        compile(data, "<test>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:  # ValueError before Python 3.12
        message = error.msg if isinstance(error, SyntaxError) else str(error)
    assert lint("nul.py") == (1, one_finding("nul.py", f"Cannot parse: {message}"), "")


def test_empty_file_is_clean() -> None:
    Path("empty.py").write_bytes(b"")
    assert lint("empty.py", "--fix") == (0, "All checks passed!\n", "")
    assert Path("empty.py").read_bytes() == b""


@pytest.mark.parametrize(
    ("prefix", "ending"),
    [(codecs.BOM_UTF8, b"\n"), (b"", b"\r\n"), (codecs.BOM_UTF8, b"\r\n")],
    ids=["bom", "crlf", "bom-crlf"],
)
def test_fix_keeps_bom_and_line_endings(prefix: bytes, ending: bytes) -> None:
    lines = [line.encode().replace(b"\n", ending) for line in (*KERAS, "x = 1\n")]
    Path("m.py").write_bytes(prefix + b"".join(lines))
    assert lint("m.py")[0] == 1  # checked normally: the BOM is not a syntax error
    assert lint("m.py", "--fix") == (0, "Found 1 error (1 fixed, 0 remaining).\n", "")
    fixed = [lines[0], lines[1].replace(b"glorot_uniform", b"he_uniform"), lines[2]]
    assert Path("m.py").read_bytes() == prefix + b"".join(fixed)


def test_fix_keeps_mixed_line_endings_byte_for_byte() -> None:
    data = b"import keras\r\n\nx = 1\r\n" + KERAS[1].encode() + b"y = [\r\n    2,\n]\r\n"
    Path("m.py").write_bytes(data)
    assert lint("m.py", "--fix")[0] == 0
    assert Path("m.py").read_bytes() == data.replace(b"glorot_uniform", b"he_uniform")


def test_twenty_megabyte_file_is_refused_quickly(tmp_path: Path) -> None:
    """libcst would need minutes and gigabytes: the file is reported as not checked.
    Measured: about 1 s for the whole run here (generating the file included)."""
    model = TORCH.split("\n\n\n", 1)[1] + "\n\n"
    copies = 20_000_000 // len(model) + 1
    Path("big.py").write_text("import torch.nn as nn\n\n\n" + model * copies)
    size = Path("big.py").stat().st_size
    started = time.monotonic()
    message = f"Cannot read file: too large to analyse ({size / 2**20:.1f} MiB; the limit is 2 MiB)"
    assert lint("big.py", "--fix") == (1, one_finding("big.py", message), "")
    assert time.monotonic() - started < 10
    assert Path("big.py").stat().st_size == size


@pytest.mark.parametrize(
    "code",
    [
        "x = " + "(" * 5000 + ")" * 5000,
        "x = " + "[" * 3000 + "]" * 3000,
        "x = " + "nn.Sequential(" * 3000 + ")" * 3000,
        "x = " + "-" * 20000 + "1",
        "x = " + "lambda: " * 20000 + "1",
    ],
    ids=["parentheses", "lists", "calls", "unary", "lambdas"],
)
def test_deep_nesting_python_rejects_is_kin000(code: str) -> None:
    """libcst used to die of a stack overflow (SIGSEGV) on these; Python refuses them."""
    text = "import torch\nfrom torch import nn\nnn.init.zeros_(w)\n" + code + "\n"
    Path("deep.py").write_text(text)
    try:
        message, row, column = python_says(text.encode())
    except (RecursionError, MemoryError):
        message, row, column = "too deeply nested", 1, 1
    assert lint("deep.py") == (
        1,
        one_finding("deep.py", f"Cannot parse: {message}", row, column),
        "",
    )


def test_long_chain_python_accepts_but_libcst_nests_is_kin000() -> None:
    """``a or a or ...`` is flat for Python and 20000 levels deep for libcst."""
    chain = " or ".join(["a"] * 20000)
    Path("chain.py").write_text(f"import torch\nnn.init.zeros_(w)\nx = {chain}\n")
    message = "Cannot analyse: too deeply nested"
    assert lint("chain.py") == (1, one_finding("chain.py", message), "")


# ---------------------------------------------------------------------- paths


def test_directory_named_like_a_python_file_is_walked() -> None:
    Path("x.py").mkdir()
    assert lint("x.py") == (0, "All checks passed!\n", "initlint: warning: no Python files found\n")
    Path("x.py", "m.py").write_text("".join(KERAS))
    assert lint("x.py")[0] == 1


def test_symlink_loops_and_dangling_links() -> None:
    Path("a.py").symlink_to("b.py")
    Path("b.py").symlink_to("a.py")
    Path("dangling.py").symlink_to("missing.py")
    Path("sub").mkdir()
    Path("sub", "up").symlink_to("..")  # a directory loop: discovery does not follow it
    Path("sub", "m.py").write_text("".join(KERAS))
    loop = "Cannot read file: Too many levels of symbolic links"
    assert lint("a.py") == (1, one_finding("a.py", loop), "")
    assert lint("dangling.py") == (
        1,
        one_finding("dangling.py", "Cannot read file: No such file or directory"),
        "",
    )
    code, out, _ = lint(".")
    assert code == 1
    lines = out.splitlines()
    assert lines[:3] == [
        f"a.py:1:1: KIN000 {loop}",
        f"b.py:1:1: KIN000 {loop}",
        "dangling.py:1:1: KIN000 Cannot read file: No such file or directory",
    ]
    assert [line.split(":")[0] for line in lines[3:-2]] == ["sub/m.py"]  # once, not via up/
    assert lines[-2] == "Found 4 errors."


@pytest.mark.parametrize("name", ["pipe.py", "pipe.ipynb"])
def test_named_pipe_is_refused_without_blocking(name: str) -> None:
    """Reading a FIFO with no writer waits forever: it is not read at all."""
    os.mkfifo(name)
    assert lint(name) == (1, one_finding(name, "Cannot read file: not a regular file"), "")


def test_unreadable_file_is_kin000(monkeypatch: pytest.MonkeyPatch) -> None:
    Path("secret.py").write_text("".join(KERAS))
    Path("secret.py").chmod(0)
    if os.geteuid() == 0:  # root reads anything: make opening this path fail as it would
        real_open = os.open

        def refuse(path: object, *args: int, **kwargs: int) -> int:
            if Path(str(path)).name == "secret.py":
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "open", refuse)
    expected = one_finding("secret.py", "Cannot read file: Permission denied")
    assert lint("secret.py") == (1, expected, "")


def test_file_deleted_during_the_run_is_kin000(monkeypatch: pytest.MonkeyPatch) -> None:
    Path("gone.py").write_text("".join(KERAS))
    real_discover = runner.discover

    def discover_then_delete(*args: object, **kwargs: object) -> Iterator[str]:
        for path in real_discover(*args, **kwargs):  # type: ignore[arg-type]
            os.unlink(path)
            yield path

    monkeypatch.setattr(runner, "discover", discover_then_delete)
    message = "Cannot read file: No such file or directory"
    assert lint("gone.py", "--fix") == (1, one_finding("gone.py", message), "")


def test_read_only_file_under_fix_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    data = "".join(KERAS).encode()
    Path("ro.py").write_bytes(data)
    Path("ro.py").chmod(0o444)
    if os.geteuid() == 0:  # root may write anything: the permission check is what counts
        real_access = os.access
        monkeypatch.setattr(
            os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode)
        )
    code, _, err = lint("ro.py", "--fix")
    assert code == 2
    assert err == f"initlint: error: ro.py: cannot write fixes: {READ_ONLY}\n"
    assert Path("ro.py").read_bytes() == data
    assert sorted(os.listdir()) == ["ro.py"]


# ---------------------------------------------------------------------- notebooks


def notebook(cells: object, nbformat: int = 4) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": nbformat, "nbformat_minor": 5})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"cells": [', "Cannot read notebook: invalid JSON: Expecting value:1:12"),
        (notebook({"a": 1}), "Cannot read notebook: not a Jupyter notebook (no `cells` list)"),
        (
            notebook([{"cell_type": "code", "source": 3, "metadata": {}, "outputs": []}]),
            "Cannot read notebook: cell 1 has no source text",
        ),
        (notebook([], nbformat=3), "Cannot read notebook: nbformat 3 (only 4 is read)"),
        ("", "Cannot read notebook: invalid JSON: Expecting value"),
    ],
    ids=["invalid-json", "cells-not-a-list", "source-not-text", "nbformat-3", "empty"],
)
def test_broken_notebook_is_kin000(text: str, message: str) -> None:
    Path("nb.ipynb").write_text(text)
    message, _, place = message.partition(":1:")
    row, column = (1, int(place)) if place else (1, 1)
    assert lint("nb.ipynb", "--fix") == (1, one_finding("nb.ipynb", message, row, column), "")
    assert Path("nb.ipynb").read_text() == text


# ---------------------------------------------------------------------- atomic writes


def temporaries(folder: Path) -> list[str]:
    """Leftovers of ``write_atomic``: ``.NAME.XXXX.initlint``."""
    return sorted(name for name in os.listdir(folder) if name.endswith(".initlint"))


def test_fix_keeps_mode_bits_and_leaves_no_temporary() -> None:
    script = Path("train.py")
    script.write_text("#!/usr/bin/env python\n" + "".join(KERAS))
    script.chmod(0o750)
    assert lint("train.py", "--fix")[0] == 0
    assert script.stat().st_mode & 0o7777 == 0o750
    assert "he_uniform" in script.read_text()
    assert temporaries(Path(".")) == []


def test_fix_writes_through_a_symlink_and_keeps_the_link() -> None:
    Path("real").mkdir()
    Path("real", "m.py").write_text("".join(KERAS))
    Path("link.py").symlink_to(Path("real", "m.py"))
    assert lint("link.py", "--fix")[0] == 0
    assert Path("link.py").is_symlink()
    assert os.readlink("link.py") == str(Path("real", "m.py"))
    assert Path("real", "m.py").read_text() == "".join(KERAS).replace("glorot", "he")
    assert temporaries(Path(".")) == temporaries(Path("real")) == []


def test_failed_write_leaves_the_file_and_no_temporary(monkeypatch: pytest.MonkeyPatch) -> None:
    data = "".join(KERAS).encode()
    Path("m.py").write_bytes(data)

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    code, _, err = lint("m.py", "--fix")
    assert (code, err) == (
        2,
        "initlint: error: m.py: cannot write fixes: No space left on device\n",
    )
    assert Path("m.py").read_bytes() == data
    assert temporaries(Path(".")) == []


# ---------------------------------------------------------------------- interrupted runs


@pytest.fixture
def fixable_tree(tmp_path: Path) -> tuple[Path, bytes, bytes]:
    """300 PyTorch files with one safe fix each; the original and the fixed bytes."""
    tree = tmp_path / "tree"
    tree.mkdir()
    for index in range(300):
        (tree / f"m{index:03}.py").write_text(TORCH)
    (tmp_path / "one.py").write_text(TORCH)
    done = subprocess.run(
        [sys.executable, "-m", "initlint", "--fix", str(tmp_path / "one.py")],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0
    fixed = (tmp_path / "one.py").read_bytes()
    assert fixed != TORCH.encode()
    return tree, TORCH.encode(), fixed


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_killed_fix_run_leaves_every_file_old_or_new(
    fixable_tree: tuple[Path, bytes, bytes], sent: signal.Signals
) -> None:
    tree, original, fixed = fixable_tree
    files = sorted(tree.glob("*.py"))
    process = subprocess.Popen(
        [sys.executable, "-m", "initlint", "--fix", str(tree)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while all(path.read_bytes() == original for path in files):  # kill mid-way
        assert process.poll() is None
        assert time.monotonic() < deadline
        time.sleep(0.005)
    process.send_signal(sent)
    out, err = process.communicate(timeout=60)
    deadline = time.monotonic() + 10  # workers outlive a SIGKILLed run by one write at most
    while temporaries(tree) and time.monotonic() < deadline:
        time.sleep(0.05)
    contents = [path.read_bytes() for path in files]
    assert set(contents) <= {original, fixed}
    assert 0 < contents.count(fixed) < len(files)
    assert sorted(path.name for path in tree.iterdir() if path.suffix == ".py") == [
        path.name for path in files
    ]
    if sent == signal.SIGINT:
        assert (process.returncode, out, err) == (130, b"", b"initlint: interrupted\n")
        assert temporaries(tree) == []
    else:  # nothing runs after SIGKILL: at most the one write under way leaves its temporary
        assert process.returncode == -signal.SIGKILL
        assert len(temporaries(tree)) <= 1
