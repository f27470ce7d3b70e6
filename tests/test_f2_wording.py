"""The words of issue 17's window, as the new-coach trial asked (finding 12): one
wrong-passphrase sentence everywhere, "lose both" said plainly, no command line in the
export's success message."""

from __future__ import annotations

from pathlib import Path

import pytest
from encryption_helpers import PASSPHRASE, cheap_keys  # noqa: F401

from coachdesk import encryption, practice_crypto
from coachdesk.reports import recovery_key as sheet


def test_a_wrong_passphrase_is_said_in_one_sentence_everywhere(tmp_path):
    from ui.dialogs import unlock

    path = tmp_path / "p.db"
    database, _key = practice_crypto.create_practice(path, PASSPHRASE)
    database.close()
    encryption.forget()
    with pytest.raises(encryption.WrongPassphraseError) as wrong:
        encryption.unlock(path, passphrase="not the right words", delay=0)
    # the engine (and so the lock screen, which shows the engine's sentence) and the
    # unlock dialog say the same
    assert str(wrong.value) == encryption.WRONG_PASSPHRASE == unlock.WRONG
    assert "Caps Lock" in encryption.WRONG_PASSPHRASE


def test_losing_both_is_said_plainly():
    from ui.dialogs import new_passphrase

    for text in (new_passphrase.EXPLANATION, " ".join(sheet.EXPLANATION)):
        assert "AND" not in text
        assert sheet.BOTH_LOST in text
    assert sheet.BOTH_LOST.startswith("If you lose both your passphrase and this recovery key")


def test_the_sealed_exports_message_says_how_to_open_it_with_coachdesk():
    from ui.dialogs.practice_seal import how_to_open

    words = how_to_open(Path("CoachDesk export 2026-11-30.json.age"), True, True)
    assert "age --decrypt" not in words and "File → Import a practice export…" in words
    assert "Move from another computer…" in words
