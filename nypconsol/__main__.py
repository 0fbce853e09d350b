"""Allow ``python -m nypconsol``."""

from nypconsol.cli import main

main()
