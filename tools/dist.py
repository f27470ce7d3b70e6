"""Build the bundled app and try it out: ``make dist`` / ``make dist-check`` (tools/dev.py).

    python tools/dist.py build   # PyInstaller (packaging/coachdesk.spec), then on Linux
                                 # dist/CoachDesk-<version>-linux-<arch>.tar.gz
    python tools/dist.py check [ARCHIVE]   # unpack it into a temporary folder and, with
                                 # HOME and the XDG folders there, offscreen: --version, the
                                 # window on a new practice with the demo loaded, a report
                                 # and a worksheet by the frozen CLI (PDFs with text), then
                                 # encrypt, a sealed export and its import

Run with the project's Python (it needs PyInstaller and pypdf). Prints the build time,
the unpacked size and start times (bundle and source tree); exits non-zero on a failure.
"""

from __future__ import annotations

import argparse
import ast
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "coachdesk.spec"
WORK = ROOT / "build" / "pyinstaller"
DIST = ROOT / "dist"
APP_ID = "org.coachdesk.CoachDesk"
EXE = "coachdesk"  # the Linux/macOS executable in the bundle (see the spec)
SIZE_GOAL_MB = 250
FALLBACK_DESKTOP = f"""[Desktop Entry]
Type=Application
Name=CoachDesk
Comment=Sessions, goals and progress reports for independent executive coaches
Exec={EXE}
Icon={APP_ID}
Terminal=false
Categories=Office;
"""


def version() -> str:
    tree = ast.parse((ROOT / "coachdesk" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__version__":
            return node.value.value
    raise SystemExit("coachdesk/__init__.py has no __version__")


def platform_tag() -> str:
    system = {"linux": "linux", "darwin": "macos", "win32": "windows"}.get(sys.platform,
                                                                         sys.platform)
    machine = platform.machine().lower().replace("amd64", "x86_64").replace("aarch64", "arm64")
    return f"{system}-{machine}"


def archive_path() -> Path:
    return DIST / f"CoachDesk-{version()}-{platform_tag()}.tar.gz"


def _icon() -> Path | None:
    icons = ROOT / "resources" / "icons"
    for name in ("coachdesk-256.png", "coachdesk.svg"):
        if (icons / name).is_file():
            return icons / name
    return None


def _desktop_file() -> str:
    found = sorted((ROOT / "packaging" / "linux").glob("*.desktop"))
    return found[0].read_text(encoding="utf-8") if found else FALLBACK_DESKTOP


def build() -> int:
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
                           "--distpath", str(WORK / "dist"), "--workpath", str(WORK / "work"),
                           str(SPEC)], cwd=ROOT)
    if done.returncode != 0:
        print("dist: PyInstaller failed (see above)", file=sys.stderr)
        return done.returncode
    bundle = WORK / "dist" / "CoachDesk"
    if not sys.platform.startswith("linux"):
        print(f"dist: built {bundle} in {time.monotonic() - start:.0f} s; the installer is "
              "made by packaging/windows/coachdesk.iss or packaging/macos/build-dmg.sh")
        return 0
    (bundle / f"{APP_ID}.desktop").write_text(_desktop_file(), encoding="utf-8")
    icon = _icon()
    if icon is not None:
        shutil.copy2(icon, bundle / f"{APP_ID}{icon.suffix}")
    else:
        print("dist: warning: no icon in resources/icons/ yet", file=sys.stderr)
    shutil.copy2(ROOT / "packaging" / "linux" / "install.sh", bundle / "install.sh")
    DIST.mkdir(exist_ok=True)
    out = archive_path()
    with tarfile.open(out, "w:gz") as tar:
        tar.add(bundle, arcname="CoachDesk")
    print(f"dist: {out.relative_to(ROOT)} ({out.stat().st_size / 1e6:.0f} MB) built in "
          f"{time.monotonic() - start:.0f} s; unpacked {_size_mb(bundle):.0f} MB "
          f"(goal <= {SIZE_GOAL_MB} MB)")
    return 0


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()
               and not p.is_symlink()) / 2**20


class CheckFailed(Exception):
    pass


def _run(argv: list, env: dict, what: str, timeout: float = 180) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in argv], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=env["HOME"])
    if done.returncode != 0:
        raise CheckFailed(f"{what} failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
    return done


def _pdf_text(path: Path, what: str) -> str:
    from pypdf import PdfReader

    if not path.is_file():
        raise CheckFailed(f"{what}: no PDF was written")
    text = "".join(page.extract_text() or "" for page in PdfReader(path).pages)
    if len(text.strip()) < 40:
        raise CheckFailed(f"{what}: the PDF has no text")
    return text


def _first_frame_s(argv: list, env: dict, runs: int = 3) -> float:
    """Median wall time from start to the window's first frame (COACHDESK_STARTUP_PROBE)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = _run(argv, {**env, "COACHDESK_STARTUP_PROBE": "1"}, "the window")
        if "WINDOW_SHOWN" not in done.stdout:
            raise CheckFailed("the window did not report its first frame")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _timings(exe: Path, home: Path, env: dict) -> str:
    practice = home / "timing.db"
    _run([exe, "--db", practice, "demo"], env, "demo")
    bundle_s = _first_frame_s([exe, "--db", practice], env)
    source_s = _first_frame_s([sys.executable, ROOT / "main.py", "--db", practice], env)
    t0 = time.perf_counter()
    _run([exe, "--version"], env, "--version")
    version_s = time.perf_counter() - t0
    return (f"; first frame (median of 3, demo practice) bundle {bundle_s:.2f} s, source "
            f"tree {source_s:.2f} s; bundle --version {version_s:.2f} s")


def _check_encryption(exe: Path, home: Path, env: dict) -> None:
    """What an encrypted practice needs is in the bundle: SQLCipher's native module
    (sqlcipher3), cryptography (the key file) and pyrage (the sealed export and its import)."""
    secret = {**env, "COACHDESK_PASSPHRASE": "dist check passphrase"}
    _run([exe, "encrypt"], secret, "encrypt")
    if _run([exe, "clients", "--json"], secret, "clients, encrypted").stdout.count('"name"') < 5:
        raise CheckFailed("the encrypted practice lists no clients")
    sealed = home / "moving.json.age"
    _run([exe, "export", "--out", sealed], secret, "sealed export")
    if not sealed.read_bytes().startswith(b"age-encryption.org/v1\n"):
        raise CheckFailed("the export of the encrypted practice is not sealed")
    _run([exe, "--db", home / "moved" / "coachdesk.db", "import", sealed], secret,
         "import of the sealed export")


def check(archive: Path, timings: bool = True) -> int:
    if not archive.is_file():
        print(f"dist-check: {archive} is missing: run make dist first", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="coachdesk-dist-check-") as tmp:
        base = Path(tmp)
        with tarfile.open(archive) as tar:
            tar.extractall(base / "unpacked", filter="data")
        app = base / "unpacked" / "CoachDesk"
        home = base / "home"
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("COACHDESK_", "PYTHON", "XDG_", "QT_"))}
        env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local/share"),
                   XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"),
                   XDG_STATE_HOME=str(home / ".local/state"), QT_QPA_PLATFORM="offscreen",
                   COACHDESK_NO_DIALOGS="1")
        home.mkdir()
        exe = app / EXE
        try:
            for needed in (exe, app / f"{APP_ID}.desktop", app / "install.sh"):
                if not needed.is_file():
                    raise CheckFailed(f"the bundle lacks {needed.name}")
            got = _run([exe, "--version"], env, "--version").stdout.strip()
            if got != f"CoachDesk {version()}":
                raise CheckFailed(f"--version said {got!r}")
            # A new practice in the default place, the demo loaded by the window itself.
            shown = _run([exe, "--demo"], {**env, "COACHDESK_STARTUP_PROBE": "1"}, "the window")
            if "START_COMPLETE" not in shown.stdout:
                raise CheckFailed("the window did not finish starting")
            listed = _run([exe, "clients", "--json"], env, "clients").stdout
            if listed.count('"name"') < 5:
                raise CheckFailed("the demo practice has no clients")
            report, sheet = home / "report.pdf", home / "worksheet.pdf"
            _run([exe, "report", "--engagement", "1", "--out", report], env, "report")
            _run([exe, "worksheet", "--session", "1", "--out", sheet], env, "worksheet")
            if "progress report" not in _pdf_text(report, "report").lower():
                raise CheckFailed("the report PDF lacks its title")
            if "goal" not in _pdf_text(sheet, "worksheet").lower():
                raise CheckFailed("the worksheet PDF lacks its Goal section")
            _check_encryption(exe, home, env)
            size = _size_mb(app)
            timing = _timings(exe, home, env) if timings else ""
        except (CheckFailed, subprocess.TimeoutExpired) as exc:
            print(f"dist-check: FAILED: {exc}", file=sys.stderr)
            return 1
    print(f"dist-check: OK. {archive.name}: unpacked {size:.0f} MB (goal <= {SIZE_GOAL_MB} "
          f"MB){timing}")
    if size > SIZE_GOAL_MB:
        print(f"dist-check: warning: the bundle is over the {SIZE_GOAL_MB} MB goal",
              file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dist.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build", "check"])
    parser.add_argument("archive", nargs="?", type=Path, help="check: the .tar.gz "
                        "(default: the one `build` makes for this version and platform)")
    parser.add_argument("--no-timings", action="store_true",
                        help="check: skip the start-time measurements")
    ns = parser.parse_args(argv)
    if ns.command == "build":
        return build()
    return check(ns.archive or archive_path(), timings=not ns.no_timings)


if __name__ == "__main__":
    sys.exit(main())
