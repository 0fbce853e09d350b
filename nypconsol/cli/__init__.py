"""The command line. ``run`` is the console script: how the process starts and ends, and what
an interrupt (Ctrl-C, SIGTERM, SIGHUP) does at any moment.

``from nypconsol.cli import cli`` gives the click group (for ``CliRunner`` in tests).

Interrupts, from the first instruction of this module to the last of the process:

* While this module is imported (before anything can have been written), an interrupt ends
  the process at once: "Interrupted: nothing was written.", exit 130 (128 + the signal for
  SIGTERM and SIGHUP). The handler is installed before any other import, and the previous
  handler is put back at the end of the module, so a program that imports the CLI keeps its
  own.
* While ``run`` works, SIGINT raises KeyboardInterrupt and SIGTERM and SIGHUP raise
  ``Terminated`` (a KeyboardInterrupt): every temporary file is removed on the way out, and the
  message says what was written completely (loaders/writing.py keeps the list) or that nothing
  was. Exit 130, 143 (SIGTERM) or 129 (SIGHUP).
"""

# _signal and sys are built into the interpreter: nothing is loaded before the handler is in
# place (the signal module would first import enum, which takes milliseconds).
import _signal
import sys


def _quit_at_once(signum, frame):  # type: ignore[no-untyped-def]
    """An interrupt before any work: nothing can have been written; no traceback."""
    import os

    try:  # noqa: SIM105  (contextlib is not imported yet)
        os.write(2, b"Interrupted: nothing was written.\n")
    except OSError:
        pass
    os._exit(130 if signum == _signal.SIGINT else 128 + signum)


def _hold(handler) -> dict:  # type: ignore[no-untyped-def]
    """Install ``handler`` for the interrupting signals; the handlers it replaced."""
    replaced = {}
    setter = sys.modules["signal"].signal if "signal" in sys.modules else _signal.signal
    for signum in _SIGNALS:
        try:  # noqa: SIM105  (contextlib is not imported yet)
            replaced[signum] = setter(signum, handler)
        except (ValueError, OSError):  # not the main thread, or not this platform's signal
            pass
    return replaced


_SIGNALS = tuple(
    getattr(_signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(_signal, name)
)
_before_import = _hold(_quit_at_once)

import contextlib  # noqa: E402  (after the handler: an interrupt here must not show a traceback)
import gc  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402

# _console: running as the console script (run), not inside another program such as a test;
# _batch: the command holds no network or database connection (see batch_process).
_console = _batch = False


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP (a CI job cancelled, ``timeout``, a closed terminal): handled as
    Ctrl-C is, with the exit code 128 + the signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def _terminate(signum, frame):  # type: ignore[no-untyped-def]
    raise Terminated(signum)


def interrupt_exit_code(exc: BaseException) -> int:
    return exc.exit_code if isinstance(exc, Terminated) else 130  # ExitCode.INTERRUPTED


def interrupt_name(exc: BaseException) -> str:
    """``Interrupted`` (Ctrl-C), or ``Terminated (SIGTERM)``, to begin what a command says."""
    return f"Terminated ({exc.name})" if isinstance(exc, Terminated) else "Interrupted"


def interrupt_message(exc: BaseException) -> str:
    """What an interrupt leaves behind, truthfully: the files written completely before it,
    or output on stdout cut short, or nothing at all. A file being written when it came is
    left as it was (a temporary file is removed, never renamed into place)."""
    what = interrupt_name(exc)
    writing = sys.modules.get("nypconsol.loaders.writing")
    written = list(writing.JOURNAL) if writing is not None else []
    output = sys.modules.get("nypconsol.cli.output")
    printed = output is not None and output.STDOUT_STARTED[0]
    if written:
        names = " and ".join(", ".join(written).rsplit(", ", 1))
        verb = "was" if len(written) == 1 else "were"
        tail = " (the output on standard output may be cut short)" if printed else ""
        return f"{what}: {names} {verb} written completely before it; nothing else was{tail}."
    if printed:
        return f"{what}: the output on standard output may be cut short; no file was written."
    return f"{what}: nothing was written."


class _ClosedStdout:
    """Standard output when the process started without one (``>&-``): anything written to
    it fails as an output error (exit 4), instead of vanishing."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        from nypconsol.cli.output import closed_stdout

        raise closed_stdout()

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def run() -> None:
    global _console
    _console = True
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()  # type: ignore[assignment]
    replaced = _hold(_terminate)  # SIGTERM and SIGHUP: Terminated
    with contextlib.suppress(ValueError, OSError):  # SIGINT: KeyboardInterrupt, as Python does
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        from nypconsol.cli.app import main

        main()
    except KeyboardInterrupt as interrupt:  # outside a command (click's parsing, start-up)
        _hold(signal.SIG_IGN)  # a second Ctrl-C while saying so changes nothing
        _say(interrupt_message(interrupt))
        code = interrupt_exit_code(interrupt)
        if _batch:
            _exit_now(code)
        sys.exit(code)
    except SystemExit as done:
        _hold(signal.SIG_IGN)  # the work is done: an interrupt now would only garble the end
        if _batch:
            _exit_now(done.code)
        _flush()
        raise
    except BrokenPipeError:  # the reader of --help or --version went away: its choice
        _exit_now(0)
    except OSError as exc:  # writing --help or --version, before any command runs
        _say(f"Error: cannot write to standard output: {exc.strerror or exc}")
        _exit_now(4)  # ExitCode.FAILURE
    except Exception as exc:  # --help or --version to a closed stdout (no command's edge)
        from nypconsol.core.errors import NypconsolError

        if not isinstance(exc, NypconsolError):
            raise
        _say(f"Error: {exc}")
        _exit_now(int(exc.exit_code))
    finally:
        for signum, handler in replaced.items():  # for a program that called run itself
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(signum, handler)


def batch_process() -> None:
    """For a command that reads files, works in memory and writes files, holding no network
    or database connection: the cyclic garbage collector is switched off (it would rescan every
    account again and again: 3.8 s instead of 2.3 s for a 100,000-account plan), and the console
    script ends with os._exit, skipping the object-by-object teardown. Only in the console
    script: a program that calls the CLI in-process keeps its collector."""
    global _batch
    if _console:
        _batch = True
        gc.disable()


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    if name == "cli":
        from nypconsol.cli.app import cli

        return cli
    raise AttributeError(name)


def _say(line: str) -> None:
    """A line on stderr, if there is a stderr to write to (``2>&-`` closes it)."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        sys.stderr.write(line + "\n")


def _exit_now(code: object) -> None:
    """End the process without freeing every object one by one: after a large plan that is
    a tenth of a second of work for nothing, as the system takes the memory back at once (mypy
    ends the same way). Only after batch commands, --help and --version, which hold no
    connection; the standard streams are flushed here."""
    if isinstance(code, str):  # as sys.exit("message") would: the message, then status 1
        _say(code)
        code = 1
    status = code if isinstance(code, int) else 0 if code is None else 1
    _flush()
    os._exit(status)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe or stream (or none at all: ">&-") has nothing left to say.
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()


def _launched_as_console() -> bool:
    """Whether this process is the nypconsol command (its console script, or python -m
    nypconsol), which calls run as soon as this import is done."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name == "nypconsol.__main__":
        return True
    name = os.path.basename(getattr(main, "__file__", None) or "")
    return name.split(".")[0].removesuffix("-script") == "nypconsol"


# The import is done. The console script keeps the quiet handler until run installs its own
# (an interrupt in between must not show a traceback either); a program that imports the CLI
# (a test, a notebook) gets its own handlers back.
if not _launched_as_console():
    for _signum, _handler in _before_import.items():
        with contextlib.suppress(ValueError, OSError, TypeError):
            signal.signal(_signum, _handler)
