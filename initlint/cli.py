"""The ``initlint`` command: options → settings → run → render → exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from initlint import __version__, docs
from initlint.add_noqa import run as run_add_noqa
from initlint.discovery import DiscoveryError
from initlint.output import FORMATS
from initlint.rules import ALL_RULES, BY_CODE, BY_NAME
from initlint.runner import RunResult, run
from initlint.settings import Settings, SettingsError, select_rules, split_selectors

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def exit_code(result: RunResult, diff: bool, exit_zero: bool) -> int:
    """The one place exit codes are decided (0 clean or all fixed, 1 findings, 2 errors)."""
    if result.errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_CLEAN
    if diff:
        return EXIT_FINDINGS if result.diffs else EXIT_CLEAN
    return EXIT_FINDINGS if result.report.diagnostics else EXIT_CLEAN


def _explain(selector: str) -> str:
    rule = BY_CODE.get(selector.upper()) or BY_NAME.get(selector)
    if rule is None:
        raise click.BadParameter(f"unknown rule `{selector}`", param_hint="'--explain'")
    return docs.page(rule).split("\n", 1)[1]


def _list_rules() -> str:
    width = max(len(rule.name) for rule in ALL_RULES)
    lines = []
    for rule in ALL_RULES:
        fix = "" if rule.fix_applicability is None else f" [fix: {rule.fix_applicability.label}]"
        opt = " (opt-in)" if rule.opt_in else ""
        lines.append(f"{rule.code}  {rule.name:<{width}}  {rule.summary}{fix}{opt}")
    return "\n".join(lines)


def _add_noqa(paths: list[Path], settings: Settings, fixing: bool) -> None:
    """``--add-noqa``: suppress every current finding in place; exit 0 (2 on errors)."""
    if fixing:
        raise SettingsError("`--add-noqa` cannot be combined with `--fix` or `--diff`")
    result = run_add_noqa(paths, settings)
    if result.checked == 0:
        click.echo("initlint: warning: no Python files found", err=True)
    for message in result.errors:
        click.echo(f"initlint: error: {message}", err=True)
    plural = "" if result.added == 1 else "s"
    click.echo(f"Added {result.added} noqa directive{plural}.", err=True)
    sys.exit(EXIT_ERROR if result.errors else EXIT_CLEAN)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--fix/--no-fix", default=False, help="Apply safe fixes in place.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply (and offer) unsafe fixes.")
@click.option("--diff", is_flag=True, help="Print the diff of fixes instead of writing them.")
@click.option("--select", multiple=True, help="Rules to check: codes, prefixes, names, ALL.")
@click.option("--ignore", multiple=True, help="Rules to skip.")
@click.option("--extend-select", multiple=True, help="Rules to add to the selection.")
@click.option(
    "--output-format",
    type=click.Choice(sorted(FORMATS)),
    default="full",
    show_default=True,
    help="How findings are printed.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option(
    "--add-noqa", is_flag=True, help="Add `# noqa` comments for every current finding and exit."
)
@click.option("--force-exclude", is_flag=True, help="Apply exclusions to paths given explicitly.")
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
@click.option("--explain", metavar="CODE", help="Print a rule's documentation and exit.")
@click.version_option(__version__, "--version", prog_name="initlint")
def main(
    paths: tuple[Path, ...],
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    output_format: str,
    exit_zero: bool,
    add_noqa: bool,
    force_exclude: bool,
    list_rules: bool,
    explain: str | None,
) -> None:
    """Find and fix weight initializations that break training in Keras and PyTorch models."""
    if list_rules:
        click.echo(_list_rules())
        return
    if explain is not None:
        click.echo(_explain(explain), nl=False)
        return
    try:
        settings = Settings(
            select=select_rules(
                split_selectors(select) if select else None,
                split_selectors(ignore),
                split_selectors(extend_select),
            ),
            unsafe_fixes=unsafe_fixes,
            force_exclude=force_exclude,
        )
        if add_noqa:
            _add_noqa(list(paths) or [Path(".")], settings, fix or diff)
        result = run(list(paths) or [Path(".")], settings, fix, diff)
    except (SettingsError, DiscoveryError) as error:
        click.echo(f"initlint: error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    stdout = sys.stdout
    if result.checked == 0:
        click.echo("initlint: warning: no Python files found", err=True)
    if diff:
        for chunk in result.diffs:
            stdout.write(chunk)
        fixed = result.report.fixed
        if fixed:
            click.echo(f"Would fix {fixed} error{'' if fixed == 1 else 's'}.", err=True)
    else:
        FORMATS[output_format](result.report, stdout)
    for message in result.errors:
        click.echo(f"initlint: error: {message}", err=True)
    sys.exit(exit_code(result, diff, exit_zero))
