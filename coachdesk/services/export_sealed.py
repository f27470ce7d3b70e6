"""The JSON export sealed with a passphrase, as an age file (https://age-encryption.org,
passphrase recipient: scrypt + ChaCha20-Poly1305), written with ``pyrage``.

A coach's IT person opens it with the ``age`` (or ``rage``) command:
``age --decrypt -o practice.json practice.json.age`` asks for the passphrase and writes
the plain JSON, the same document ``export_writer.export_practice`` writes.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..errors import StorageError, ValidationError
from ..files import atomic_write
from ..storage import Database
from . import export_writer

AGE_MAGIC = b"age-encryption.org/v1\n"


def export_encrypted(db: Database, out: Path | str, passphrase: str) -> Path:
    """Write the whole practice to ``out`` as an age file sealed with ``passphrase``,
    atomically (nothing plain is written to the disk). Returns the path.

    Raises ``ValidationError`` (``out`` is a folder, an empty passphrase) and
    ``CoachDeskError`` when it cannot be written."""
    from pyrage import passphrase as age_passphrase

    out = Path(out)
    if out.exists() and out.is_dir():
        raise ValidationError(f"{out} is a folder; give a file name ending in .age.", "out")
    if not passphrase:
        raise ValidationError("The export's passphrase cannot be empty.", "passphrase")
    text = io.StringIO()
    export_writer._stream(db, text, None, None)
    sealed = age_passphrase.encrypt(text.getvalue().encode("utf-8"), passphrase)
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
    """The JSON bytes inside the age file ``path``; ``StorageError`` (plain) when the
    passphrase does not open it."""
    from pyrage import DecryptError
    from pyrage import passphrase as age_passphrase

    try:
        return age_passphrase.decrypt(Path(path).read_bytes(), passphrase)
    except DecryptError:
        raise StorageError(f"The passphrase does not open {Path(path).name}.") from None
