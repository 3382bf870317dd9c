"""``--signal``: discover files, extract their models and run the signal model on each.

Kept apart from the lint runner: it reports numbers, not findings, and never fixes.
"""

from __future__ import annotations

import os
from pathlib import Path

from initlint import parsing
from initlint.discovery import discover
from initlint.notebook import Notebook, NotebookError
from initlint.output.signal_table import ModelSignal
from initlint.resolution import Resolver
from initlint.source import SourceError, read, read_bytes


def signal_tables(paths: list[Path], resolver: Resolver) -> tuple[list[ModelSignal], list[str]]:
    """Per model with at least one chain: its chains; and one line per file that failed."""
    import libcst as cst

    from initlint.frameworks import extract_file
    from initlint.prefilter import mentions_framework
    from initlint.signal import analyse

    found: list[ModelSignal] = []
    errors: list[str] = []
    for path in map(Path, discover(paths, resolver)):
        shown = os.path.relpath(path)
        try:
            if path.suffix.lower() == ".ipynb":
                text = Notebook(read_bytes(path)).code
            else:
                text = read(path).text
            if not mentions_framework(text):
                continue
            models = extract_file(parsing.parse_module(text)).models
        except (OSError, SourceError, NotebookError, cst.ParserSyntaxError) as error:
            errors.append(f"{shown}: {str(error).splitlines()[0] if str(error) else error}")
            continue
        except RecursionError:
            errors.append(f"{shown}: too deeply nested to analyse")
            continue
        for model in models:
            chains = analyse(model)
            if chains:
                found.append(ModelSignal(shown, model.name, chains))
    return found, errors
