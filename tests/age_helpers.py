"""Real age files at a cheap scrypt work factor, for tests that need *a* sealed file.

pyrage seals with the work factor age picks for about a second (2**18 here, more than a
second on a loaded test machine), and gives no way to lower it; opening costs the same
again. A sealed export test made two to six of those. ``cheap_seal`` writes the same
format (age-encryption.org/v1, one scrypt stanza, the STREAM payload: c2sp.org/age) with
work factor 2**10, recorded in the file as age records it, so **pyrage's own decrypt**
opens it, fast, and refuses a wrong passphrase as it refuses any. The ``cheap_age``
fixture makes ``coachdesk.age_seal`` seal with it, in this process (a spawned child would
not see the patch).

The work factor pyrage itself picks is still used by tests/test_age_seal.py and
tests/test_encryption_files.py, which do not take this fixture.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import pytest

LOG_N = 10
CHUNK = 64 * 1024


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode().rstrip("=")


def _hkdf(key: bytes, salt: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def cheap_seal(plain: bytes, passphrase: str, log_n: int = LOG_N) -> bytes:
    """``plain`` as an age file sealed with ``passphrase`` at scrypt work factor
    ``2**log_n`` (bytes; opened by ``pyrage.passphrase.decrypt``)."""
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    file_key, salt = secrets.token_bytes(16), secrets.token_bytes(16)
    wrap_key = Scrypt(salt=b"age-encryption.org/v1/scrypt" + salt, length=32,
                      n=2 ** log_n, r=8, p=1).derive(passphrase.encode("utf-8"))
    body = ChaCha20Poly1305(wrap_key).encrypt(bytes(12), file_key, None)
    header = (f"age-encryption.org/v1\n-> scrypt {_b64(salt)} {log_n}\n{_b64(body)}\n---"
              ).encode()
    mac = hmac.new(_hkdf(file_key, b"", b"header"), header, hashlib.sha256).digest()
    nonce = secrets.token_bytes(16)
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    chunks = [plain[i:i + CHUNK] for i in range(0, len(plain), CHUNK)] or [b""]
    payload = b"".join(
        aead.encrypt(index.to_bytes(11, "big") + (b"\x01" if index == len(chunks) - 1
                                                  else b"\x00"), chunk, None)
        for index, chunk in enumerate(chunks))
    return header + f" {_b64(mac)}\n".encode() + nonce + payload


@pytest.fixture
def cheap_age(monkeypatch):
    """Sealed exports are sealed by ``cheap_seal`` (work factor 2**10) in this process:
    the seal is a real age file that pyrage opens, in milliseconds instead of a second or
    more each way. A test about the child process (the window's way) does not use it."""
    from coachdesk import age_seal

    monkeypatch.setattr(age_seal, "_encrypt_here", cheap_seal)
    monkeypatch.setattr(age_seal, "_in_child", False)
    return cheap_seal
