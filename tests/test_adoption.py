"""Adopting initlint in a large repository: severities, a baseline, and the fix exit codes."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from initlint import engine
from initlint.cli import main
from initlint.diagnostics import Diagnostic, Position, Severity
from initlint.output.report import FileReport, Report
from initlint.settings import Settings

KERAS_MODEL = """\
import keras
from keras import layers


def build_classifier(num_classes: int = 10) -> keras.Model:
    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(512, activation="relu", kernel_initializer="glorot_uniform"),
            layers.Dense(256, activation="relu", kernel_initializer="glorot_normal"),
            layers.Dense(128, activation="tanh", kernel_initializer="he_normal"),
            layers.Dense(64, activation="relu", kernel_initializer="zeros"),
            layers.Dense(num_classes, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def build_encoder() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input(shape=(32,)),
            layers.Dense(64, activation="relu", kernel_initializer="lecun_uniform"),
            layers.Dense(16),
        ]
    )
"""
KERAS_CODES = ["KIN101", "KIN101", "KIN102", "KIN001", "KIN101"]

TORCH_MODEL = """\
import torch
from torch import nn


class ConvNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)
        nn.init.xavier_uniform_(self.conv1.weight)
        nn.init.xavier_normal(self.conv2.weight)
        nn.init.constant_(self.fc1.weight, 0.01)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.conv1(x))
        x = torch.relu(self.conv2(x))
        x = torch.flatten(x, 1)
        x = torch.relu(self.fc1(x))
        return self.fc2(x)
"""
TORCH_CODES = ["KIN101", "KIN101", "KIN301", "KIN002"]

# Only safe fixes: --fix removes every finding.
KERAS_SAFE_ONLY = """\
import keras

model = keras.Sequential([
    keras.layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform"),
    keras.layers.Dense(10, activation="softmax"),
])
"""


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def codes(out: str) -> list[str]:
    return [item["code"] for item in json.loads(out)]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository with a Keras and a PyTorch model in a sub-package."""
    root = tmp_path / "project"
    (root / "models").mkdir(parents=True)
    (root / "models" / "keras_model.py").write_text(KERAS_MODEL)
    (root / "models" / "torch_model.py").write_text(TORCH_MODEL)
    return root


# --- severity -------------------------------------------------------------------------------


def test_engine_grades_findings_from_the_rule_default_and_warn() -> None:
    found = engine.check(KERAS_MODEL, Settings())
    assert [d.code for d in found] == KERAS_CODES
    assert {d.severity for d in found} == {Severity.ERROR}
    demoted = engine.check(KERAS_MODEL, Settings(warn=frozenset({"KIN101"})))
    assert [(d.code, d.severity) for d in demoted] == [
        (d.code, Severity.WARNING if d.code == "KIN101" else Severity.ERROR) for d in found
    ]


def test_fix_grades_what_remains() -> None:
    settings = Settings(warn=frozenset({"KIN001"}))
    _, fixed, remaining = engine.fix(KERAS_MODEL, settings)
    assert fixed == 4
    assert [(d.code, d.severity) for d in remaining] == [("KIN001", Severity.WARNING)]


def test_warn_demotes_in_json_and_exit_code(project: Path) -> None:
    path = project / "models" / "keras_model.py"
    code, out, _ = invoke(path, "--warn", "KIN101", "--output-format", "json")
    assert code == 1  # KIN102 and KIN001 are still errors
    assert [(item["code"], item["severity"]) for item in json.loads(out)] == [
        (c, "warning" if c == "KIN101" else "error") for c in KERAS_CODES
    ]
    # codes, prefixes and names are all accepted, comma-separated or repeated
    code, out, _ = invoke(path, "--warn", "KIN1", "--warn", "zeros-kernel")
    assert code == 0
    assert "Found 5 warnings." in out
    assert "error" not in out.split("Found")[-1]


def test_summary_counts_errors_and_warnings_apart(project: Path) -> None:
    path = project / "models" / "keras_model.py"
    code, out, _ = invoke(path, "--warn", "KIN101", "--output-format", "concise")
    assert code == 1
    assert "Found 2 errors and 3 warnings." in out
    code, out, _ = invoke(path, "--output-format", "concise")
    assert "Found 5 errors." in out  # ruff's wording when nothing is a warning


def test_strict_fails_on_warnings(project: Path) -> None:
    path = project / "models" / "keras_model.py"
    assert invoke(path, "--warn", "ALL")[0] == 0
    assert invoke(path, "--warn", "ALL", "--strict")[0] == 1
    assert invoke(path, "--warn", "ALL", "--strict", "--exit-zero")[0] == 0
    clean = project / "clean.py"
    clean.write_text("import keras\n\nmodel = keras.Sequential([keras.layers.Dense(3)])\n")
    assert invoke(clean, "--strict")[0] == 0


def test_warn_and_strict_from_configuration(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``warn`` applies per file (the nearest configuration); ``strict`` is run-wide, so it
    comes from the configuration of the folder initlint runs in, as ``output-format`` does."""
    (project / "pyproject.toml").write_text(
        '[tool.initlint]\nwarn = ["KIN1", "zeros-kernel"]\nstrict = true\n'
    )
    keras_file = project / "models" / "keras_model.py"
    code, out, _ = invoke(keras_file, "--output-format", "json")
    assert code == 0  # run from elsewhere: warnings, and no strict
    assert {item["severity"] for item in json.loads(out)} == {"warning"}
    monkeypatch.chdir(project)
    assert invoke(keras_file)[0] == 1  # strict from the project's configuration
    assert invoke(keras_file, "--no-strict")[0] == 0


def test_parse_errors_can_be_warnings(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("import torch\n\ndef f(:\n    torch.nn.init.zeros_(w)\n")
    code, out, _ = invoke(path, "--warn", "KIN000", "--output-format", "json")
    assert code == 0
    assert [(i["code"], i["severity"]) for i in json.loads(out)] == [("KIN000", "warning")]
    unreadable = tmp_path / "latin.py"
    unreadable.write_bytes(b"import torch\nx = '\xff'\n")
    code, out, _ = invoke(unreadable, "--warn", "parse-error", "--output-format", "json")
    assert code == 0
    assert json.loads(out)[0]["severity"] == "warning"


def test_unknown_warn_code_is_exit_2(project: Path) -> None:
    code, out, err = invoke(project, "--warn", "KIN999")
    assert (code, out) == (2, "")
    assert "unknown rule selector `KIN999`" in err


# --- baseline -------------------------------------------------------------------------------


def test_write_baseline_records_findings_and_exits_0(project: Path) -> None:
    target = project / "initlint-baseline.json"
    code, out, err = invoke(project, "--write-baseline", target)
    assert (code, out) == (0, "")
    assert err.strip() == f"Wrote 9 findings to baseline `{target}`."
    data = json.loads(target.read_text())
    assert data["version"] == 1
    entries = data["findings"]
    assert sorted(entries, key=lambda e: (e["path"], e["code"], e["fingerprint"])) == entries
    assert {e["path"] for e in entries} == {"models/keras_model.py", "models/torch_model.py"}
    assert sum(e["count"] for e in entries) == len(KERAS_CODES) + len(TORCH_CODES)
    # byte-stable: writing again changes nothing
    before = target.read_bytes()
    assert invoke(project, "--write-baseline", target)[0] == 0
    assert target.read_bytes() == before
    assert before.endswith(b"}\n")


def test_baseline_hides_recorded_findings(project: Path) -> None:
    target = project / "initlint-baseline.json"
    invoke(project, "--write-baseline", target)
    code, out, _ = invoke(project, "--baseline", target)
    assert code == 0
    assert out.strip() == "All checks passed! (9 baselined)"
    code, out, _ = invoke(project, "--baseline", target, "--output-format", "json")
    assert (code, json.loads(out)) == (0, [])  # machine output carries no summary


def _moved(text: str) -> str:
    """The Keras file after everyday edits: lines inserted above, the classifier moved
    below the encoder and into a class (re-indented), one call re-spaced."""
    header, classifier, encoder = text.split("\n\n\n")
    method = classifier.replace("classifier(num_classes", "classifier(self, num_classes")
    method = method.replace("(512, activation=", "(512,  activation=")
    return "\n\n\n".join(
        [
            '"""Models for the digits benchmark."""\n\nimport os\n\n' + header,
            'SEED = int(os.environ.get("SEED", "0"))',
            encoder.rstrip("\n"),
            "class Factory:\n" + textwrap.indent(method, "    "),
        ]
    )


def test_baselined_findings_survive_moves(project: Path) -> None:
    keras_file = project / "models" / "keras_model.py"
    target = project / "initlint-baseline.json"
    invoke(project, "--write-baseline", target)
    moved = _moved(KERAS_MODEL)
    keras_file.write_text(moved)
    assert "    def build_classifier(self" in moved  # really re-indented and moved
    assert moved.index("def build_encoder") < moved.index("class Factory")
    code, out, _ = invoke(keras_file, "--output-format", "json")
    assert sorted(codes(out)) == sorted(KERAS_CODES)  # the findings are all still there
    rows_before = [d.start.row for d in engine.check(KERAS_MODEL, Settings())]
    rows_after = [d.start.row for d in engine.check(moved, Settings())]
    assert not set(rows_before) & set(rows_after)  # and all on other rows
    code, out, _ = invoke(project, "--baseline", target)
    assert (code, out.strip()) == (0, "All checks passed! (9 baselined)")


def test_baselined_findings_survive_a_formatter(project: Path) -> None:
    """black or ruff format splitting a long layer over lines (and a comment edited on the
    flagged line) keep the finding baselined."""
    keras_file = project / "models" / "keras_model.py"
    target = project / "initlint-baseline.json"
    invoke(project, "--write-baseline", target)
    one_line = (
        '            layers.Dense(512, activation="relu", kernel_initializer="glorot_uniform"),'
    )
    split = (
        "            layers.Dense(\n"
        "                512,\n"
        '                activation="relu",\n'
        '                kernel_initializer="glorot_uniform",  # see ticket 12\n'
        "            ),"
    )
    assert one_line in KERAS_MODEL
    keras_file.write_text(KERAS_MODEL.replace(one_line, split))
    code, out, _ = invoke(project, "--baseline", target)
    assert (code, out.strip()) == (0, "All checks passed! (9 baselined)")


def test_new_findings_are_reported_beside_a_baseline(project: Path) -> None:
    keras_file = project / "models" / "keras_model.py"
    target = project / "initlint-baseline.json"
    invoke(project, "--write-baseline", target)
    added = 'layers.Dense(32, activation="relu", kernel_initializer="glorot_normal"),'
    keras_file.write_text(
        KERAS_MODEL.replace(
            "            layers.Dense(16),", f"            {added}\n            layers.Dense(16),"
        )
    )
    code, out, _ = invoke(project, "--baseline", target, "--output-format", "json")
    assert code == 1
    [new] = json.loads(out)
    assert new["code"] == "KIN101"
    assert (
        new["location"]["row"]
        == KERAS_MODEL.splitlines().index("            layers.Dense(16),") + 1
    )
    code, out, _ = invoke(project, "--baseline", target, "--output-format", "concise")
    assert "Found 1 error (9 baselined)." in out


def test_identical_findings_are_counted_not_merged(project: Path) -> None:
    keras_file = project / "models" / "keras_model.py"
    target = project / "initlint-baseline.json"
    line = '            layers.Dense(256, activation="relu", kernel_initializer="glorot_normal"),\n'
    keras_file.write_text(KERAS_MODEL.replace(line, line * 2))  # two identical layers
    invoke(project, "--write-baseline", target)
    entries = json.loads(target.read_text())["findings"]
    assert sorted(e["count"] for e in entries) == [1] * 8 + [2]
    keras_file.write_text(KERAS_MODEL.replace(line, line * 3))  # a third copy is new
    code, out, _ = invoke(project, "--baseline", target, "--output-format", "json")
    assert (code, codes(out)) == (1, ["KIN101"])
    keras_file.write_text(KERAS_MODEL)  # one copy fixed: the entry's count is simply unused
    assert invoke(project, "--baseline", target)[0] == 0


def test_fixing_a_baselined_finding_leaves_an_unused_entry(project: Path) -> None:
    torch_file = project / "models" / "torch_model.py"
    target = project / "initlint-baseline.json"
    invoke(project, "--write-baseline", target)
    torch_file.write_text(TORCH_MODEL.replace("nn.init.xavier_normal(", "nn.init.kaiming_normal_("))
    code, out, _ = invoke(project, "--baseline", target)
    assert (code, out.strip()) == (0, "All checks passed! (7 baselined)")


def test_baseline_paths_are_relative_to_the_baseline_file(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    (project / "ci").mkdir()
    assert invoke(".", "--write-baseline", "ci/initlint-baseline.json")[0] == 0
    paths = {
        e["path"]
        for e in json.loads((project / "ci/initlint-baseline.json").read_text())["findings"]
    }
    assert paths == {"../models/keras_model.py", "../models/torch_model.py"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, _ = invoke("../project", "--baseline", "../project/ci/initlint-baseline.json")
    assert (code, out.strip()) == (0, "All checks passed! (9 baselined)")
    monkeypatch.chdir(project / "models")
    code, out, _ = invoke("keras_model.py", "--baseline", project / "ci/initlint-baseline.json")
    assert (code, out.strip()) == (0, "All checks passed! (5 baselined)")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{\n  "version": 1,\n', "is not valid JSON"),
        ("[]", "is not an initlint baseline"),
        ('{"version": 2, "findings": []}', "has version 2"),
        ('{"version": 1, "findings": {}}', "`findings` must be a list"),
        ('{"version": 1, "findings": [{"path": "a.py", "code": "KIN101"}]}', "finding 1 needs"),
        (
            '{"version": 1, "findings": [{"path": "a", "code": "K", "fingerprint": "f", '
            '"count": 0}]}',
            "finding 1 needs",
        ),
        (b"\xff\xfe{}", "is not UTF-8 text"),
    ],
)
def test_corrupt_baseline_is_one_line_and_exit_2(
    project: Path, content: str | bytes, message: str
) -> None:
    target = project / "baseline.json"
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content)
    code, out, err = invoke(project, "--baseline", target)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("initlint: error: ")
    assert message in err


def test_missing_or_unwritable_baseline_is_exit_2(project: Path) -> None:
    code, out, err = invoke(project, "--baseline", project / "nope.json")
    assert (code, out) == (2, "")
    missing = project / "nope.json"
    assert err == f"initlint: error: cannot read baseline `{missing}`: No such file or directory\n"
    code, _, err = invoke(project, "--baseline", project / "models")
    assert code == 2
    assert err.count("\n") == 1
    code, _, err = invoke(project, "--write-baseline", project / "missing" / "b.json")
    assert code == 2
    assert err.startswith("initlint: error: cannot write baseline")
    assert err.count("\n") == 1


def test_write_baseline_rejects_diff_and_baseline(project: Path) -> None:
    target = project / "b.json"
    assert invoke(project, "--write-baseline", target, "--diff")[0] == 2
    assert invoke(project, "--write-baseline", target, "--baseline", target)[0] == 2
    assert not target.exists()


# --- fix exit codes -------------------------------------------------------------------------


def test_fix_exits_1_while_unfixable_findings_remain(project: Path) -> None:
    keras_file = project / "models" / "keras_model.py"
    code, out, _ = invoke(keras_file, "--fix", "--output-format", "concise")
    assert code == 1  # KIN001's fix is unsafe: it remains
    assert "Found 5 errors (4 fixed, 1 remaining)." in out
    assert 'kernel_initializer="he_uniform"' in keras_file.read_text()
    code, out, _ = invoke(keras_file, "--fix", "--unsafe-fixes")
    assert code == 0
    assert "(1 fixed, 0 remaining)" in out


def test_fix_exits_0_when_only_warnings_remain(project: Path) -> None:
    keras_file = project / "models" / "keras_model.py"
    assert invoke(keras_file, "--fix", "--warn", "KIN001")[0] == 0
    assert invoke(keras_file, "--fix", "--warn", "KIN001", "--strict")[0] == 1


def test_exit_non_zero_on_fix(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(KERAS_SAFE_ONLY)
    assert invoke(path, "--fix")[0] == 0  # all fixed
    path.write_text(KERAS_SAFE_ONLY)
    code, out, _ = invoke(path, "--fix", "--exit-non-zero-on-fix")
    assert code == 1  # a file changed, although nothing remains
    assert "(1 fixed, 0 remaining)" in out
    assert '"he_uniform"' in path.read_text()
    assert invoke(path, "--fix", "--exit-non-zero-on-fix")[0] == 0  # nothing left to change
    path.write_text(KERAS_SAFE_ONLY)
    assert invoke(path, "--fix", "--exit-non-zero-on-fix", "--exit-zero")[0] == 0


def test_diff_exit_code_follows_changes_not_findings(project: Path) -> None:
    keras_file = project / "models" / "keras_model.py"
    before = keras_file.read_text()
    assert invoke(keras_file, "--diff")[0] == 1
    assert keras_file.read_text() == before
    only_unsafe = project / "zeros.py"
    only_unsafe.write_text(
        KERAS_SAFE_ONLY.replace(
            '"relu", kernel_initializer="glorot_uniform"', '"relu", kernel_initializer="zeros"'
        )
    )
    assert invoke(only_unsafe, "--output-format", "concise")[0] == 1
    assert invoke(only_unsafe, "--diff") == (0, "", "")  # as ruff: nothing would change


def test_fix_with_baseline_reports_only_new_remaining(project: Path) -> None:
    target = project / "initlint-baseline.json"
    invoke(project, "--write-baseline", target)
    code, out, _ = invoke(project, "--fix", "--baseline", target, "--output-format", "concise")
    assert code == 0  # the unfixable ones that remain are baselined
    assert "Found 6 errors (6 fixed, 0 remaining; 2 baselined)." in out


# --- summary wording ------------------------------------------------------------------------


def _diagnostic(code: str, severity: Severity) -> Diagnostic:
    where = Position(1, 1)
    return Diagnostic(code, "name", severity, "message", where, where)


@pytest.mark.parametrize(
    ("severities", "fixed", "baselined", "expected"),
    [
        ([Severity.ERROR], 0, 0, "Found 1 error."),
        ([Severity.ERROR] * 3, 0, 0, "Found 3 errors."),
        ([Severity.WARNING], 0, 0, "Found 1 warning."),
        (
            [Severity.ERROR, Severity.WARNING, Severity.WARNING],
            0,
            0,
            "Found 1 error and 2 warnings.",
        ),
        ([Severity.ERROR], 2, 0, "Found 3 errors (2 fixed, 1 remaining)."),
        ([Severity.ERROR], 0, 4, "Found 1 error (4 baselined)."),
        (
            [Severity.WARNING],
            1,
            4,
            "Found 1 error and 1 warning (1 fixed, 1 remaining; 4 baselined).",
        ),
        ([], 0, 4, "All checks passed! (4 baselined)"),
        ([], 0, 0, "All checks passed!"),
    ],
)
def test_summary_line(
    severities: list[Severity], fixed: int, baselined: int, expected: str
) -> None:
    found = [_diagnostic("KIN101", s) for s in severities]
    report = Report([FileReport("a.py", found)] if found else [], fixed=fixed, baselined=baselined)
    assert report.summary()[0] == expected
