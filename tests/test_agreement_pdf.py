"""The coaching agreement PDF (coachdesk/reports/agreement.py), read back with pypdf: its
title, parties, clauses with placeholders filled, what the sponsor receives as consent says,
signature blocks, and hostile text printed as typed (or refused with a clear sentence)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

from coachdesk.errors import ValidationError
from coachdesk.models import (
    Client,
    CoachingSession,
    Engagement,
    Indicator,
    IndicatorReading,
    Organization,
    SessionStatus,
    Sponsor,
)
from coachdesk.reports import agreement
from coachdesk.services import agreement_templates as tpl
from coachdesk.services import consent, settings

TODAY = date(2026, 3, 20)
CANARY = "QZAGREEMENTCANARY"
NAMES = {"Chinese": "陈静", "Arabic": "محمد عبد الله", "emoji": "Zoë 🌱 Ørsted",
         "markup": "<b>Zoë</b> & \"Ørsted\" 'x'"}


def text_of(path) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)


def bare(text: str) -> str:
    text = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def make_engagement(db, client="Zoë Ørsted", sponsor="Priya Raman", org="Mercer & Hale",
                    kind="coaching") -> int:
    """An engagement whose private fields all carry the canary."""
    with db.session() as s:
        o = Organization(name=org, notes=CANARY)
        s.add(o)
        s.flush()
        c = Client(name=client, job_title="Senior Associate", organization_id=o.id,
                   background=CANARY, email=f"{CANARY}@example.com")
        sp = Sponsor(name=sponsor, role="Head of Talent", organization_id=o.id)
        s.add(c)
        s.add(sp)
        s.flush()
        e = Engagement(client_id=c.id, sponsor_id=sp.id, kind=kind, start_date=date(2026, 3, 1),
                       end_date=date(2026, 9, 30), sessions_agreed=8, hours_agreed=12,
                       fee_cents=480000, objectives=CANARY)
        s.add(e)
        s.flush()
        s.add(CoachingSession(engagement_id=e.id, client_id=c.id, session_date=date(2026, 3, 5),
                              status=SessionStatus.held, private_notes=CANARY,
                              shared_summary=CANARY))
        return e.id


def indicators(db) -> tuple[int, int]:
    with db.session() as s:
        shared = Indicator(name="Engagement at work", position=1)
        secret = Indicator(name="Intent to stay", position=2, sensitive=True)
        s.add(shared)
        s.add(secret)
        s.flush()
        return shared.id, secret.id


def build(db, eid, tmp_path, name="a.pdf"):
    data = agreement.agreement_data(db, eid, TODAY)
    return agreement.build_agreement_pdf(tmp_path / name, data)


def test_title_parties_clauses_and_signature_blocks(db, tmp_path):
    settings.set_coach_profile(db, "Anne Martin", "PCC", "")
    eid = make_engagement(db)
    pdf = build(db, eid, tmp_path)
    text = " ".join(text_of(pdf).split())
    assert text.count("Coaching agreement") >= 2  # title and running header
    for expected in ("Anne Martin", "PCC", "Zoë Ørsted", "Priya Raman", "Mercer & Hale",
                     "EUR 4,800.00", "8 sessions", "12 hours", "the ICF Code of Ethics",
                     "The limits of confidentiality", "Term and termination"):
        assert expected in text, expected
    for c in tpl.CLAUSES:
        if c.key != "mentoring":
            assert c.title in text, c.title
    assert "What mentoring is" not in text
    assert text.count("Signature") >= 3 and text.count("Date") >= 3
    assert "The coach" in text and "The client" in text and "The sponsor" in text
    assert "$" not in text
    meta = PdfReader(str(pdf)).metadata
    assert meta.title == "Coaching agreement — Zoë Ørsted" and meta.author == "Anne Martin"


def test_consented_indicators_are_listed_and_a_non_consented_one_is_absent(db, tmp_path):
    eid = make_engagement(db)
    shared, secret = indicators(db)
    with db.session() as s:
        client_id = s.get(Engagement, eid).client_id
        s.add(IndicatorReading(indicator_id=secret, client_id=client_id, engagement_id=eid,
                               reading_date=date(2026, 3, 5), value=3, private_comment=CANARY))
    consent.record(db, eid, ["glance", "summary", "indicators"], [shared],
                   consent_date=date(2026, 3, 2), how="in the first three-way meeting")
    pdf = build(db, eid, tmp_path)
    text = " ".join(text_of(pdf).split())
    assert "What the sponsor will receive" in text
    assert "Engagement at work" in text
    assert "Intent to stay" not in text
    assert "Engagement at a glance" in text and "Indicators: " in text
    # listed once, by name, as the consent panel does: not again as a section
    assert "Talent-retention indicators" not in text
    assert "Session summaries" not in text and "Stakeholder map" not in text
    assert "in the first three-way meeting" in text
    raw = pdf.read_bytes()
    assert CANARY not in text and CANARY.encode() not in raw


def test_without_consent_the_pdf_says_so_plainly(db, tmp_path):
    eid = make_engagement(db)
    text = " ".join(text_of(build(db, eid, tmp_path)).split())
    assert "No consent has been recorded yet." in text
    assert "the sponsor receives no progress report and no indicator" in text


def test_a_mentoring_agreement_says_what_mentoring_is(db, tmp_path):
    eid = make_engagement(db, kind="mentoring")
    text = " ".join(text_of(build(db, eid, tmp_path)).split())
    assert "What mentoring is" in text and "What coaching is" not in text


@pytest.mark.parametrize("script", NAMES)
def test_hostile_names_print_as_typed(db, tmp_path, script):
    name = NAMES[script]
    eid = make_engagement(db, client=name, sponsor=name, org=f"{name} & <Co>")
    pdf = build(db, eid, tmp_path)
    got = bare(text_of(pdf))
    if script == "emoji":  # no font draws emoji: the words around it print, nothing breaks
        assert got.count("Zoë") >= 3 and got.count("Ørsted") >= 3
        return
    assert got.count(bare(name)) >= 3  # parties, clauses, signatures
    assert bare(f"{name} & <Co>") in got


def test_hostile_template_text_is_data_never_markup(db, tmp_path):
    eid = make_engagement(db)
    tpl.set_templates(db, {"fees": "Fee: $fee <b>bold?</b> &amp; <font size=40>x</font> "
                                   "$client_name 🌱 陈静 $$5"})
    text = " ".join(text_of(build(db, eid, tmp_path)).split())
    assert ("Fee: EUR 4,800.00 <b>bold?</b> &amp; <font size=40>x</font> Zoë Ørsted"
            in text)
    assert "$5" in text


def test_a_megabyte_is_refused_in_a_clause_and_survives_in_a_name(db, tmp_path):
    with pytest.raises(ValidationError) as err:
        tpl.set_templates(db, {"scope": "word " * 200_000})
    assert "too long" in str(err.value) and "word" not in str(err.value)
    big = "Ø" * (1 << 20)  # a 1 MB name typed in by an import gone wrong
    eid = make_engagement(db, client=big)
    text = text_of(build(db, eid, tmp_path))
    assert "ØØØØØØØØØØ" in text and len(text) < 100_000  # names are cut, the PDF is made
