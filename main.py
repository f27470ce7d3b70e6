"""Start CoachDesk: ``python main.py [--db PATH] [--demo]``.

The same as the installed ``coachdesk`` command without a COMMAND
(:mod:`coachdesk.launcher`): one place parses the options and opens the window.
"""

from __future__ import annotations

import sys

from coachdesk.launcher import open_window


def main(argv: list[str] | None = None) -> int:
    return open_window(argv)


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # a bundled app's child (coachdesk.age_seal) runs its work
    sys.exit(main())
