"""One entry for the window and the command line: ``coachdesk [--db PATH] [COMMAND …]``.

With no command (only ``--db PATH`` and ``--demo``) it opens the window, as ``python
main.py`` does; with a command it is ``python -m coachdesk COMMAND`` (:mod:`coachdesk.cli`).
``--version`` and ``--help`` answer without opening anything. The installed ``coachdesk``
script, ``main.py`` and the bundled app come here. ``python -m coachdesk`` stays the
command line only (without a command it explains its usage): scripts rely on it never
opening a window.

Qt is imported only when the window opens, so the engine stays Qt-free.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__

__all__ = ["main", "open_window", "parse_window_args", "wants_window"]

_WINDOW_FLAGS = {"--demo"}
_WINDOW_OPTIONS = {"--db"}  # each takes a value


def wants_window(argv: list[str]) -> bool:
    """True when ``argv`` names no command and asks for no help or version: only
    ``--db PATH``/``--db=PATH`` and ``--demo`` (in any order), or nothing at all."""
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg in _WINDOW_FLAGS or any(arg.startswith(f"{o}=") for o in _WINDOW_OPTIONS):
            continue
        if arg in _WINDOW_OPTIONS and rest:
            rest.pop(0)
            continue
        return False
    return True


def parse_window_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The window's options: ``db`` (str or None) and ``demo`` (bool)."""
    parser = argparse.ArgumentParser(prog="coachdesk", description="Start CoachDesk. With a "
                                     "COMMAND (see coachdesk --help) it works without a window.")
    parser.add_argument("--db", metavar="PATH", help="the practice file to open "
                        "(default: $COACHDESK_DB or the data folder)")
    parser.add_argument("--demo", action="store_true",
                        help="fill an empty practice with demo data before opening it")
    parser.add_argument("--version", action="version", version=f"CoachDesk {__version__}")
    return parser.parse_args(argv)


def open_window(argv: list[str] | None = None) -> int:
    """Open the window (``argv`` as for :func:`parse_window_args`); returns the exit code.
    ``COACHDESK_STARTUP_PROBE=1`` makes it quit after the first frame (tests, benchmarks)."""
    args = parse_window_args(argv)
    from .bundled import ui_package_name

    app = importlib.import_module(f"{ui_package_name()}.app")
    return app.run(db=args.db, demo_data=args.demo)


def main(argv: list[str] | None = None) -> int:
    """The ``coachdesk`` script: the window without a command, the CLI with one."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if wants_window(argv):
        return open_window(argv)
    from . import cli

    return cli.main(argv)
