"""Tests that make reports record the client's consent for what they share first: a
report without consent is refused (coachdesk.services.consent)."""

from __future__ import annotations

from coachdesk.services import consent

ALL_SECTIONS = consent.SECTION_KEYS


def agree(db, engagement_id: int, sections=ALL_SECTIONS, indicator_ids=(),
          consent_date=None, how="In the signed agreement"):
    """Record that the client agreed to share ``sections`` and ``indicator_ids`` (by default
    every section and no indicator) as of ``consent_date`` (today by default, so that it is
    in force over the demo's own records); returns the ConsentState."""
    return consent.record(db, engagement_id, sections, indicator_ids, consent_date, how)


def agree_all(db, engagement_ids, indicator_ids=()):
    for eid in engagement_ids:
        agree(db, eid, indicator_ids=indicator_ids)


def every_indicator(db) -> tuple[int, ...]:
    """The id of every indicator of the library (retired ones too)."""
    from coachdesk.services import indicators

    return tuple(i.id for i in indicators.list_all(db, include_retired=True))


def agree_everything(db, engagement_id: int):
    """The client agreed to share every section and every indicator: for tests about what a
    report looks like, not about consent."""
    return agree(db, engagement_id, indicator_ids=every_indicator(db))


TEST_HOW = "In the signed agreement (test)"


def agree_once(db, engagement_id: int):
    """Every section, no indicator, recorded once per test (a second call leaves the
    consent in force as it is, with anything recorded since)."""
    if not any(h.how == TEST_HOW for h in consent.history(db, engagement_id)):
        agree(db, engagement_id, how=TEST_HOW)


def say_yes_to_consent(monkeypatch, how: str = "In a session"):
    """The report dialog's "Record their consent now?" is answered Record consent at once
    (for tests about something else; tests/test_ui_consent_report.py answers it by hand)."""
    from ui.dialogs.consent_dialog import AskConsentDialog

    def answer(dialog):
        dialog.how.setText(how)
        dialog._on_save()
        return dialog.result()

    monkeypatch.setattr(AskConsentDialog, "exec", answer)
