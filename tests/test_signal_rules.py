"""KIN201, KIN202 and ``--signal`` as users meet them: numbers in messages and tables,
thresholds from ``[tool.initlint]``, and the quiet cases the rules promise."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from initlint.cli import main
from tests.conftest import check

FIXTURES = Path(__file__).parent / "fixtures"
TANH_STACK = FIXTURES / "annotated" / "torch_raw_parameters_signal.py"


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_signal_json_gives_each_layers_numbers() -> None:
    code, out, _ = invoke("--signal", "--output-format", "json", TANH_STACK)
    assert code == 0
    models = {item["model"]: item for item in json.loads(out)}
    assert set(models) == {"TanhStack", "HeStack"}
    (chain,) = models["TanhStack"]["chains"]
    steps = chain["steps"]
    assert [s["layer"] for s in steps] == [f"fc{i} (Linear)" for i in range(1, 5)] + [
        "out (Linear)"
    ]
    # U(±0.02): Var(w) = 0.02²/3, times fan_in 512.
    assert steps[0]["var_fan_in"] == pytest.approx(0.02**2 / 3 * 512)
    assert steps[0]["q"] == pytest.approx(0.02**2 / 3 * 512)
    assert all(a["q"] > b["q"] for a, b in itertools.pairwise(steps[:4]))
    he = models["HeStack"]["chains"][0]["steps"]
    assert [round(s["q"], 6) for s in he[:2]] == [2.0, 2.0]  # He under ReLU: steady
    assert he[0]["needed"] == pytest.approx(2.0)


def test_signal_table_is_printed_for_people() -> None:
    code, out, _ = invoke("--signal", TANH_STACK)
    assert code == 0
    assert "TanhStack, chain 1 (ends: output)" in out
    assert "fc1 (Linear)" in out
    assert "Var·fan_in" in out
    assert "0.0683" in out


def test_signal_reports_unparsable_files_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import torch\ndef broken(:\n")
    code, _, err = invoke("--signal", bad)
    assert code == 2
    assert "bad.py" in err


def _project(tmp_path: Path, table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.initlint]\n" + table)
    target = tmp_path / "model.py"
    target.write_text(TANH_STACK.read_text())
    return target


def test_scale_tolerance_and_drift_threshold_from_configuration(tmp_path: Path) -> None:
    target = _project(tmp_path, "")
    _, out, _ = invoke(target, "--output-format", "json")
    assert {d["code"] for d in json.loads(out)} == {"KIN201", "KIN202"}
    target = _project(tmp_path, "scale-tolerance = 40\ndrift-threshold = 1e5\n")
    code, out, _ = invoke(target, "--output-format", "json")
    # U(±0.02) is 37x below what tanh needs at fan_in 512; four layers end 8750x below; the
    # raw N(0, 1) parameter of unknown width fits some fan_in within 40x (32: 16x).
    assert (code, json.loads(out)) == (0, [])


def test_drift_is_a_warning_and_does_not_fail_the_run(tmp_path: Path) -> None:
    target = _project(tmp_path, 'select = ["KIN202"]\n')
    code, out, _ = invoke(target, "--output-format", "json")
    found = json.loads(out)
    assert [d["severity"] for d in found] == ["warning"]
    assert code == 0
    code, out, _ = invoke(target, "--strict", "--output-format", "concise")
    assert code == 1
    assert ": KIN202 warning: along 4 layers" in out  # readable without colour


@pytest.mark.parametrize("value", ["0.5", '"8"', "true"])
def test_bad_tolerance_is_a_configuration_error(tmp_path: Path, value: str) -> None:
    target = _project(tmp_path, f"scale-tolerance = {value}\n")
    code, _, err = invoke(target)
    assert code == 2
    assert "`scale-tolerance` must be a number greater than 1" in err


def test_kin201_message_gives_actual_and_needed_variance() -> None:
    (found,) = check(
        "import keras\n"
        "from keras import layers\n"
        "model = keras.Sequential([keras.Input(shape=(784,)),\n"
        "    layers.Dense(512, activation='relu', kernel_initializer=keras.initializers."
        "RandomNormal(stddev=1.0)),\n"
        "    layers.Dense(10, activation='softmax')])\n",
        "KIN201",
    )
    assert "Var(w) = 1 at fan_in 784" in found.message
    assert "needs 2 (Var(w) = 0.00255)" in found.message
    assert "392x too large" in found.message


def test_unknown_width_is_quiet_when_some_width_fits() -> None:
    template = (
        "import torch\nimport torch.nn as nn\n\n"
        "class Net(nn.Module):\n"
        "    def __init__(self, n_in, n_out):\n"
        "        super().__init__()\n"
        "        self.w = nn.Parameter(torch.empty(n_in, n_out))\n"
        "        nn.init.normal_(self.w, std={std})\n\n"
        "    def forward(self, x):\n"
        "        return torch.relu(x @ self.w)\n"
    )
    assert check(template.format(std="0.05"), "KIN201") == []
    assert [d.code for d in check(template.format(std="1.0"), "KIN201")] == ["KIN201"]
