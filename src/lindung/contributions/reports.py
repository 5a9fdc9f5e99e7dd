"""The monthly contribution statement (laporan iuran) of one programme and funder, as XLSX
(openpyxl) and PDF (reportlab). Both render the same `selectors.Statement`; its totals
reconcile: lines by kecamatan = bill lines, + adjustments = bill total, allocations = paid."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lindung.contributions.selectors import Statement
from lindung.core.exports import PDF, ExportFile, Styled, XlsxBook
from lindung.core.formatting import bulan, rupiah, tanggal, thousands

RP = '"Rp"#,##0;-"Rp"#,##0'
TITLE = Font(bold=True, size=13)
BOLD = Font(bold=True)


def filename(st: Statement, ext: str) -> str:
    return f"laporan-iuran-{st.bill.programme.code}-{st.bill.month:%Y-%m}.{ext}"


def _summary_rows(st: Statement) -> list[tuple[str, object, bool]]:
    """(label, value, is rupiah) of the statement's summary."""
    b = st.bill
    outstanding = b.outstanding
    return [
        (_("Program"), f"{b.programme.code} — {b.programme.name}", False),
        (_("Penyandang dana"), st.funder_label, False),
        (_("Bulan iuran"), bulan(b.month), False),
        (_("Jatuh tempo"), tanggal(b.due_date), False),
        (_("Jumlah peserta"), b.line_count, False),
        (_("JKK"), b.jkk_total, True),
        (_("JKM"), b.jkm_total, True),
        (_("JHT"), b.jht_total, True),
        (_("Iuran peserta"), b.lines_total, True),
        (_("Penyesuaian"), b.adjustments_total, True),
        (_("Total tagihan"), b.total, True),
        (_("Dibayar"), b.paid_amount, True),
        (_("Kurang bayar") if outstanding >= 0 else _("Lebih bayar"), abs(outstanding), True),
        (
            _("Status"),
            _("Lunas %(d)s") % {"d": tanggal(b.paid_at)} if b.paid_at else _("Belum lunas"),
            False,
        ),
    ]


def _district_totals(st: Statement) -> dict[str, int]:
    """The totals row of the table by kecamatan."""
    rows = st.by_district
    return {
        "participants": sum(r["participants"] for r in rows),
        "jkk": sum(r["jkk"] for r in rows),
        "jkm": sum(r["jkm"] for r in rows),
        "jht": sum(r["jht"] for r in rows),
        "amount": st.districts_total,
    }


def statement_rows(st: Statement) -> int:
    """The data rows of the statement (kecamatan, payments, adjustments), as the audit trail
    counts them for both formats."""
    return len(st.by_district) + len(st.allocations) + len(st.adjustments)


def statement_xlsx_export(st: Statement) -> ExportFile:
    """Written by `core.exports`: every text cell (programme name, SP2D number, the reason of
    an adjustment, a worker's name) formula-safe, amounts as numbers."""
    book = XlsxBook()
    ws = book.sheet(_("Ringkasan")).widths([34, 48])
    ws.append(
        [Styled(_("Laporan iuran BPJS Ketenagakerjaan pekerja rentan"), font=TITLE)], data=False
    )
    ws.append([], data=False)
    for label, value, is_money in _summary_rows(st):
        ws.append([label, _money(value) if is_money else value], data=False)
    ws.append([], data=False)
    ws.append([Styled(_("Anggaran program"), font=BOLD)], data=False)
    for label, amount in st.budget.budget_lines:
        ws.append([label, _money(amount)], data=False)
    for label, amount in (
        (_("Total anggaran"), st.budget.budget),
        (_("Sudah ditagih"), st.budget.billed),
        (_("Sudah dibayar"), st.budget.paid),
        (_("Terikat (bulan belum ditagih)"), st.budget.committed),
        (_("Sisa anggaran"), st.budget.remaining),
    ):
        ws.append([label, _money(amount)], data=False)
    for sentence in st.budget.sentences:
        ws.append([sentence], data=False)

    ws = book.sheet(_("Per kecamatan")).widths({2: 28})
    ws.header(
        [_("Kode"), _("Kecamatan"), _("Peserta"), "JKK", "JKM", "JHT", _("Jumlah")], font=BOLD
    )
    for r in st.by_district:
        ws.append(
            [
                r["district"],
                r["name"],
                r["participants"],
                _money(r["jkk"]),
                _money(r["jkm"]),
                _money(r["jht"]),
                _money(r["amount"]),
            ]
        )
    totals = _district_totals(st)
    ws.append(
        [
            Styled(v, font=BOLD, number_format=RP if i > 2 else None)
            for i, v in enumerate(
                [
                    "",
                    _("Total"),
                    totals["participants"],
                    totals["jkk"],
                    totals["jkm"],
                    totals["jht"],
                    totals["amount"],
                ]
            )
        ],
        data=False,
    )

    ws = book.sheet(_("Pembayaran")).widths({2: 30, 3: 24})
    ws.header([_("Tanggal bayar"), _("Nomor SP2D"), _("Untuk bulan"), _("Dialokasikan")])
    for a in st.allocations:
        ws.append(
            [
                Styled(a.payment.paid_on, number_format="DD-MM-YYYY"),
                a.payment.reference,
                f"{bulan(a.payment.first_month)} (+{a.payment.months_covered})",
                _money(a.amount),
            ]
        )
    ws.append(["", "", _("Total"), _money(st.allocated_total)], data=False)
    if st.adjustments:
        ws.append([], data=False)
        ws.header([_("Penyesuaian"), _("Alasan"), _("Pekerja"), _("Jumlah")])
        for adj in st.adjustments:
            ws.append(
                [
                    adj.created_at.date(),
                    adj.reason,
                    adj.enrolment.worker.name if adj.enrolment else "",
                    _money(adj.amount),
                ]
            )
    return book.file()


def _money(amount: object) -> Styled:
    return Styled(amount, number_format=RP)


def statement_pdf(st: Statement) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=filename(st, "pdf"),
    )
    styles = getSampleStyleSheet()
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    summary = [
        [label, rupiah(v) if is_money else (thousands(v) if isinstance(v, int) else str(v))]
        for label, v, is_money in _summary_rows(st)
    ]
    story: list = [
        Paragraph(_("Laporan iuran BPJS Ketenagakerjaan pekerja rentan"), styles["Title"]),
        Paragraph(
            escape(f"{st.bill.programme.code} · {st.funder_label} · {bulan(st.bill.month)}"),
            styles["Heading3"],
        ),
        Table(
            summary,
            colWidths=[6 * cm, 12 * cm],
            style=TableStyle(
                [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 9)]
            ),
        ),
        Spacer(1, 0.4 * cm),
        Paragraph(_("Rincian per kecamatan"), styles["Heading3"]),
    ]
    rows = [[_("Kode"), _("Kecamatan"), _("Peserta"), "JKK", "JKM", "JHT", _("Jumlah")]]
    rows += [
        [
            r["district"],
            r["name"],
            thousands(r["participants"]),
            rupiah(r["jkk"]),
            rupiah(r["jkm"]),
            rupiah(r["jht"]),
            rupiah(r["amount"]),
        ]
        for r in st.by_district
    ]
    totals = _district_totals(st)
    rows.append(
        [
            "",
            _("Total"),
            thousands(totals["participants"]),
            rupiah(totals["jkk"]),
            rupiah(totals["jkm"]),
            rupiah(totals["jht"]),
            rupiah(totals["amount"]),
        ]
    )
    story.append(Table(rows, repeatRows=1, style=grid))
    story += [Spacer(1, 0.4 * cm), Paragraph(_("Pembayaran"), styles["Heading3"])]
    pay = [[_("Tanggal bayar"), _("Nomor SP2D"), _("Untuk bulan"), _("Dialokasikan")]]
    pay += [
        [
            tanggal(a.payment.paid_on),
            a.payment.reference,
            f"{bulan(a.payment.first_month)} (+{a.payment.months_covered})",
            rupiah(a.amount),
        ]
        for a in st.allocations
    ]
    pay.append(["", "", _("Total"), rupiah(st.allocated_total)])
    story.append(Table(pay, repeatRows=1, style=grid))
    if st.adjustments:
        story += [Spacer(1, 0.4 * cm), Paragraph(_("Penyesuaian"), styles["Heading3"])]
        adj = [[_("Tanggal"), _("Alasan"), _("Pekerja"), _("Jumlah")]]
        adj += [
            [
                tanggal(a.created_at.date()),
                a.reason,
                a.enrolment.worker.name if a.enrolment else "",
                rupiah(a.amount),
            ]
            for a in st.adjustments
        ]
        story.append(Table(adj, repeatRows=1, style=grid))
    story += [Spacer(1, 0.4 * cm), Paragraph(_("Anggaran dan proyeksi"), styles["Heading3"])]
    # Paragraph text is reportlab markup (<img src=…> reads files): data goes in escaped.
    story += [Paragraph(escape(s), styles["Normal"]) for s in st.budget.sentences]
    doc.build(story)
    return out.getvalue()


def statement_export(st: Statement, fmt: str) -> ExportFile:
    """The statement as XLSX or PDF, with its row count for the audit trail."""
    if fmt == "xlsx":
        return statement_xlsx_export(st)
    return ExportFile(statement_pdf(st), PDF, "pdf", statement_rows(st))
