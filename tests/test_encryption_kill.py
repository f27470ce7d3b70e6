"""kill -9 of a child process half-way through encrypting or decrypting a practice in place
(``faults.crash_point``): the practice always opens afterwards, plain or encrypted, with
every row, and the conversion run again finishes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_practice
from encryption_helpers import PASSPHRASE, cheap_keys, encrypted_copy  # noqa: F401

from coachdesk import encryption, practice_crypto, storage

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(os.name != "posix" or not hasattr(signal, "SIGKILL"),
                                reason="kill -9 of a child process needs POSIX (SIGKILL)")

CHILD = """
import os, sys
from coachdesk import encryption, practice_crypto
encryption.SCRYPT_N = 2 ** 10
if sys.argv[2] == "encrypt":
    practice_crypto.encrypt_practice(sys.argv[1], os.environ["COACHDESK_PASSPHRASE"])
else:
    practice_crypto.decrypt_practice(sys.argv[1], os.environ["COACHDESK_PASSPHRASE"])
print("DONE")
"""


def run_child(home: Path, db_path: Path, what: str, kill_at: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, COACHDESK_HOME=str(home), PYTHONPATH=str(ROOT),
               COACHDESK_PASSPHRASE=PASSPHRASE, COACHDESK_TEST_KILL_AT=kill_at)
    env.pop("COACHDESK_DB", None)
    return subprocess.run([sys.executable, "-c", CHILD, str(db_path), what], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def content(db_path: Path) -> dict:
    """Rows that matter, read through CoachDesk's own read-only connection."""
    con = storage.connect_read_only(db_path)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in ("client", "engagement", "coaching_session", "grow_worksheet")}
    finally:
        con.close()


def opens(db_path: Path) -> bool:
    """Open the practice as the app would, after a fresh start; True when encrypted."""
    encryption.forget()
    encrypted = encryption.is_encrypted(db_path)
    if encrypted:
        encryption.unlock(db_path, PASSPHRASE)
    storage.open_database(db_path).close()
    assert storage.check_file(db_path).ok
    return encrypted


@pytest.mark.parametrize("kill_at, encrypted_after", [
    ("copy:before-replace", False),  # inside the safety backup
    ("encrypt:after-backup", False),
    ("encrypt:before-key-file", False),
    ("encrypt:before-replace", False),  # the key file is there, beside a plain file
    ("encrypt:after-replace", True),  # old backups not encrypted yet
])
def test_kill_while_encrypting_leaves_a_working_practice(practice_templates, db_path, kill_at,
                                                         encrypted_after, isolated_home):
    copy_practice(practice_templates["demo"], db_path)
    before = content(db_path)
    result = run_child(isolated_home, db_path, "encrypt", kill_at)
    assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]
    assert "DONE" not in result.stdout
    assert opens(db_path) is encrypted_after
    assert content(db_path) == before
    if not encrypted_after:  # run again, to the end
        practice_crypto.encrypt_practice(db_path, PASSPHRASE)
        assert opens(db_path)
        assert content(db_path) == before
    assert not list(db_path.parent.glob("*.partial"))


@pytest.mark.parametrize("kill_at, encrypted_after", [
    ("decrypt:after-backup", True),
    ("decrypt:before-replace", True),
    ("decrypt:after-replace", False),  # the key file is still there, beside a plain file
])
def test_kill_while_decrypting_leaves_a_working_practice(practice_templates, db_path, kill_at,
                                                         encrypted_after, isolated_home):
    encrypted_copy(practice_templates["demo"], db_path)
    before = content(db_path)
    result = run_child(isolated_home, db_path, "decrypt", kill_at)
    assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]
    assert opens(db_path) is encrypted_after
    assert content(db_path) == before
    if encrypted_after:
        practice_crypto.decrypt_practice(db_path, PASSPHRASE)
        assert not opens(db_path)
        assert content(db_path) == before
