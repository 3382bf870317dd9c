"""Where initlint and its rule pages live: the one place every output format links from.

The repository is not hosted yet; ``REPOSITORY`` is a placeholder (the reserved ``.invalid``
domain, as in the README's pre-commit example) until it is, and changing it here moves every
link: the JSON ``url``, SARIF's ``informationUri`` and each rule's ``helpUri``.
"""

from __future__ import annotations

REPOSITORY = "https://example.invalid/initlint"
DOCS_BASE = REPOSITORY + "/blob/main/"
RULE_PAGE = "rules/{code}.md"  # generated from the rule classes (initlint.docs)


def rule_url(code: str) -> str:
    """The absolute address of a rule's page."""
    return DOCS_BASE + RULE_PAGE.format(code=code)
