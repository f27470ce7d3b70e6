"""CoachDesk engine: models, storage, services, reports and CLI.

This package must never import Qt: the CLI, the tests and the UI all drive
the same services, and a test imports it with PySide6 blocked to prove it.
"""

__version__ = "0.1.0"
APP_NAME = "CoachDesk"
