"""Time initlint against its floor (libcst parsing) and against other linters, on real code.

Why this exists: issue 8 sets speed targets that only mean something when measured against
anchors on the same machine and the same files: the time a single core needs just to parse
every file with libcst (no libcst-based linter can beat that per core), ruff (what users
compare every linter with) and the two libcst-based linters closest to initlint, TorchFix
and Fixit.  One run measures all of them over the same explicit file list, takes medians of
several runs, and checks the targets.

    python bench/speed.py                                  # subset: all tools; full: fast ones
    python bench/speed.py --slow-anchors-on-full           # also TorchFix/Fixit on full (~40 min)
    python bench/speed.py --packages timm --repeat 1 --only initlint-cold parse-only
    python bench/speed.py --json out.json

Corpora come from ``bench/corpus.py`` (pinned wheels, downloaded once into the cache).  The
anchors are installed from PyPI into their own virtual environments under ``CACHE/venvs``
(TorchFix 0.7 pins ``libcst<1.6``, so they cannot share initlint's), once, then reused.

Peak RSS is the ``ru_maxrss`` that ``os.wait4`` returns for the timed process: on Linux that is
the largest resident set of that process and of every descendant it waited for (worker pools
are joined, so they count), i.e. the largest *single* process of the tree, not a sum. The
command is started by a small reaper process, since a peak RSS survives exec and a child
spawned from this script would report this script's own.

Exit status: 0 when every tool ran and every measured target passed, 1 when a tool failed or a
target failed, 2 when a download, an extraction or a virtual environment could not be made.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from corpus import (
    DEFAULT_CACHE,
    PACKAGES,
    BenchError,
    check_not_excluded,
    check_outside_git,
    count_lines,
    download,
    extract,
    python_files,
)

SUBSET = ("timm", "torchvision")
TORCHFIX = "torchfix==0.7.0"
FIXIT = "fixit==2.2.1"
RUFF = "ruff==0.17.6"  # the version the project itself pins
ANCHOR_JOBS = 2  # worker processes for TorchFix and Fixit
SLOW_TOOLS = ("torchfix", "fixit")
TOOLS = (
    "initlint-cold",
    "initlint-warm",
    "initlint-jobs1",
    "parse-only",
    "ast-parse",
    "torchfix",
    "fixit",
    "ruff-cold",
    "ruff-warm",
)
VENV_DONE = ".initlint-bench-complete"
TRACEBACK = "Traceback (most recent call last)"

# Fixit has no option for its worker count: its runner (trailrunner) opens a process pool of
# os.cpu_count() workers unless a default executor is set, so the benchmark sets one.
FIXIT_LAUNCHER = f"""
import multiprocessing, sys
from concurrent.futures import ProcessPoolExecutor
import trailrunner
trailrunner.Trailrunner.DEFAULT_EXECUTOR = staticmethod(lambda: ProcessPoolExecutor(
    {ANCHOR_JOBS}, mp_context=multiprocessing.get_context("spawn")))
from fixit.cli import main
sys.argv[0] = "fixit"
main()
"""


@dataclass
class Corpus:
    """One set of files that every tool lints: the same list, in the same order."""

    name: str
    packages: list[str]
    root: Path  # the cache's src folder; tools run there and get paths relative to it
    files: list[str]  # relative to root
    lines: int
    torch_files: int  # files TorchFix actually parses (it skips those not mentioning torch)


@dataclass
class Tool:
    """How to run one linter (or floor) over a corpus, and how to tell a real failure."""

    name: str
    jobs: str
    argv: Callable[[Corpus], list[str]]
    ok_codes: tuple[int, ...] = (0,)
    prepare: Callable[[Corpus], list[str]] | None = None  # untimed run first (warm caches)
    processed: Callable[[str, str], int | None] | None = None  # files the tool reports
    expected: Callable[[Corpus], int] = lambda corpus: len(corpus.files)


@dataclass
class Measure:
    """Repeated runs of one tool on one corpus."""

    corpus: str
    tool: str
    jobs: str
    files: int
    lines: int
    argv: list[str]
    seconds: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    error: str | None = None
    skipped: str | None = None
    findings: list[str] | None = None  # initlint's, canonical, to compare the variants

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu_seconds) if self.cpu_seconds else None

    @property
    def peak_mb(self) -> float | None:
        return max(self.rss_kb) / 1024 if self.rss_kb else None


@dataclass
class Run:
    """What one timed command did."""

    seconds: float
    cpu_seconds: float  # user + system, of the process and the descendants it waited for
    rss_kb: int
    returncode: int
    stdout: str
    stderr: str


# Reaps the measured command in a small process of its own. Linux keeps a process's peak RSS
# across exec, and a child spawned straight from this script would start from this script's
# (which grows with every output it keeps): the reaper is small, so what its child reports
# is the child's own. It writes wall time, CPU time, peak RSS and exit status to argv[1].
REAPER = """
import json, os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - started
with open(sys.argv[1], "w") as out:
    json.dump({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
               "rss_kb": usage.ru_maxrss, "status": os.waitstatus_to_exitcode(status)}, out)
"""


def timed(argv: list[str], cwd: Path) -> Run:
    """Run ``argv`` under the reaper and return its wall time, CPU time and peak RSS (the
    largest single process of its tree, workers it waited for included); output goes to
    temporary files so a full pipe never blocks it."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as scratch,
    ):
        measured = Path(scratch) / "usage.json"
        reaper = [sys.executable, "-I", "-S", "-c", REAPER, str(measured), *argv]
        completed = subprocess.run(reaper, cwd=cwd, stdout=out, stderr=err, check=False)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        try:
            usage = json.loads(measured.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return Run(0.0, 0.0, 0, completed.returncode or 1, stdout, stderr)
        return Run(
            float(usage["seconds"]),
            float(usage["cpu"]),
            int(usage["rss_kb"]),  # kilobytes on Linux
            int(usage["status"]),
            stdout,
            stderr,
        )


def failure(tool: Tool, corpus: Corpus, run: Run) -> str | None:
    """Why ``run`` counts as a failure (not merely findings), or None when it is fine."""
    tail = (run.stderr.strip() or run.stdout.strip()).splitlines()[-3:]
    detail = " | ".join(line.strip() for line in tail)
    if run.returncode not in tool.ok_codes:
        return f"exit status {run.returncode}: {detail}"
    if TRACEBACK in run.stderr:
        return f"traceback on stderr: {detail}"
    if tool.processed is not None:
        count = tool.processed(run.stdout, run.stderr)
        wanted = tool.expected(corpus)
        if count is None:
            return f"no file count in the output: {detail}"
        if count != wanted:
            return f"processed {count} files, expected {wanted}"
    return None


# --- the tools -------------------------------------------------------------------------------


def initlint_argv(*flags: str) -> Callable[[Corpus], list[str]]:
    """initlint over the corpus' explicit file list, JSON output, findings not fatal."""

    def argv(corpus: Corpus) -> list[str]:
        command = [sys.executable, "-m", "initlint", *corpus.files]
        return [*command, *flags, "--exit-zero", "--output-format", "json"]

    return argv


def parse_only_argv(kind: str, listfile: Path) -> Callable[[Corpus], list[str]]:
    """This script again, in a child process of the same venv, parsing every listed file."""
    script = str(Path(__file__).resolve())
    return lambda corpus: [sys.executable, script, f"--_{kind}", str(listfile)]


def reported_files(stdout: str, _stderr: str) -> int | None:
    """The file count that ``--_parse-only``/``--_ast-parse`` print as JSON."""
    try:
        return int(json.loads(stdout)["files"])
    except (ValueError, KeyError, TypeError):
        return None


def torchfix_files(_stdout: str, stderr: str) -> int | None:
    """TorchFix ends with ``Finished checking N files.`` on stderr."""
    found = re.search(r"Finished checking (\d+) files", stderr)
    return int(found.group(1)) if found else None


def fixit_files(_stdout: str, stderr: str) -> int | None:
    """Fixit ends with ``N files checked, ...`` on stderr."""
    found = re.search(r"(\d+) files? checked", stderr)
    return int(found.group(1)) if found else None


def venv_python(venv: Path) -> str:
    return str(venv / "bin" / "python")


def build_tools(
    flags: set[str], listfile: Path, scratch: Path, venvs: dict[str, Path]
) -> tuple[list[Tool], dict[str, str]]:
    """Every tool this run can measure, and why the others are skipped.

    ``flags`` are the options the installed initlint offers: ``--jobs``, ``--no-cache`` and
    ``--cache-dir`` arrived with issue 8, and older builds simply lack the variants they need.
    """
    skipped: dict[str, str] = {}
    cold = ("--no-cache",) if "--no-cache" in flags else ()
    cpus = str(os.cpu_count() or 1)
    tools = [
        Tool("initlint-cold", f"default ({cpus})", initlint_argv(*cold)),
        Tool("parse-only", "1", parse_only_argv("parse-only", listfile), processed=reported_files),
        Tool("ast-parse", "1", parse_only_argv("ast-parse", listfile), processed=reported_files),
    ]
    if "--cache-dir" in flags:
        warm = initlint_argv("--cache-dir", str(scratch / "initlint-cache"))
        tools.append(Tool("initlint-warm", f"default ({cpus})", warm, prepare=warm))
    else:
        skipped["initlint-warm"] = "this initlint has no --cache-dir"
    if "--jobs" in flags:
        tools.append(Tool("initlint-jobs1", "1", initlint_argv(*cold, "--jobs", "1")))
    else:
        skipped["initlint-jobs1"] = "this initlint has no --jobs"
    if "torchfix" in venvs:
        torchfix = [venv_python(venvs["torchfix"]), "-m", "torchfix", "--jobs", str(ANCHOR_JOBS)]
        tools.append(
            Tool(
                "torchfix",
                str(ANCHOR_JOBS),
                lambda c: [*torchfix, *c.files],
                ok_codes=(0, 1),  # 1: some file could not be transformed
                processed=torchfix_files,
                expected=lambda corpus: corpus.torch_files,
            )
        )
    if "fixit" in venvs:
        fixit = [venv_python(venvs["fixit"]), "-c", FIXIT_LAUNCHER, "lint"]
        tools.append(
            Tool(
                "fixit",
                str(ANCHOR_JOBS),
                lambda c: [*fixit, *c.files],
                ok_codes=(0, 1),  # 1: findings
                processed=fixit_files,
            )
        )
    if "ruff" in venvs:
        ruff = [venv_python(venvs["ruff"]), "-m", "ruff", "check", "--isolated", "--exit-zero"]
        warm_ruff = [*ruff, "--cache-dir", str(scratch / "ruff-cache")]
        tools.append(Tool("ruff-cold", "default", lambda c: [*ruff, "--no-cache", *c.files]))
        tools.append(
            Tool(
                "ruff-warm",
                "default",
                lambda c: [*warm_ruff, *c.files],
                prepare=lambda c: [*warm_ruff, *c.files],
            )
        )
    if "initlint-cold" in [t.name for t in tools] and not cold:
        print(
            "note: this initlint has no --no-cache (so no cache either): every run is cold",
            file=sys.stderr,
        )
    return tools, skipped


# --- environments ----------------------------------------------------------------------------


def ensure_venv(venvs: Path, requirement: str) -> Path:
    """A virtual environment holding ``requirement``, made once under ``venvs`` and reused.

    A marker file written last tells a complete environment from one an interrupted run left.
    """
    venv = venvs / requirement.replace("==", "-")
    if (venv / VENV_DONE).exists():
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    venvs.mkdir(parents=True, exist_ok=True)
    print(f"installing {requirement} into {venv} ...", file=sys.stderr, flush=True)
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [
            venv_python(venv),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            requirement,
        ],
    ]
    for step in steps:
        try:
            completed = subprocess.run(step, capture_output=True, text=True, check=False)
        except OSError as error:
            raise BenchError(f"cannot make the venv for {requirement}: {error}") from error
        if completed.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            lines = [
                line
                for line in (completed.stderr or completed.stdout).strip().splitlines()
                if not line.startswith("WARNING: Location")
            ]
            last = lines[-1] if lines else f"exit status {completed.returncode}"
            raise BenchError(f"cannot make the venv for {requirement}: {last}")
    (venv / VENV_DONE).write_text(requirement + "\n", encoding="utf-8")
    return venv


def initlint_flags() -> set[str]:
    """The options ``python -m initlint --help`` lists (to detect issue 8's new flags)."""
    command = [sys.executable, "-m", "initlint", "--help"]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BenchError(f"`{' '.join(command)}` failed: {completed.stderr.strip()}")
    return set(re.findall(r"--[a-z][a-z-]*", completed.stdout))


def version_of(python: str, *distributions: str) -> str:
    """Installed versions of ``distributions`` in the environment of ``python``."""
    code = (
        "import importlib.metadata as m, sys\n"
        "print(' '.join(f'{d} {m.version(d)}' for d in sys.argv[1:]))"
    )
    completed = subprocess.run(
        [python, "-c", code, *distributions], capture_output=True, text=True, check=False
    )
    return completed.stdout.strip() or "unknown"


def machine_info(venvs: dict[str, Path]) -> dict[str, str]:
    """What the numbers depend on: cores, load, interpreter and every tool's version."""
    info = {
        "cpus": str(os.cpu_count()),
        "cpus usable": str(len(os.sched_getaffinity(0))),
        "load average at the start (1/5/15 min)": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "initlint": version_of(sys.executable, "initlint", "libcst"),
    }
    for name, venv in venvs.items():
        extra = ("libcst",) if name != "ruff" else ()
        dist = {"torchfix": "TorchFix"}.get(name, name)
        info[name] = version_of(venv_python(venv), dist, *extra)
    return info


# --- corpora ---------------------------------------------------------------------------------


def prepare_package(cache: Path, name: str) -> Path:
    """The extracted sources of one pinned package (downloaded by corpus.py's functions)."""
    version = PACKAGES[name]
    root = cache / "src" / f"{name}-{version}"
    try:
        extract(download(cache / "wheels", name, version), root)
    except BenchError:
        if not root.is_dir():  # another process may have extracted it meanwhile
            raise
    check_not_excluded(root)
    return root


def make_corpus(name: str, packages: list[str], cache: Path) -> Corpus:
    """The file list of ``packages``, relative to the src folder, with lines counted."""
    src = cache / "src"
    files: list[Path] = []
    for package in packages:
        files += python_files(prepare_package(cache, package))
    torch = sum(1 for path in files if "torch" in path.read_text("utf-8", "replace"))
    return Corpus(
        name,
        packages,
        src,
        [path.relative_to(src).as_posix() for path in files],
        sum(count_lines(path) for path in files),
        torch,
    )


# --- measuring -------------------------------------------------------------------------------


def measure(tool: Tool, corpus: Corpus, repeat: int) -> Measure:
    """Run ``tool`` on ``corpus`` ``repeat`` times (after its untimed warm-up, if any)."""
    argv = tool.argv(corpus)
    listed = set(corpus.files)
    shown = [a for a in argv if a not in listed]  # the command as reported, files elided
    shown += ["<files>"] if len(shown) < len(argv) else []
    result = Measure(corpus.name, tool.name, tool.jobs, len(corpus.files), corpus.lines, shown)
    if tool.prepare is not None:
        print(f"  {tool.name}: filling the cache ...", file=sys.stderr, flush=True)
        run = timed(tool.prepare(corpus), corpus.root)
        result.error = failure(tool, corpus, run)
        if result.error:
            return result
    for index in range(repeat):
        print(f"  {tool.name}: run {index + 1}/{repeat} ...", file=sys.stderr, flush=True)
        run = timed(argv, corpus.root)
        result.error = failure(tool, corpus, run)
        if result.error:
            print(f"  {tool.name} FAILED: {result.error}", file=sys.stderr)
            return result
        result.seconds.append(run.seconds)
        result.rss_kb.append(run.rss_kb)
        result.cpu_seconds.append(run.cpu_seconds)
        if tool.name.startswith("initlint"):
            result.findings = canonical(run.stdout)
        print(
            f"    {run.seconds:.2f} s wall, {run.cpu_seconds:.2f} s CPU, "
            f"{run.rss_kb / 1024:.0f} MB",
            file=sys.stderr,
        )
    return result


def canonical(stdout: str) -> list[str]:
    """initlint's JSON findings in an order that does not depend on scheduling."""
    try:
        items = json.loads(stdout)
    except json.JSONDecodeError:
        return [stdout]
    return sorted(json.dumps(item, sort_keys=True) for item in items)


def check_same_findings(results: list[Measure]) -> None:
    """Mark an initlint variant failed when its findings differ from the cold run's.

    A cache or a worker pool that made initlint faster by reporting something else would
    make the comparison meaningless, so the warm and single-job runs must agree with cold.
    """
    cold = next((r for r in results if r.tool == "initlint-cold" and not r.error), None)
    if cold is None or cold.findings is None:
        return
    for r in results:
        if r is cold or r.findings is None or r.error:
            continue
        if r.findings != cold.findings:
            counts = f"{len(r.findings)} vs {len(cold.findings)}"
            r.error = f"findings differ from initlint-cold ({counts})"
            print(f"  {r.tool} FAILED: {r.error}", file=sys.stderr)


def fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def find(results: list[Measure], corpus: str, tool: str) -> Measure | None:
    for r in results:
        if r.corpus == corpus and r.tool == tool and r.median is not None:
            return r
    return None


def markdown_table(results: list[Measure]) -> str:
    """One row per (corpus, tool); the last column compares initlint cold with the row."""
    header = (
        "| corpus | tool | jobs | files | lines | median s | min s | max s | files/s "
        "| CPU s | peak RSS MB | initlint cold / tool |"
    )
    rows = [header, "|" + "---|" * 12]
    for r in results:
        base = find(results, r.corpus, "initlint-cold")
        if r.median is None:
            note = f"skipped: {r.skipped}" if r.skipped else f"FAILED: {r.error}"
            rows.append(f"| {r.corpus} | {r.tool} | {r.jobs} | {r.files} | {r.lines} | {note} |")
            continue
        ratio = fmt(base.median / r.median) if base and base.median else "-"
        rows.append(
            f"| {r.corpus} | {r.tool} | {r.jobs} | {r.files} | {r.lines} | {fmt(r.median)} "
            f"| {fmt(min(r.seconds))} | {fmt(max(r.seconds))} | {fmt(r.files / r.median, 0)} "
            f"| {fmt(r.cpu_median)} | {fmt(r.peak_mb, 0)} | {ratio} |"
        )
    return "\n".join(rows)


@dataclass
class Target:
    """One of issue 8's targets, evaluated on the corpus the issue names."""

    text: str
    corpus: str
    value: float | None  # the measured ratio or size
    limit: float
    higher_is_better: bool = False

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "NOT MEASURED"
        ok = self.value >= self.limit if self.higher_is_better else self.value <= self.limit
        return "PASS" if ok else "FAIL"


def ratio(results: list[Measure], corpus: str, top: str, bottom: str) -> float | None:
    a, b = find(results, corpus, top), find(results, corpus, bottom)
    if a is None or b is None or a.median is None or b.median is None:
        return None
    return a.median / b.median


def targets(results: list[Measure], full: str, subset: str) -> list[Target]:
    """Issue 8's targets: time ratios on the full corpus, the anchors' on the subset."""
    initlint = [r.peak_mb for r in results if r.tool.startswith("initlint") and r.peak_mb]
    return [
        Target(
            "initlint cold ≤ 0.2 x single-core libcst parse-only",
            full,
            ratio(results, full, "initlint-cold", "parse-only"),
            0.2,
        ),
        Target(
            "initlint warm ≤ 0.25 x ruff cold",
            full,
            ratio(results, full, "initlint-warm", "ruff-cold"),
            0.25,
        ),
        Target(
            "initlint peak RSS ≤ 300 MB per process (MB, all initlint runs)",
            "all",
            max(initlint) if initlint else None,
            300.0,
        ),
        Target(
            "initlint cold ≥ 10 x faster than TorchFix",
            subset,
            ratio(results, subset, "torchfix", "initlint-cold"),
            10.0,
            higher_is_better=True,
        ),
        Target(
            "initlint cold ≥ 10 x faster than Fixit",
            subset,
            ratio(results, subset, "fixit", "initlint-cold"),
            10.0,
            higher_is_better=True,
        ),
    ]


def report(
    info: dict[str, str], corpora: list[Corpus], results: list[Measure], goals: list[Target]
) -> str:
    """The Markdown printed on stdout: machine, corpora, table, targets."""
    lines = ["## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in info.items()]
    lines += ["", "## Corpora", ""]
    for c in corpora:
        lines.append(
            f"- {c.name}: {', '.join(f'{p} {PACKAGES[p]}' for p in c.packages)} — "
            f"{len(c.files)} files, {c.lines} lines ({c.torch_files} mention torch: "
            "TorchFix parses only those)"
        )
    lines += [
        "",
        "## Times",
        "",
        "Median wall clock; CPU = user + system time of the process and its workers (less "
        "sensitive to a busy machine); peak RSS = the largest single process of the tree.",
        "",
    ]
    lines += [markdown_table(results), "", "## Targets (issue 8)", ""]
    for goal in goals:
        unit = "" if "MB" in goal.text or goal.value is None else "x"
        lines.append(f"- **{goal.verdict}** {goal.text} [{goal.corpus}]: {fmt(goal.value)}{unit}")
    return "\n".join(lines)


# --- the parse-only children -----------------------------------------------------------------


def parse_only(listfile: Path, kind: str) -> int:
    """Read and parse every listed file on one core; print how many were read (JSON).

    Runs as a child process so its time includes interpreter start-up and its RSS is
    measured like every other tool's.  Files that fail to parse are counted, not fatal.
    """
    parse: Callable[[bytes], object]
    if kind == "parse-only":
        import libcst

        parse = libcst.parse_module
    else:
        import ast

        parse = ast.parse
    files = errors = 0
    for line in listfile.read_text(encoding="utf-8").splitlines():
        data = Path(line).read_bytes()
        files += 1
        try:
            parse(data)
        except Exception:  # a syntax error is a result here, not a crash
            errors += 1
    print(json.dumps({"files": files, "errors": errors}))
    return 0


# --- command line ----------------------------------------------------------------------------


def names(values: Sequence[str] | None) -> list[str]:
    return [n.strip() for value in values or [] for n in value.split(",") if n.strip()]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time initlint against libcst parsing, ruff, TorchFix and Fixit.",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help=f"cache: wheels, sources and the anchors' venvs (default: {DEFAULT_CACHE})",
    )
    parser.add_argument(
        "--packages",
        nargs="+",
        metavar="NAME",
        help=f"full corpus (default: {', '.join(PACKAGES)})",
    )
    parser.add_argument("--only", nargs="+", metavar="TOOL", help=f"tools: {', '.join(TOOLS)}")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per tool (default 3)")
    parser.add_argument(
        "--slow-repeat", type=int, default=1, help="timed runs of TorchFix and Fixit (default 1)"
    )
    parser.add_argument(
        "--slow-anchors-on-full",
        action="store_true",
        help="also run TorchFix and Fixit on the full corpus (about 20 minutes each)",
    )
    parser.add_argument(
        "--corpus",
        choices=("both", "full", "subset"),
        default="both",
        help=f"which corpora (subset: {' + '.join(SUBSET)}; default both)",
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="save every measurement to OUT")
    parser.add_argument("--_parse-only", dest="parse_only", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--_ast-parse", dest="ast_parse", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.package_list = names(args.packages) or list(PACKAGES)
    unknown = [n for n in args.package_list if n not in PACKAGES]
    if unknown:
        parser.error(f"unknown package(s): {', '.join(unknown)} (known: {', '.join(PACKAGES)})")
    args.tools = names(args.only) or list(TOOLS)
    unknown = [n for n in args.tools if n not in TOOLS]
    if unknown:
        parser.error(f"unknown tool(s): {', '.join(unknown)} (known: {', '.join(TOOLS)})")
    if args.repeat < 1 or args.slow_repeat < 1:
        parser.error("--repeat and --slow-repeat must be at least 1")
    return args


def plan(args: argparse.Namespace) -> list[tuple[str, list[str]]]:
    """The corpora to measure: (name, packages).  A subset equal to the full set runs once."""
    full = list(dict.fromkeys(args.package_list))
    subset = [p for p in full if p in SUBSET]
    chosen: list[tuple[str, list[str]]] = []
    if args.corpus in ("both", "full"):
        chosen.append(("full" if subset != full else "full=subset", full))
    if args.corpus in ("both", "subset") and subset and (subset != full or args.corpus == "subset"):
        chosen.append(("subset", subset))
    return chosen


def wanted(tool: str, corpus: str, args: argparse.Namespace) -> bool:
    """Every tool on the subset; the slow anchors on the full corpus only when asked."""
    if tool not in args.tools:
        return False
    return tool not in SLOW_TOOLS or corpus != "full" or args.slow_anchors_on_full


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.parse_only or args.ast_parse:
        return parse_only(
            args.parse_only or args.ast_parse, "parse-only" if args.parse_only else "ast"
        )
    cache: Path = args.cache.expanduser().resolve()
    scratch = Path(tempfile.mkdtemp(prefix="initlint-speed-"))
    try:
        return benchmark(args, cache, scratch)
    except BenchError as error:
        # corpus.py's messages add the command and pip's output on further lines; one is enough
        print(f"bench: error: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def benchmark(args: argparse.Namespace, cache: Path, scratch: Path) -> int:
    """Prepare corpora and environments, measure every (corpus, tool), print and save."""
    check_outside_git(cache / "src")
    corpora = [make_corpus(name, packages, cache) for name, packages in plan(args)]
    anchors = {"torchfix": TORCHFIX, "fixit": FIXIT, "ruff": RUFF}
    venvs = {
        name: ensure_venv(cache / "venvs", requirement)
        for name, requirement in anchors.items()
        if any(tool.startswith(name) for tool in args.tools)
    }
    info = machine_info(venvs)
    results: list[Measure] = []
    for corpus in corpora:
        listfile = scratch / f"{corpus.name}.txt"
        listfile.write_text("".join(f"{corpus.root / f}\n" for f in corpus.files), "utf-8")
        tools, skipped = build_tools(initlint_flags(), listfile, scratch / corpus.name, venvs)
        by_name = {tool.name: tool for tool in tools}
        print(f"{corpus.name}: {len(corpus.files)} files", file=sys.stderr, flush=True)
        for name in TOOLS:
            if not wanted(name, corpus.name, args):
                continue
            if name in skipped:
                print(f"  {name}: skipped ({skipped[name]})", file=sys.stderr)
                skip = Measure(corpus.name, name, "", len(corpus.files), corpus.lines, [])
                skip.skipped = skipped[name]
                results.append(skip)
                continue
            repeat = args.slow_repeat if name in SLOW_TOOLS else args.repeat
            results.append(measure(by_name[name], corpus, repeat))
        check_same_findings([r for r in results if r.corpus == corpus.name])
    # Other work on the machine slows every tool; the load shows whether the run was quiet.
    info["load average at the end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    full = next((c.name for c in corpora if c.name.startswith("full")), "full")
    subset = next((c.name for c in corpora if c.name.endswith("subset")), "subset")
    goals = targets(results, full, subset)
    print(report(info, corpora, results, goals))
    if args.json:
        save(args.json, info, corpora, results, goals)
    failed = any(r.error for r in results) or any(g.verdict == "FAIL" for g in goals)
    return 1 if failed else 0


def save(
    out: Path,
    info: dict[str, str],
    corpora: list[Corpus],
    results: list[Measure],
    goals: list[Target],
) -> None:
    """Every run's numbers, the commands (file lists elided) and the targets, as JSON."""

    def entry(r: Measure) -> dict[str, Any]:
        data = asdict(r)
        data["median"], data["cpu_median"], data["peak_mb"] = r.median, r.cpu_median, r.peak_mb
        return data

    document = {
        "machine": info,
        "corpora": [
            {
                "name": c.name,
                "packages": {p: PACKAGES[p] for p in c.packages},
                "files": len(c.files),
                "lines": c.lines,
                "torch_files": c.torch_files,
            }
            for c in corpora
        ],
        "results": [entry(r) for r in results],
        "targets": [{**asdict(g), "verdict": g.verdict} for g in goals],
    }
    out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
