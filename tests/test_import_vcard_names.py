"""vCard names in two scripts and the siblings (issue 14): no name a card gives is lost.

A card may give its name in several scripts (FN and N with LANGUAGE, or grouped by ALTID
as RFC 6350 has it), a name only in N, several given and middle names, or only a company.
A name in another script joins the client's name as the demo's "Chen Jing (陈静)" does, so
both show in the clients list and both find the client; every other name shows in the notes
("Also known as: …"), which the import preview and the client's details show.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from coachdesk.models import Client
from coachdesk.services import client_import as ci
from ui.context import AppContext
from ui.dialogs.import_clients import ImportClientsDialog, PreviewModel


def card(*lines: str, version: str = "4.0") -> str:
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD", ""])


def rows_of(db, tmp_path, *cards: str):
    path = tmp_path / "contacts.vcf"
    path.write_text("".join(cards), encoding="utf-8")
    return ci.preview(db, ci.read_source(path))


TWO_SCRIPTS = card("FN;LANGUAGE=zh:陈静", "FN;LANGUAGE=en:Chen Jing",
                   "N;LANGUAGE=zh:陈;静;;;", "N;LANGUAGE=en:Chen;Jing;;;",
                   "EMAIL:chen.jing@example.cn")


def test_a_name_in_two_scripts_keeps_both(db, tmp_path):
    (row,) = rows_of(db, tmp_path, TWO_SCRIPTS)
    assert row.values["name"] == "陈静 (Chen Jing)"  # the card's first FN, then the other script
    assert row.values["background"] == ""
    assert row.values["email"] == "chen.jing@example.cn"
    assert not row.problems


def test_altid_groups_and_pref_choose_the_name_and_the_matching_n(db, tmp_path):
    path = tmp_path / "c.vcf"
    path.write_text(card("FN;ALTID=1;LANGUAGE=ar:محمد عبد الله",
                         "FN;ALTID=1;LANGUAGE=en;PREF=1:Mohammed Abdullah",
                         "N;ALTID=1;LANGUAGE=ar:عبد الله;محمد;;;",
                         "N;ALTID=1;LANGUAGE=en:Abdullah;Mohammed;;;"), encoding="utf-8")
    source = ci.read_source(path)
    (row,) = ci.preview(db, source)
    assert row.values["name"] == "Mohammed Abdullah (محمد عبد الله)"  # PREF=1 comes first
    assert row.values["background"] == ""
    first, last = (source.rows[0][ci.default_mapping(source)[f]]
                   for f in ("first_name", "last_name"))
    assert (first, last) == ("Mohammed", "Abdullah")  # the N in the FN's language


@pytest.mark.parametrize("lines, name, notes", [
    # N but no FN: every given and middle name, prefix and suffix
    (("N:Beispiel;Anna;Maria,Luise;Dr.;MBA",), "Dr. Anna Maria Luise Beispiel MBA", ""),
    (("N:陈;静;;;",), "陈静", ""),  # Chinese: family name first, no space
    (("N:Kim;Min-jun;;;",), "Min-jun Kim", ""),
    # an FN that leaves out a middle name keeps it in the notes, and a nickname too
    (("FN:Anna Beispiel", "N:Beispiel;Anna;Maria;;", "NICKNAME:Annie",
      "NOTE:Met at the 2025 offsite."), "Anna Beispiel",
     "Also known as: Anna Maria Beispiel; Annie\n\nMet at the 2025 offsite."),
    # an N that only repeats the FN in another order adds nothing
    (("FN:Zoë Jäger", "N:Jäger;Zoë;;;"), "Zoë Jäger", ""),
    # the same name twice in two languages is said once
    (("FN;LANGUAGE=de:Zoë Jäger", "FN;LANGUAGE=en:Zoë Jäger"), "Zoë Jäger", ""),
])
def test_no_given_name_is_dropped(db, tmp_path, lines, name, notes):
    (row,) = rows_of(db, tmp_path, card(*lines, version="3.0"))
    assert row.values["name"] == name
    assert row.values["background"] == notes


def test_a_card_with_only_a_company_is_shown_under_its_name(db, tmp_path):
    (row,) = rows_of(db, tmp_path, card("ORG:Muster AG;Sales", "EMAIL:info@muster.example",
                                        version="3.0"))
    assert row.values["name"] == "Muster AG"  # not a nameless row the coach cannot tick
    assert row.values["organization"] == "Muster AG"
    assert row.importable


def test_the_preview_and_the_client_show_the_other_script(qtbot, db, tmp_path):
    path = tmp_path / "chen.vcf"
    path.write_text(TWO_SCRIPTS.replace("EMAIL:", "NICKNAME:Jing\r\nEMAIL:")
                    + card("FN:Ana Lima", version="3.0"), encoding="utf-8")
    dialog = ImportClientsDialog(AppContext(db), None, path=path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 2, timeout=5000)
    model, notes = dialog.table.model(), PreviewModel.HEADERS.index("Notes")
    assert not dialog.table.isColumnHidden(notes)
    assert [model.index(r, notes).data() for r in range(model.rowCount())] == \
        ["Also known as: Jing", ""]
    assert model.index(0, PreviewModel.HEADERS.index("Name")).data() == "陈静 (Chen Jing)"
    with qtbot.waitSignal(dialog.finished_import, timeout=5000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    with db.session() as s:
        chen = s.exec(select(Client).where(Client.name == "陈静 (Chen Jing)")).one()
        assert chen.background == "Also known as: Jing"
    # typed in the clients list's search box, either script finds her
    from ui.pages.clients import ClientsPage

    page = ClientsPage(AppContext(db))
    qtbot.addWidget(page)
    page.reload()
    for typed in ("Chen Jing", "陈静"):
        page.search.clear()
        if typed.isascii():
            qtbot.keyClicks(page.search, typed)
        else:  # as an input method commits it (QTest types Latin-1 keys only)
            page.search.insert(typed)
        qtbot.waitUntil(lambda: page.proxy.rowCount() == 1, timeout=3000)
        assert page.proxy.index(0, 0).data() == "陈静 (Chen Jing)"
