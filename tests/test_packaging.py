"""CoachDesk as a package (issue 15, "Package"): the wheel installs a working app.

The slow test builds the wheel from a copy of the source tree, installs it into a fresh
virtual environment (no network: the dependencies are borrowed from this interpreter's
site-packages through a .pth file) and, from another folder, runs the ``coachdesk``
script: ``--version``, a demo practice, a worksheet and a report (PDFs with text), and
the window offscreen until its first frame. The quick tests check the pieces that make
that work from the source tree too.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from pypdf import PdfReader

import coachdesk
from coachdesk import bundled, launcher
from coachdesk.reports import styles

ROOT = Path(__file__).resolve().parent.parent
BIN = "Scripts" if os.name == "nt" else "bin"
EXE = ".exe" if os.name == "nt" else ""


# -- quick: the pieces ----------------------------------------------------------------------

@pytest.mark.parametrize("argv, window", [
    ([], True), (["--demo"], True), (["--db", "x.db"], True), (["--db=x.db", "--demo"], True),
    (["--db", "x.db", "report", "--engagement", "1"], False), (["demo"], False),
    (["--version"], False), (["--help"], False), (["--db"], False), (["clients"], False),
])
def test_no_command_opens_the_window_a_command_runs_the_cli(argv, window):
    assert launcher.wants_window(argv) is window


def test_version_is_written_once_and_every_entry_says_it(tmp_path):
    expected = f"CoachDesk {coachdesk.__version__}"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and "\nversion =" not in pyproject.split(
        "[tool.setuptools.dynamic]")[0], "the version must come from coachdesk.__version__"
    for argv in (["-m", "coachdesk", "--version"], [str(ROOT / "main.py"), "--version"],
                 ["-m", "coachdesk", "--db", "x.db", "--version"]):
        done = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True,
                              text=True, timeout=60, env=_env(tmp_path))
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == expected, argv


def test_resources_are_found_in_the_source_tree_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert bundled.resources_dir() == ROOT / "resources"
    assert styles.fonts_dir() == ROOT / "resources" / "fonts"
    assert any(styles.fonts_dir().glob("*.ttf"))
    assert bundled.resource("docs", "retention-signal.md").is_file()
    assert bundled.ui_package_name() == "ui"


def test_the_bundled_app_finds_its_resources_in_its_own_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert bundled.resources_dir() == tmp_path / "resources"
    assert styles.fonts_dir() == tmp_path / "resources" / "fonts"
    assert bundled.ui_package_name() == "ui"


def test_ui_uses_only_relative_imports_of_itself():
    """ui/ is installed as ``coachdesk_ui``: an ``import ui…`` inside it would break there."""
    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom)
                     and node.level == 0 else [])
            offenders += [f"{path.relative_to(ROOT)}:{node.lineno}" for n in names
                          if n == "ui" or n.startswith("ui.")]
    assert not offenders, f"absolute imports of ui (use relative ones): {offenders}"


def test_no_resource_path_is_built_from_file_outside_bundled():
    """One function finds resources/: a path built from __file__ breaks once installed."""
    offenders = []
    for folder in ("coachdesk", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path.name != "bundled.py" and "__file__" in text and '"resources"' in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


# -- slow: the wheel in a fresh virtual environment -----------------------------------------

def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "COACHDESK_DB", "PYTHONHOME")}
    env.update(COACHDESK_HOME=str(home / "home"), QT_QPA_PLATFORM="offscreen",
               COACHDESK_NO_DIALOGS="1", **extra)
    return env


def _can_build_wheels() -> str | None:
    """None when a wheel can be built offline, else why not."""
    try:
        setuptools = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:
        return "setuptools is not installed: pip install -e .[test]"
    major_minor = tuple(int(p) for p in setuptools.split(".")[:2])
    if major_minor < (70, 1) and importlib.util.find_spec("wheel") is None:
        return ("building a wheel offline needs the 'wheel' package with setuptools "
                f"{setuptools}: pip install -e .[test]")
    return None


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the CoachDesk wheel in it; returns its ``coachdesk`` script."""
    why = _can_build_wheels()
    if why:
        pytest.skip(why)
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"  # a clean copy: no build/ left over from another build
    for name in ("coachdesk", "ui", "resources"):
        shutil.copytree(ROOT / name, src / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "setup.py", "README.md", "main.py", "LICENSE",
                 "THIRD-PARTY-NOTICES"):
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    built = subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(base / "dist"), str(src)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next((base / "dist").glob("coachdesk-*.whl"))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / BIN / f"python{EXE}"
    done = subprocess.run([*pip, "--python", str(python), "install", "--no-deps",
                           "--no-index", "-q", str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # Every site folder this interpreter imports from (its own, and any a .pth of its own
    # added: a .pth is read only in a site folder, not in one a .pth names), not the checkout.
    ours = [p for p in dict.fromkeys([sysconfig.get_paths()["purelib"],
                                      sysconfig.get_paths()["platlib"], *sys.path])
            if p and Path(p).is_dir() and Path(p).name in ("site-packages", "dist-packages")
            and Path(p).resolve() != ROOT]
    (Path(purelib) / "coachdesk-test-deps.pth").write_text("\n".join(ours) + "\n")
    shutil.rmtree(src)  # nothing of the source tree is left to lean on
    return venv / BIN / f"coachdesk{EXE}"


@pytest.mark.slow
def test_the_wheel_installs_a_working_app_from_any_folder(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = _env(tmp_path)
    python = installed.parent / f"python{EXE}"

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(installed), *args], cwd=elsewhere, capture_output=True,
                              text=True, timeout=240, env={**env, **extra})

    where = subprocess.run(
        [str(python), "-c", "import importlib.util as u, coachdesk, coachdesk_ui, "
         "coachdesk_resources; print(coachdesk.__file__); print(u.find_spec('ui')); "
         "print(u.find_spec('resources')); from coachdesk import identity; "
         "print(identity.icon_file(64).is_file(), identity.license_file() is not None, "
         "identity.notices_file() is not None)"],
        cwd=elsewhere, capture_output=True, text=True, env=env, timeout=120)
    assert where.returncode == 0, where.stderr
    lines = where.stdout.splitlines()
    assert Path(lines[0]).is_relative_to(installed.parent.parent), lines[0]
    assert lines[1:3] == ["None", "None"], "the wheel must not install top-level ui/resources"
    assert lines[3] == "True True True", \
        "the icon, the LICENSE or THIRD-PARTY-NOTICES is missing from the installed copy"

    version = run("--version")
    assert version.returncode == 0 and version.stdout.strip() == \
        f"CoachDesk {coachdesk.__version__}", version.stderr

    practice = tmp_path / "practice.db"
    demo = run("--db", str(practice), "demo")
    assert demo.returncode == 0, demo.stderr
    sheet, report = elsewhere / "worksheet.pdf", elsewhere / "report.pdf"
    done = run("--db", str(practice), "worksheet", "--session", "1", "--out", str(sheet))
    assert done.returncode == 0, done.stderr
    done = run("--db", str(practice), "report", "--engagement", "1", "--out", str(report))
    assert done.returncode == 0, done.stderr
    for pdf, word in ((sheet, "goal"), (report, "progress report")):
        text = "".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
        assert word in text.lower(), f"{pdf.name} has no text {word!r}"
        fonts = PdfReader(pdf).pages[0]["/Resources"]["/Font"].get_object()
        embedded = [f.get_object()["/BaseFont"] for f in fonts.values()
                    if "/FontDescriptor" in f.get_object()
                    or "/DescendantFonts" in f.get_object()]
        assert embedded, f"{pdf.name}: no font from resources/fonts was embedded"

    window = run("--db", str(practice), COACHDESK_STARTUP_PROBE="1")
    assert window.returncode == 0, window.stderr[-3000:]
    assert "WINDOW_SHOWN" in window.stdout and "START_COMPLETE" in window.stdout
    gui = subprocess.run([str(installed.parent / f"coachdesk-window{EXE}"), "--db", str(practice)],
                         cwd=elsewhere, capture_output=True, text=True, timeout=240,
                         env={**env, "COACHDESK_STARTUP_PROBE": "1"})
    assert gui.returncode == 0 and "WINDOW_SHOWN" in gui.stdout, gui.stderr[-3000:]


# -- tools/dev.py: the one set-up for make and for Windows ---------------------------------

def _dev():
    spec = importlib.util.spec_from_file_location("coachdesk_dev", ROOT / "tools" / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dev_installs_again_only_when_the_project_changed(tmp_path, monkeypatch):
    dev = _dev()
    venv = tmp_path / "venv"
    python = dev.venv_python(venv)
    python.parent.mkdir(parents=True)
    python.write_text("")  # an existing venv: not created again
    calls = []
    monkeypatch.setattr(dev, "_pip", lambda py, *args: calls.append(args))
    assert dev.setup(venv) == python and calls[-1][-2:] == ("-e", ".[test]")
    dev.setup(venv)
    assert len(calls) == 1, "installed again although nothing changed"
    newer = (ROOT / "pyproject.toml").stat().st_mtime + 10
    os.utime(venv / dev.STAMP, (newer - 20, newer - 20))
    dev.setup(venv, extras="test,dist")
    assert len(calls) == 2 and calls[-1][-1] == ".[test,dist]"
    dev.setup(venv, install=False)
    assert len(calls) == 2


def test_dev_runs_pytest_as_make_test_did(monkeypatch):
    dev = _dev()
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.delenv("PYTEST_JOBS", raising=False)
    env = dev.test_env()
    assert env["QT_QPA_PLATFORM"] == "offscreen" and "PYTHONDONTWRITEBYTECODE" not in env
    assert dev.pytest_jobs() == str(min(16, 2 * (os.cpu_count() or 1)))
    monkeypatch.setenv("PYTEST_JOBS", "0")
    assert dev.pytest_jobs() == "0"
    seen = []
    monkeypatch.setattr(dev, "setup", lambda venv, extras, install: Path(sys.executable))
    monkeypatch.setattr(dev, "_call", lambda argv, env=None: seen.append(argv) or 0)
    assert dev.main(["test", "-p", "no:cacheprovider", "-k", "x"]) == 0
    assert seen[-1][1:] == ["-m", "pytest", "-n", "0", "--dist", "worksteal",
                            "-p", "no:cacheprovider", "-k", "x"]


# -- tools/dist.py check: what `make dist-check` proves ---------------------------------------

def _dist():
    spec = importlib.util.spec_from_file_location("coachdesk_dist", ROOT / "tools" / "dist.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _shim_archive(tmp_path: Path, broken: str = "") -> Path:
    """A stand-in for the PyInstaller bundle: CoachDesk/coachdesk runs this source tree's
    launcher (as the frozen one does), failing on purpose for the command ``broken``."""
    app = tmp_path / "CoachDesk"
    app.mkdir(parents=True)
    # The stand-in's key file and sealed export are made at the tests' cheap costs (scrypt
    # 2**10, tests/age_helpers.py): the real costs are the real bundle's to show.
    code = (f"import sys; sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests')!r}]; "
            f"sys.exit('boom') if {broken!r} in sys.argv[1:] else None; "
            "from coachdesk import age_seal, encryption; encryption.SCRYPT_N = 2 ** 10; "
            "from age_helpers import cheap_seal; age_seal._encrypt_here = cheap_seal; "
            "from coachdesk.launcher import main; sys.exit(main())")
    exe = app / "coachdesk"
    exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c "{code}" "$@"\n')
    exe.chmod(0o755)
    (app / "org.coachdesk.CoachDesk.desktop").write_text("[Desktop Entry]\n")
    (app / "install.sh").write_text("#!/bin/sh\n")
    archive = tmp_path / "CoachDesk-test.tar.gz"
    import tarfile

    with tarfile.open(archive, "w:gz") as tar:
        tar.add(app, arcname="CoachDesk")
    return archive


@pytest.mark.skipif(os.name == "nt", reason="the stand-in bundle is a POSIX shell script")
def test_dist_check_passes_a_working_bundle_and_fails_a_broken_one(tmp_path, capsys):
    dist = _dist()
    assert dist.check(_shim_archive(tmp_path / "good"), timings=False) == 0
    assert "dist-check: OK" in capsys.readouterr().out
    assert dist.check(_shim_archive(tmp_path / "bad", broken="worksheet"), timings=False) == 1
    assert "worksheet failed" in capsys.readouterr().err
    assert dist.check(tmp_path / "missing.tar.gz", timings=False) == 1


def test_the_built_bundle_passes_dist_check():
    """The real bundle, when `make dist` has built it (CI does; a build takes minutes)."""
    dist = _dist()
    archive = dist.archive_path()
    if not archive.is_file():
        pytest.skip(f"no {archive.name}: `make dist` builds it, `make dist-check` checks it")
    assert dist.check(archive, timings=False) == 0
