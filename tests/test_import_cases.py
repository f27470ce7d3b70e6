"""Client import field cases (issue 14): files from /work/shared/cases/imports, each with the
value a coach expects; and the siblings of each kind of fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachdesk.errors import ValidationError
from coachdesk.services import client_import as ci

CASES = Path(__file__).parent / "data" / "imports"


def values(db, path, **kw):
    return [r.values for r in ci.preview(db, ci.read_source(path, **kw))]


def test_vcard21_lowercase_names_and_quoted_printable_decode(db):
    rows = values(db, CASES / "vcard21-lowercase-qp.vcf")
    assert [r["name"] for r in rows] == ["Dümmy Schärer", "Zoë Jäger"]
    assert rows[1]["email"] == "zoe.jaeger@example.org"


@pytest.mark.parametrize("charset, raw, expected", [
    ("utf-8", "Zo=C3=AB J=C3=A4ger", "Zoë Jäger"),
    ("iso-8859-1", "Zo=EB J=E4ger", "Zoë Jäger"),
    ("windows-1252", "Zo=EB =80", "Zoë €"),
    (None, "D=C3=BCmmy", "Dümmy"),
])
def test_quoted_printable_with_any_charset(db, tmp_path, charset, raw, expected):
    params = ";encoding=quoted-printable" + (f";charset={charset}" if charset else "")
    path = tmp_path / "c.vcf"
    path.write_bytes(f"begin:vcard\r\nversion:2.1\r\nfn{params}:{raw}\r\nend:vcard\r\n".encode())
    row = ci.preview(db, ci.read_source(path))[0]
    assert row.values["name"] == expected
    assert not row.problems


def test_undecodable_quoted_printable_is_a_row_problem_never_a_bytes_repr(db, tmp_path):
    path = tmp_path / "c.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
                     b"FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Zo=EB Bad\r\nEND:VCARD\r\n")
    row = ci.preview(db, ci.read_source(path))[0]
    assert "b'" not in row.values["name"] and row.values["name"].endswith("Bad")
    assert [p.code for p in row.problems] == ["undecodable"]
    assert "Zo" not in row.problem_text and "\n" not in row.problem_text


def test_excel_sep_line_names_the_delimiter(db):
    source = ci.read_source(CASES / "excel-sep-line.csv")
    assert source.delimiter == ";"
    rows = values(db, CASES / "excel-sep-line.csv")
    assert [(r["name"], r["organization"], r["email"], r["job_title"]) for r in rows] == [
        ("Anna Beispiel", "Muster AG", "anna.beispiel@example.org", "Leiterin Vertrieb"),
        ("Bernd Probe", "Muster AG", "bernd.probe@example.org", "CFO")]


@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_sep_line_with_each_delimiter_with_or_without_bom(db, tmp_path, sep, bom):
    other = ";" if sep == "," else ","  # the other delimiter inside a value must not split it
    text = f"sep={sep}\r\nName{sep}Firma\r\nAnna B{other} jr{sep}Muster AG\r\n"
    path = tmp_path / "s.csv"
    path.write_bytes(bom + text.encode())
    source = ci.read_source(path)
    assert source.delimiter == sep and source.headers == ["Name", "Firma"]
    assert values(db, path) == [{"name": f"Anna B{other} jr", "email": "", "phone": "",
                                 "job_title": "", "organization": "Muster AG", "background": ""}]


def test_cp1251_cyrillic_excel_file_is_detected(db):
    source = ci.read_source(CASES / "excel-cp1251.csv")
    assert source.encoding == "cp1251"
    rows = values(db, CASES / "excel-cp1251.csv")
    assert [(r["name"], r["organization"]) for r in rows] == [
        ("Игорь Загорский", "Северсталь-Пример"), ("Ольга Белова", "Пример Групп")]


def test_windows_1252_western_file_still_reads_as_before(tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes("Nom;Société\r\nRenée Bérard;Société Générale des Eaux 5 000 €\r\n"
                     .encode("cp1252"))
    source = ci.read_source(path)
    assert source.rows == [["Renée Bérard", "Société Générale des Eaux 5 000 €"]]


def test_explicit_encoding_rereads_with_the_coachs_choice(tmp_path):
    path = tmp_path / "g.csv"
    path.write_bytes("Name,Company\r\nΓιώργος Παπαδόπουλος,Εταιρεία\r\n".encode("cp1253"))
    source = ci.read_source(path, encoding="cp1253")
    assert source.encoding == "cp1253"
    assert source.rows == [["Γιώργος Παπαδόπουλος", "Εταιρεία"]]
    assert ci.read_source(path, encoding="latin-1").encoding == "iso8859-1"


def test_unknown_encoding_is_one_plain_sentence(tmp_path):
    path = tmp_path / "g.csv"
    path.write_bytes(b"Name\r\nAnna\r\n")
    with pytest.raises(ValidationError) as info:
        ci.read_source(path, encoding="klingon-8")
    assert "encoding" in str(info.value) and "Error" not in str(info.value)
    path.write_bytes(b"Name\r\nAnn\xe9\r\n")
    with pytest.raises(ValidationError, match="cannot be read as utf-8"):
        ci.read_source(path, encoding="utf-8")


@pytest.mark.parametrize("name", ["phone-dial-pause.csv", "phone-dial-pause.vcf"])
def test_phone_keeps_pauses_and_extension(db, name):
    assert values(db, CASES / name)[0]["phone"] == "+1 555 010 0199,,4321"


@pytest.mark.parametrize("column", ["Business Phone", "Mobile Phone"])
def test_outlook_export_with_only_one_phone_column(db, tmp_path, column):
    path = tmp_path / "outlook.csv"
    path.write_text(f"First Name,Last Name,E-mail Address,{column}\r\n"
                    "Sam,Lee,sam.lee@example.com,+44 20 7946 0958\r\n", encoding="utf-8")
    assert values(db, path)[0]["phone"] == "+44 20 7946 0958"


def test_google_multiple_phones_still_take_the_first(db, tmp_path):
    path = tmp_path / "google.csv"
    path.write_text("Name,Phone 1 - Value\r\nSam Lee,+1 555 0100 ::: +1 555 0101\r\n",
                    encoding="utf-8")
    assert values(db, path)[0]["phone"] == "+1 555 0100"


def test_russian_column_names_are_guessed():
    mapping = ci.guess_mapping(["Имя", "Фамилия", "Эл. почта", "Компания", "Должность",
                                "Мобильный телефон"])
    assert mapping["first_name"] == 0 and mapping["last_name"] == 1 and mapping["email"] == 2
    assert mapping["organization"] == 3 and mapping["job_title"] == 4 and mapping["phone"] == 5


@pytest.mark.parametrize("text, codec", [
    ("Name,Company\r\nΓιώργος Παπαδόπουλος,Εταιρεία Συμβούλων\r\n", "cp1253"),
    ("Name\r\n山田太郎,株式会社サンプル\r\n", "shift_jis"),
    ("Name\r\nRenée Müller\r\n", "mac_roman"),
])
def test_other_legacy_code_pages_are_detected(tmp_path, text, codec):
    path = tmp_path / "x.csv"
    path.write_bytes(text.encode(codec))
    source = ci.read_source(path)
    assert source.encoding == codec
    assert source.rows[0][0] == text.split("\r\n")[1].split(",")[0]


def test_outlook_full_export_row_with_only_business_or_mobile_phone(db, tmp_path):
    path = tmp_path / "outlook.csv"
    path.write_text("First Name,Last Name,Business Phone,Home Phone,Mobile Phone\r\n"
                    "Ann,Business,+44 20 7946 0958,,\r\n"
                    "Bob,Mobile,,,+44 7700 900123\r\n"
                    "Cy,Both,+44 20 7946 0000,,+44 7700 900999\r\n"
                    "Di,None,,,\r\n", encoding="utf-8")
    assert [r["phone"] for r in values(db, path)] == [
        "+44 20 7946 0958", "+44 7700 900123", "+44 7700 900999", ""]


def test_a_phone_column_the_coach_chose_is_not_filled_from_others(db, tmp_path):
    path = tmp_path / "outlook.csv"
    path.write_text("Name,Business Phone,Notes\r\nAnn B,+44 20 7946 0958,call me\r\n",
                    encoding="utf-8")
    source = ci.read_source(path)
    mapping = dict(ci.default_mapping(source), phone=2, background=None)
    assert ci.preview(db, source, mapping)[0].values["phone"] == "call me"
    mapping["phone"] = None
    assert ci.preview(db, source, mapping)[0].values["phone"] == ""
