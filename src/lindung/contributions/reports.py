"""The monthly contribution statement (laporan iuran) of one programme and funder, as XLSX
(openpyxl) and PDF (reportlab). Both render the same `selectors.Statement`; its totals
reconcile: lines by kecamatan = bill lines, + adjustments = bill total, allocations = paid."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lindung.contributions.selectors import Statement
from lindung.core.formatting import bulan, rupiah, tanggal, thousands

RP = '"Rp"#,##0;-"Rp"#,##0'


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
        (_("Status"), _("Lunas %(d)s") % {"d": tanggal(b.paid_at)} if b.paid_at
         else _("Belum lunas"), False),
    ]


def _district_totals(st: Statement) -> dict[str, int]:
    """The totals row of the table by kecamatan."""
    rows = st.by_district
    return {"participants": sum(r["participants"] for r in rows),
            "jkk": sum(r["jkk"] for r in rows), "jkm": sum(r["jkm"] for r in rows),
            "jht": sum(r["jht"] for r in rows), "amount": st.districts_total}


def statement_xlsx(st: Statement) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Ringkasan")
    ws.append([_("Laporan iuran BPJS Ketenagakerjaan pekerja rentan")])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    for label, value, is_money in _summary_rows(st):
        ws.append([label, value])
        if is_money:
            ws.cell(ws.max_row, 2).number_format = RP
    ws.append([])
    ws.append([_("Anggaran program")])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    for label, amount in st.budget.budget_lines:
        ws.append([label, amount])
        ws.cell(ws.max_row, 2).number_format = RP
    for label, amount in ((_("Total anggaran"), st.budget.budget),
                          (_("Sudah ditagih"), st.budget.billed),
                          (_("Sudah dibayar"), st.budget.paid),
                          (_("Terikat (bulan belum ditagih)"), st.budget.committed),
                          (_("Sisa anggaran"), st.budget.remaining)):
        ws.append([label, amount])
        ws.cell(ws.max_row, 2).number_format = RP
    for sentence in st.budget.sentences:
        ws.append([sentence])
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 48

    ws = wb.create_sheet(_("Per kecamatan"))
    ws.append([_("Kode"), _("Kecamatan"), _("Peserta"), "JKK", "JKM", "JHT", _("Jumlah")])
    for r in st.by_district:
        ws.append([r["district"], r["name"], r["participants"], r["jkk"], r["jkm"], r["jht"],
                   r["amount"]])
    totals = _district_totals(st)
    ws.append(["", _("Total"), totals["participants"], totals["jkk"], totals["jkm"],
               totals["jht"], totals["amount"]])
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=7):
        for cell in row:
            cell.number_format = RP
    for cell in ws[1] + ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.column_dimensions["B"].width = 28

    ws = wb.create_sheet(_("Pembayaran"))
    ws.append([_("Tanggal bayar"), _("Nomor SP2D"), _("Untuk bulan"), _("Dialokasikan")])
    for a in st.allocations:
        ws.append([a.payment.paid_on, a.payment.reference,
                   f"{bulan(a.payment.first_month)} (+{a.payment.months_covered})", a.amount])
        ws.cell(ws.max_row, 1).number_format = "DD-MM-YYYY"
        ws.cell(ws.max_row, 4).number_format = RP
    ws.append(["", "", _("Total"), st.allocated_total])
    ws.cell(ws.max_row, 4).number_format = RP
    if st.adjustments:
        ws.append([])
        ws.append([_("Penyesuaian"), _("Alasan"), _("Pekerja"), _("Jumlah")])
        for adj in st.adjustments:
            ws.append([adj.created_at.date(), adj.reason,
                       adj.enrolment.worker.name if adj.enrolment else "", adj.amount])
            ws.cell(ws.max_row, 4).number_format = RP
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 24
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def statement_pdf(st: Statement) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=1.5 * cm,
                            rightMargin=1.5 * cm, topMargin=1.5 * cm, bottomMargin=1.5 * cm,
                            title=filename(st, "pdf"))
    styles = getSampleStyleSheet()
    grid = TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ])
    summary = [[label, rupiah(v) if is_money else
                (thousands(v) if isinstance(v, int) else str(v))]
               for label, v, is_money in _summary_rows(st)]
    story: list = [
        Paragraph(_("Laporan iuran BPJS Ketenagakerjaan pekerja rentan"), styles["Title"]),
        Paragraph(f"{st.bill.programme.code} · {st.funder_label} · {bulan(st.bill.month)}",
                  styles["Heading3"]),
        Table(summary, colWidths=[6 * cm, 12 * cm],
              style=TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                ("FONTSIZE", (0, 0), (-1, -1), 9)])),
        Spacer(1, 0.4 * cm),
        Paragraph(_("Rincian per kecamatan"), styles["Heading3"]),
    ]
    rows = [[_("Kode"), _("Kecamatan"), _("Peserta"), "JKK", "JKM", "JHT", _("Jumlah")]]
    rows += [[r["district"], r["name"], thousands(r["participants"]), rupiah(r["jkk"]),
              rupiah(r["jkm"]), rupiah(r["jht"]), rupiah(r["amount"])] for r in st.by_district]
    totals = _district_totals(st)
    rows.append(["", _("Total"), thousands(totals["participants"]), rupiah(totals["jkk"]),
                 rupiah(totals["jkm"]), rupiah(totals["jht"]), rupiah(totals["amount"])])
    story.append(Table(rows, repeatRows=1, style=grid))
    story += [Spacer(1, 0.4 * cm), Paragraph(_("Pembayaran"), styles["Heading3"])]
    pay = [[_("Tanggal bayar"), _("Nomor SP2D"), _("Untuk bulan"), _("Dialokasikan")]]
    pay += [[tanggal(a.payment.paid_on), a.payment.reference,
             f"{bulan(a.payment.first_month)} (+{a.payment.months_covered})", rupiah(a.amount)]
            for a in st.allocations]
    pay.append(["", "", _("Total"), rupiah(st.allocated_total)])
    story.append(Table(pay, repeatRows=1, style=grid))
    if st.adjustments:
        story += [Spacer(1, 0.4 * cm), Paragraph(_("Penyesuaian"), styles["Heading3"])]
        adj = [[_("Tanggal"), _("Alasan"), _("Pekerja"), _("Jumlah")]]
        adj += [[tanggal(a.created_at.date()), a.reason,
                 a.enrolment.worker.name if a.enrolment else "", rupiah(a.amount)]
                for a in st.adjustments]
        story.append(Table(adj, repeatRows=1, style=grid))
    story += [Spacer(1, 0.4 * cm), Paragraph(_("Anggaran dan proyeksi"), styles["Heading3"])]
    story += [Paragraph(s, styles["Normal"]) for s in st.budget.sentences]
    doc.build(story)
    return out.getvalue()
