"""``python -m initlint``."""

from initlint.cli import main

main()
