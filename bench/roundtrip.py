"""Fix round trip on the benchmark corpus: ``--fix --unsafe-fixes`` must never damage code.

Why this exists: the fuzz tests prove the fix properties on small programs; this script proves
them on the sources of the pinned releases ``bench/corpus.py`` downloads (transformers, timm,
diffusers, torchvision, keras, keras-hub), run through the real command line as a user runs it.
Each package's sources are copied to a temporary folder and fixed there, then:

- every file that parsed (and compiled) before still parses (and compiles);
- the tree holds the same files, and every file without an applicable fix is byte-identical;
- every changed line lies on a line a reported fix edits (a fix changes only what it says);
- a second ``--fix --unsafe-fixes`` run changes nothing.

    python bench/roundtrip.py                       # table per package; exit 1 on any breach
    python bench/roundtrip.py --packages timm keras

Exit status: 0 when every check held, 1 when one failed, 2 when the corpus is unavailable.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import corpus  # bench/corpus.py: the pinned packages, their download and extraction

FIX = ["--fix", "--unsafe-fixes", "--select", "ALL", "--exit-zero"]
APPLIED = {"safe", "unsafe"}  # applicabilities --fix --unsafe-fixes applies (not display-only)


@dataclass
class RoundTrip:
    """What fixing one package did, and every way it broke a round-trip property."""

    name: str
    files: int = 0
    offered: int = 0  # findings with a fix that --fix --unsafe-fixes applies, before fixing
    changed: int = 0
    edits: int = 0  # changed hunks of lines, over all files
    parse_failures: int = 0
    second_run_changes: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    replacements: Counter[str] = field(default_factory=Counter)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (not only ``.py``: a fix must not leave stray files)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def initlint(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run initlint as a user would, from ``root`` so no outer configuration applies."""
    command = [sys.executable, "-m", "initlint", str(root), *arguments]
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=root)


def parse_state(data: bytes) -> tuple[bool, bool]:
    """(parses, compiles): ``compile`` also rejects what only the compiler checks."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes in real code
        try:
            ast.parse(data)
        except (SyntaxError, ValueError):
            return False, False
        try:
            compile(data, "<roundtrip>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return True, False
    return True, True


def fixed_rows(findings: list[dict[str, Any]]) -> dict[str, set[int]]:
    """Per file, the rows that applicable fix edits touch (row spans, both ends)."""
    rows: dict[str, set[int]] = {}
    for item in findings:
        fix = item.get("fix")
        if not fix or fix["applicability"] not in APPLIED:
            continue
        touched = rows.setdefault(str(Path(item["filename"]).resolve()), set())
        for edit in fix["edits"]:
            touched.update(range(edit["location"]["row"], edit["end_location"]["row"] + 1))
    return rows


def hunks(before: bytes, after: bytes) -> list[tuple[int, int, list[str], list[str]]]:
    """Changed line ranges: (first row, last row in the original, old lines, new lines)."""
    old = before.decode("utf-8", "replace").splitlines()
    new = after.decode("utf-8", "replace").splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [
        (i1 + 1, max(i1 + 1, i2), old[i1:i2], new[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def replacement(old: str, new: str) -> str:
    """``old → new`` with the common start and end of the two lines cut away."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return f"{old[start : len(old) - end].strip()} → {new[start : len(new) - end].strip()}"


def round_trip(name: str, version: str, source: Path, scratch: Path) -> RoundTrip:
    """Fix a copy of ``source`` twice and check every property on the result."""
    result = RoundTrip(name)
    root = scratch / f"{name}-{version}"
    shutil.copytree(source, root)
    original = snapshot(root)
    result.files = sum(1 for rel in original if rel.endswith(".py"))

    listed = initlint(root, "--select", "ALL", "--unsafe-fixes", "--output-format", "json")
    try:
        findings = json.loads(listed.stdout)
        rows = fixed_rows(findings)
    except json.JSONDecodeError:
        result.problems.append(f"no JSON from the check run: {listed.stderr.strip()[-300:]}")
        return result
    result.offered = sum(
        1 for item in findings if item.get("fix") and item["fix"]["applicability"] in APPLIED
    )

    started = time.perf_counter()
    first = initlint(root, *FIX)
    result.seconds = time.perf_counter() - started
    if first.returncode != 0:
        result.problems.append(f"--fix exited {first.returncode}: {first.stderr.strip()[-300:]}")
    fixed = snapshot(root)
    if fixed.keys() != original.keys():
        extra = sorted(fixed.keys() ^ original.keys())
        result.problems.append(f"files appeared or vanished: {extra[:5]}")

    for rel, before in original.items():
        after = fixed.get(rel)
        if after is None or after == before:
            continue
        result.changed += 1
        allowed = rows.get(str((root / rel).resolve()), set())
        if not allowed:
            result.problems.append(f"{rel}: changed without an applicable fix")
        was = parse_state(before)
        now = parse_state(after)
        if (was[0] and not now[0]) or (was[1] and not now[1]):
            result.parse_failures += 1
            result.problems.append(f"{rel}: parsed/compiled {was} before, {now} after")
        for first_row, last_row, old, new in hunks(before, after):
            result.edits += 1
            if not allowed.intersection(range(first_row - 1, last_row + 2)):
                result.problems.append(f"{rel}:{first_row}: changed where no fix edits")
            if len(old) == len(new):
                result.replacements.update(replacement(a, b) for a, b in zip(old, new, strict=True))
            else:
                result.replacements[f"{len(old)} line(s) → {len(new)} line(s)"] += 1

    second = initlint(root, *FIX)
    if second.returncode != 0:
        result.problems.append(f"second --fix exited {second.returncode}")
    again = snapshot(root)
    result.second_run_changes = sum(1 for rel in again if again[rel] != fixed.get(rel))
    if result.second_run_changes:
        result.problems.append(f"second run changed {result.second_run_changes} file(s)")
    return result


def print_table(results: list[RoundTrip]) -> None:
    header = ["package", "files", "fixes offered", "changed", "edits", "parse failures"]
    header += ["2nd-run changes", "sec"]
    rows = [
        [
            r.name + (" (FAILED)" if r.problems else ""),
            str(r.files),
            str(r.offered),
            str(r.changed),
            str(r.edits),
            str(r.parse_failures),
            str(r.second_run_changes),
            f"{r.seconds:.1f}",
        ]
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells))


def print_details(results: list[RoundTrip], top: int) -> None:
    """The most frequent line changes (the fixes as a reviewer sees them), then problems."""
    total: Counter[str] = Counter()
    for r in results:
        total.update(r.replacements)
    if total:
        print(f"\nmost frequent changes (of {sum(total.values())} changed lines):")
        for text, count in total.most_common(top):
            print(f"  {count:5}  {text}")
    for r in results:
        for problem in r.problems:
            print(f"{r.name}: {problem}", file=sys.stderr)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Fix round trip on the benchmark corpus.")
    parser.add_argument("--cache", type=Path, default=corpus.DEFAULT_CACHE)
    parser.add_argument("--packages", nargs="+", metavar="NAME", choices=list(corpus.PACKAGES))
    parser.add_argument("--top", type=int, default=15, help="how many line changes to list")
    args = parser.parse_args(argv)
    cache: Path = args.cache.expanduser().resolve()
    selected = {n: corpus.PACKAGES[n] for n in args.packages or corpus.PACKAGES}
    results = []
    with tempfile.TemporaryDirectory(prefix="initlint-roundtrip-") as scratch:
        try:
            corpus.check_outside_git(Path(scratch))
            sources = {}
            for name, version in selected.items():
                source = cache / "src" / f"{name}-{version}"
                corpus.extract(corpus.download(cache / "wheels", name, version), source)
                corpus.check_not_excluded(source)
                sources[name] = source
        except corpus.BenchError as error:
            print(f"roundtrip: error: {error}", file=sys.stderr)
            return 2
        for name, version in selected.items():
            print(f"round trip {name}-{version} ...", file=sys.stderr, flush=True)
            results.append(round_trip(name, version, sources[name], Path(scratch)))
    print_table(results)
    print_details(results, args.top)
    return 1 if any(r.problems for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
