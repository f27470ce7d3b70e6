"""Which client field a spreadsheet column feeds, judged from the column's name.

The vocabulary of client import (``client_import``): the fields a column can feed, their
labels, and the column names each field recognises in English, French, German, Spanish,
Outlook and Google Contacts exports. A leaf module: the vCard reader and the import steps
both build on it, it builds on nothing of theirs.
"""

from __future__ import annotations

import re

from . import validation as v

#: the client fields a column can feed, in the order the mapping step shows them
FIELDS = ("name", "first_name", "last_name", "email", "phone", "job_title", "organization",
          "background")
FIELD_LABELS = {
    "name": "Full name", "first_name": "First name", "last_name": "Last name",
    "email": "E-mail", "phone": "Phone", "job_title": "Job title",
    "organization": "Organisation", "background": "Notes (background)",
}

# Column names each field recognises, best first, compared after ``_norm`` (folded,
# punctuation as spaces). "title" comes last for the job: Outlook's "Title" is Mr/Ms,
# its job is "Job Title". French "nom" is the family name; Spanish "nombre" the given one.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "display name", "client", "client name", "coachee", "contact",
             "contact name", "nom complet", "nom et prenom", "prenom et nom", "vollstandiger name",
             "anzeigename", "nombre completo", "nombre y apellidos", "фио", "полное имя"),
    "first_name": ("first name", "given name", "firstname", "forename", "prenom", "vorname",
                   "nombre", "nome", "имя"),
    "last_name": ("last name", "family name", "surname", "lastname", "nom", "nom de famille",
                  "nachname", "familienname", "apellido", "apellidos", "cognome", "фамилия"),
    "email": ("e mail address", "email address", "e mail", "email", "e mail 1 value",
              "e mail 1 address", "primary email", "work email", "mail", "courriel",
              "adresse e mail", "adresse electronique", "e mail adresse", "correo",
              "correo electronico", "эл почта", "электронная почта"),
    "phone": ("mobile phone", "mobile", "cell phone", "phone", "phone number", "telephone",
              "phone 1 value", "primary phone", "business phone", "work phone", "home phone",
              "telephone mobile", "portable", "tel", "handy", "mobiltelefon", "telefon",
              "telefonnummer", "telefono", "movil", "celular", "телефон", "мобильный телефон",
              "рабочий телефон"),
    "job_title": ("job title", "organization title", "organization 1 title", "position", "role",
                  "job", "fonction", "poste", "intitule du poste", "berufsbezeichnung",
                  "position im unternehmen", "stellung", "cargo", "puesto", "title", "titre",
                  "должность"),
    "organization": ("company", "organization", "organisation", "organization name",
                     "organization 1 name", "employer", "company name", "entreprise", "societe",
                     "organisme", "employeur", "firma", "unternehmen", "arbeitgeber", "empresa",
                     "organizacion", "compania", "компания", "организация"),
    "background": ("notes", "note", "background", "comments", "comment", "remarques",
                   "commentaires", "notizen", "bemerkungen", "notas", "comentarios", "заметки",
                   "примечания"),
}


def _norm(header: str) -> str:
    # letters of every script count (Cyrillic "Фамилия"), punctuation is a space
    return " ".join(re.sub(r"[\W_]+", " ", v.fold(header)).split())


def guess_mapping(headers: list[str]) -> dict[str, int | None]:
    """field -> index of the column that feeds it (None: not in this file).

    First every field looks for a column named exactly like one of its synonyms
    (best synonym first); then the fields still without a column accept one whose
    name contains a synonym as whole words ("Work e-mail", "Company (current)").
    Names are left out of that second pass: "Company name" is not a person's name."""
    normed = [_norm(h) for h in headers]
    mapping: dict[str, int | None] = dict.fromkeys(FIELDS)
    used: set[int] = set()

    def claim(field_name: str, test) -> None:
        for synonym in map(_norm, SYNONYMS[field_name]):  # folded as the headers are
            hit = next((i for i, h in enumerate(normed) if i not in used and test(h, synonym)),
                       None)
            if hit is not None:
                mapping[field_name] = hit
                used.add(hit)
                return

    for field_name in FIELDS:
        claim(field_name, lambda h, syn: h == syn)
    for field_name in ("email", "phone", "organization", "job_title", "background"):
        if mapping[field_name] is None:
            claim(field_name, lambda h, syn: len(syn) > 3 and f" {syn} " in f" {h} ")
    return mapping


def phone_columns(headers: list[str]) -> list[int]:
    """Every column named like a phone number, the best first ("Mobile Phone" before
    "Business Phone" before "Home Phone"): an Outlook export has them all and fills one
    or two, so a row whose guessed phone column is empty takes the next filled one."""
    normed = [_norm(h) for h in headers]
    order: list[int] = []
    for synonym in map(_norm, SYNONYMS["phone"]):
        order += [i for i, h in enumerate(normed) if h == synonym and i not in order]
    return order
