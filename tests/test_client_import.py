"""Client import from CSV and vCard (issue 7): reading, mapping, preview, one-transaction import."""

from __future__ import annotations

import hashlib
import pathlib
import shutil
from pathlib import Path

import pytest
from sqlmodel import select

from coachdesk.errors import CoachDeskError, ValidationError
from coachdesk.models import Client, Organization
from coachdesk.services import client_import as ci
from coachdesk.services import clients, search

DATA = Path(__file__).parent / "data" / "import"


def practice_checksum(db) -> str:
    """Every client and organisation row, in id order: equal before/after means untouched."""
    with db.session() as s:
        conn = s.connection()
        rows = conn.exec_driver_sql("SELECT * FROM client ORDER BY id").fetchall()
        rows += conn.exec_driver_sql("SELECT * FROM organization ORDER BY id").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def client_named(db, name: str) -> Client:
    with db.session() as s:
        return s.exec(select(Client).where(Client.name == name)).one()


def org_name(db, org_id) -> str:
    with db.session() as s:
        return s.get(Organization, org_id).name


def problems(rows, label: str) -> set[str]:
    return {p.code for p in next(r for r in rows if r.label == label).problems}


# -- encodings ---------------------------------------------------------------------


def test_outlook_utf8_bom_with_arabic_chinese_emoji_and_markup(db):
    source = ci.read_source(DATA / "outlook_utf8_bom.csv")
    assert source.encoding == "utf-8-sig" and source.delimiter == ","
    assert source.headers[0] == "First Name"  # the BOM is not part of the first column name
    mapping = ci.default_mapping(source)
    h = source.headers
    assert h[mapping["first_name"]] == "First Name" and h[mapping["last_name"]] == "Last Name"
    assert h[mapping["email"]] == "E-mail Address" and h[mapping["phone"]] == "Mobile Phone"
    assert h[mapping["job_title"]] == "Job Title"  # not Outlook's "Title" (Mr/Ms)
    assert h[mapping["organization"]] == "Company" and h[mapping["background"]] == "Notes"
    rows = ci.preview(db, source, mapping)
    assert [r.problems for r in rows] == [[], [], []]
    result = ci.import_rows(db, rows)
    assert (result.imported, result.skipped, result.organizations_created) == (3, 0, 3)
    layla = client_named(db, "Layla Haddad (ليلى حداد)")
    assert layla.email == "layla.haddad@example.org" and layla.phone == "+971 50 123 4567"
    assert layla.background == 'Referred by Amara; prefers Arabic "or" English'
    wei = client_named(db, "Wei Zhang (张伟)")
    assert wei.job_title == "总经理" and org_name(db, wei.organization_id) == "上海远景咨询"
    sam = client_named(db, "Sam <b>&\"' 🎯")
    assert sam.job_title == 'CTO, "acting"' and sam.background == "🚀 rocket note"
    assert org_name(db, sam.organization_id) == "Hostile & Co <i>"
    # The search index follows (database triggers), Arabic and Chinese included.
    assert any(hit.client_id == layla.id for hit in search.search(db, "حداد"))
    assert any(hit.client_id == wei.id for hit in search.search(db, "张伟"))


def test_windows_1252_french_excel_file_keeps_accents_and_euro(db):
    source = ci.read_source(DATA / "excel_fr_cp1252.csv")
    assert source.encoding == "cp1252" and source.delimiter == ";"
    rows = ci.preview(db, source)
    assert rows[0].values == {
        "name": "Hélène Dubois", "email": "helene.dubois@example.fr", "phone": "+33 6 12 34 56 78",
        "job_title": "Directrice financière", "organization": "Crédit Régional",
        "background": "Budget 12 000 € validé"}
    result = ci.import_rows(db, rows)
    assert (result.imported, result.organizations_created) == (2, 1)  # one shared organisation
    assert client_named(db, "Zoé Lefèvre").organization_id == \
        client_named(db, "Hélène Dubois").organization_id


def test_plain_utf8_is_not_mistaken_for_windows_1252():
    text, encoding = ci.decode("Name\n陈静 😀 مرحبا Zoë\n".encode())
    assert encoding == "utf-8" and "陈静 😀 مرحبا Zoë" in text
    text, encoding = ci.decode("Name\nZoë 5 €\n".encode("cp1252"))
    assert encoding == "cp1252" and "Zoë 5 €" in text


def test_utf16_unicode_text_from_excel(tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes("Name\tEmail\nÅsa Öberg\tasa@example.se\n".encode("utf-16"))
    source = ci.read_source(path)
    assert source.delimiter == "\t" and source.rows == [["Åsa Öberg", "asa@example.se"]]


# -- delimiters and ragged rows ------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_detected_even_with_the_others_inside_values(tmp_path, delimiter):
    rows = [["Name", "Email", "Job Title", "Company"],
            ["Ana Silva", "ana@example.pt", "Head of Sales, EMEA; interim", "Silva; Filhos, Lda"],
            ["Ben Ode", "ben@example.com", "CFO", "Ode, Inc."]]
    quote = lambda cell: f'"{cell}"' if any(c in cell for c in ",;\t") else cell  # noqa: E731
    path = tmp_path / "people.csv"
    path.write_text("\n".join(delimiter.join(quote(c) for c in r) for r in rows) + "\n")
    source = ci.read_source(path)
    assert source.delimiter == delimiter
    assert source.rows == rows[1:]


def test_single_column_file_of_names(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("Name\nAda Lovelace\nAlan Turing\n")
    source = ci.read_source(path)
    assert source.rows == [["Ada Lovelace"], ["Alan Turing"]]
    assert ci.default_mapping(source)["name"] == 0


def test_ragged_rows_short_padded_long_flagged(db):
    source = ci.read_source(DATA / "ragged.csv")
    assert source.rows[0] == ["Short Row", "", ""]  # padded
    assert source.extra == [0, 0, 2]  # a trailing empty cell is harmless; two real ones are not
    rows = ci.preview(db, source)
    assert [r.label for r in rows] == ["Row 2", "Row 3", "Row 4"]
    assert problems(rows, "Row 2") == set() and problems(rows, "Row 3") == set()
    assert problems(rows, "Row 4") == {"extra_cells"}
    assert "2 more cells" in rows[2].problem_text
    assert rows[2].importable  # the coach may still tick it after checking
    result = ci.import_rows(db, rows)
    assert (result.imported, result.skipped) == (2, 1)


# -- refused files: one plain message, nothing changed --------------------------------


@pytest.mark.parametrize("content, words", [
    (None, "is a picture (PNG)"),  # the fixture: a real PNG renamed .csv
    (b"", "is empty"),
    (b"\xef\xbb\xbf\r\n  \r\n", "is empty"),
    (b"Name,Email\r\n", "no rows of clients"),
    (b"PK\x03\x04" + b"\x00" * 200, "Save As"),  # an .xlsx renamed .csv
    (b"Name\x00,\x00Email\x00\x01\x02\x03", "not a text file"),
    (bytes(range(1, 32)) * 50, "not a text file"),
])
def test_unusable_files_are_refused_with_one_plain_sentence(demo_db, tmp_path, content, words):
    path = tmp_path / "clients.csv"
    if content is None:
        shutil.copy(DATA / "picture.csv", path)
    else:
        path.write_bytes(content)
    before = practice_checksum(demo_db)
    with pytest.raises(ValidationError) as err:
        ci.read_source(path)
    message = str(err.value)
    assert words in message and "clients.csv" in message
    assert "\n" not in message and "Traceback" not in message
    assert practice_checksum(demo_db) == before


def test_a_50_mb_file_is_refused_on_its_size_without_being_read(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.write(b"Name,Email\n")
        fh.truncate(50 * 1024 * 1024)
    opened = []
    real_open = pathlib.Path.open
    monkeypatch.setattr(pathlib.Path, "open",
                        lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k))
    before = practice_checksum(demo_db)
    with pytest.raises(ValidationError, match=r"“huge.csv” is 50 MB; CoachDesk imports files up to 20 MB"):
        ci.read_source(path)
    assert path not in opened  # decided on the size alone
    assert practice_checksum(demo_db) == before


def test_a_missing_file_is_one_sentence(tmp_path):
    with pytest.raises(ValidationError, match="could not be found"):
        ci.read_source(tmp_path / "gone.csv")


def test_too_many_rows_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(ci, "MAX_ROWS", 5)
    path = tmp_path / "many.csv"
    path.write_text("Name\n" + "".join(f"Person {i}\n" for i in range(20)))
    with pytest.raises(ValidationError, match="up to 5 clients at a time"):
        ci.read_source(path)


# -- mapping -------------------------------------------------------------------------


def test_mapping_guesses_french_german_spanish_and_google_headers():
    g = ci.guess_mapping
    assert g(["Prénom", "Nom", "Courriel", "Société", "Fonction", "Téléphone portable"]) == {
        "name": None, "first_name": 0, "last_name": 1, "email": 2, "phone": 5, "job_title": 4,
        "organization": 3, "background": None}
    assert g(["Vorname", "Nachname", "E-Mail-Adresse", "Firma", "Position", "Handy", "Notizen"]) == {
        "name": None, "first_name": 0, "last_name": 1, "email": 2, "phone": 5, "job_title": 4,
        "organization": 3, "background": 6}
    assert g(["Nombre", "Apellidos", "Correo electrónico", "Empresa", "Cargo", "Móvil"]) == {
        "name": None, "first_name": 0, "last_name": 1, "email": 2, "phone": 5, "job_title": 4,
        "organization": 3, "background": None}
    google = g(["Name", "Given Name", "Family Name", "E-mail 1 - Value", "Phone 1 - Value",
                "Organization 1 - Name", "Organization 1 - Title"])
    assert google == {"name": 0, "first_name": 1, "last_name": 2, "email": 3, "phone": 4,
                      "job_title": 6, "organization": 5, "background": None}
    # "Company name" is an organisation, never the client's name.
    assert g(["Company name", "Work e-mail"]) == {
        "name": None, "first_name": None, "last_name": None, "email": 1, "phone": None,
        "job_title": None, "organization": 0, "background": None}


def test_caller_can_override_the_mapping(db):
    source = ci.read_source(DATA / "google_tab.csv")
    rows = ci.preview(db, source)
    assert rows[0].values["email"] == "maria@example.es"  # first of Google's " ::: " list
    assert rows[1].values["name"] == "Pablo Ruiz"  # empty Name: from given + family
    mapping = ci.default_mapping(source) | {"name": None, "organization": None}
    rows = ci.preview(db, source, mapping)
    assert rows[0].values["name"] == "María Fernández" and rows[0].values["organization"] == ""


# -- preview problems ------------------------------------------------------------------


def test_duplicates_of_demo_clients_and_within_the_file(demo_db):
    rows = ci.preview(demo_db, ci.read_source(DATA / "duplicates.csv"))
    assert problems(rows, "Row 2") == {"duplicate_existing"}  # Zoë's e-mail, other case
    assert "Zoë Whitfield" in rows[0].problem_text
    assert problems(rows, "Row 3") == {"duplicate_existing"}  # "Grace  Mensah": same name
    assert problems(rows, "Row 4") == set()
    assert problems(rows, "Row 5") == {"duplicate_in_file"}  # NADIA@ is Nadia's from row 4
    assert "row 4" in rows[3].problem_text
    assert problems(rows, "Row 6") == {"missing_name"}
    assert problems(rows, "Row 7") == {"bad_email"}
    assert "does not look like an e-mail address" in rows[5].problem_text
    assert "not-an-address" not in rows[5].problem_text  # the data is in its own column
    assert problems(rows, "Row 8") == set()
    assert [r.importable for r in rows] == [True, True, True, True, False, False, True]


def test_skipping_rows_with_problems_imports_the_rest(demo_db):
    rows = ci.preview(demo_db, ci.read_source(DATA / "duplicates.csv"))
    before = clients.count(demo_db)
    result = ci.import_rows(demo_db, rows)
    assert (result.imported, result.skipped) == (2, 5)
    assert result.sentence() == "2 clients imported, 5 rows skipped; 1 new organisation."
    assert clients.count(demo_db) == before + 2
    # "atelier lumière" is the demo's "Atelier Lumière": found, not created again.
    nadia = client_named(demo_db, "Nadia Benali")
    assert org_name(demo_db, nadia.organization_id) == "Atelier Lumière"
    assert org_name(demo_db, client_named(demo_db, "Kofi Boateng").organization_id) == \
        "Accra Leadership Lab"


def test_coach_may_tick_a_duplicate_but_never_a_row_without_a_name(demo_db):
    rows = ci.preview(demo_db, ci.read_source(DATA / "duplicates.csv"))
    result = ci.import_rows(demo_db, rows, chosen={2, 6, 7})
    assert (result.imported, result.skipped) == (1, 6)
    assert client_named(demo_db, "Someone New").email == "ZOE.WHITFIELD@EXAMPLE.COM"


def test_import_is_one_transaction(demo_db):
    rows = ci.preview(demo_db, ci.read_source(DATA / "outlook_utf8_bom.csv"))
    before = practice_checksum(demo_db)

    def fail_on_third(done, total):
        if done == 3:
            raise OSError("disk full")

    with pytest.raises(CoachDeskError) as err:
        ci.import_rows(demo_db, rows, progress=fail_on_third)
    assert "Nothing was imported" in str(err.value) and "Row 4" in str(err.value)
    assert practice_checksum(demo_db) == before  # the two clients and three organisations before it are gone
    assert not search.search(demo_db, "Haddad")


def test_a_row_refused_by_the_service_rules_at_import_rolls_back_everything(demo_db, monkeypatch):
    rows = ci.preview(demo_db, ci.read_source(DATA / "excel_fr_cp1252.csv"))
    rows[1].values["email"] = "changed since the preview"  # as if the row were edited meanwhile
    before = practice_checksum(demo_db)
    with pytest.raises(ValidationError, match=r"^Row 3: .*does not look like an e-mail.*Nothing was imported"):
        ci.import_rows(demo_db, rows, chosen={2, 3})
    assert practice_checksum(demo_db) == before


# -- vCard -----------------------------------------------------------------------------


def test_apple_vcard_3_with_folded_lines_and_groups(db):
    source = ci.read_source(DATA / "apple_v3.vcf")
    assert source.kind == "vcard" and source.fixed_mapping
    rows = ci.preview(db, source)
    assert [r.label for r in rows] == ["Card 1", "Card 2"]
    assert rows[0].values == {
        "name": "Yuki Nakamura", "email": "yuki.nakamura@example.jp",  # folded mid-address
        "phone": "+81 90 1234 5678", "job_title": "VP Engineering", "organization": "Hoshi Systems",
        "background": "Met at the leadership retreat, Kyoto.\nWants to work on delegation and presence."}
    assert rows[1].values["phone"] == "+234 803 555 0100"  # the mobile, not the work line
    result = ci.import_rows(db, rows)
    assert result.imported == 2
    assert client_named(db, "Chidi Okonkwo").email == "chidi@example.ng"


def test_outlook_vcard_21_quoted_printable_windows_1252(db):
    rows = ci.preview(db, ci.read_source(DATA / "outlook_v21_qp.vcf"))
    assert rows[0].values == {
        "name": "Renée Bérard", "email": "renee.berard@example.fr", "phone": "+33 6 98 76 54 32",
        "job_title": "Directrice", "organization": "Société Générale des Eaux",
        "background": "Budget 5 000 € accordé.\nSuivi trimestriel demandé."}  # soft break joined


def test_vcard_4_preferred_email_tel_uri_and_a_chinese_name(demo_db):
    rows = ci.preview(demo_db, ci.read_source(DATA / "v4.vcf"))
    assert rows[0].values["email"] == "fz.elidrissi@example.ma"  # PREF=1 wins
    assert rows[0].values["phone"] == "+212-600-000-000"
    assert rows[0].values["job_title"] == "Managing Partner 🌍"
    assert rows[1].values["name"] == "陈静"  # from N, family name first
    assert rows[1].problems == []
    ci.import_rows(demo_db, rows)
    assert client_named(demo_db, "陈静").email == "chen.jing.new@example.cn"


@pytest.mark.parametrize("fixture, words", [
    ("no_end.vcf", "Card 2 in “no_end.vcf” (from line 5) has no END:VCARD line"),
    ("garbage_card.vcf", "Card 2 in “garbage_card.vcf” (from line 5) could not be read"),
])
def test_broken_vcards_name_the_card(demo_db, fixture, words):
    before = practice_checksum(demo_db)
    with pytest.raises(ValidationError) as err:
        ci.read_source(DATA / fixture)
    assert str(err.value).startswith(words)
    assert practice_checksum(demo_db) == before


def test_vcard_cut_short_and_text_outside_cards(tmp_path):
    cut = tmp_path / "cut.vcf"
    cut.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\nBEGIN:VCARD\nFN:B\n")
    with pytest.raises(ValidationError, match="Card 2 .* no END:VCARD line: the file may be cut short"):
        ci.read_source(cut)
    junk = tmp_path / "junk.vcf"
    junk.write_text("hello\nBEGIN:VCARD\nFN:A\nEND:VCARD\n")
    with pytest.raises(ValidationError, match="line 1 \\(before the first card\\)"):
        ci.read_source(junk)
    nothing = tmp_path / "nothing.vcf"
    nothing.write_text("\n\n")
    with pytest.raises(ValidationError, match="is empty"):
        ci.read_source(nothing)


def test_vcard_content_is_recognised_without_the_extension(tmp_path):
    path = tmp_path / "contacts.txt"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEND:VCARD\r\n")
    assert ci.read_source(path).kind == "vcard"
