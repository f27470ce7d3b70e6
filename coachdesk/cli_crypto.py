"""The passphrase on the command line, and ``encrypt`` / ``decrypt`` / ``change-passphrase``.

Every command opens an encrypted practice with the passphrase read from
``--passphrase-file FILE`` (its first line) or from the environment variable
``COACHDESK_PASSPHRASE``; a passphrase is never an argument's value (other users of the
computer could read it in the process list) and never reaches a log or a message.
A recovery key comes from ``--recovery-key-file FILE``.

``export`` of an encrypted practice writes an age file sealed with the passphrase, unless
``--plain`` is given; ``--encrypt`` seals the export of a plain practice too.

Registered by ``coachdesk.cli``: ``add_parser`` adds the options and commands, ``run``
unlocks the practice before any command and runs the commands of this module.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from . import encryption, practice_crypto, storage
from .errors import CoachDeskError

ENV = "COACHDESK_PASSPHRASE"
COMMANDS = ("encrypt", "decrypt", "change-passphrase")


def add_parser(parser: argparse.ArgumentParser, sub) -> None:
    """The global ``--passphrase-file`` / ``--recovery-key-file`` options, the export's
    ``--plain`` / ``--encrypt``, and this module's commands."""
    parser.add_argument("--passphrase-file", metavar="FILE",
                        help=f"read the practice's passphrase from FILE (or set ${ENV})")
    parser.add_argument("--recovery-key-file", metavar="FILE",
                        help="open an encrypted practice with the recovery key in FILE")
    export = sub.choices.get("export")
    if export is not None:
        how = export.add_mutually_exclusive_group()
        how.add_argument("--plain", action="store_true",
                         help="write plain JSON even from an encrypted practice")
        how.add_argument("--encrypt", action="store_true",
                         help="seal the export with the passphrase (an age file)")
    sub.add_parser("encrypt", help="encrypt the practice in place with a passphrase",
                   description="Encrypt the practice file in place, after a verified backup. "
                   f"The passphrase comes from --passphrase-file or ${ENV}. Prints the "
                   "recovery key once: print it and keep it safe.")
    sub.add_parser("decrypt", help="turn an encrypted practice back into a plain file",
                   description="Decrypt the practice file in place, after a verified backup. "
                   "Its backups stay encrypted.")
    p = sub.add_parser("change-passphrase", help="seal the practice with a new passphrase",
                       description="Change the passphrase (the file is not re-encrypted; the "
                       "recovery key stays valid).")
    p.add_argument("--new-passphrase-file", metavar="FILE", required=True,
                   help="read the new passphrase from FILE")


def read_secret(file: str | None, env: str | None = ENV) -> str | None:
    """The first line of ``file`` (without its line end), else ``$env``, else None."""
    if file:
        try:
            text = Path(file).expanduser().read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CoachDeskError(f"The passphrase file {file} cannot be read "
                                 f"({getattr(exc, 'strerror', None) or 'not text'}).") from None
        return text.splitlines()[0] if text else ""
    return os.environ.get(env) if env else None


def _needed(path: Path) -> CoachDeskError:
    return encryption.PassphraseNeededError(
        f"{path.name} is encrypted: give its passphrase with --passphrase-file FILE or the "
        f"environment variable {ENV} (or --recovery-key-file FILE).")


def unlock(args: argparse.Namespace, path: Path) -> None:
    """Unlock ``path`` with what the command line gives, when it is encrypted."""
    if not encryption.is_encrypted(path):
        return
    try:
        encryption.key_for(path)
        return  # unlocked already (this process), or a plain refusal raised
    except encryption.KeyFileMissingError:
        if not getattr(args, "recovery_key_file", None):
            raise
    except encryption.PassphraseNeededError:
        pass
    except storage.StorageError:
        return  # not a database, a newer key file …: the command itself says so
    recovery = read_secret(args.recovery_key_file, None) if args.recovery_key_file else None
    passphrase = None if recovery is not None else read_secret(args.passphrase_file)
    if recovery is None and passphrase is None:
        raise _needed(path)
    encryption.unlock(path, passphrase, recovery)


def run(args: argparse.Namespace, db_path: Path,
        writing: Callable[[Path], AbstractContextManager]) -> int | None:
    """Unlock the practice (and a backup being restored), then run this module's commands
    and the sealed export; None for any other command (``cli`` runs it)."""
    unlock(args, db_path)
    if args.command == "restore" and Path(args.file).exists():
        unlock(args, Path(args.file))
    if args.command == "export" and not args.plain and (
            args.encrypt or encryption.is_encrypted(db_path)):
        return _sealed_export(args, db_path)
    if args.command not in COMMANDS:
        return None
    if not db_path.exists():
        raise CoachDeskError(f"There is no CoachDesk file at {db_path} (check --db).")
    with writing(db_path):
        if args.command == "encrypt":
            passphrase = read_secret(args.passphrase_file)
            if not passphrase:
                raise CoachDeskError(f"Give the new passphrase with --passphrase-file FILE or "
                                     f"${ENV}; nothing was changed.")
            done = practice_crypto.encrypt_practice(db_path, passphrase)
            spaced = "  ".join(done.recovery_key.split("-"))  # as the window and the PDF show it
            print(f"{db_path.name} is now encrypted. Its recovery key (shown only now):\n\n"
                  f"    {spaced}\n\nPrint it and keep it somewhere safe. If both the "
                  "passphrase and this key are lost, nobody (not even CoachDesk) can open "
                  "the practice.")
            for warning in done.warnings:
                print(warning, file=sys.stderr)
        elif args.command == "decrypt":
            if not encryption.is_encrypted(db_path):
                raise CoachDeskError(f"{db_path.name} is not encrypted; nothing was changed.")
            practice_crypto.decrypt_practice(db_path)  # unlocked above
            print(f"{db_path.name} is now a plain file (its older backups stay encrypted).")
        else:
            new = read_secret(args.new_passphrase_file, None)
            if not new:
                raise CoachDeskError("The new passphrase file is empty; nothing was changed.")
            practice_crypto.change_passphrase(db_path, new)
            print(f"The passphrase of {db_path.name} was changed; the recovery key stays "
                  "the same.")
    return 0


def _sealed_export(args: argparse.Namespace, db_path: Path) -> int:
    from .services import export_sealed

    passphrase = read_secret(args.passphrase_file)
    if not passphrase:
        raise CoachDeskError("An encrypted export needs a passphrase (--passphrase-file FILE "
                             f"or ${ENV}); or write plain JSON with --plain.")
    if not db_path.exists():
        raise CoachDeskError(f"There is no CoachDesk file at {db_path} (check --db).")
    db = storage.open_database(db_path)
    try:
        out = export_sealed.export_encrypted(db, Path(args.out).expanduser(), passphrase)
    finally:
        db.close()
    print(f"Practice exported to {out}, sealed with the passphrase (an age file: open it "
          "with `age --decrypt`).")
    return 0


def load_export(args: argparse.Namespace, path: Path) -> dict:
    """The rows of the export ``path`` for ``import``, checked (``export.load``); a sealed
    one (an age file) is opened in memory with the passphrase of ``--passphrase-file`` or
    ``$COACHDESK_PASSPHRASE``: nothing decrypted is written to the disk."""
    from .services import export, export_sealed

    if not export_sealed.is_sealed(path):
        return export.load(path)
    passphrase = read_secret(args.passphrase_file)
    if not passphrase:
        raise CoachDeskError(f"{path.name} is sealed with a passphrase: give it with "
                             f"--passphrase-file FILE or ${ENV}; nothing was imported.")
    return export_sealed.load_sealed(path, passphrase)[1]
