"""Render CoachDesk's icon files from its hand-drawn SVG source.

    python tools/render_icons.py            # writes into resources/icons/
    python tools/render_icons.py --sheet sheet.png   # also a sheet of every size, to look at

Reads ``resources/icons/coachdesk.svg`` and writes, beside it:

- ``coachdesk-<N>.png`` for N in 16, 24, 32, 48, 64, 128, 256, 512 (RGBA, N×N pixels),
  drawn by Qt's own SVG renderer (``QSvgRenderer``, in PySide6-Essentials), each size from
  the vector source rather than scaled down from a big bitmap;
- ``coachdesk.ico``: the Windows icon, the 16–256 px PNGs in one file;
- ``coachdesk.icns``: the macOS icon, 32–1024 px (16–512 points at 1× and 2×).

The ICO and ICNS are written with Pillow, which reportlab already depends on. The files are
committed, so building or running CoachDesk never needs this script; run it again after
changing the SVG. Exits 1 with a plain sentence when the SVG cannot be read.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SOURCE = ICONS / "coachdesk.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # 256 is the largest an ICO entry can hold
ICNS_SIZES = (32, 64, 128, 256, 512)  # with 1024, the pixel sizes of an ICNS's entries


def png_path(size: int, folder: Path = ICONS) -> Path:
    return folder / f"coachdesk-{size}.png"


def _renderer(source: Path):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtSvg import QSvgRenderer

    global _APP
    _APP = QGuiApplication.instance() or QGuiApplication([])  # kept alive for later calls
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise ValueError(f"{source} is not an SVG file Qt can draw")
    return renderer


_APP = None


def _draw(renderer, size: int):
    """The SVG drawn on a transparent ``size``×``size`` QImage."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def render_pngs(source: Path = SOURCE, folder: Path = ICONS) -> list[Path]:
    """Draw ``source`` at every size of ``PNG_SIZES`` into ``folder``; returns the files.

    Raises ``ValueError`` when the SVG cannot be read."""
    renderer = _renderer(source)
    written = []
    folder.mkdir(parents=True, exist_ok=True)
    for size in PNG_SIZES:
        out = png_path(size, folder)
        if not _draw(renderer, size).save(str(out), "PNG"):
            raise OSError(f"could not write {out}")
        written.append(out)
    return written


def write_ico(folder: Path = ICONS) -> Path:
    """The Windows icon: every size in ``ICO_SIZES``, each from its own PNG."""
    from PIL import Image

    images = [Image.open(png_path(s, folder)).convert("RGBA") for s in ICO_SIZES]
    out = folder / "coachdesk.ico"
    largest = images[-1]
    largest.save(out, format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                 append_images=images[:-1])
    return out


def write_icns(folder: Path = ICONS, source: Path = SOURCE) -> Path:
    """The macOS icon: 32 to 512 px from the PNGs, and 1024 px (512 at Retina density)
    drawn from the SVG for it alone. Pillow writes the entries macOS reads today (ic07
    to ic14: 16 to 512 points, each at single and double density)."""
    import io

    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice

    images = [Image.open(png_path(s, folder)).convert("RGBA") for s in ICNS_SIZES]
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    _draw(_renderer(source), 1024).save(buffer, "PNG")
    images.append(Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGBA"))
    out = folder / "coachdesk.icns"
    images[-1].save(out, format="ICNS", append_images=images[:-1])
    return out


def contact_sheet(out: Path, folder: Path = ICONS) -> Path:
    """Every PNG side by side at its own size, on a light and on a dark strip."""
    from PIL import Image

    pngs = [Image.open(png_path(s, folder)).convert("RGBA") for s in PNG_SIZES]
    gap = 16
    width = sum(p.width for p in pngs) + gap * (len(pngs) + 1)
    height = 2 * (max(p.height for p in pngs) + 2 * gap)
    sheet = Image.new("RGBA", (width, height), (245, 245, 245, 255))
    sheet.paste((40, 40, 40, 255), (0, height // 2, width, height))
    for row in (0, height // 2):
        x = gap
        for p in pngs:
            sheet.alpha_composite(p, (x, row + gap))
            x += p.width + gap
    sheet.save(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render CoachDesk's icon files from its SVG.")
    parser.add_argument("--sheet", type=Path, help="also write a sheet of every size here")
    args = parser.parse_args(argv)
    try:
        files = render_pngs()
    except (ValueError, OSError) as exc:
        print(f"The icons could not be made: {exc}", file=sys.stderr)
        return 1
    files += [write_ico(), write_icns()]
    if args.sheet:
        files.append(contact_sheet(args.sheet))
    for f in files:
        print(f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
