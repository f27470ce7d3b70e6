"""``python -m coachdesk`` with an encrypted practice: --passphrase-file and
COACHDESK_PASSPHRASE for every command, encrypt / decrypt / change-passphrase, the sealed
export (and --plain), plain one-line refusals, and no passphrase in any log."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path
from unittest import mock

import pytest
from age_helpers import cheap_age  # noqa: F401
from conftest import copy_practice
from encryption_helpers import PASSPHRASE, cheap_keys  # noqa: F401

from coachdesk import cli, encryption, paths, storage

#: real age files at work factor 2**10 (tests/age_helpers.py): pyrage opens them in ms
pytestmark = pytest.mark.usefixtures("cheap_age")


def run(*args: str, env: dict | None = None) -> tuple[int, str, str]:
    """The command in this process, as a fresh one: no key known before it."""
    encryption.forget()
    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, env or {}), contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def practice(practice_templates, db_path, tmp_path, monkeypatch):
    monkeypatch.delenv("COACHDESK_PASSPHRASE", raising=False)
    copy_practice(practice_templates["demo"], db_path)
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    return db_path, secret


def logs() -> str:
    return "".join(p.read_text(errors="replace") for p in paths.log_dir().rglob("*")
                   if p.is_file())


def test_encrypt_then_every_command_needs_the_passphrase(practice, tmp_path):
    db_path, secret = practice
    code, out, err = run("--db", str(db_path), "--passphrase-file", str(secret), "encrypt")
    assert code == 0, err
    assert "recovery key" in out and err == ""
    recovery = out.split("\n\n")[1].strip()
    assert "-" not in recovery and len(recovery.split()) == 11  # the window's spaced groups
    assert "If both the passphrase and this key are lost" in out
    encryption.parse_recovery_key(recovery)
    assert db_path.read_bytes()[:16] != storage.SQLITE_HEADER

    code, out, err = run("--db", str(db_path), "clients")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "--passphrase-file" in err and "COACHDESK_PASSPHRASE" in err

    code, out, err = run("--db", str(db_path), "clients", "--json",
                         env={"COACHDESK_PASSPHRASE": PASSPHRASE})
    assert code == 0 and len(json.loads(out)) == 12

    code, out, err = run("--db", str(db_path), "--passphrase-file", str(secret), "check")
    assert code == 0 and out.startswith("OK") and "12 clients" in out

    code, out, err = run("--db", str(db_path), "check",
                         env={"COACHDESK_PASSPHRASE": "Correct horse battery staple"})
    assert code == 1 and "does not open this practice" in err and err.count("\n") == 1

    keyfile = tmp_path / "recovery.txt"
    keyfile.write_text(recovery.lower() + "\n")
    code, out, err = run("--db", str(db_path), "--recovery-key-file", str(keyfile), "backup")
    assert code == 0, err
    made = Path(out.split("Backup written to ")[1].strip())
    assert made.read_bytes()[:16] != storage.SQLITE_HEADER and encryption.key_path(made).exists()

    code, out, err = run("--db", str(db_path), "--passphrase-file", str(secret), "restore", "latest")
    assert code == 0, err
    assert PASSPHRASE not in logs() and recovery not in logs()
    assert recovery.replace(" ", "") not in logs().replace("-", "")


def test_export_is_sealed_unless_plain_is_asked(practice, tmp_path):
    from pyrage import passphrase as age

    db_path, secret = practice
    assert run("--db", str(db_path), "--passphrase-file", str(secret), "encrypt")[0] == 0
    sealed = tmp_path / "practice.json.age"
    code, out, err = run("--db", str(db_path), "--passphrase-file", str(secret), "export",
                         "--out", str(sealed))
    assert code == 0, err
    assert "age" in out
    doc = json.loads(age.decrypt(sealed.read_bytes(), PASSPHRASE))
    assert len(doc["tables"]["client"]) == 12
    plain = tmp_path / "practice.json"
    code, out, err = run("--db", str(db_path), "--passphrase-file", str(secret), "export",
                         "--plain", "--out", str(plain))
    assert code == 0, err
    assert len(json.loads(plain.read_text())["tables"]["client"]) == 12


def test_a_plain_practice_exports_plain_unless_encrypt_is_asked(practice, tmp_path):
    db_path, secret = practice
    code, out, err = run("--db", str(db_path), "export", "--out", str(tmp_path / "a.json"))
    assert code == 0 and json.loads((tmp_path / "a.json").read_text())["tables"]["client"]
    code, out, err = run("--db", str(db_path), "export", "--encrypt", "--out",
                         str(tmp_path / "b.age"))
    assert code == 1 and "needs a passphrase" in err
    code, out, err = run("--db", str(db_path), "--passphrase-file", str(secret),
                         "export", "--encrypt", "--out", str(tmp_path / "b.age"))
    assert code == 0 and (tmp_path / "b.age").read_bytes().startswith(b"age-encryption.org/v1")


def test_change_passphrase_and_decrypt(practice, tmp_path):
    db_path, secret = practice
    assert run("--db", str(db_path), "--passphrase-file", str(secret), "encrypt")[0] == 0
    new = tmp_path / "new.txt"
    new.write_text("another passphrase\n")
    code, out, err = run("--db", str(db_path), "--passphrase-file", str(secret),
                         "change-passphrase", "--new-passphrase-file", str(new))
    assert code == 0, err
    code, out, err = run("--db", str(db_path), "--passphrase-file", str(secret), "decrypt")
    assert code == 1 and "does not open" in err
    code, out, err = run("--db", str(db_path), "--passphrase-file", str(new), "decrypt")
    assert code == 0, err
    assert db_path.read_bytes()[:16] == storage.SQLITE_HEADER
    code, out, err = run("--db", str(db_path), "clients", "--json")
    assert code == 0 and len(json.loads(out)) == 12
    code, out, err = run("--db", str(db_path), "decrypt")
    assert code == 1 and "not encrypted" in err


def test_encrypt_without_a_passphrase_changes_nothing(practice):
    db_path, _secret = practice
    before = db_path.read_bytes()
    code, out, err = run("--db", str(db_path), "encrypt")
    assert code == 1 and "passphrase" in err and err.count("\n") == 1
    assert db_path.read_bytes() == before


def test_a_passphrase_is_never_an_argument_value():
    parser = cli.build_parser()
    options = {o for a in parser._actions for o in a.option_strings}
    assert "--passphrase-file" in options and "--passphrase" not in options
