"""The ``initlint`` command: options → settings → run → render → exit code."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from initlint import __version__, baseline, docs
from initlint.cache import DIRECTORY as CACHE_DIRECTORY
from initlint.diagnostics import Severity
from initlint.discovery import DiscoveryError
from initlint.output import FORMATS, statistics
from initlint.resolution import Overrides, Resolver, show
from initlint.rules import ALL_RULES, BY_CODE, BY_NAME
from initlint.runner import RunResult, run, run_stdin
from initlint.settings import Settings, SettingsError, split_selectors

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def exit_code(
    result: RunResult,
    diff: bool,
    exit_zero: bool,
    *,
    strict: bool = False,
    exit_non_zero_on_fix: bool = False,
) -> int:
    """The one place exit codes are decided (0 clean or all fixed, 1 findings, 2 errors).

    As ruff: ``--diff`` fails when it would change something; ``--fix`` fails while any
    finding remains, fixable or not (Fixit's ``fix`` exiting 0 over unfixed findings hid
    them from CI), and with ``--exit-non-zero-on-fix`` also when it changed a file.
    Warnings fail the run only under ``--strict``; baselined findings are already gone.
    """
    if result.errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_CLEAN
    if diff:
        return EXIT_FINDINGS if result.diffs else EXIT_CLEAN
    if exit_non_zero_on_fix and result.report.fixed:
        return EXIT_FINDINGS
    failing = any(strict or d.severity is Severity.ERROR for _, d in result.report.diagnostics)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


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


def _signal(paths: list[Path], resolver: Resolver) -> None:
    """``--signal``: tables (or JSON) of the signal model; exit 2 if a file failed."""
    from initlint.output.signal_table import render_json, render_text
    from initlint.signal_run import signal_tables

    found, errors = signal_tables(paths, resolver)
    if resolver.root().output_format == "json":
        render_json(found, sys.stdout)
    else:
        render_text(found, sys.stdout)
    for message in errors:
        click.echo(f"initlint: error: {message}", err=True)
    sys.exit(EXIT_ERROR if errors else EXIT_CLEAN)


def _tuple(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(split_selectors(values))


def _add_noqa(paths: list[Path], resolver: Resolver, fixing: bool) -> None:
    """``--add-noqa``: suppress every current finding in place; exit 0 (2 on errors)."""
    if fixing:
        raise SettingsError("`--add-noqa` cannot be combined with `--fix` or `--diff`")
    if Path("-") in paths:
        raise SettingsError("`--add-noqa` cannot read stdin: it edits files in place")
    from initlint.add_noqa import run as run_add_noqa

    result = run_add_noqa(paths, resolver)
    if result.checked == 0:
        click.echo("initlint: warning: no Python files found", err=True)
    for message in result.errors:
        click.echo(f"initlint: error: {message}", err=True)
    for shown in result.notebooks:
        click.echo(
            f"initlint: warning: {shown}: --add-noqa does not edit notebooks; add `# noqa` "
            "in the cell by hand",
            err=True,
        )
    plural = "" if result.added == 1 else "s"
    click.echo(f"Added {result.added} noqa directive{plural}.", err=True)
    sys.exit(EXIT_ERROR if result.errors else EXIT_CLEAN)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--fix/--no-fix", default=False, help="Apply safe fixes in place.")
@click.option(
    "--unsafe-fixes/--no-unsafe-fixes", default=None, help="Also apply (and offer) unsafe fixes."
)
@click.option("--diff", is_flag=True, help="Print the diff of fixes instead of writing them.")
@click.option("--select", multiple=True, help="Rules to check: codes, prefixes, names, ALL.")
@click.option("--ignore", multiple=True, help="Rules to skip.")
@click.option("--extend-select", multiple=True, help="Rules to add to the selection.")
@click.option(
    "--per-file-ignores",
    multiple=True,
    metavar="PATTERN:CODES",
    help="Rules to skip in matching files, e.g. 'tests/*:KIN001,KIN002'.",
)
@click.option("--fixable", multiple=True, help="Rules whose fixes may be applied (default all).")
@click.option("--unfixable", multiple=True, help="Rules whose fixes are never applied.")
@click.option("--exclude", multiple=True, help="Path patterns to skip (replaces the defaults).")
@click.option("--extend-exclude", multiple=True, help="Path patterns to skip as well.")
@click.option(
    "--output-format",
    type=click.Choice(sorted(FORMATS)),
    default=None,
    help="How findings are printed [default: full; concise under pre-commit].",
)
@click.option(
    "--statistics",
    "show_statistics",
    is_flag=True,
    help="Count findings per rule instead of listing them (full, concise or json).",
)
@click.option(
    "--show-fixes/--no-show-fixes",
    default=False,
    help="After the findings, list the fixes applied and available per file (text formats).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option(
    "--exit-non-zero-on-fix",
    is_flag=True,
    help="With --fix, exit 1 if any fix was applied, even when nothing remains.",
)
@click.option(
    "--warn",
    multiple=True,
    metavar="CODE",
    help="Rules to report as warnings (shown, but exit 0 unless --strict).",
)
@click.option("--strict/--no-strict", default=None, help="Warnings fail the run too [default: no].")
@click.option(
    "--baseline",
    "baseline_file",
    metavar="FILE",
    type=click.Path(path_type=Path),
    help="Report only findings not recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    metavar="FILE",
    type=click.Path(path_type=Path),
    help="Record every current finding in this baseline file and exit 0.",
)
@click.option(
    "--add-noqa", is_flag=True, help="Add `# noqa` comments for every current finding and exit."
)
@click.option(
    "--force-exclude/--no-force-exclude",
    default=None,
    help="Apply exclusions to paths given explicitly.",
)
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    default=None,
    help="Skip files .gitignore ignores [default: respect].",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A configuration file to use instead of the nearest pyproject.toml.",
)
@click.option(
    "--stdin-filename",
    type=click.Path(path_type=Path),
    help="The name of the file read from stdin (`-`), for messages and per-file settings.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes that check files [default: the number of CPUs].",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the results cache.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="INITLINT_CACHE_DIR",
    help=f"Where to keep the cache [default: {CACHE_DIRECTORY} at the project root].",
)
@click.option("--show-settings", is_flag=True, help="Print the resolved settings and exit.")
@click.option(
    "--signal",
    "show_signal",
    is_flag=True,
    help="Print each model's signal table (Var(w)·fan_in, forward q, gradient) and exit.",
)
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
@click.option("--explain", metavar="CODE", help="Print a rule's documentation and exit.")
@click.version_option(__version__, "--version", prog_name="initlint")
def main(
    paths: tuple[Path, ...],
    fix: bool,
    unsafe_fixes: bool | None,
    diff: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    per_file_ignores: tuple[str, ...],
    fixable: tuple[str, ...],
    unfixable: tuple[str, ...],
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    output_format: str | None,
    show_statistics: bool,
    show_fixes: bool,
    exit_zero: bool,
    exit_non_zero_on_fix: bool,
    warn: tuple[str, ...],
    strict: bool | None,
    baseline_file: Path | None,
    write_baseline: Path | None,
    add_noqa: bool,
    force_exclude: bool | None,
    respect_gitignore: bool | None,
    config_path: Path | None,
    stdin_filename: Path | None,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    show_settings: bool,
    show_signal: bool,
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
    overrides = Overrides(
        select=_tuple(select) if select else None,
        ignore=_tuple(ignore),
        extend_select=_tuple(extend_select),
        per_file_ignores=per_file_ignores,
        exclude=_tuple(exclude) if exclude else None,
        extend_exclude=_tuple(extend_exclude),
        fixable=_tuple(fixable) if fixable else None,
        unfixable=_tuple(unfixable),
        unsafe_fixes=unsafe_fixes,
        force_exclude=force_exclude,
        respect_gitignore=respect_gitignore,
        output_format=output_format,
        warn=_tuple(warn),
        strict=strict,
    )
    if write_baseline is not None and (diff or baseline_file is not None):
        other = "--diff" if diff else "--baseline"
        raise click.UsageError(f"--write-baseline cannot be combined with {other}")
    from_stdin = paths == (Path("-"),) or (not paths and stdin_filename is not None)
    try:
        recorded = None if baseline_file is None else baseline.load(baseline_file)
        resolver = Resolver(overrides, config_path)
        if show_settings:
            target = stdin_filename if from_stdin else (paths[0] if paths else Path("."))
            click.echo(show(resolver, target or Path(".")), nl=False)
            return
        if show_signal:
            _signal(list(paths) or [Path(".")], resolver)
        if add_noqa:
            _add_noqa(list(paths) or [Path(".")], resolver, fix or diff)
        settings = resolver.root()
        if show_statistics and settings.output_format not in statistics.FORMATS:
            raise SettingsError(
                f"`--output-format {settings.output_format}` cannot show statistics; "
                f"use {', '.join(statistics.FORMATS)}"
            )
        if from_stdin:
            data = sys.stdin.buffer.read()
            result = run_stdin(data, stdin_filename, resolver, fix, diff)
        else:
            if Path("-") in paths:
                raise SettingsError("`-` (stdin) cannot be combined with other paths")
            result = run(
                list(paths) or [Path(".")],
                resolver,
                fix,
                diff,
                jobs=jobs or _cpus(),
                cache_dir=None if no_cache else _cache_folder(cache_dir, settings),
            )
    except (SettingsError, DiscoveryError, baseline.BaselineError) as error:
        click.echo(f"initlint: error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:  # as a shell reports Ctrl-C: 128 + SIGINT, one line
        click.echo("initlint: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if write_baseline is not None:
        _write_baseline(write_baseline, result)
    if recorded is not None and baseline_file is not None:
        baseline.apply(result.report, recorded, baseline_file)
    stdout = sys.stdout
    if result.checked == 0 and not from_stdin:
        click.echo("initlint: warning: no Python files found", err=True)
    if result.fixed_source is not None:  # stdin --fix: the source goes to stdout, findings not
        sys.stdout.flush()
        sys.stdout.buffer.write(result.fixed_source)
        sys.stdout.flush()
        stdout = sys.stderr
    if diff:
        for chunk in result.diffs:
            stdout.write(chunk)
        fixed = result.report.fixed
        if fixed:
            click.echo(f"Would fix {fixed} error{'' if fixed == 1 else 's'}.", err=True)
    elif show_statistics:
        statistics.render(result.report, stdout, settings.output_format)
    else:
        result.report.show_fixes = show_fixes
        FORMATS[settings.output_format](result.report, stdout)
    for message in result.errors:
        click.echo(f"initlint: error: {message}", err=True)
    sys.exit(
        exit_code(
            result,
            diff,
            exit_zero,
            strict=settings.strict,
            exit_non_zero_on_fix=exit_non_zero_on_fix,
        )
    )


def _cpus() -> int:
    """The CPUs this process may run on (a container's or taskset's limit, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _cache_folder(given: Path | None, settings: Settings) -> Path:
    """``--cache-dir``, else ``.initlint_cache`` beside the configuration in force, else in
    the current folder (ruff's rule for ``.ruff_cache``)."""
    if given is not None:
        return given
    return Path(settings.project_root or os.getcwd()) / CACHE_DIRECTORY


def _write_baseline(path: Path, result: RunResult) -> None:
    """Record the findings and stop: 0, or 2 when the baseline cannot be written or some
    file could not be checked (its findings are missing from the baseline)."""
    try:
        count = baseline.write(path, result.report)
    except baseline.BaselineError as error:
        click.echo(f"initlint: error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    for message in result.errors:
        click.echo(f"initlint: error: {message}", err=True)
    noun = "finding" if count == 1 else "findings"
    click.echo(f"Wrote {count} {noun} to baseline `{path}`.", err=True)
    sys.exit(EXIT_ERROR if result.errors else EXIT_CLEAN)
