"""Every byte a PDF holds, three ways: its extracted text, its raw bytes, and every stream
decompressed (page contents, fonts' ToUnicode maps, forms, metadata). A canary that is in
none of them is in no byte of the report."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject


def text(path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(str(path)).pages).split())


def streams(path) -> list[bytes]:
    """Every stream object of the file, decompressed."""
    reader = PdfReader(str(path))
    out = []
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(IndirectObject(number, 0, reader))
        except Exception:  # a free entry of the cross-reference table
            continue
        if isinstance(obj, StreamObject):
            out.append(obj.get_data())
    return out


def assert_absent(path, *needles: str) -> None:
    """None of ``needles`` is in the PDF at ``path``: its text, its bytes, its streams."""
    raw = Path(path).read_bytes()
    words = text(path)
    decoded = streams(path)
    assert decoded, "the PDF has no streams: the check would prove nothing"
    for needle in needles:
        assert needle not in words, f"{needle!r} in the text"
        for form in {needle.encode("utf-8"), needle.encode("utf-16-be")}:
            assert form not in raw, f"{needle!r} in the raw bytes"
            assert not any(form in d for d in decoded), f"{needle!r} in a stream"
