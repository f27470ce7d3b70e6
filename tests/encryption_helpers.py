"""Shared by the tests/test_encryption*.py files: cheap keys, a clean key registry, and
an encrypted copy of the session's template practices."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import copy_practice

from coachdesk import encryption, practice_crypto

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def cheap_keys(monkeypatch):
    """scrypt at 2**10 (the key file records it; a real one uses 2**17), no real wait after
    a wrong passphrase (the waits are recorded), and no key left in the process after."""
    waits: list[float] = []
    monkeypatch.setattr(encryption, "SCRYPT_N", 2 ** 10)
    monkeypatch.setattr(encryption, "_sleep", waits.append)
    encryption.forget()
    yield waits
    encryption.forget()


@dataclass(frozen=True)
class _Encrypted:
    folder: Path  # the practice, its key file and its backups folder, as encrypting left them
    recovery_key: str
    key: bytes
    key_id: str


#: (template, file name, passphrase, scrypt n) -> the practice encrypted once per process
_encrypted: dict[tuple, _Encrypted] = {}
#: (test id, cache key) already handed out: a second copy in one test is encrypted anew, so
#: two practices of one test never share a data key
_handed: set[tuple[str, tuple]] = set()


def encrypted_copy(template: Path, to: Path, passphrase: str = PASSPHRASE) -> str:
    """An encrypted copy of ``template`` at ``to``; returns its recovery key.

    What ``practice_crypto.encrypt_practice`` leaves (the encrypted file, its key file, the
    encrypted "before encryption" backup in ``backups/`` beside it, the key remembered in
    this process) costs seconds to make (a verified backup, an export, a comparison, each
    twice): it is made once per test process for each template, file name and passphrase,
    then copied, file by file, like the plain templates. The first copy in a test gets the
    cached one; a second in the same test is encrypted for real, so the two have different
    data keys, as two encryptions have. Where ``to`` already has a file, key file or backups
    beside it, or a second backup folder is known, the practice is encrypted for real too.
    """
    from coachdesk import machine_state, paths

    cache_key = (Path(template), to.name, passphrase, encryption.SCRYPT_N)
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]
    fresh = (to.exists() or encryption.key_path(to).exists() or paths.backup_dir(to).exists()
             or machine_state.knows_second_folder(to) or (test, cache_key) in _handed)
    if fresh:
        copy_practice(template, to)
        return practice_crypto.encrypt_practice(to, passphrase).recovery_key
    made = _encrypted.get(cache_key)
    if made is None:
        made = _encrypted[cache_key] = _encrypt_once(template, to.name, passphrase)
    _handed.add((test, cache_key))
    to.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    for source in sorted(made.folder.rglob("*")):
        target = to.parent / source.relative_to(made.folder)
        if source.is_dir():
            target.mkdir(exist_ok=True, mode=source.stat().st_mode & 0o777)
        else:
            shutil.copy(source, target)  # bytes and mode; the time is now, as when encrypting
    encryption.remember(to, made.key, made.key_id)
    return made.recovery_key


def _encrypt_once(template: Path, name: str, passphrase: str) -> _Encrypted:
    folder = Path(tempfile.mkdtemp(prefix="coachdesk-encrypted-template-")) / "practice"
    atexit.register(shutil.rmtree, folder.parent, True)
    path = folder / name
    copy_practice(template, path)
    recovery_key = practice_crypto.encrypt_practice(path, passphrase).recovery_key
    key = encryption.parse_recovery_key(recovery_key)
    key_id = encryption.read_key_file(encryption.key_path(path))["key_id"]
    encryption.forget(path)
    return _Encrypted(folder, recovery_key, key, key_id)


def folder_state(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file under ``folder``: (size, mtime_ns, bytes)."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}
