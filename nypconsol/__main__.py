"""Allow ``python -m nypconsol``."""

from nypconsol.cli import run

run()
