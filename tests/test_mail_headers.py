"""The .eml's headers in every script: display names, the subject and the PDF's name.

Each message is parsed back with ``email.policy.default`` (what a modern reader sees) and
its raw header lines are checked too: 7-bit, at most 78 characters, and the attachment's
name in the three forms mail programs read (``name=``, ``filename=``, ``filename*=``).
"""

from __future__ import annotations

import email
import email.header
import email.policy
import email.utils
from pathlib import Path

import pytest

from coachdesk import mail, mail_headers
from coachdesk.errors import ValidationError

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"

NAMES = [
    "陈静",
    "محمد عبد الله",
    "Zoë Jäger",
    "Jäger, Zoë",                       # a comma: must not split the address in two
    'Smith, "JJ" John',                 # quotes and a comma, ASCII
    "김민준 (Kim Min-jun)",
    "Ὀδυσσεύς Λαέρτιάδης-Παπαδόπουλος Ἰθακήσιος",  # long: several encoded-words
    "Maximilian Alexander Konstantin von und zu Hohenzollern-Sigmaringen Esq.",  # long ASCII
]


def typed(name: str, addr: str) -> str:
    """As the coach would type it in the To field (quoted where needed)."""
    return mail_headers.display_address(name, addr)


def parse(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def header_block(data: bytes) -> list[bytes]:
    """Every header line of every part (the lines before each blank line, boundaries out)."""
    lines, in_headers = [], True
    for line in data.split(b"\r\n"):
        if line.startswith(b"--"):
            in_headers = True
            continue
        if not line:
            in_headers = False
            continue
        if in_headers:
            lines.append(line)
    return lines


@pytest.fixture
def pdf_named(tmp_path):
    def make(name: str) -> Path:
        path = tmp_path / name
        path.write_bytes(PDF)
        return path
    return make


def test_display_names_in_every_script_survive_to_from_and_cc(pdf_named):
    to = [typed(n, f"person{i}@example.org") for i, n in enumerate(NAMES)]
    cc = [typed("Zoë Jäger", "zoe@example.org"), typed("陈静, HR", "hr@example.cn")]
    data = mail.make_eml(to, "Report", "Attached.", pdf_named("r.pdf"),
                         sender=typed("Jäger, Zoë (Coach)", "coach@example.net"), cc=cc)
    msg = parse(data)
    # Python's address parser shows a space between two encoded-words, where RFC 2047 and
    # mail programs join them (test_each_name_decodes_exactly_as_rfc_2047_says): every
    # letter arrives, in order, and every address with its own name
    got = [("".join(a.display_name.split()), a.addr_spec) for a in msg["To"].addresses]
    assert got == [("".join(n.split()), f"person{i}@example.org") for i, n in enumerate(NAMES)]
    assert [a.display_name for a in msg["To"].addresses][:6] == NAMES[:6]  # short: exact
    assert [(a.display_name, a.addr_spec) for a in msg["Cc"].addresses] == \
        [("Zoë Jäger", "zoe@example.org"), ("陈静, HR", "hr@example.cn")]
    assert [(a.display_name, a.addr_spec) for a in msg["From"].addresses] == \
        [("Jäger, Zoë (Coach)", "coach@example.net")]
    # an older reader (compat32 + getaddresses, as smtplib uses) finds the same addresses
    old = email.message_from_bytes(data)
    assert [a for _n, a in email.utils.getaddresses(old.get_all("To"))] == \
        [f"person{i}@example.org" for i in range(len(NAMES))]
    for line in header_block(data):
        assert line.isascii() and len(line) <= 78, line


@pytest.mark.parametrize("name", NAMES)
def test_each_name_decodes_exactly_as_rfc_2047_says(name):
    value = mail_headers.address_value([(name, "p@example.org")])
    assert all(line.isascii() and len(line) <= 78 - len("Reply-To: ") for line in
               value.split("\n"))
    decoded = str(email.header.make_header(email.header.decode_header(value.replace("\n", ""))))
    assert decoded in (f"{name} <p@example.org>",
                       email.utils.formataddr((name, "p@example.org")))  # plain, maybe quoted


def test_the_bad_case_many_non_ascii_names_on_one_line_stay_separate_addresses(pdf_named):
    # Python's own folder, given these as headerregistry.Address objects, encoded the comma
    # between the first two into an encoded-word: one recipient lost. Written here, each
    # stays itself (and "김민준 (Kim Min-jun)" above keeps its brackets, which it did not).
    to = ["陈静 <chen@example.org>", "محمد عبد الله <m@example.org>",
          '"Jäger, Zoë" <zoe@example.org>', '"Smith, \\"JJ\\" John" <j@example.org>']
    msg = parse(mail.make_eml(to, "Report", "", None))
    assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [
        ("陈静", "chen@example.org"), ("محمد عبد الله", "m@example.org"),
        ("Jäger, Zoë", "zoe@example.org"), ('Smith, "JJ" John', "j@example.org")]


FILE_NAMES = [
    "Progress report.pdf",
    "Progress report – Zoë Jäger.pdf",
    "进度报告 陈静 2026-03.pdf",
    "تقرير التقدم محمد عبد الله.pdf",
    "A very long plain report name for the quarterly sponsor review of 2026 Q1.pdf",
    "Отчёт о прогрессе — Игорь Загорский — очень длинное имя файла 2026.pdf",
    'Report "draft" ; v2.pdf',
]


@pytest.mark.parametrize("file_name", FILE_NAMES)
def test_the_pdf_name_is_given_in_every_form(pdf_named, file_name):
    data = mail.make_eml("ana@example.org", "Report", "Attached.", pdf_named(file_name))
    msg = parse(data)
    parts = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(parts) == 1
    assert parts[0].get_filename() == file_name
    assert parts[0].get_content() == PDF
    assert parts[0].get_content_disposition() == "attachment"

    # the raw parameters, as an older reader sees them (compat32, no RFC 2231 decoding)
    old = [p for p in email.message_from_bytes(data).walk()
           if p.get_content_type() == "application/pdf"][0]

    def words(value: str) -> str:
        return str(email.header.make_header(email.header.decode_header(value)))

    name_param = old.get_param("name")  # Content-Type name=, which older Outlook reads
    assert isinstance(name_param, str) and words(name_param) == file_name
    plain = [v for k, v in old.get_params(header="content-disposition") if k == "filename"]
    assert [words(v) for v in plain if isinstance(v, str)] == [file_name]  # filename=
    extended = [v for v in plain if isinstance(v, tuple)]  # filename*= (RFC 2231)
    if file_name.isascii() and len(file_name) < 60:
        assert extended == [] and name_param == file_name  # plain names stay plain
    else:
        assert len(extended) == 1 and extended[0][0].lower() == "utf-8"
        assert email.utils.collapse_rfc2231_value(extended[0]) == file_name
    for line in header_block(data):
        assert line.isascii() and len(line) <= 78, line


@pytest.mark.parametrize("subject", [
    "Progress report: 陈静 — Q1 2026",
    "تقرير التقدم: محمد عبد الله",
    "Zoë Jäger, Fortschrittsbericht für das erste Quartal mit einem recht langen Betreff",
    "进度报告" * 20,
    "Mixed English and 한국어 and Ελληνικά and עברית in one line of a subject",
])
def test_subjects_in_every_script_parse_back(subject):
    data = mail.make_eml("ana@example.org", subject, "", None)
    assert parse(data)["Subject"] == subject
    for line in header_block(data):
        assert line.isascii() and len(line) <= 78, line


def test_the_outbox_copy_keeps_the_headers_as_written(tmp_path, pdf_named):
    to = ["陈静 <chen@example.org>", "محمد عبد الله <m@example.org>"]
    draft = mail.make_eml(to, "Report", "x", pdf_named("进度报告 陈静.pdf"), draft=True)
    queued = mail.queue(tmp_path / "outbox", draft).read_bytes()
    msg = parse(queued)
    assert [a.display_name for a in msg["To"].addresses] == ["陈静", "محمد عبد الله"]
    assert next(msg.iter_attachments()).get_filename() == "进度报告 陈静.pdf"
    assert b'name="=?utf-8?b?' in queued and b"filename*0*=utf-8''" in queued


def test_addresses_read_as_typed_and_refused_plainly():
    assert mail._recipients('"Jäger, Zoë" <zoe@example.org>') == ['"Jäger, Zoë" <zoe@example.org>']
    assert mail._recipients("Zoë Jäger <zoe@example.org>") == ["Zoë Jäger <zoe@example.org>"]
    # an internationalised domain is sent in its ASCII form
    assert mail_headers.parse_addresses("Zoë <zoe@bücher.example>") == \
        [("Zoë", "zoe@xn--bcher-kva.example")]
    # a From saved encoded by an earlier version reads as the coach typed it
    assert mail._recipients("=?utf-8?q?Zo=C3=AB_J=C3=A4ger?= <zoe@example.org>") == \
        ["Zoë Jäger <zoe@example.org>"]
    with pytest.raises(ValidationError) as info:
        mail.make_eml("zoë@example.org", "x", "", None)
    assert info.value.field == "to" and "zoë" not in str(info.value)
    with pytest.raises(ValidationError) as info:
        mail.make_eml("ana@example.org", "x", "", None, cc="nobody")
    assert info.value.field == "cc"


def test_a_non_ascii_sender_setting_stays_readable(db):
    saved = mail.set_smtp_settings(db, mail.SmtpSettings(
        server="smtp.example.org", port=587, security="starttls", user="zoe",
        sender='"Jäger, Zoë" <zoe@example.org>'))
    assert saved.sender == '"Jäger, Zoë" <zoe@example.org>'  # not =?utf-8?…?= in the dialog
    assert mail.get_smtp_settings(db).sender == saved.sender


def test_encoded_words_never_cut_a_character_and_stay_short():
    text = "😀é陈" * 40
    found = mail_headers.encoded_words(text)
    assert all(len(w) <= 75 for w in found) and len(found) > 1
    assert "".join(str(email.header.make_header(email.header.decode_header(w)))
                   for w in found) == text
    for word in found:  # each word decodes alone
        email.header.decode_header(word)[0][0].decode("utf-8")
    assert mail_headers.encoded_words("") == []
