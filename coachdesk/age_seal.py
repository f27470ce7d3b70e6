"""age sealing with a passphrase (``pyrage``), in a child process while the window runs.

``pyrage`` holds Python's interpreter lock for a whole call, and an age passphrase costs a
scrypt step of about a second by design (age-encryption.org/v1, scrypt work factor 18): on
a worker thread that call still stops the GUI thread from painting for that long. So the
window (``ui.app.run``) calls ``use_child_process(True)``: each seal or open then runs in a
short-lived child process (``multiprocessing``, "spawn": the same on Linux, macOS and
Windows), and the window's thread only waits on a pipe, without the lock. The command line
seals in its own process, as before. The passphrase goes to the child through that pipe,
never on a command line.

Should a child not start (a locked-down system), the work is done in this process: slower
to paint, never refused.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

_in_child = False


def use_child_process(on: bool = True) -> None:
    """Seal and open in a child process (the window) or in this one (the command line)."""
    global _in_child
    _in_child = on


def _encrypt_here(plain: bytes, passphrase: str) -> bytes:
    from pyrage import passphrase as age

    return age.encrypt(plain, passphrase)


def _decrypt_here(raw: bytes, passphrase: str) -> bytes | None:
    """The plain bytes, or None when the passphrase does not open ``raw`` (or it is
    damaged: age cannot tell the two apart). pyrage's own error is not sent between
    processes (it may not pickle), hence None."""
    from pyrage import DecryptError
    from pyrage import passphrase as age

    try:
        return age.decrypt(raw, passphrase)
    except DecryptError:
        return None


def _run(function, *args):
    if not _in_child:
        return function(*args)
    import multiprocessing  # here: the window's start does not pay for these imports
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(max_workers=1,
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            return pool.submit(function, *args).result()
    except (BrokenProcessPool, OSError) as exc:
        log.warning("age in a child process failed (%s); sealing in this process instead",
                    type(exc).__name__)
        return function(*args)


def encrypt(plain: bytes, passphrase: str) -> bytes:
    """``plain`` sealed as an age file (bytes) with ``passphrase`` (scrypt recipient)."""
    return _run(_encrypt_here, plain, passphrase)


def decrypt(raw: bytes, passphrase: str) -> bytes | None:
    """The bytes inside the age file ``raw``, or None when ``passphrase`` does not open it
    (or the file is damaged)."""
    return _run(_decrypt_here, raw, passphrase)
