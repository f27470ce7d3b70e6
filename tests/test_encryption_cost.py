"""What keeps an encrypted practice's figures near plain (docs/encryption.md "Cost"): an
encrypted connection's page cache (``encryption.CACHE_KIB``), and a cache as large as the
file for the checks that read every page (``encryption.full_read_cache``), with the checks
still finding a damaged page. The timings themselves are in ``tests/bench/bench_crypto.py``."""

from __future__ import annotations

import pytest
from encryption_helpers import cheap_keys, encrypted_copy  # noqa: F401

from coachdesk import backups, encryption, storage, verified
from coachdesk.errors import CorruptDatabaseError

PAGE = 4096


def cache_size(con) -> int:
    return con.execute("PRAGMA cache_size").fetchone()[0]


def test_an_encrypted_connection_keeps_CACHE_KIB_of_decrypted_pages(practice_templates,
                                                                    db_path, tmp_path):
    encrypted_copy(practice_templates["new"], db_path)
    con = storage.connect(db_path)
    try:
        assert isinstance(con, encryption.TranslatedConnection)
        assert cache_size(con) == -encryption.CACHE_KIB
        assert encryption.CACHE_KIB >= 65536  # the client list of 5,000 clients reads ~36 MB
    finally:
        con.close()
    plain = storage.copy_database(practice_templates["new"], tmp_path / "plain.db")
    con = storage.connect(plain)
    try:  # a plain file is left to SQLite's default: the operating system caches its pages
        assert cache_size(con) != -encryption.CACHE_KIB
    finally:
        con.close()


def test_a_whole_file_check_gets_a_cache_as_large_as_the_file_within_a_bound(
        practice_templates, db_path, tmp_path, monkeypatch):
    encrypted_copy(practice_templates["new"], db_path)
    size_kib = db_path.stat().st_size // 1024
    con = storage.connect_read_only(db_path)
    try:
        monkeypatch.setattr(encryption, "CACHE_KIB", 16)  # a file larger than the usual cache
        encryption.full_read_cache(con, db_path)
        assert cache_size(con) == -(size_kib + 1024)
        monkeypatch.setattr(encryption, "CHECK_CACHE_MAX_KIB", 64)  # a huge file: the bound
        encryption.full_read_cache(con, db_path)
        assert cache_size(con) == -64
        encryption.full_read_cache(con, db_path.with_name("gone.db"))  # no file: unchanged
        assert cache_size(con) == -64
    finally:
        con.close()
    plain = storage.copy_database(practice_templates["new"], tmp_path / "plain.db")
    con = storage.connect_read_only(plain)
    try:
        before = cache_size(con)
        encryption.full_read_cache(con, plain)
        assert cache_size(con) == before
    finally:
        con.close()


def _damage_a_table_page(path) -> None:
    """Flip bytes in the middle of a page of the client table's b-tree (not page 1)."""
    con = storage.connect_read_only(path)
    try:
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'client'").fetchone()[0]
    finally:
        con.close()
    assert root > 1
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * PAGE + PAGE // 2)
        chunk = fh.read(64)
        fh.seek((root - 1) * PAGE + PAGE // 2)
        fh.write(bytes(b ^ 0xA5 for b in chunk))


def test_the_start_check_and_a_backups_full_check_use_the_large_cache_and_still_find_damage(
        practice_templates, db_path, monkeypatch):
    encrypted_copy(practice_templates["demo"], db_path)
    sized = []
    real = encryption.full_read_cache
    monkeypatch.setattr(encryption, "full_read_cache",
                        lambda con, path: sized.append(path) or real(con, path))
    storage.open_database(db_path).close()
    made = backups.backup_now(db_path).path
    assert verified.check_and_remember(db_path) is True
    # the start's check and the closing one; a written backup's page check reads the raw
    # pages (cipher_integrity_check), no page cache (tests/test_backup_page_check.py)
    assert sized == [db_path, db_path]
    assert backups.verify(made) is True  # the full check, as a restore runs it
    assert sized == [db_path, db_path, made]

    _damage_a_table_page(made)
    assert backups.verify(made) is False
    _damage_a_table_page(db_path)
    with pytest.raises(CorruptDatabaseError):
        storage.open_database(db_path)
