"""File → Send outbox, through the window, against a real local SMTP server: the mail goes,
the report that waited is marked sent in the log, and the menu entry counts down."""

from __future__ import annotations

import socket
from datetime import date

import pytest
from aiosmtpd.controller import Controller

from coachdesk import mail
from coachdesk.reports import progress
from coachdesk.services import engagements, report_log
from ui.context import AppContext
from ui.main_window import MainWindow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.received: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_send_outbox_delivers_and_marks_the_waiting_report_sent(qtbot, demo_db, smtp, tmp_path):
    controller, inbox = smtp
    mail.set_smtp_settings(demo_db, mail.SmtpSettings(
        server="127.0.0.1", port=controller.port, security="none", user="",
        sender="Sam Coach <sam@example.net>"))
    engagement = engagements.list_all(demo_db)[0]
    data = progress.report_data(demo_db, engagement.id, date(2026, 1, 1), date(2026, 11, 1))
    pdf = progress.build_report_pdf(tmp_path / "report.pdf", data)
    entry = report_log.record(demo_db, engagement.id, pdf, data,
                              recipient="Katrin Vogel <k.vogel@example.com>", method="outbox")
    mail.queue(mail.outbox_dir(demo_db.path),
               mail.make_eml("Katrin Vogel <k.vogel@example.com>", "Report", "Attached.", pdf,
                             sender="Sam Coach <sam@example.net>"))

    win = MainWindow(AppContext(demo_db))
    qtbot.addWidget(win)
    win.update_outbox_action()
    assert win.send_outbox_action.text() == "Send outbox (1)"
    assert win.send_outbox_action.isEnabled()

    win.send_outbox_action.trigger()
    qtbot.waitUntil(lambda: win.statusBar().currentMessage().startswith("Outbox:"), timeout=10000)

    assert inbox.received == [["k.vogel@example.com"]]
    assert report_log.get(demo_db, entry.id).method == "smtp"
    assert win.send_outbox_action.text() == "Send outbox (0)"
    assert not win.send_outbox_action.isEnabled()
