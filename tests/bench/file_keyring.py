"""A keyring kept in one JSON file, for the bench's start-up children only (this machine
has no system keyring). ``bench_crypto.py`` selects it in a child process with
``PYTHON_KEYRING_BACKEND=file_keyring.FileKeyring`` (keyring imports that module and class,
so this folder goes on ``PYTHONPATH``) and names the file in ``COACHDESK_BENCH_KEYRING``.
The file is created 0600 in the bench's own temporary folder and goes with it. Never
for a coach's computer: the file is not encrypted.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.backend
from keyring.errors import PasswordDeleteError

FILE_VAR = "COACHDESK_BENCH_KEYRING"


class FileKeyring(keyring.backend.KeyringBackend):
    """Entries as {"service\\nuser": secret} in the file named by ``COACHDESK_BENCH_KEYRING``."""

    priority = 1

    @staticmethod
    def _file() -> Path:
        return Path(os.environ[FILE_VAR])

    def _load(self) -> dict[str, str]:
        try:
            return json.loads(self._file().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _store(self, entries: dict[str, str]) -> None:
        fd = os.open(self._file(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(entries, fh)

    def get_password(self, service, username):
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service, username, password):
        entries = self._load()
        entries[f"{service}\n{username}"] = password
        self._store(entries)

    def delete_password(self, service, username):
        entries = self._load()
        if entries.pop(f"{service}\n{username}", None) is None:
            raise PasswordDeleteError("nothing kept")
        self._store(entries)
