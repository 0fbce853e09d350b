"""The console script's entry point: the CLI is imported inside the Ctrl-C handler, so an
interrupt during start-up ends as cleanly as one later on."""

import sys


def run() -> None:
    try:
        from nypconsol.cli import main

        main()
    except KeyboardInterrupt:
        from nypconsol.exitcodes import ExitCode

        sys.stderr.write("Interrupted: nothing was written.\n")
        sys.exit(ExitCode.INTERRUPTED)
