"""Run initlint over real, widely used model code and summarise what it reports.

Why this exists: the unit tests and fixtures show that each rule fires on the code it was
written for, but not how the rules behave on large real code bases.  This script lints the
Python sources of pinned releases of transformers, timm, diffusers, torchvision, keras and
keras-hub so that false positives, crashes and slow files show up before
users find them.  Nothing third-party is committed: the wheels are downloaded with pip at run
time into a cache directory, and only their ``.py`` files are extracted.

    python bench/corpus.py                      # table: files, lines, findings per rule, time
    python bench/corpus.py --list               # plus every finding, grouped by rule
    python bench/corpus.py --packages timm --json out.json

Exit status: 0 when every package was linted (findings do not count), 1 when initlint failed
on a package, 2 when a wheel could not be downloaded or extracted or the cache is unusable.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

# Pinned releases.  torchvision ships platform wheels; pinning the platform makes every machine
# lint the same files (its Python sources do not depend on the platform).
PACKAGES: dict[str, str] = {
    "transformers": "5.23.0",
    "timm": "1.0.31",
    "diffusers": "0.42.1",
    "torchvision": "0.29.2",
    "keras": "3.15.1",
    "keras-hub": "0.32.0",
}
PIP_EXTRA: dict[str, list[str]] = {
    "torchvision": ["--platform", "manylinux_2_28_x86_64", "--python-version", "3.12"],
}
DEFAULT_CACHE = Path("~/.cache/initlint-bench").expanduser()


class BenchError(Exception):
    """A failure that stops the run: printed as one clear message, exit status 2."""


@dataclass
class PackageResult:
    """What initlint reported for one package, and what it cost."""

    name: str
    version: str
    root: Path
    files: int = 0
    lines: int = 0
    seconds: float = 0.0
    findings: list[dict[str, Any]] = field(default_factory=list)
    failed: bool = False

    @property
    def counts(self) -> Counter[str]:
        return Counter(str(item["code"]) for item in self.findings)


def wheel_prefix(name: str, version: str) -> str:
    """The start of a wheel's file name (distribution names use ``_`` for ``-`` there)."""
    return f"{name.replace('-', '_')}-{version}-"


def find_wheel(wheels: Path, name: str, version: str) -> Path | None:
    """A downloaded wheel for ``name==version`` in ``wheels``, if there is one."""
    prefix = wheel_prefix(name, version)
    found = sorted(p for p in wheels.glob("*.whl") if p.name.lower().startswith(prefix.lower()))
    return found[0] if found else None


def download(wheels: Path, name: str, version: str) -> Path:
    """The wheel for ``name==version``, downloaded with pip unless already in the cache."""
    cached = find_wheel(wheels, name, version)
    if cached is not None:
        return cached
    wheels.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--dest",
        str(wheels),
        *PIP_EXTRA.get(name, []),
        f"{name}=={version}",
    ]
    print(f"downloading {name}=={version} ...", file=sys.stderr, flush=True)
    # A machine's pip may cap releases it installs (a constraints file in its configuration);
    # a wheel fetched with --no-deps only to read its sources needs no such cap.
    env = {**os.environ, "PIP_CONSTRAINT": os.devnull}
    try:
        completed = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    except OSError as error:
        raise BenchError(f"cannot run pip ({sys.executable} -m pip): {error}") from error
    wheel = find_wheel(wheels, name, version)
    if completed.returncode != 0 or wheel is None:
        output = (completed.stderr or completed.stdout).strip().splitlines()
        detail = "\n".join("    " + line for line in output[-10:])
        raise BenchError(
            f"could not download {name}=={version} (pip exit status {completed.returncode}).\n"
            f"  command: {' '.join(command)}\n{detail}\n"
            "  Check the network or the package index, or put the wheel in "
            f"{wheels} by hand."
        )
    return wheel


def extract(wheel: Path, target: Path) -> None:
    """Extract the ``.py`` files of ``wheel`` into ``target``, unless done by an earlier run.

    Extraction goes to a temporary sibling which is renamed at the end, so an interrupted run
    never leaves a half-filled ``target`` that would later be reused.
    """
    if target.is_dir():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".partial-{target.name}-", dir=target.parent))
    try:
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.infolist():
                inner = PurePosixPath(member.filename)
                if member.is_dir() or inner.suffix != ".py":
                    continue
                if inner.is_absolute() or ".." in inner.parts:
                    raise BenchError(f"{wheel.name}: unsafe member path {member.filename!r}")
                destination = partial.joinpath(*inner.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as source, destination.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
        os.replace(partial, target)
    except (OSError, zipfile.BadZipFile) as error:
        shutil.rmtree(partial, ignore_errors=True)
        raise BenchError(
            f"could not extract {wheel}: {error}\n  Delete the file to download it again."
        ) from error
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def python_files(root: Path) -> list[Path]:
    """Every ``.py`` file under ``root``, in a stable order."""
    return sorted(p for p in root.rglob("*.py") if p.is_file())


def count_lines(path: Path) -> int:
    data = path.read_bytes()
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def check_outside_git(src: Path) -> None:
    """Fail when ``src`` is inside a git repository.

    initlint skips whatever the ``.gitignore`` files of the enclosing repository ignore, and
    there is no option to turn that off; a cache under an ignored folder would lint nothing.
    """
    for folder in (src, *src.parents):
        if (folder / ".git").exists():
            raise BenchError(
                f"{src} is inside the git repository {folder}; initlint honours its .gitignore "
                "files and could skip sources. Pass --cache outside any repository."
            )


def check_not_excluded(root: Path) -> None:
    """Fail when initlint's directory walk would skip part of ``root``.

    initlint skips files and folders named in its default exclude list (``build``, ``dist``,
    ``site-packages``...) below a directory given on the command line, and there is no option
    to turn that off.  The ancestors of that directory are not matched against the list.
    """
    try:
        from initlint.settings import DEFAULT_EXCLUDE
    except ImportError as error:
        raise BenchError(f"initlint is not importable from {sys.executable}: {error}") from error
    for path in root.rglob("*"):
        if path.name in DEFAULT_EXCLUDE:
            raise BenchError(f"{path}: initlint would skip it (excluded name {path.name!r})")


def rule_codes() -> list[str]:
    """Every rule code initlint knows, from ``--list-rules``."""
    command = [sys.executable, "-m", "initlint", "--list-rules"]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BenchError(f"`{' '.join(command)}` failed:\n{completed.stderr.strip()}")
    return [line.split()[0] for line in completed.stdout.splitlines() if line.strip()]


# initlint with its token prefilter reduced to the framework-word test, for --check-prefilter:
# every file that names a framework is parsed. Bench only; initlint has no such switch.
_WITHOUT_PREFILTER = (
    "import sys; from initlint import prefilter; "
    "prefilter.needs_parse = lambda text, codes: prefilter.mentions_framework(text); "
    "from initlint.cli import main; sys.argv[0] = 'initlint'; main()"
)


def lint(result: PackageResult, select: list[str], *, prefilter: bool = True) -> None:
    """Run initlint (JSON output) over one package's extracted sources: the default rules,
    or ``select`` (``--select ALL`` adds the opt-in ones)."""
    launch = ["-m", "initlint"] if prefilter else ["-c", _WITHOUT_PREFILTER]
    command = [
        sys.executable,
        *launch,
        str(result.root),
        *(["--select", ",".join(select)] if select else []),
        "--output-format",
        "json",
        "--exit-zero",
        "--no-cache",  # what a run costs, not what the cache saves
    ]
    print(f"linting {result.name}-{result.version} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    result.seconds = time.perf_counter() - started
    if completed.stderr.strip():
        print(completed.stderr.rstrip(), file=sys.stderr)
    try:
        result.findings = json.loads(completed.stdout)
    except json.JSONDecodeError:
        result.failed = True
        print(f"initlint gave no JSON for {result.name}", file=sys.stderr)
        return
    if completed.returncode != 0:
        result.failed = True
        print(
            f"initlint exited with status {completed.returncode} on {result.name}",
            file=sys.stderr,
        )


def prefilter_agrees(results: list[PackageResult], select: list[str], src: Path) -> bool:
    """Lint each package again with every framework file parsed; print what the prefilter
    lost or added (it must lose nothing: the findings must be the same)."""
    agree = True
    for result in results:
        full = PackageResult(result.name, result.version, result.root, result.files)
        lint(full, select, prefilter=False)
        fast = {_key(item, src) for item in result.findings}
        slow = {_key(item, src) for item in full.findings}
        for lost in sorted(slow - fast):
            print(f"prefilter lost: {' '.join(map(str, lost))}")
        for added in sorted(fast - slow):
            print(f"prefilter added: {' '.join(map(str, added))}")
        agree = agree and fast == slow and not full.failed
        print(
            f"{result.name}: {len(fast)} findings with the prefilter ({result.seconds:.1f} s), "
            f"{len(slow)} parsing every framework file ({full.seconds:.1f} s)"
        )
    return agree


def _key(item: dict[str, Any], src: Path) -> tuple[str, str, int, int, str]:
    location = item["location"]
    where = relative(item["filename"], src)
    return (where, item["code"], location["row"], location["column"], item["message"])


def relative(path: str, base: Path) -> str:
    try:
        return Path(path).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path


def print_table(results: list[PackageResult], codes: list[str]) -> None:
    """Per package: files, lines, findings per rule code, all findings, wall time; then totals."""
    extra = sorted({code for r in results for code in r.counts} - set(codes))
    columns = codes + extra
    header = ["package", "version", "files", "lines", *columns, "all", "seconds"]
    rows: list[list[str]] = []
    for r in results:
        counts = r.counts
        rows.append(
            [
                r.name + (" (FAILED)" if r.failed else ""),
                r.version,
                str(r.files),
                str(r.lines),
                *(str(counts[code]) for code in columns),
                str(len(r.findings)),
                f"{r.seconds:.1f}",
            ]
        )
    total: Counter[str] = Counter()
    for r in results:
        total.update(r.counts)
    rows.append(
        [
            "total",
            "",
            str(sum(r.files for r in results)),
            str(sum(r.lines for r in results)),
            *(str(total[code]) for code in columns),
            str(sum(len(r.findings) for r in results)),
            f"{sum(r.seconds for r in results):.1f}",
        ]
    )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        parts = [cells[0].ljust(widths[0]), cells[1].ljust(widths[1])]
        parts += [cell.rjust(width) for cell, width in zip(cells[2:], widths[2:], strict=True)]
        return "  ".join(parts)

    print(line(header))
    print("  ".join("-" * width for width in widths))
    for row in rows[:-1]:
        print(line(row))
    print("  ".join("-" * width for width in widths))
    print(line(rows[-1]))


def print_findings(results: list[PackageResult], src: Path) -> None:
    """Every finding as ``path:row:col CODE message``, grouped by rule, for review by hand."""
    by_code: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        for item in r.findings:
            by_code.setdefault(str(item["code"]), []).append(item)
    for code in sorted(by_code):
        items = by_code[code]
        name = items[0].get("name", "")
        print(f"\n== {code} {name} ({len(items)})")
        items.sort(
            key=lambda i: (
                relative(i["filename"], src),
                i["location"]["row"],
                i["location"]["column"],
            )
        )
        for item in items:
            where = f"{relative(item['filename'], src)}:{item['location']['row']}"
            print(f"{where}:{item['location']['column']} {code} {item['message']}")


def write_json(out: Path, results: list[PackageResult], src: Path) -> None:
    """Save initlint's raw JSON findings per package, with the counts shown in the table."""
    data = {
        "source_root": str(src),
        "packages": {
            r.name: {
                "version": r.version,
                "files": r.files,
                "lines": r.lines,
                "seconds": round(r.seconds, 3),
                "failed": r.failed,
                "findings": r.findings,
            }
            for r in results
        },
    }
    out.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def parse_args(argv: list[str]) -> argparse.Namespace:
    known = PACKAGES
    parser = argparse.ArgumentParser(
        description="Lint pinned releases of real model libraries with initlint.",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help=f"cache directory: wheels in CACHE/wheels, sources in CACHE/src "
        f"(default: {DEFAULT_CACHE})",
    )
    parser.add_argument(
        "--packages",
        nargs="+",
        metavar="NAME",
        help=f"lint only these (space or comma separated; known: {', '.join(known)})",
    )
    parser.add_argument(
        "--select",
        nargs="+",
        default=[],
        metavar="CODE",
        help="rules to run, as initlint's --select (default: its default rules; ALL adds opt-in)",
    )
    parser.add_argument("--list", action="store_true", help="print every finding, by rule")
    parser.add_argument(
        "--check-prefilter",
        action="store_true",
        help="lint again parsing every framework file, and fail if any finding differs",
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="save the raw findings to OUT")
    args = parser.parse_args(argv)
    if args.packages:
        names = [n.strip() for value in args.packages for n in value.split(",") if n.strip()]
        unknown = [n for n in names if n not in known]
        if unknown:
            parser.error(f"unknown package(s): {', '.join(unknown)} (known: {', '.join(known)})")
    else:
        names = list(PACKAGES)
    args.selected = {name: known[name] for name in dict.fromkeys(names)}
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    cache: Path = args.cache.expanduser().resolve()
    wheels, src = cache / "wheels", cache / "src"
    try:
        check_outside_git(src)
        codes = rule_codes()
        results: list[PackageResult] = []
        for name, version in args.selected.items():
            root = src / f"{name}-{version}"
            extract(download(wheels, name, version), root)
            check_not_excluded(root)
            files = python_files(root)
            result = PackageResult(name, version, root, len(files))
            result.lines = sum(count_lines(path) for path in files)
            results.append(result)
    except BenchError as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 2
    for result in results:
        lint(result, args.select)
    print_table(results, codes)
    if args.check_prefilter and not prefilter_agrees(results, args.select, src):
        return 1
    if args.list:
        print_findings(results, src)
    if args.json:
        write_json(args.json, results, src)
    return 1 if any(r.failed for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
