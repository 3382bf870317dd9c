"""JSON Lines: the objects of the ``json`` format, one per line, for streaming consumers."""

from __future__ import annotations

import json
from typing import TextIO

from initlint.output.json_format import as_dict
from initlint.output.report import Report


def render(report: Report, stream: TextIO) -> None:
    for file, diagnostic in report.diagnostics:
        item = as_dict(file.absolute or file.path, diagnostic)
        stream.write(json.dumps(item, sort_keys=True, ensure_ascii=False))
        stream.write("\n")
