"""A report as PDF (reportlab): A4, the region's letterhead, title and period, tables that
break across pages with their header repeated, charts drawn on the server
(`reportlab.graphics`), numbers and dates in Indonesian form, "Halaman 2 dari 5" on every page
and the signature block of the Kepala Dinas.

Text from the database (names, programme titles, the letterhead) goes into reportlab markup
escaped: a Paragraph's `<img src=…>` would otherwise read files of the server."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Image,
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from lindung.core.formatting import MONTHS_ID, tanggal, thousands
from lindung.regions.models import Region
from lindung.reports.models import Letterhead
from lindung.reports.tables import TEXT, TableSpec, display

log = logging.getLogger(__name__)

MARGIN = 1.5 * cm
HEADER_BG = colors.HexColor("#dfe8f1")
TOTAL_BG = colors.HexColor("#f0f0f0")
BAR = colors.HexColor("#2f6f9f")

_styles = getSampleStyleSheet()
NORMAL = ParagraphStyle("lindung-normal", parent=_styles["Normal"], fontSize=9.5, leading=12.5)
SMALL = ParagraphStyle("lindung-small", parent=NORMAL, fontSize=8, leading=10)
CELL = ParagraphStyle("lindung-cell", parent=NORMAL, fontSize=7.5, leading=9)
CELL_BOLD = ParagraphStyle("lindung-cell-bold", parent=CELL, fontName="Helvetica-Bold")
HEAD = ParagraphStyle("lindung-head", parent=CELL, fontName="Helvetica-Bold")
TITLE = ParagraphStyle(
    "lindung-title",
    parent=NORMAL,
    fontName="Helvetica-Bold",
    fontSize=13,
    leading=16,
    alignment=TA_CENTER,
    spaceAfter=2,
)
SUBTITLE = ParagraphStyle(
    "lindung-subtitle", parent=NORMAL, alignment=TA_CENTER, fontSize=10.5, leading=13
)
H2 = ParagraphStyle(
    "lindung-h2",
    parent=NORMAL,
    fontName="Helvetica-Bold",
    fontSize=11,
    leading=14,
    spaceBefore=10,
    spaceAfter=4,
)
LH_GOV = ParagraphStyle(
    "lindung-lh-gov",
    parent=NORMAL,
    fontName="Helvetica-Bold",
    fontSize=13,
    leading=15,
    alignment=TA_CENTER,
)
LH_AGENCY = ParagraphStyle("lindung-lh-agency", parent=LH_GOV, fontSize=12, leading=14)
LH_ADDRESS = ParagraphStyle(
    "lindung-lh-address", parent=NORMAL, fontSize=8.5, leading=10.5, alignment=TA_CENTER
)


def p(text: Any, style: ParagraphStyle = NORMAL) -> Paragraph:
    return Paragraph(escape(str(text)), style)


# --- pages: "Halaman n dari N" ------------------------------------------------------------------


class _NumberedCanvas(canvas.Canvas):
    """Draws every page's footer once the number of pages is known (two passes over the
    saved page states)."""

    def __init__(self, *args: Any, footer: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._footer = footer

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont("Helvetica", 7.5)
            self.setFillColor(colors.grey)
            self.drawString(MARGIN, 0.9 * cm, self._footer[:120])
            self.drawRightString(
                self._pagesize[0] - MARGIN,
                0.9 * cm,
                _("Halaman %(n)s dari %(total)s") % {"n": self._pageNumber, "total": total},
            )
            super().showPage()
        super().save()


# --- letterhead and signature --------------------------------------------------------------------


def default_government(region: Region) -> str:
    """'PEMERINTAH KABUPATEN PASER' from the region (or its regency) when no letterhead is
    set."""
    r: Region | None = region
    while r is not None and r.level > Region.Level.REGENCY:
        r = r.parent
    if r is None:
        return _("PEMERINTAH DAERAH")
    name = r.name if r.level == Region.Level.REGENCY else _("Provinsi %(n)s") % {"n": r.name}
    return (_("Pemerintah %(name)s") % {"name": name}).upper()


def logo_path(lh: Letterhead | None) -> Path | None:
    if lh is None or not lh.logo:
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / lh.logo).resolve()
    # Only files under MEDIA_ROOT/reports/ (where the upload put them), whatever the row says.
    if not path.is_relative_to(root / "reports") or not path.is_file():
        return None
    return path


def letterhead_lines(region: Region, lh: Letterhead | None) -> list[str]:
    """The letterhead's lines (government, agency, address) as text, the same in a PDF and in
    a spreadsheet: without a letterhead set, the government's name from the region."""
    lines = [lh.government if lh else default_government(region)]
    if lh is not None and lh.agency:
        lines.append(lh.agency.upper())
    if lh is not None and lh.address:
        lines.append(lh.address)
    return lines


def letterhead_flowables(
    region: Region,
    lh: Letterhead | None,
    width: float,
) -> list[Flowable]:
    # Government, agency (when set) and address (when set), in that order.
    styles = [LH_GOV, *([LH_AGENCY] if lh is not None and lh.agency else []), LH_ADDRESS]
    lines: list[Flowable] = [
        p(text, style) for text, style in zip(letterhead_lines(region, lh), styles, strict=False)
    ]
    logo: Flowable | str = ""
    path = logo_path(lh)
    if path is not None:
        try:
            w, h = ImageReader(str(path)).getSize()
            height = 2.1 * cm
            logo = Image(str(path), width=height * w / h if h else height, height=height)
        except Exception:  # a damaged file must not stop the report; the logo is left out
            log.warning("logo %s unreadable", path, exc_info=True)
            logo = ""
    head = Table(
        [[logo, lines, ""]],
        colWidths=[2.8 * cm, width - 5.6 * cm, 2.8 * cm],
        style=TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (0, 0), "CENTER")]
        ),
    )
    return [
        head,
        HRFlowable(width="100%", thickness=2, color=colors.black, spaceBefore=2, spaceAfter=1),
        HRFlowable(width="100%", thickness=0.5, color=colors.black, spaceAfter=10),
    ]


@dataclass(frozen=True)
class Signature:
    """The signature block as text: place and date, the signer's office, name (a dotted line
    to sign on when none is set), rank (may be empty) and NIP (dotted when none is set)."""

    dated: str
    title: str
    name: str
    rank: str
    nip: str


def signature_lines(lh: Letterhead | None, on: Any) -> Signature:
    place = lh.city if lh and lh.city else ""
    return Signature(
        dated=f"{place}, {tanggal(on)}" if place else tanggal(on),
        title=lh.signer_title if lh else _("Kepala Dinas"),
        name=lh.signer_name if lh and lh.signer_name else "(" + "." * 40 + ")",
        rank=lh.signer_rank if lh else "",
        nip=_("NIP. %(nip)s") % {"nip": lh.signer_nip if lh and lh.signer_nip else "." * 30},
    )


def signature_block(lh: Letterhead | None, on: Any) -> Flowable:
    """Place and date, the signer's office, room for the signature and stamp, name, rank and
    NIP; kept together on one page."""
    sig = signature_lines(lh, on)
    cells: list[Flowable] = [
        p(sig.dated),
        p(sig.title),
        Spacer(1, 1.7 * cm),
        Paragraph(f"<u><b>{escape(sig.name)}</b></u>", NORMAL),
    ]
    if sig.rank:
        cells.append(p(sig.rank))
    cells.append(p(sig.nip))
    block = Table(
        [[c] for c in cells],
        colWidths=[8 * cm],
        hAlign="RIGHT",
        style=TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        ),
    )
    return KeepTogether([Spacer(1, 0.8 * cm), block])


# --- tables --------------------------------------------------------------------------------------


def table_flowable(t: TableSpec, width: float) -> list[Flowable]:
    """A LongTable whose header row repeats on every page it spans; numbers right-aligned in
    Indonesian form; the total row shaded."""
    weights = [c.width for c in t.columns]
    widths = [width * w / sum(weights) for w in weights]
    data: list[list[Any]] = [[Paragraph(escape(c.name), HEAD) for c in t.columns]]
    for r, row in enumerate(t.rows):
        style = CELL_BOLD if r in t.bold_rows else CELL
        data.append([_pdf_cell(v, t.kind(r, c), style) for c, v in enumerate(row)])
    if t.total is not None:
        data.append([_pdf_cell(v, t.kind(-1, c), CELL_BOLD) for c, v in enumerate(t.total)])
    style = [
        ("GRID", (0, 0), (-1, -1), 0.35, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if t.total is not None:
        style.append(("BACKGROUND", (0, -1), (-1, -1), TOTAL_BG))
    table = LongTable(
        data, colWidths=widths, repeatRows=1, style=TableStyle(style), splitByRow=True
    )
    out: list[Flowable] = [p(t.title, H2), table]
    if not t.rows:
        out.append(p(_("Tidak ada data pada periode ini."), SMALL))
    if t.note:
        out += [Spacer(1, 3), p(t.note, SMALL)]
    return out


_RIGHT = ParagraphStyle("lindung-cell-right", parent=CELL, alignment=2)
_RIGHT_BOLD = ParagraphStyle("lindung-cell-right-bold", parent=CELL_BOLD, alignment=2)


def _pdf_cell(value: Any, kind: str, style: ParagraphStyle) -> Paragraph:
    if kind == TEXT or isinstance(value, str):
        return Paragraph(escape("" if value is None else str(value)), style)
    right = _RIGHT_BOLD if style is CELL_BOLD else _RIGHT
    return Paragraph(escape(display(value, kind)), right)


# --- charts --------------------------------------------------------------------------------------


def _short(name: str, n: int = 22) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


def bar_chart(title: str, items: Sequence[tuple[str, int]], width: float) -> Flowable | None:
    """Horizontal bars (one per area, names on the left), values in Indonesian form."""
    if not items:
        return None
    items = list(items)[:30]
    height = 1.2 * cm + 0.55 * cm * len(items)
    d = Drawing(width, height + 0.8 * cm)
    chart = HorizontalBarChart()
    chart.x, chart.y = 4.5 * cm, 0.6 * cm
    chart.width, chart.height = width - 5.5 * cm, height - 0.6 * cm
    chart.data = [[v for _n, v in reversed(items)]]
    chart.categoryAxis.categoryNames = [_short(n) for n, _v in reversed(items)]
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    _integer_axis(chart.valueAxis, max(v for _n, v in items))
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = _axis_number
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = _axis_number
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    d.add(chart)
    d.add(String(0, height + 0.3 * cm, title, fontName="Helvetica-Bold", fontSize=9))
    return d


def line_chart(
    title: str,
    points: Sequence[tuple[Any, int]],
    width: float,
) -> Flowable | None:
    """Active participants at each month's end."""
    if len(points) < 2:
        return None
    d = Drawing(width, 6.2 * cm)
    chart = HorizontalLineChart()
    chart.x, chart.y = 1.8 * cm, 0.8 * cm
    chart.width, chart.height = width - 2.3 * cm, 4.4 * cm
    chart.data = [[n for _d, n in points]]
    chart.categoryAxis.categoryNames = [
        f"{MONTHS_ID[day.month - 1][:3]} {day.year % 100:02d}" for day, _n in points
    ]
    chart.categoryAxis.labels.fontSize = 7
    _integer_axis(chart.valueAxis, max(n for _d, n in points))
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = _axis_number
    chart.lines[0].strokeColor = BAR
    chart.lines[0].strokeWidth = 1.8
    d.add(chart)
    d.add(String(0, 5.8 * cm, title, fontName="Helvetica-Bold", fontSize=9))
    return d


def _integer_axis(axis: Any, top: float) -> None:
    """Whole-number ticks from 0: a count of people has no halves."""
    step = 1
    while top / step > 8:  # 1, 2, 5, 10, 20, 50, ...
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2
    axis.valueMin = 0
    axis.valueStep = step
    axis.valueMax = max(step, -(-int(top) // step) * step)


def _axis_number(value: float) -> str:
    return thousands(value) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


# --- the document --------------------------------------------------------------------------------


def build(
    *,
    region: Region,
    letterhead: Letterhead | None,
    title: str,
    subtitle: Sequence[str],
    body: Callable[[float], list[Flowable]],
    footer: str,
    signed_on: Any,
    author: str = "",
    wide: bool = False,
) -> bytes:
    """The document: letterhead, title, `body(width)`, signature; A4, landscape when `wide`
    (the monev report's tables have up to 14 columns)."""
    out = io.BytesIO()
    page = landscape(A4) if wide else A4
    width = page[0] - 2 * MARGIN
    doc = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=1.6 * cm,
        title=title,
        author=author or "Lindung",
        creator="Lindung",
    )
    story: list[Flowable] = letterhead_flowables(region, letterhead, width)
    story.append(p(title, TITLE))
    story += [p(line, SUBTITLE) for line in subtitle]
    story.append(Spacer(1, 0.4 * cm))
    story += body(width)
    story.append(signature_block(letterhead, signed_on))
    doc.build(story, canvasmaker=partial(_NumberedCanvas, footer=footer))
    return out.getvalue()
