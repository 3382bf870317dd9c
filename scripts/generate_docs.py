"""Regenerate rules/*.md from the rule classes; with --check, exit 1 when they are stale."""

from __future__ import annotations

import sys
from pathlib import Path

from initlint import docs

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


def main(argv: list[str]) -> int:
    if "--check" in argv:
        stale = docs.stale(RULES_DIR)
        if stale:
            print("stale rule pages (run `python scripts/generate_docs.py`): " + ", ".join(stale))
            return 1
        return 0
    changed = docs.write(RULES_DIR)
    print(f"wrote {len(changed)} page(s)" + (": " + ", ".join(changed) if changed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
