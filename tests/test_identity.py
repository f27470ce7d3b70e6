"""CoachDesk's identity (issue 15): icon files, application id, desktop entry, AppStream
metainfo, licence and third-party notices. No Qt needed, except where an SVG is drawn."""

from __future__ import annotations

import configparser
import importlib.util
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from coachdesk import __version__, identity

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / f"{identity.APP_ID}.desktop"
METAINFO = LINUX / f"{identity.APP_ID}.metainfo.xml"


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(f"tools_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# -- the icon ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", identity.ICON_SIZES)
def test_each_png_has_its_size_and_shows_the_drawing(size):
    from PIL import Image

    image = Image.open(identity.icon_file(size)).convert("RGBA")
    assert image.size == (size, size)
    colours = image.getcolors(maxcolors=size * size)
    opaque = [c for _n, c in colours if c[3] == 255]
    # the teal tile and the light bubble both show, even at 16 px
    assert any(r < 80 and g > 60 and b > 70 for r, g, b, _a in opaque), "no tile"
    assert any(min(r, g, b) > 220 for r, g, b, _a in opaque), "no bubble"
    assert image.getpixel((0, 0))[3] == 0, "the rounded corner is not transparent"


def test_ico_holds_every_windows_size():
    from PIL import Image

    with Image.open(ICONS / "coachdesk.ico") as ico:
        sizes = set(ico.info["sizes"])
    assert {(s, s) for s in (16, 24, 32, 48, 64, 128, 256)} <= sizes


def test_icns_holds_the_macos_sizes():
    from PIL import Image

    with Image.open(ICONS / "coachdesk.icns") as icns:
        sizes = {(w * scale, h * scale) for w, h, scale in icns.info["sizes"]}
        icns.load()
        assert icns.size[0] >= 512
    assert {(s, s) for s in (32, 64, 128, 256, 512, 1024)} <= sizes


def test_render_script_draws_the_svg_source(tmp_path, qapp):
    """tools/render_icons.py makes the PNGs from the SVG (here into a temporary folder)."""
    from PIL import Image

    render = _tool("render_icons")
    written = render.render_pngs(ICONS / "coachdesk.svg", tmp_path)
    assert [p.name for p in written] == [f"coachdesk-{s}.png" for s in identity.ICON_SIZES]
    fresh = Image.open(tmp_path / "coachdesk-64.png").convert("RGBA")
    kept = Image.open(identity.icon_file(64)).convert("RGBA")
    # the committed PNG is this drawing (a few levels apart at most from another Qt version)
    diff = max(abs(a - b) for a, b in zip(fresh.tobytes(), kept.tobytes(), strict=True))
    assert diff <= 40, "resources/icons is out of date: run tools/render_icons.py"
    render.write_ico(tmp_path)
    render.write_icns(tmp_path)
    assert (tmp_path / "coachdesk.ico").stat().st_size > 1000


def test_render_script_refuses_a_broken_svg(tmp_path, qapp, capsys):
    bad = tmp_path / "bad.svg"
    bad.write_text("<svg", encoding="utf-8")
    with pytest.raises(ValueError):
        _tool("render_icons").render_pngs(bad, tmp_path / "out")


# -- application id, desktop entry, AppStream --------------------------------------------


def test_one_application_id_everywhere():
    assert identity.APP_ID == "org.coachdesk.CoachDesk"
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(DESKTOP, encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Icon"] == identity.APP_ID
    assert desktop["Name"] == "CoachDesk" and desktop["Type"] == "Application"
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == identity.APP_ID
    assert root.find("launchable").text == DESKTOP.name
    assert root.findtext("project_license") == identity.LICENSE_NAME
    assert root.find("releases/release").get("version") == __version__, \
        "a new version needs its <release> in the metainfo"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate is not installed (apt-get install "
                           "desktop-file-utils)")
def test_desktop_file_validates():
    done = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True,
                          text=True)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None,
                    reason="appstreamcli is not installed (apt-get install appstream)")
def test_metainfo_validates():
    done = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# -- licence and third-party notices ------------------------------------------------------


def test_licence_is_mit():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "2026 CoachDesk contributors" in text
    assert identity.license_file() == ROOT / "LICENSE"


def test_notices_list_every_installed_runtime_dependency():
    """The notices cannot go stale silently: a package CoachDesk now needs (directly or
    through another) that has no section fails here until the script is run again."""
    tool = _tool("third_party_notices")
    dists = tool.runtime_distributions()
    assert {"pyside6-essentials", "sqlalchemy", "reportlab", "pillow", "alembic"} <= set(dists)
    text = (ROOT / "THIRD-PARTY-NOTICES").read_text(encoding="utf-8")
    missing = tool.missing_from(text, dists)
    assert not missing, f"run tools/third_party_notices.py: {missing} are not listed"
    table = {tool.canonical(n) for n, _v, _l in identity.bundled_packages(text)}
    assert set(dists) <= table


def test_notices_carry_lgpl_source_offer_and_font_licences():
    text = (ROOT / "THIRD-PARTY-NOTICES").read_text(encoding="utf-8")
    assert "GNU LESSER GENERAL PUBLIC LICENSE\n                       Version 3" in text
    assert "GNU GENERAL PUBLIC LICENSE\n                       Version 3" in text
    assert "Source code." in text and "three years" in text
    assert "Bitstream Vera" in text  # resources/fonts/LICENSE-DejaVu.txt
    assert text.index("MIT License") < text.index("Packages CoachDesk runs on")


def test_notices_script_rebuilds_and_checks(tmp_path):
    tool = _tool("third_party_notices")
    out = tmp_path / "NOTICES"
    assert tool.main(["--output", str(out)]) == 0
    assert tool.main(["--check", "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    # a package's section gone from the file: --check fails and names it
    out.write_text(text.replace(f"{tool.RULE}\nreportlab ", f"{tool.RULE}\nGONE "),
                   encoding="utf-8")
    assert tool.missing_from(out.read_text(encoding="utf-8"), tool.runtime_distributions()) \
        == ["reportlab"]
    assert tool.main(["--check", "--output", str(out)]) == 1


def test_bundled_packages_reads_the_summary_table():
    text = (ROOT / "THIRD-PARTY-NOTICES").read_text(encoding="utf-8")
    rows = dict((n, lic) for n, _v, lic in identity.bundled_packages(text))
    assert rows["SQLAlchemy"] == "MIT"
    assert "LGPL-3.0-only" in rows["PySide6_Essentials"]
    assert identity.bundled_packages("nothing here") == []


def _notice_section(text: str, name: str, tool) -> str:
    """The section of package ``name``: from its title to the next section's rule."""
    start = text.index(f"{tool.RULE}\n{name} ")
    body = text.index(f"\n{tool.RULE}\n", start + len(tool.RULE)) + len(tool.RULE) + 2
    return text[start:text.index(f"\n{tool.RULE}\n", body)]


def test_notices_carry_the_licences_of_what_encryption_ships():
    """sqlcipher3's wheel compiles SQLCipher, SQLite and OpenSSL 3 into its module, pyrage's
    the Rust age library; their metadata names none of them, so the script adds each
    licence text (resources/licenses) and the components the wheels' own SBOMs list."""
    tool = _tool("third_party_notices")
    text = (ROOT / "THIRD-PARTY-NOTICES").read_text(encoding="utf-8")
    sqlcipher = _notice_section(text, "sqlcipher3", tool)
    assert "Gerhard Häring" in sqlcipher  # sqlcipher3's own (pysqlite's zlib) licence
    assert "ZETETIC LLC" in sqlcipher and "May you do good and not evil" in sqlcipher
    assert "The OpenSSL Project Authors" in sqlcipher and "Apache License" in sqlcipher
    assert "Inside this package: SQLCipher" in sqlcipher
    pyrage = _notice_section(text, "pyrage", tool)
    assert "William Woodruff" in pyrage and "Jack Grigg" in pyrage
    assert "    age " in pyrage and "chacha20poly1305" in pyrage  # from its SBOM
    assert "Apache License" in _notice_section(text, "cryptography", tool)
    assert "MIT License" in _notice_section(text, "keyring", tool)
    rows = {n: lic for n, _v, lic in identity.bundled_packages(text)}
    assert rows["pyrage"].startswith("MIT") and rows["sqlcipher3"].startswith("Zlib")
    for entries in tool.INSIDE.values():
        for _component, _licence, files in entries:
            for name in files:
                assert (tool.LICENSES / name).is_file(), name
