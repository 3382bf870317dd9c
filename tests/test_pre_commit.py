"""The real pre-commit runs our hooks from this checkout, as a user's repository would.

pre-commit clones this repository at its current commit, builds the hook's virtualenv
from the package registry and runs ``.pre-commit-hooks.yaml``'s entry on the staged files:
nothing here reads our YAML back, the tool does. The hook environment is built once per
test session (``PRE_COMMIT_HOME`` is shared by the tests below).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A PyTorch model as tutorials write it: Xavier under ReLU (KIN101, safe fix) and
# Kaiming under tanh (KIN102, safe fix); everything else is right.
BAD_MODEL = """\
import torch
from torch import nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, 128)
        self.out = nn.Linear(128, 10)
        nn.init.xavier_uniform_(self.fc1.weight)
        nn.init.kaiming_normal_(self.fc2.weight, nonlinearity="relu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.fc1(x))
        x = torch.tanh(self.fc2(x))
        return self.out(x)
"""

GOOD_MODEL = """\
import keras

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(256, activation="relu", kernel_initializer="he_normal"),
    keras.layers.Dense(10, activation="softmax"),
])
"""


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture(scope="module")
def revision() -> str:
    """The commit pre-commit clones: this checkout's HEAD."""
    return _git(ROOT, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _repository(tmp_path: Path, revision: str, hooks: str) -> Path:
    repo = tmp_path / "user-repo"
    (repo / "models").mkdir(parents=True)
    (repo / "models" / "net.py").write_text(BAD_MODEL)
    (repo / "models" / "mlp.py").write_text(GOOD_MODEL)
    (repo / "README.md").write_text("not python\n")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {revision}\n    hooks:\n{hooks}"
    )
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    return repo


def _pre_commit(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("PRE_COMMIT", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_check_hook_fails_on_findings_with_concise_output(
    tmp_path: Path, revision: str, pre_commit_home: Path
) -> None:
    repo = _repository(tmp_path, revision, "      - id: initlint\n")
    result = _pre_commit(repo, pre_commit_home)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "initlint" in output
    assert "Failed" in output
    # pre-commit sets PRE_COMMIT=1: the hook prints one line per finding.
    assert "models/net.py:12:9: KIN101" in output
    assert "models/net.py:13:9: KIN102" in output
    assert "models/mlp.py" not in output
    assert "^^^" not in output
    assert (repo / "models" / "net.py").read_text() == BAD_MODEL  # check only: no writes


@pytest.mark.parametrize(
    "hooks",
    [
        "      - id: initlint\n        args: [--fix]\n",  # ruff-pre-commit's style
        "      - id: initlint-fix\n",
    ],
)
def test_fix_hook_rewrites_then_the_next_run_passes(
    tmp_path: Path, revision: str, pre_commit_home: Path, hooks: str
) -> None:
    repo = _repository(tmp_path, revision, hooks)
    first = _pre_commit(repo, pre_commit_home)
    output = first.stdout + first.stderr
    assert first.returncode == 1, output
    assert "files were modified by this hook" in output
    fixed = (repo / "models" / "net.py").read_text()
    assert "nn.init.kaiming_uniform_(self.fc1.weight" in fixed
    assert "nn.init.xavier_normal_(self.fc2.weight" in fixed
    _git(repo, "add", "-A")
    second = _pre_commit(repo, pre_commit_home)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout
    assert (repo / "models" / "net.py").read_text() == fixed


def test_hook_definition_lists_python_and_notebooks() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert text.count("types_or: [python, pyi, jupyter]") == 2
    assert text.count("entry: initlint --force-exclude") == 2
