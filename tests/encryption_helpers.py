"""Shared by the tests/test_encryption*.py files: cheap keys, a clean key registry, and
an encrypted copy of the session's template practices."""

from __future__ import annotations

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


def encrypted_copy(template: Path, to: Path, passphrase: str = PASSPHRASE) -> str:
    """An encrypted copy of ``template`` at ``to``; returns its recovery key."""
    copy_practice(template, to)
    return practice_crypto.encrypt_practice(to, passphrase).recovery_key


def folder_state(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file under ``folder``: (size, mtime_ns, bytes)."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}
