"""A system keyring in memory for tests (this machine has none), shared by every test file
that needs one. tests/conftest.py turns it into the fixtures ``memory_keyring`` (one
installed for the test) and ``no_keyring`` (keyring's "fail" backend, whatever the machine
has); each puts the keyring before back afterwards."""

from __future__ import annotations

import keyring
import keyring.backend
from keyring.errors import KeyringError, PasswordDeleteError


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Passwords in a dict, by (service, user name); ``refuse`` makes saving fail as a
    locked keyring does; deleting what is not kept raises, as real keyrings do."""

    priority = 1

    def __init__(self, refuse: bool = False):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}
        self.refuse = refuse

    @property
    def kept(self) -> dict[tuple[str, str], str]:
        return self.store

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        if self.refuse:
            raise KeyringError("locked collection")
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError("nothing kept")

