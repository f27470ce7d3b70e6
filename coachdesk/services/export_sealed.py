"""The JSON export sealed with a passphrase, as an age file (https://age-encryption.org,
passphrase recipient: scrypt + ChaCha20-Poly1305), written with ``pyrage``.

A coach's IT person opens it with the ``age`` (or ``rage``) command:
``age --decrypt -o practice.json practice.json.age`` asks for the passphrase and writes
the plain JSON, the same document ``export_writer.export_practice`` writes. CoachDesk
itself opens it in memory (``load_sealed``): the plain JSON never touches the disk.

``pyrage`` holds the interpreter lock for a whole call (the scrypt step alone takes about
a second by design): the window seals and opens in a child process (``coachdesk.age_seal``).
"""

from __future__ import annotations

import io
from pathlib import Path

from ..errors import CoachDeskError, StorageError, ValidationError
from ..files import atomic_write
from ..storage import Database
from . import export_writer
from .export_writer import Progress

AGE_MAGIC = b"age-encryption.org/v1\n"
#: the file name's ending the window proposes and its file dialogs filter on
SUFFIX = ".json.age"


def export_encrypted(db: Database, out: Path | str, passphrase: str, *,
                     progress: Progress | None = None) -> Path:
    """Write the whole practice to ``out`` as an age file sealed with ``passphrase``,
    atomically (nothing plain is written to the disk). Returns the path.

    ``progress(done, total, table)`` is called after each table, as for
    ``export_writer.export_practice`` (it may raise to stop; nothing is written then).
    Raises ``ValidationError`` (``out`` is a folder, an empty passphrase) and
    ``CoachDeskError`` when it cannot be written."""
    from .. import age_seal

    out = Path(out)
    if out.exists() and out.is_dir():
        raise ValidationError(f"{out} is a folder; give a file name ending in .age.", "out")
    if not passphrase:
        raise ValidationError("The export's passphrase cannot be empty.", "passphrase")
    text = io.StringIO()
    export_writer._stream(db, text, None, progress)
    plain = text.getvalue().encode("utf-8")
    text = None  # one plain copy in memory at a time
    sealed = age_seal.encrypt(plain, passphrase)
    del plain
    with atomic_write(out, binary=True) as fh:
        fh.write(sealed)
    return out


def is_sealed(path: Path | str) -> bool:
    """True when ``path`` starts like an age file."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(AGE_MAGIC)) == AGE_MAGIC
    except OSError:
        return False


def open_sealed(path: Path | str, passphrase: str) -> bytes:
    """The JSON bytes inside the age file ``path``, in memory; ``StorageError`` (plain) when
    the passphrase does not open it (or the file is damaged), ``CoachDeskError`` when it
    cannot be read."""
    from .. import age_seal

    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CoachDeskError(f"There is no file at {path}.") from None
    except OSError as exc:
        raise CoachDeskError(f"CoachDesk cannot read {path}: {exc.strerror or exc}.") from None
    plain = age_seal.decrypt(raw, passphrase)
    if plain is None:
        # age says the same for a wrong passphrase and for a damaged file; both are plain
        raise StorageError(f"That passphrase does not open {path.name} (or the file is "
                           "damaged). Please check the passphrase and try again.")
    return plain


def load_sealed(path: Path | str, passphrase: str) -> tuple[dict, dict[str, list[dict]]]:
    """Open the sealed export ``path`` in memory and check it as ``export.load`` does:
    (the parsed document, table -> rows ready for ``export.import_checked``).

    Raises ``StorageError`` (wrong passphrase), ``ValidationError`` (not a CoachDesk
    export inside) and ``CoachDeskError``; nothing is written anywhere."""
    from . import export

    path = Path(path)
    doc = export.parse_document(open_sealed(path, passphrase), path.name)
    return doc, export.check_document(doc, path.name)
