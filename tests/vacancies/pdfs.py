"""Reading the exposé PDFs in tests without a PDF library: pages, metadata and the text."""

import base64
import re
import zlib

import pytest


def page_count(pdf: bytes) -> int:
    # ReportLab writes each page as its own object (no object streams); "/Pages" is the tree.
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def streams(pdf: bytes) -> list[bytes]:
    found = []
    # ReportLab's streams: /Filter [/ASCII85Decode /FlateDecode] (images may differ)
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            found.append(zlib.decompress(base64.a85decode(raw.strip().removesuffix(b"~>"))))
        except (ValueError, zlib.error):
            found.append(raw)
    return found


def text_of(pdf: bytes) -> str:
    """The shown text of a PDF set in ReportLab's standard fonts (see `standard_fonts`):
    their strings are WinAnsi bytes in parentheses before Tj."""
    shown = []
    for stream in streams(pdf):
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", stream):
            shown.append(_unescape(literal).decode("cp1252", errors="replace"))
    return "\n".join(shown)


def _unescape(literal: bytes) -> bytes:
    """A PDF string literal's bytes: octal escapes (\\344) and escaped characters."""

    def one(match: re.Match) -> bytes:
        escaped = match.group(1)
        if escaped[:1].isdigit():
            return bytes([int(escaped, 8)])
        return {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(escaped, escaped)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, literal, flags=re.S)


@pytest.fixture(name="standard_fonts")
def standard_fonts_fixture(monkeypatch):
    """Helvetica instead of the embedded DejaVu subset (whose glyph codes are no text), so that
    a test can read what the PDF says; the layout is the same."""
    from vacancies import expose

    monkeypatch.setattr(expose, "_fonts", lambda: ("Helvetica", "Helvetica-Bold"))
