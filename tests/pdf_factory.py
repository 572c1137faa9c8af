"""Real PDFs for tests, written with fpdf2 and the DejaVu fonts matplotlib ships.

Tests describe pages as a list of elements; headings are set in bold like the
municipality's documents, so the loader's layout-based heading detection is
exercised for real.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from fpdf import FPDF

_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    justify: bool = False


@dataclass(frozen=True)
class Lines:
    """Lines written exactly as given (to force a hyphenated line break)."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    glyph: str = "•"


Element = Heading | Paragraph | Lines | Bullets


def make_pdf(path: Path, pages: list[list[Element]], title: str | None = None) -> Path:
    """Write a PDF with one page per list of elements and return its path."""
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(_FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(_FONT_DIR / "DejaVuSans-Bold.ttf"))
    if title:
        pdf.set_title(title)
    pdf.set_auto_page_break(False)
    for elements in pages:
        pdf.add_page()
        for element in elements:
            _write(pdf, element)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A page with only a drawing, like a scan without a text layer."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(120, 120, 120)
    pdf.rect(20, 20, 150, 200, style="F")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def make_long_pdf(path: Path, pages: int) -> Path:
    """A report of ``pages`` pages, one numbered sentence each."""
    sentence = "Side {n} beskriver indsatsen for ældre borgere i Ishøj."
    return make_pdf(path, [[Paragraph(sentence.format(n=n))] for n in range(1, pages + 1)], title="Årsrapport")


def make_bomb_pdf(path: Path, megabytes: int = 200) -> Path:
    """A small, valid PDF whose one content stream inflates to ``megabytes`` MB (a decompression bomb)."""
    stream = zlib.compress(b"BT /F1 12 Tf 72 720 Td (Ishoej) Tj ET\n" + b" " * (megabytes << 20), 6)
    font = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources " + font + b" >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path


def _write(pdf: FPDF, element: Element) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    if isinstance(element, Heading):
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(width, 7, element.text, new_x="LMARGIN", new_y="NEXT")
    elif isinstance(element, Paragraph):
        pdf.set_font("DejaVu", "", 10.5)
        pdf.multi_cell(width, 5.5, element.text, align="J" if element.justify else "L", new_x="LMARGIN", new_y="NEXT")
    elif isinstance(element, Lines):
        pdf.set_font("DejaVu", "", 10.5)
        for line in element.lines:
            pdf.cell(width, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.set_font("DejaVu", "", 10.5)
        for item in element.items:
            pdf.multi_cell(width, 5.5, f"{element.glyph} {item}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
