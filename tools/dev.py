"""Set up, run, test and package CoachDesk the same way on Linux, macOS and Windows.

    python3 tools/dev.py run [--db PATH] [--demo]   # `make run`;  Windows: py tools/dev.py run
    python3 tools/dev.py test [PYTEST ARGS…]        # `make test`; Windows: py tools/dev.py test
    python3 tools/dev.py dist                       # `make dist`: the bundled app, archived
    python3 tools/dev.py dist-check                 # `make dist-check`: the bundle, tried out
    python3 tools/dev.py python ARGS…               # the project's Python (bench, screenshots)

The first use creates the virtual environment (.venv, or --venv PATH) with the Python that
runs this script and installs CoachDesk into it (``pip install -e .[test]``); it installs
again whenever pyproject.toml or setup.py changed since (a stamp file in the venv). The
Makefile calls this script, so there is one implementation. Standard library only, so any
Python 3 can start it; CoachDesk itself needs 3.11 or newer.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAMP = ".installed-stamp"
MIN_PYTHON = (3, 11)


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _say(text: str) -> None:
    print(f"dev.py: {text}", file=sys.stderr, flush=True)


def _pip(python: Path, *args: str) -> None:
    subprocess.run([str(python), "-m", "pip", "--disable-pip-version-check", *args],
                   check=True, cwd=ROOT)


def setup(venv: Path, extras: str = "test", install: bool = True) -> Path:
    """The venv's Python, creating the venv and installing CoachDesk when needed."""
    python = venv_python(venv)
    if not python.exists():
        if sys.version_info < MIN_PYTHON:
            sys.exit(f"CoachDesk needs Python {'.'.join(map(str, MIN_PYTHON))} or newer "
                     f"(this is {sys.version.split()[0]}); on Windows: py -3.12 tools/dev.py …, "
                     "elsewhere: make PYTHON=python3.12 … or python3.12 tools/dev.py …")
        _say(f"creating the virtual environment {venv}")
        try:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        except subprocess.CalledProcessError:
            sys.exit("Could not create a virtual environment. "
                     "On Debian/Ubuntu: sudo apt-get install python3-venv")
        _pip(python, "install", "--quiet", "--upgrade", "pip")
    stamp = venv / STAMP
    sources = [ROOT / "pyproject.toml", ROOT / "setup.py"]
    newest = max(p.stat().st_mtime for p in sources if p.exists())
    stale = not stamp.exists() or stamp.stat().st_mtime < newest
    if install and stale:
        _say(f"installing CoachDesk and its dependencies into {venv} (.[{extras}])")
        _pip(python, "install", "--quiet", "-e", f".[{extras}]")
        stamp.touch()
    return python


def _call(argv: list[str], env: dict[str, str] | None = None) -> int:
    try:
        return subprocess.run(argv, cwd=ROOT, env=env).returncode
    except KeyboardInterrupt:
        return 130


def pytest_jobs() -> str:
    """PYTEST_JOBS, else two processes per CPU core, at most 16 (see the Makefile)."""
    return os.environ.get("PYTEST_JOBS") or str(min(16, 2 * (os.cpu_count() or 1)))


def test_env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    # Bytecode (and pytest's rewritten test modules) is cached even where
    # PYTHONDONTWRITEBYTECODE is set: rewriting them again costs each process seconds.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dev.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", default=os.environ.get("VENV") or str(ROOT / ".venv"),
                        help="the virtual environment (default: .venv; $VENV)")
    parser.add_argument("--no-install", action="store_true",
                        help="use the venv as it is (no pip install, even when stale)")
    parser.add_argument("command", choices=["setup", "run", "test", "lint", "dist",
                                            "dist-check", "python"])
    parser.add_argument("args", nargs=argparse.REMAINDER, help="passed on")
    ns = parser.parse_args(argv)
    venv = Path(ns.venv).resolve()
    extras = "test,dist" if ns.command in ("dist", "dist-check") else "test"
    python = setup(venv, extras, install=not ns.no_install)
    if ns.command in ("dist", "dist-check"):
        # PyInstaller comes with the `dist` extra: a venv made for `test` lacks it.
        has = subprocess.run([str(python), "-c", "import PyInstaller"], capture_output=True)
        if has.returncode != 0 and not ns.no_install:
            _pip(python, "install", "--quiet", "-e", ".[test,dist]")
    if ns.command == "setup":
        return 0
    if ns.command == "run":
        return _call([str(python), str(ROOT / "main.py"), *ns.args])
    if ns.command == "test":
        return _call([str(python), "-m", "pytest", "-n", pytest_jobs(), "--dist", "worksteal",
                      *ns.args], env=test_env())
    if ns.command == "lint":
        # ruff comes with the test extra; its checks are set in pyproject.toml [tool.ruff].
        return _call([str(python), "-m", "ruff", "check", *(ns.args or ["."])])
    if ns.command == "python":
        return _call([str(python), *ns.args])
    sub = "build" if ns.command == "dist" else "check"
    return _call([str(python), str(ROOT / "tools" / "dist.py"), sub, *ns.args])


if __name__ == "__main__":
    sys.exit(main())
