"""The window first, the rest right after it (issue 13: start-up within goal).

The first frame needs the sidebar, the menus and the clients page saying it is loading; it
needs no SQLAlchemy, no models, no service and no other page. So ``MainWindow(ctx,
deferred=True)`` builds only those, ``after_first_paint`` waits until the window has been
painted once, and then the app opens the rest: the pages below (``build_late_pages``), the
client list, the outbox state, what an erasure left to finish.

A page named in ``LATE_PAGES`` asked for before then is built on the spot (the window's
``__getattr__``), so no caller has to know which pages exist yet.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer

from . import window_state

log = logging.getLogger(__name__)

#: the window's attributes made by ``build_late_pages``
LATE_PAGES = ("client_page", "session_page", "sessions_page", "actions_page", "people_page",
              "invoices_page", "undo_delete")
#: if no paint comes (a window started minimised), the rest follows after this long
FALLBACK_MS = 500
#: when the practice cannot be read just now, the list is tried again after this long
RETRY_MS = 3000


def build_late_pages(window) -> None:
    """Import and build the pages the first frame does not show, in the stack after the
    clients page (the order they always had), with their signals, and the Edit menu's
    Undo delete / Deleted sessions… (their module brings the models with it)."""
    from .dialogs import deleted_sessions
    from .pages import invoices as invoices_page
    from .pages.client_detail import ClientPage
    from .pages.overview import ActionsPage, SessionsPage
    from .pages.people import PeoplePage
    from .pages.session import SessionPage

    ctx = window.ctx
    window._late_built = True  # first: a page's constructor may ask for a sibling
    window.client_page = ClientPage(ctx)
    window.session_page = SessionPage(ctx)
    window.sessions_page = SessionsPage(ctx)
    window.actions_page = ActionsPage(ctx)
    window.people_page = PeoplePage(ctx)  # reads its lists when first shown
    for page in (window.client_page, window.session_page, window.sessions_page,
                 window.actions_page, window.people_page):
        window.stack.addWidget(page)
    window.client_page.back_requested.connect(window.show_clients)
    window.client_page.open_session.connect(window.open_session)
    window.session_page.back_requested.connect(window._back_from_session)
    window.sessions_page.open_session.connect(window.open_session)
    window.actions_page.open_session.connect(window.open_session)
    window.actions_page.open_action.connect(window.open_action)
    invoices_page.install(window)  # reads its list when first shown
    window.undo_delete = deleted_sessions.install(window, window.edit_menu)
    window_state.restore_children(window)  # as restore() did for pages built at once


def finish_start(window) -> None:
    """The first page's data (the welcome page for a practice without clients, else the
    client list), then the late pages and the outbox's state: at once when the window was
    made complete, else one event-loop turn after the list is on screen."""
    from coachdesk.services import clients

    empty = clients.count(window.ctx.db) == 0
    if window._late_built or empty:
        _the_rest(window)
        if empty:
            window.show_welcome()
        else:
            window.show_clients()
        return
    # The list first, as show_clients() shows it (which would build every page first).
    window.nav.setEnabled(True)
    window._select_nav("clients")
    window.clients_page.reload()
    window.clients_page._loaded = True
    window.stack.setCurrentWidget(window.clients_page)
    QTimer.singleShot(0, window, lambda: _the_rest(window))  # not once it is gone


def finish_or_retry(window) -> bool:
    """``window.finish_start()``; when the practice cannot be read just now (a plain
    ``CoachDeskError``: a sync client holding the file past the busy timeout, a drive
    gone), the clients page says so instead of loading for ever, and it is tried again
    after ``RETRY_MS``. Returns whether it finished. A practice whose full check has not
    said "ok" (``ui.start_check``) may be damaged where the list reads: any error waits
    for the verdict, whose choices then come over the window (no retry after damage)."""
    from coachdesk.errors import CoachDeskError

    try:
        window.finish_start()
        return True
    except Exception as exc:
        check = getattr(window.ctx.db, "pending_check", None)
        if not isinstance(exc, CoachDeskError) and (check is None or check.ok):
            raise
        log.warning("reading the first page failed (%s)", type(exc).__name__)
        if check is not None and check.decided and not check.ok:
            window.clients_page.show_loading("This practice cannot be read.")
            return False
        why = str(exc) if isinstance(exc, CoachDeskError) else "CoachDesk is checking the practice."
        window.clients_page.show_loading(f"{why}\nCoachDesk tries again in a moment.")
        QTimer.singleShot(RETRY_MS, window, lambda: finish_or_retry(window))
        return False


def _the_rest(window) -> None:
    if not window._late_built:
        build_late_pages(window)
    window.update_outbox_action()  # the File menu's "Send outbox (n)"


class _FirstPaint(QObject):
    def __init__(self, widget, callback: Callable[[], None]):
        super().__init__(widget)
        self.callback = callback
        self.done = False
        widget.installEventFilter(self)
        self.fallback = QTimer(self)
        self.fallback.setSingleShot(True)
        self.fallback.timeout.connect(self.run)
        self.fallback.start(FALLBACK_MS)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint and not self.done:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self, self.run)  # once this paint is on screen
        return False

    def run(self) -> None:
        if self.done:
            return
        self.done = True
        self.fallback.stop()
        self.callback()


def after_first_paint(widget, callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` once, one event-loop turn after ``widget`` is first painted (or
    after ``FALLBACK_MS`` when it is not painted). Returns a function that runs it now
    instead, if it has not run yet (the start-up probe, which quits right after)."""
    return _FirstPaint(widget, callback).run
