"""File → Send outbox: mail that waited (offline, or sent later) goes out off the GUI thread.

The menu entry shows how many messages wait and is enabled only when there are some and a
mail server is set up. Reports that waited in the outbox are marked as sent in the report
log once their mail has gone.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from coachdesk.errors import CoachDeskError

log = logging.getLogger(__name__)


class OutboxMenu(QObject):
    """The "Send outbox (n)" action of ``window``'s File menu and what it does."""

    def __init__(self, window, action: QAction):
        super().__init__(window)
        self.window = window
        self.ctx = window.ctx
        self.action = action
        action.triggered.connect(lambda _checked=False: self.send())

    def update(self) -> None:
        """Refresh the entry's count, enabled state and tooltip (the File menu asks on show)."""
        from coachdesk import mail

        from .dialogs.email_dialog import outbox_count, sending_now

        try:
            n = outbox_count(self.ctx)
            configured = mail.get_smtp_settings(self.ctx.db).configured
        except Exception:  # never break the menu over the mail folder
            log.exception("reading the outbox failed")
            n, configured = 0, False
        self.action.setText(f"Send outbox ({n})")
        self.action.setEnabled(n > 0 and configured and not sending_now())
        self.action.setToolTip(
            "" if configured else "Set up your mail server in Settings → Reports & e-mail")

    def send(self, quiet_if_empty: bool = False):
        """Send what waits, off the GUI thread; the result goes to the status bar. Returns the
        ``OutboxSender`` started, or None when nothing was started (and says why)."""
        from coachdesk import mail

        from .dialogs.email_dialog import OutboxSender, outbox_count

        if outbox_count(self.ctx) == 0:
            if not quiet_if_empty:
                self.ctx.say("The outbox is empty.")
            return None
        if not mail.get_smtp_settings(self.ctx.db).configured:
            self.ctx.say("Set up your mail server in Settings → Reports & e-mail to send the outbox.")
            return None
        sender = OutboxSender(self.ctx)
        sender.finished.connect(self._sent)
        try:
            started = sender.start()
        except CoachDeskError as exc:  # the keyring could not be read
            self.ctx.say(f"The outbox was not sent: {exc}")
            return None
        if not started:
            self.ctx.say("The outbox is already being sent.")
            return None
        self.action.setEnabled(False)
        self.ctx.say("Sending the outbox…")
        return sender

    def send_on_start(self) -> None:
        """Mail left in the outbox last time: tried once, quietly, soon after start."""
        try:
            self.send(quiet_if_empty=True)
        except Exception:  # start-up must never fail over mail
            log.exception("sending the outbox on start failed")

    def _sent(self, result) -> None:
        if result is not None:
            self._log_sent_reports(result)
            self.ctx.say("Outbox: " + result.summary())
        self.update()

    def _log_sent_reports(self, result) -> None:
        """Reports that waited in the outbox and have now gone: the log says so."""
        from coachdesk.services import engagements, report_log

        if not result.sent:
            return
        try:
            waiting = [entry for e in engagements.list_all(self.ctx.db, include_archived=True)
                       for entry in report_log.entries(self.ctx.db, e.id)
                       if entry.method == "outbox" and entry.recipient]
            done: set[int] = set()
            for message in result.sent:
                for entry in waiting:
                    if entry.id not in done and any(a in entry.recipient
                                                    for a in message.recipients):
                        report_log.mark_sent(self.ctx.db, entry.id, "smtp", entry.recipient)
                        done.add(entry.id)
        except Exception:  # the mail went; a log hiccup is not the coach's problem now
            log.exception("updating the report log after sending failed")
