"""Configuration as users write it: ``[tool.initlint]`` found per file, ``--config``, every
key, every mistake reported with its file and line, stdin with ``--stdin-filename``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from initlint.cli import main
from initlint.config import KEYS, OUTPUT_FORMATS, load
from initlint.output import FORMATS

# A Keras model as tutorials write it: Glorot under ReLU (KIN101, safe fix), a zero
# hidden kernel (KIN001, unsafe fix) and He under tanh (KIN102, safe fix).
MODEL = """\
import keras
from keras import layers


def build_model(num_classes: int = 10) -> keras.Model:
    inputs = keras.Input(shape=(784,))
    x = layers.Dense(512, activation="relu", kernel_initializer="glorot_uniform")(inputs)
    x = layers.Dense(256, kernel_initializer="zeros")(x)
    x = layers.Activation("relu")(x)
    x = layers.Dense(256, activation="tanh", kernel_initializer="he_normal")(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository: ``src/models/mlp.py``, ``tests/test_mlp.py``, ``gen/generated.py``."""
    for name in ("src/models/mlp.py", "tests/test_mlp.py", "gen/generated.py"):
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(MODEL)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    return tmp_path


def pyproject(folder: Path, table: str) -> Path:
    path = folder / "pyproject.toml"
    path.write_text('[project]\nname = "demo"\n\n[tool.initlint]\n' + table)
    return path


def invoke(*args: str | Path, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def codes(output: str) -> list[tuple[str, str]]:
    """(file, code) for each finding of the json format."""
    return sorted((Path(d["filename"]).name, d["code"]) for d in json.loads(output))


def test_select_from_pyproject(project: Path) -> None:
    pyproject(project, 'select = ["zeros-kernel"]\n')
    code, out, _ = invoke("src", "--output-format", "json")
    assert code == 1
    assert codes(out) == [("mlp.py", "KIN001")]


def test_nearest_pyproject_wins_and_tables_without_initlint_are_passed_over(
    project: Path,
) -> None:
    pyproject(project, 'select = ["KIN001"]\n')
    (project / "src" / "pyproject.toml").write_text("[tool.ruff]\nline-length = 88\n")
    (project / "tests" / "pyproject.toml").write_text('[tool.initlint]\nselect = ["KIN102"]\n')
    code, out, _ = invoke(".", "--output-format", "json", "--extend-exclude", "gen")
    assert code == 1
    assert codes(out) == [("mlp.py", "KIN001"), ("test_mlp.py", "KIN102")]


def test_command_line_overrides_configuration(project: Path) -> None:
    pyproject(project, 'select = ["KIN001"]\nignore = ["KIN102"]\n')
    _, out, _ = invoke("src", "--output-format", "json", "--select", "KIN1")
    assert codes(out) == [("mlp.py", "KIN101"), ("mlp.py", "KIN102")]
    _, out, _ = invoke("src", "--output-format", "json", "--extend-select", "relu-without-he")
    assert codes(out) == [("mlp.py", "KIN001"), ("mlp.py", "KIN101")]


def test_rule_names_work_wherever_codes_do(project: Path) -> None:
    _, out, _ = invoke(
        "src", "--output-format", "json", "--select", "zeros-kernel,he-with-saturating"
    )
    assert codes(out) == [("mlp.py", "KIN001"), ("mlp.py", "KIN102")]
    _, out, _ = invoke("src", "--output-format", "json", "--ignore", "relu-without-he")
    assert ("mlp.py", "KIN101") not in codes(out)


def test_per_file_ignores_from_config_and_command_line(project: Path) -> None:
    pyproject(project, '[tool.initlint.per-file-ignores]\n"tests/*" = ["KIN001", "KIN101"]\n')
    _, out, _ = invoke("src", "tests", "--output-format", "json")
    assert codes(out) == [
        ("mlp.py", "KIN001"),
        ("mlp.py", "KIN101"),
        ("mlp.py", "KIN102"),
        ("test_mlp.py", "KIN102"),
    ]
    _, out, _ = invoke(
        "src", "--output-format", "json", "--per-file-ignores", "src/**/*.py:he-with-saturating"
    )
    assert ("mlp.py", "KIN102") not in codes(out)


def test_per_file_ignores_are_relative_to_the_configuration_file(project: Path) -> None:
    pyproject(project, '[tool.initlint.per-file-ignores]\n"tests/*" = ["ALL"]\n')
    nested = project / "src" / "tests"
    nested.mkdir()
    (nested / "test_x.py").write_text(MODEL)
    _, out, _ = invoke("src", "tests", "--output-format", "json")
    files = {name for name, _ in codes(out)}
    assert files == {"mlp.py", "test_x.py"}  # "tests/*" is anchored at the project root


def test_exclude_and_extend_exclude(project: Path) -> None:
    pyproject(project, 'extend-exclude = ["gen"]\n')
    _, out, _ = invoke(".", "--output-format", "json")
    assert {name for name, _ in codes(out)} == {"mlp.py", "test_mlp.py"}
    # A path named on the command line is checked anyway, unless --force-exclude.
    code, out, _ = invoke("gen/generated.py", "--output-format", "json")
    assert code == 1
    assert codes(out)
    code, out, _ = invoke("gen/generated.py", "--force-exclude", "--output-format", "json")
    assert (code, json.loads(out)) == (0, [])
    # `exclude` replaces the defaults: a `build` folder is then linted.
    (project / "build").mkdir()
    (project / "build" / "b.py").write_text(MODEL)
    _, out, _ = invoke(".", "--output-format", "json")
    assert "b.py" not in {name for name, _ in codes(out)}
    pyproject(project, 'exclude = ["gen", "tests"]\n')
    _, out, _ = invoke(".", "--output-format", "json")
    assert {name for name, _ in codes(out)} == {"mlp.py", "b.py"}


def test_force_exclude_from_configuration(project: Path) -> None:
    pyproject(project, 'extend-exclude = ["gen/"]\nforce-exclude = true\n')
    code, out, _ = invoke("gen/generated.py", "--output-format", "json")
    assert (code, json.loads(out)) == (0, [])


def test_unfixable_and_fixable(project: Path) -> None:
    pyproject(project, 'unfixable = ["KIN101"]\n')
    code, _, _ = invoke("src", "--fix")
    assert code == 1
    text = (project / "src/models/mlp.py").read_text()
    assert 'kernel_initializer="glorot_uniform"' in text  # KIN101 not fixed
    assert 'kernel_initializer="glorot_normal"' in text  # KIN102 fixed
    pyproject(project, 'fixable = ["KIN102"]\n')
    (project / "tests/test_mlp.py").write_text(MODEL)
    _, out, _ = invoke("tests", "--output-format", "json")
    fixes = {d["code"]: d["fix"] and d["fix"]["applicability"] for d in json.loads(out)}
    assert fixes == {"KIN001": "display-only", "KIN101": "display-only", "KIN102": "safe"}


def test_extend_safe_and_unsafe_fixes(project: Path) -> None:
    pyproject(project, 'extend-safe-fixes = ["KIN001"]\nextend-unsafe-fixes = ["KIN101"]\n')
    _, out, _ = invoke("src", "--output-format", "json")
    fixes = {d["code"]: d["fix"]["applicability"] for d in json.loads(out)}
    assert fixes == {"KIN001": "safe", "KIN101": "unsafe", "KIN102": "safe"}
    invoke("src", "--fix")
    text = (project / "src/models/mlp.py").read_text()
    assert 'kernel_initializer="zeros"' not in text
    assert 'kernel_initializer="glorot_uniform"' in text


def test_output_format_from_configuration_and_pre_commit_default(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = invoke("src")
    assert "^^^" in out  # full: code frames
    monkeypatch.setenv("PRE_COMMIT", "1")
    _, out, _ = invoke("src")
    assert "^^^" not in out
    assert out.splitlines()[0].startswith("src/models/mlp.py:7:")
    pyproject(project, 'output-format = "json"\n')
    _, out, _ = invoke("src")
    assert codes(out)
    _, out, _ = invoke("src", "--output-format", "concise")
    assert out.startswith("src/models/mlp.py:")


def test_config_option_replaces_discovery(project: Path) -> None:
    pyproject(project, 'select = ["KIN001"]\n')
    other = project / "initlint-ci.toml"
    other.write_text('select = ["KIN102"]\n')  # not a pyproject: keys at the top level
    _, out, _ = invoke("src", "--config", other, "--output-format", "json")
    assert codes(out) == [("mlp.py", "KIN102")]
    code, _, err = invoke("src", "--config", project / "missing.toml")
    assert code == 2
    assert "missing.toml" in err


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            'selct = ["KIN101"]\n',
            ":5: unknown key `selct` in [tool.initlint] (did you mean `select`?)",
        ),
        (
            'extend_select = ["KIN105"]\n',
            ":5: unknown key `extend_select` in [tool.initlint] (did you mean `extend-select`?)",
        ),
        (
            'select = [\n  "KIN101",\n  "KIN10l",\n]\n',
            ":7: `select`: unknown rule selector `KIN10l`",
        ),
        ('ignore = ["zeros-kernal"]\n', "(did you mean `zeros-kernel`?)"),
        ('select = "KIN101"\n', ":5: `select` must be a list of rule codes or names, not a string"),
        ("unsafe-fixes = 1\n", ":5: `unsafe-fixes` must be true or false, not an integer"),
        ('output-format = "jsn"\n', ":5: unknown output format `jsn` (did you mean `json`?)"),
        (
            '\n[tool.initlint.per-file-ignores]\n"tests/*" = ["KIN999"]\n',
            ":7: `per-file-ignores`: unknown rule selector `KIN999`",
        ),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_configuration_mistakes_name_file_line_and_suggestion(
    project: Path, table: str, expected: str
) -> None:
    path = pyproject(project, table)
    code, out, err = invoke("src")
    assert code == 2
    assert out == ""
    assert err.startswith(f"initlint: error: {path}")
    assert expected in err
    assert "Traceback" not in err


def test_show_settings(project: Path) -> None:
    path = pyproject(
        project,
        'select = ["KIN1"]\nwarn = ["relu-without-he"]\n'
        '[tool.initlint.per-file-ignores]\n"tests/*" = ["KIN101"]\n',
    )
    code, out, _ = invoke("--show-settings", "tests/test_mlp.py")
    assert code == 0
    assert f"Settings path: {path}" in out
    assert 'warn = ["KIN101"]' in out
    assert '"tests/*" = ["KIN101"]' in out
    select = next(line for line in out.splitlines() if line.startswith("select = "))
    assert '"KIN001"' not in select
    assert '"KIN101"' not in select  # this file's per-file-ignores are applied
    _, out, _ = invoke("--show-settings", "src/models/mlp.py")
    select = next(line for line in out.splitlines() if line.startswith("select = "))
    assert '"KIN101"' in select


def test_stdin_with_filename_uses_its_settings(project: Path) -> None:
    pyproject(project, '[tool.initlint.per-file-ignores]\n"tests/*" = ["KIN101"]\n')
    code, out, _ = invoke(
        "-", "--stdin-filename", "tests/test_new.py", "--output-format", "json", stdin=MODEL
    )
    assert code == 1
    found = json.loads(out)
    assert {d["code"] for d in found} == {"KIN001", "KIN102"}
    assert {Path(d["filename"]).name for d in found} == {"test_new.py"}


def test_stdin_fix_writes_the_fixed_source_to_stdout(project: Path) -> None:
    code, out, err = invoke("-", "--fix", "--output-format", "concise", stdin=MODEL)
    assert code == 1  # the zero kernel's fix is unsafe: one finding remains
    assert 'kernel_initializer="he_uniform"' in out
    assert 'kernel_initializer="glorot_normal"' in out
    assert out.count("\n") == MODEL.count("\n")  # only the source, findings go to stderr
    assert "KIN001" in err


def test_stdin_excluded_with_force_exclude_passes_unchanged(project: Path) -> None:
    pyproject(project, 'extend-exclude = ["gen"]\n')
    args = ("-", "--stdin-filename", "gen/generated.py", "--force-exclude", "--fix")
    code, out, _ = invoke(*args, stdin=MODEL)
    assert (code, out) == (0, MODEL)


def test_stdin_cannot_be_mixed_with_paths(project: Path) -> None:
    code, _, err = invoke("-", "src")
    assert code == 2
    assert "stdin" in err


def test_config_keys_and_formats_match_the_command_line() -> None:
    """Every configuration key is a command-line option or a settings field, and the
    formats the configuration accepts are exactly the ones the CLI renders."""
    options = {opt for param in main.params for opt in getattr(param, "opts", [])}
    config_only = {"extend-safe-fixes", "extend-unsafe-fixes", "scale-tolerance", "drift-threshold"}
    for key in KEYS:
        assert f"--{key}" in options or key in config_only, key
    assert set(OUTPUT_FORMATS) == set(FORMATS)


def test_readme_configuration_example_is_valid(tmp_path: Path) -> None:
    """The README's `[tool.initlint]` example loads as it is printed."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    block = readme.split("```toml\n[tool.initlint]\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.initlint]\n" + block)
    found = load(path)
    assert found.values["select"] == ["ALL"]
    assert "tests/**" in found.values["per-file-ignores"]


def test_stdin_filename_without_paths_reads_stdin(project: Path) -> None:
    """As ruff: `--stdin-filename` alone means stdin; it must never lint (and fix) `.`."""
    before = (project / "src/models/mlp.py").read_text()
    code, out, _ = invoke("--fix", "--stdin-filename", "x.py", stdin=MODEL)
    assert code == 1
    assert 'kernel_initializer="he_uniform"' in out
    assert (project / "src/models/mlp.py").read_text() == before


def test_command_line_patterns_are_relative_to_the_current_folder(project: Path) -> None:
    """A monorepo: `src/pyproject.toml` configures the package, CI runs from the root and
    names paths from there, as it would with ruff."""
    (project / "src" / "pyproject.toml").write_text("[tool.initlint]\n")
    (project / "src" / "models" / "legacy").mkdir()
    (project / "src" / "models" / "legacy" / "old.py").write_text(MODEL)
    _, out, _ = invoke("src", "--output-format", "json", "--extend-exclude", "src/models/legacy")
    assert {name for name, _ in codes(out)} == {"mlp.py"}
    _, out, _ = invoke(
        "src", "--output-format", "json", "--per-file-ignores", "src/models/*.py:KIN101"
    )
    assert ("mlp.py", "KIN101") not in codes(out)
    assert ("old.py", "KIN101") in codes(out)


def test_config_option_paths_are_relative_to_the_current_folder(project: Path) -> None:
    conf = project / "conf"
    conf.mkdir()
    (conf / "initlint.toml").write_text('[per-file-ignores]\n"tests/*" = ["ALL"]\n')
    _, out, _ = invoke(".", "--config", conf / "initlint.toml", "--output-format", "json")
    assert "test_mlp.py" not in {name for name, _ in codes(out)}
