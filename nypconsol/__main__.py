"""Allow ``python -m nypconsol``."""

from nypconsol.entry import run

run()
