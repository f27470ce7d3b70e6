"""What every page needs: the open practice, and a way to tell the coach things."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from coachdesk.storage import Database


class AppContext(QObject):
    """Holds the open ``Database``; pages read ``ctx.db`` each time, so it can be swapped."""

    #: the data changed somewhere (a page saved): lists refresh themselves
    data_changed = Signal(str)
    #: a whole new database is open (after a restore)
    database_replaced = Signal()
    #: a short message for the status bar
    status_message = Signal(str)

    def __init__(self, db: Database, lock=None):
        super().__init__()
        self.db = db
        #: the open practice file's one-instance lock (``ui.app.InstanceLock``), if any
        self.lock = lock
        from .one_language import follow

        follow(self)  # the practice's date setting, applied before any page listens

    @property
    def read_only(self) -> bool:
        """The open practice was opened read-only (``storage.open_read_only``)."""
        return bool(getattr(self.db, "read_only", False))

    def notify(self, what: str) -> None:
        self.data_changed.emit(what)

    def say(self, message: str) -> None:
        self.status_message.emit(message)
