"""What a coach can do, without a screen.

Every function takes the open ``Database`` first; the UI, the CLI and the
tests all call these and nothing else touches the database.
"""

from . import actions, clients, engagements, grow, organizations, sessions, sponsors  # noqa: F401
