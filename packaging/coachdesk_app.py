"""The bundled app's entry (packaging/coachdesk.spec): ``coachdesk`` with no command opens
the window, ``coachdesk COMMAND`` is the command line, as for the installed script."""

import sys

from coachdesk.launcher import main

if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # a bundled app's child (coachdesk.age_seal) runs its work
    sys.exit(main())
