"""The process pool (``--jobs``) and the results cache (``.initlint_cache``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from initlint import runner
from initlint.cli import main

BAD_TORCH = """\
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 256)
        nn.init.xavier_uniform_(self.fc.weight)  # Glorot feeding ReLU: KIN101
        self.out = nn.Linear(256, 10)

    def forward(self, x):
        return self.out(nn.functional.relu(self.fc(x)))
"""
GOOD_TORCH = BAD_TORCH.replace("xavier_uniform_", "kaiming_uniform_")
BAD_KERAS = """\
import keras
from keras import layers

model = keras.Sequential(
    [
        layers.Dense(128, activation="relu", kernel_initializer="glorot_uniform"),
        layers.Dense(10, activation="softmax"),
    ]
)
"""


def _tree(root: Path, count: int = 24) -> Path:
    """A package of mixed files: findings, clean models, no framework, a syntax error."""
    root.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        kind = index % 4
        text = [BAD_TORCH, GOOD_TORCH, BAD_KERAS, "def helper():\n    return 1\n"][kind]
        (root / f"m{index:02d}.py").write_text(text)
    (root / "broken.py").write_text("import torch\nnn.init.zeros_(w\n")
    return root


def _invoke(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout


def _no_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, checking any file fails the test: the cache must answer."""

    def refuse(task: runner.Task) -> runner.Outcome:
        raise AssertionError(f"{task.path} was checked again")

    monkeypatch.setattr(runner, "check_file", refuse)


def test_jobs_give_the_same_output_in_the_same_order(tmp_path: Path) -> None:
    root = _tree(tmp_path / "pkg")
    _tree(tmp_path / "pkg" / "sub", 9)
    runs = [
        _invoke(root, "--no-cache", "--jobs", jobs, "--output-format", "json") for jobs in (1, 2, 3)
    ]
    assert runs[0][0] == 1
    assert runs[0] == runs[1] == runs[2]
    files = [item["filename"] for item in json.loads(runs[0][1])]
    assert files == sorted(files, key=lambda f: (os.path.dirname(f), f))
    assert {item["code"] for item in json.loads(runs[0][1])} == {"KIN000", "KIN101"}


def test_jobs_must_be_positive(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [str(tmp_path), "--jobs", "0"])
    assert result.exit_code == 2
    assert "--jobs" in result.output


def test_warm_run_reads_nothing_and_says_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = _tree(tmp_path / "pkg"), tmp_path / "cache"
    cold = _invoke(root, "--cache-dir", cache, "--jobs", 1)
    assert cold[0] == 1
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    _no_checks(monkeypatch)
    assert _invoke(root, "--cache-dir", cache, "--jobs", 1) == cold
    concise = _invoke(root, "--cache-dir", cache, "--output-format", "json")
    assert [i["code"] for i in json.loads(concise[1])].count("KIN101") == 12


def test_a_changed_file_is_checked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = _tree(tmp_path / "pkg", 4), tmp_path / "cache"
    _invoke(root, "--cache-dir", cache)
    (root / "m00.py").write_text(GOOD_TORCH)  # the only KIN101 there was
    code, out = _invoke(root, "--cache-dir", cache, "--output-format", "json")
    assert [i["code"] for i in json.loads(out)] == ["KIN000", "KIN101"]  # broken.py, m02.py
    _no_checks(monkeypatch)
    assert _invoke(root, "--cache-dir", cache, "--output-format", "json") == (code, out)


def test_touched_but_identical_files_are_answered_by_their_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = _tree(tmp_path / "pkg", 4), tmp_path / "cache"
    first = _invoke(root, "--cache-dir", cache)
    for path in root.iterdir():
        os.utime(path, ns=(1, 1))  # what a checkout does to mtimes
    _no_checks(monkeypatch)
    assert _invoke(root, "--cache-dir", cache) == first


def test_other_settings_are_another_entry(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path / "pkg", 4), tmp_path / "cache"
    _invoke(root, "--cache-dir", cache)
    code, out = _invoke(root, "--cache-dir", cache, "--ignore", "KIN101")
    assert "KIN101" not in out
    assert code == 1  # broken.py still fails
    code, out = _invoke(root, "--cache-dir", cache, "--warn", "KIN000,KIN101")
    assert (code, out.count("warning:")) == (0, 3)


def test_a_corrupt_cache_is_ignored_and_rewritten(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path / "pkg", 4), tmp_path / "cache"
    first = _invoke(root, "--cache-dir", cache)
    (store,) = cache.glob("*.json")
    store.write_bytes(b"\x00{not json")
    assert _invoke(root, "--cache-dir", cache) == first
    assert len(json.loads(store.read_bytes())) == 5


def test_a_damaged_entry_is_checked_again_the_others_are_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = _tree(tmp_path / "pkg", 4), tmp_path / "cache"
    first = _invoke(root, "--cache-dir", cache)
    (store,) = cache.glob("*.json")
    entries = json.loads(store.read_bytes())
    damaged = os.path.abspath(root / "m00.py")
    entries[damaged][3] = [["KIN101", "relu-without-he", "no such severity"]]
    store.write_text(json.dumps(entries))
    checked: list[Path] = []
    original = runner.check_file

    def counting(task: runner.Task) -> runner.Outcome:
        checked.append(task.path)
        return original(task)

    monkeypatch.setattr(runner, "check_file", counting)
    assert _invoke(root, "--cache-dir", cache, "--jobs", 1) == first
    assert [os.path.abspath(p) for p in checked] == [damaged]


def test_no_cache_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path / "pkg", 4)
    monkeypatch.delenv("INITLINT_CACHE_DIR")
    monkeypatch.chdir(tmp_path)
    _invoke(root, "--no-cache")
    assert not (tmp_path / ".initlint_cache").exists()
    _invoke(root)
    assert (tmp_path / ".initlint_cache" / ".gitignore").is_file()


def test_the_cache_lives_at_the_project_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[tool.initlint]\nwarn = ['KIN000']\n")
    _tree(project / "src", 4)
    monkeypatch.delenv("INITLINT_CACHE_DIR")
    monkeypatch.chdir(project / "src")
    _invoke(".")
    assert (project / ".initlint_cache").is_dir()
    assert not (project / "src" / ".initlint_cache").exists()


def test_fix_applies_fixes_the_cache_knew_of(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path / "pkg", 4), tmp_path / "cache"
    _invoke(root, "--cache-dir", cache)
    code, _ = _invoke(root, "--cache-dir", cache, "--fix")
    assert code == 1  # broken.py remains
    assert "kaiming_uniform_" in (root / "m00.py").read_text()
    assert 'kernel_initializer="he_uniform"' in (root / "m02.py").read_text()
    code, out = _invoke(root, "--cache-dir", cache, "--output-format", "json")
    assert [i["code"] for i in json.loads(out)] == ["KIN000"]


def _subprocess(*args: object, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "initlint", *map(str, args)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_can_share_a_cache(tmp_path: Path) -> None:
    root, cache = _tree(tmp_path / "pkg", 40), tmp_path / "cache"
    runs = [
        _subprocess(root, "--cache-dir", cache, "--output-format", "json", cwd=tmp_path)
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=120) for process in runs]
    assert len({out for out, _ in outputs}) == 1
    assert all(err == "" for _, err in outputs)
    assert [process.returncode for process in runs] == [1, 1, 1]
    (store,) = cache.glob("*.json")
    assert len(json.loads(store.read_bytes())) == 41
    assert not [p for p in cache.iterdir() if p.name.endswith(".tmp")]


def test_a_warm_clean_run_loads_neither_libcst_nor_rich(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    root.mkdir()
    for index in range(5):
        (root / f"m{index}.py").write_text(GOOD_TORCH)
    probe = (
        "import sys\n"
        "from initlint.cli import main\n"
        "try:\n"
        "    main([sys.argv[1], '--cache-dir', sys.argv[2], '--jobs', '1'])\n"
        "except SystemExit as stop:\n"
        "    loaded = sorted(m for m in ('libcst', 'rich') if m in sys.modules)\n"
        "    print(stop.code, loaded)\n"
    )
    command = [sys.executable, "-c", probe, str(root), str(tmp_path / "cache")]
    cold = subprocess.run(command, capture_output=True, text=True, check=True)
    assert cold.stdout.splitlines() == ["All checks passed!", "0 ['libcst']"]
    warm = subprocess.run(command, capture_output=True, text=True, check=True)
    assert warm.stdout.splitlines() == ["All checks passed!", "0 []"]
