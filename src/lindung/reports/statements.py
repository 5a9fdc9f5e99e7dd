"""The bill statement (rekapitulasi tagihan iuran) of one programme, funder and month, as XLSX
and PDF (issue 13). Both render the same `selectors.Statement` in the same order:

1. the letterhead of the programme's region (or the nearest region above it that has one;
   without any, the government's name from the region) — `reports.pdf.letterhead_lines`;
2. the title: programme, month in Indonesian ("November 2026"), funder;
3. the summary: participants, the contribution per person as billed (never a constant: the
   lowest and highest line of the bill), totals, adjustments, paid or owed, due date, the SP2D
   payments; the lines by kecamatan; the programme's budget;
4. the participant list: no., name, NIK masked as every list masks it (`registry.privacy`),
   KPJ, village, occupation, JKK, JKM (JHT when billed), amount, and the totals;
5. the signature block of the letterhead (place and date, office, name, rank, NIP; a dotted
   line to sign on where nothing is set) — `reports.pdf.signature_lines`.

The XLSX is written by the one formula-safe writer (`core.exports`): amounts are numbers with
a rupiah format (a column still sums), dates real dates. The PDF is laid out by the reports'
engine (`reports.pdf.build`: A4, letterhead, "Halaman n dari N", signature). A province
programme's bill holds 15,000 lines or more: lines are read from the database in chunks, the
XLSX is streamed, and the PDF's participant table is laid out one page at a time
(`_RowStream`). A bill of more than `contributions.selectors.statement_direct_max()` lines
is built in the background (`reports.services.report_build`, kind `statement`) rather than
in the web request.

Totals reconcile: lines by kecamatan = bill lines; + adjustments = bill total; allocations =
paid (`Statement.reconciles`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from lindung.accounts.models import User
from lindung.contributions import selectors
from lindung.contributions.models import Bill
from lindung.contributions.selectors import Statement, StatementLine, statement_direct_max
from lindung.core.exports import (
    DATE_FORMAT,
    INTEGER_FORMAT,
    PDF,
    RUPIAH_FORMAT,
    ExportFile,
    Styled,
    XlsxBook,
    XlsxSheet,
)
from lindung.core.formatting import bulan, mask_identity, rupiah, tanggal, thousands
from lindung.reports import pdf
from lindung.reports.selectors import letterhead_for

Progress = Callable[[int, str], None]

"""Above this many lines a statement is built in the background: a 15,000-line PDF takes
several seconds (bench/statements.py), longer than a web request should hold a worker."""

RP = RUPIAH_FORMAT
TITLE = Font(bold=True, size=13)
LETTERHEAD = Font(bold=True, size=12)
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DFE8F1")


def in_background(bill: Bill) -> bool:
    """True when the statement of `bill` is too large to build within a web request."""
    return bill.line_count > statement_direct_max()


def statement(*, user: User, bill: Bill, on: dt.date | None = None) -> Statement:
    """The bill's statement (contributions.selectors.statement, the bill read within the
    user's scope) on the letterhead of the programme's region."""
    st = selectors.statement(user=user, bill=bill, on=on)
    st.letterhead = letterhead_for(st.bill.programme.region_id)
    return st


def _no_progress(_percent: int, _phase: str) -> None:
    return None


def filename(st: Statement, ext: str) -> str:
    return f"tagihan-iuran-{st.bill.programme.code}-{st.bill.month:%Y-%m}.{ext}"


def title() -> str:
    return _("Rekapitulasi Tagihan Iuran BPJS Ketenagakerjaan Pekerja Rentan")


def subtitle(st: Statement) -> list[str]:
    b = st.bill
    return [
        f"{b.programme.code} — {b.programme.name}",
        _("Bulan iuran %(month)s") % {"month": bulan(b.month)},
        st.funder_label,
    ]


# --- the summary, shared by both formats ----------------------------------------------------

MONEY, DATE, COUNT, MONTH, TEXT = "money", "date", "count", "month", "text"


def _summary_rows(st: Statement) -> list[tuple[str, object, str]]:
    """(label, value, kind) of the statement's summary."""
    b = st.bill
    rows: list[tuple[str, object, str]] = [
        (_("Program"), f"{b.programme.code} — {b.programme.name}", TEXT),
        (_("Penyandang dana"), st.funder_label, TEXT),
        (_("Paket manfaat"), b.package.name, TEXT),
        (_("Bulan iuran"), b.month, MONTH),
        (_("Jatuh tempo"), b.due_date, DATE),
        (_("Jumlah peserta"), b.line_count, COUNT),
    ]
    if st.rate_min is not None and st.rate_min == st.rate_max:
        rows.append((_("Iuran per peserta per bulan"), st.rate_min, MONEY))
    elif st.rate_min is not None:
        rows += [
            (_("Iuran per peserta terendah"), st.rate_min, MONEY),
            (_("Iuran per peserta tertinggi"), st.rate_max, MONEY),
        ]
    rows += [(_("JKK"), b.jkk_total, MONEY), (_("JKM"), b.jkm_total, MONEY)]
    if b.jht_total:
        rows.append((_("JHT"), b.jht_total, MONEY))
    outstanding = b.outstanding
    rows += [
        (_("Iuran peserta"), b.lines_total, MONEY),
        (_("Penyesuaian"), b.adjustments_total, MONEY),
        (_("Total tagihan"), b.total, MONEY),
        (_("Dibayar"), b.paid_amount, MONEY),
        (_("Kurang bayar") if outstanding >= 0 else _("Lebih bayar"), abs(outstanding), MONEY),
        (_("Status"), _("Lunas") if b.paid_at else _("Belum lunas"), TEXT),
    ]
    if b.paid_at:
        rows.append((_("Tanggal lunas"), b.paid_at, DATE))
    return rows


def _display(value: object, kind: str) -> str:
    if kind == MONEY:
        return rupiah(value)  # type: ignore[arg-type]
    if kind == DATE:
        return tanggal(value)  # type: ignore[arg-type]
    if kind == MONTH:
        return bulan(value)  # type: ignore[arg-type]
    if kind == COUNT:
        return thousands(value)  # type: ignore[arg-type]
    return str(value)


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
    """The data rows of the statement (participants, kecamatan, payments, adjustments), as the
    audit trail counts them for both formats."""
    return st.bill.line_count + len(st.by_district) + len(st.allocations) + len(st.adjustments)


def _line_columns(st: Statement) -> list[str]:
    names = [_("No."), _("Nama"), _("NIK"), _("KPJ"), _("Desa/kelurahan"), _("Pekerjaan")]
    return [*names, "JKK", "JKM", *(["JHT"] if st.bill.jht_total else []), _("Jumlah")]


def _line_amounts(st: Statement, line: StatementLine) -> list[int]:
    return [line.jkk, line.jkm, *([line.jht] if st.bill.jht_total else []), line.amount]


def _every(n: int, total: int, progress: Progress, start: int, end: int) -> None:
    """Progress from `start` to `end` % while going through `total` lines, every 1,000."""
    if n % 1_000 == 0 and total:
        progress(start + (end - start) * n // total, _("Daftar peserta"))


# --- XLSX -----------------------------------------------------------------------------------


def _money(amount: object, font: Font | None = None) -> Styled:
    return Styled(amount, number_format=RP, font=font)


def _xlsx_value(value: object, kind: str) -> object:
    if kind == MONEY:
        return _money(value)
    if kind == DATE:
        return Styled(value, number_format=DATE_FORMAT)
    if kind == MONTH:
        return Styled(value, number_format="MMMM YYYY")
    if kind == COUNT:
        return Styled(value, number_format=INTEGER_FORMAT)
    return value


def statement_xlsx_export(st: Statement, progress: Progress = _no_progress) -> ExportFile:
    """Every text cell (programme name, SP2D number, the reason of an adjustment, a worker's
    name) formula-safe, amounts as numbers, dates as dates."""
    book = XlsxBook()
    columns = _line_columns(st)
    n = len(columns)
    ws = book.sheet(_("Tagihan")).widths([6, 34, 22, 15, 24, 20, *[14] * (n - 7), 16])
    for i, line in enumerate(pdf.letterhead_lines(st.region, st.letterhead)):
        ws.banner(line, columns=n, font=LETTERHEAD if i < 2 else None)
    ws.append([], data=False)
    ws.banner(title().upper(), columns=n, font=TITLE)
    for line in subtitle(st):
        ws.banner(line, columns=n)
    ws.append([], data=False)

    for label, value, kind in _summary_rows(st):
        ws.append(["", label, _xlsx_value(value, kind)], data=False)
    if st.allocations:
        ws.append([], data=False)
        ws.append(
            ["", Styled(_("Pembayaran (SP2D)"), font=BOLD)]
            + [
                Styled(h, font=BOLD)
                for h in (_("Tanggal bayar"), _("Untuk bulan"), _("Dialokasikan"))
            ],
            data=False,
        )
        for a in st.allocations:
            ws.append(
                [
                    "",
                    a.payment.reference,
                    Styled(a.payment.paid_on, number_format=DATE_FORMAT),
                    f"{bulan(a.payment.first_month)} (+{a.payment.months_covered})",
                    _money(a.amount),
                ]
            )
    if st.adjustments:
        ws.append([], data=False)
        ws.append(
            ["", Styled(_("Penyesuaian"), font=BOLD)]
            + [Styled(h, font=BOLD) for h in (_("Tanggal"), _("Pekerja"), _("Jumlah"))],
            data=False,
        )
        for adj in st.adjustments:
            ws.append(
                [
                    "",
                    adj.reason,
                    Styled(adj.created_at, number_format=DATE_FORMAT),
                    adj.enrolment.worker.name if adj.enrolment else "",
                    _money(adj.amount),
                ]
            )

    ws.append([], data=False)
    ws.banner(_("Daftar peserta"), columns=n, font=BOLD, horizontal="left")
    ws.header(columns, font=BOLD, fill=HEADER_FILL)
    header_row = ws.last_row
    sums = [0] * (n - 6)
    total = st.bill.line_count
    for no, line in enumerate(st.lines(), 1):
        amounts = _line_amounts(st, line)
        ws.append(
            [
                no,
                line.name,
                mask_identity(line.nik),
                line.kpj,
                line.village,
                line.occupation,
                *(_money(a) for a in amounts),
            ]
        )
        sums = [s + a for s, a in zip(sums, amounts, strict=True)]
        _every(no, total, progress, 10, 85)
    ws.append(
        [
            "",
            Styled(_("Jumlah %(n)s peserta") % {"n": thousands(total)}, font=BOLD),
            "",
            "",
            "",
            "",
            *(_money(s, BOLD) for s in sums),
        ],
        data=False,
    )
    ws.landscape(repeat_rows=(header_row, header_row))
    _xlsx_signature(ws, st, column=n - 3)

    _xlsx_districts(book, st)
    _xlsx_budget(book, st)
    progress(95, _("Menyimpan berkas"))
    return book.file()


def _xlsx_signature(ws: XlsxSheet, st: Statement, *, column: int) -> None:
    """The signature block under the list, from column `column` on (text spills right)."""
    sig = pdf.signature_lines(st.letterhead, st.generated_on)
    pad = [""] * (column - 1)
    ws.append([], data=False)
    ws.append([*pad, sig.dated], data=False)
    ws.append([*pad, sig.title], data=False)
    for _blank in range(3):  # room for the signature and the stamp
        ws.append([], data=False)
    ws.append([*pad, Styled(sig.name, font=Font(bold=True, underline="single"))], data=False)
    if sig.rank:
        ws.append([*pad, sig.rank], data=False)
    ws.append([*pad, sig.nip], data=False)


def _xlsx_districts(book: XlsxBook, st: Statement) -> None:
    ws = book.sheet(_("Per kecamatan")).widths({2: 28, 4: 16, 5: 16, 6: 16, 7: 18})
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
    t = _district_totals(st)
    ws.append(
        [
            "",
            Styled(_("Total"), font=BOLD),
            Styled(t["participants"], font=BOLD),
            *(_money(t[k], BOLD) for k in ("jkk", "jkm", "jht", "amount")),
        ],
        data=False,
    )


def _xlsx_budget(book: XlsxBook, st: Statement) -> None:
    ws = book.sheet(_("Anggaran")).widths([36, 20])
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
    ws.append([], data=False)
    for sentence in st.budget.sentences:
        ws.append([sentence], data=False)


# --- PDF ------------------------------------------------------------------------------------

FONT, FONT_BOLD, SIZE, LEADING, PAD = "Helvetica", "Helvetica-Bold", 7.5, 9.0, 1.5
GRID = [
    ("GRID", (0, 0), (-1, -1), 0.35, colors.grey),
    ("FONT", (0, 0), (-1, -1), FONT, SIZE, LEADING),
    ("FONT", (0, 0), (-1, 0), FONT_BOLD, SIZE, LEADING),
    ("BACKGROUND", (0, 0), (-1, 0), pdf.HEADER_BG),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("TOPPADDING", (0, 0), (-1, -1), PAD),
    ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
    ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
    ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
]


def _fit(text: str, width: float, bold: bool = False) -> tuple[str, int]:
    """`text` broken into the lines that fit `width` (plain text: a Table cell that is a string
    is drawn as is, never read as markup), and how many lines."""
    font = FONT_BOLD if bold else FONT
    inner = width - 5
    if stringWidth(text, font, SIZE) <= inner:
        return text, 1
    lines = simpleSplit(text, font, SIZE, inner) or [""]
    return "\n".join(lines), len(lines)


class _RowStream(Flowable):
    """A table of many rows laid out one page at a time: each page gets a `Table` of the rows
    that fit, under the repeated header. One `LongTable` of 15,000 rows re-measures all the
    rows left at every page break (24 s); this measures each row once (row heights are known
    from the lines of its cells), so the time grows with the rows, not their square."""

    def __init__(
        self,
        header: list[str],
        rows: list[list[str]],
        heights: list[float],
        widths: list[float],
        style: list[tuple],
        *,
        first: int = 0,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        super().__init__()
        self.header, self.rows, self.heights, self.widths = header, rows, heights, widths
        self.style, self.first, self.progress = style, first, progress
        self.header_height = LEADING + 2 * PAD
        self._table: Table | None = None

    def _fitting(self, avail_height: float) -> int:
        """How many rows from `first` fit under the header in `avail_height`."""
        height, i = self.header_height, self.first
        while i < len(self.rows) and height + self.heights[i] <= avail_height:
            height += self.heights[i]
            i += 1
        return i - self.first

    def _table_of(self, start: int, end: int) -> Table:
        return Table(
            [self.header, *self.rows[start:end]],
            colWidths=self.widths,
            rowHeights=[self.header_height, *self.heights[start:end]],
            style=TableStyle(self.style),
        )

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        n = self._fitting(avail_height)
        if self.first + n < len(self.rows):
            return sum(self.widths), avail_height + 1  # more than fits: the frame splits us
        self._table = self._table_of(self.first, len(self.rows))
        return self._table.wrap(avail_width, avail_height)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        n = self._fitting(avail_height)
        if n == 0:
            return []  # not one row on this page: start on the next
        end = self.first + n
        if self.progress is not None:
            self.progress(end, len(self.rows))
        rest = _RowStream(
            self.header,
            self.rows,
            self.heights,
            self.widths,
            self.style,
            first=end,
            progress=self.progress,
        )
        return [self._table_of(self.first, end), rest]

    def draw(self) -> None:
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)


def _pdf_table(rows: Sequence[Sequence[Any]], widths: Sequence[float], right_from: int) -> Table:
    """A small table (summary, kecamatan, payments): header row shaded, amounts right-aligned;
    long text wrapped as plain lines."""
    data = [
        [_fit(str(v), widths[c], bold=(r == 0))[0] for c, v in enumerate(row)]
        for r, row in enumerate(rows)
    ]
    return Table(
        data,
        colWidths=list(widths),
        repeatRows=1,
        hAlign="LEFT",
        style=TableStyle([*GRID, ("ALIGN", (right_from, 1), (-1, -1), "RIGHT")]),
    )


def statement_pdf(st: Statement, progress: Progress = _no_progress) -> bytes:
    b = st.bill

    def body(width: float) -> list[Flowable]:
        out: list[Flowable] = [pdf.p(_("Ringkasan"), pdf.H2)]
        summary = [[label, _display(v, kind)] for label, v, kind in _summary_rows(st)]
        out.append(
            Table(
                [[_fit(label, 6 * cm)[0], _fit(v, 9 * cm)[0]] for label, v in summary],
                colWidths=[6 * cm, 9 * cm],
                hAlign="LEFT",
                style=TableStyle(GRID[:2] + GRID[4:]),
            )
        )
        if st.allocations:
            out.append(pdf.p(_("Pembayaran (SP2D)"), pdf.H2))
            pay = [[_("Nomor SP2D"), _("Tanggal bayar"), _("Untuk bulan"), _("Dialokasikan")]]
            pay += [
                [
                    a.payment.reference,
                    tanggal(a.payment.paid_on),
                    f"{bulan(a.payment.first_month)} (+{a.payment.months_covered})",
                    rupiah(a.amount),
                ]
                for a in st.allocations
            ]
            pay.append(["", "", _("Total"), rupiah(st.allocated_total)])
            out.append(_pdf_table(pay, [7 * cm, 4 * cm, 5 * cm, 4 * cm], 3))
        if st.adjustments:
            out.append(pdf.p(_("Penyesuaian"), pdf.H2))
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
            out.append(_pdf_table(adj, [3.5 * cm, 10 * cm, 6 * cm, 4 * cm], 3))
        out.append(pdf.p(_("Rincian per kecamatan"), pdf.H2))
        t = _district_totals(st)
        rows = [[_("Kode"), _("Kecamatan"), _("Peserta"), "JKK", "JKM", "JHT", _("Jumlah")]]
        rows += [
            [
                r["district"],
                r["name"],
                thousands(r["participants"]),
                *(rupiah(r[k]) for k in ("jkk", "jkm", "jht", "amount")),
            ]
            for r in st.by_district
        ]
        rows.append(
            [
                "",
                _("Total"),
                thousands(t["participants"]),
                *(rupiah(t[k]) for k in ("jkk", "jkm", "jht", "amount")),
            ]
        )
        out.append(_pdf_table(rows, [2.2 * cm, 6 * cm, 2.5 * cm, *[3.6 * cm] * 4], 2))
        out.append(pdf.p(_("Anggaran dan proyeksi"), pdf.H2))
        out.append(
            pdf.p(
                _("Total anggaran %(budget)s · sudah ditagih %(billed)s · sisa %(left)s")
                % {
                    "budget": rupiah(st.budget.budget),
                    "billed": rupiah(st.budget.billed),
                    "left": rupiah(st.budget.remaining),
                },
                pdf.SMALL,
            )
        )
        out += [pdf.p(s, pdf.SMALL) for s in st.budget.sentences]
        out.append(pdf.p(_("Daftar peserta"), pdf.H2))
        out += _participants(st, width, progress)
        return out

    return pdf.build(
        region=st.region,
        letterhead=st.letterhead,
        title=title(),
        subtitle=subtitle(st),
        body=body,
        signed_on=st.generated_on,
        footer=_("Lindung · Tagihan iuran %(code)s · %(month)s")
        % {"code": b.programme.code, "month": bulan(b.month)},
        author=st.generated_by,
        wide=True,
    )


def _participants(st: Statement, width: float, progress: Progress) -> list[Flowable]:
    """The participant table (streamed from the database into plain-text rows) and its
    totals row."""
    columns = _line_columns(st)
    amounts = len(columns) - 6
    fixed = [1.1 * cm, 0, 3.5 * cm, 2.3 * cm, 0, 3.2 * cm, *[2.3 * cm] * amounts]
    free = width - sum(fixed)
    widths = [w or free / 2 for w in fixed]  # name and village share what is left
    rows: list[list[str]] = []
    heights: list[float] = []
    sums = [0] * amounts
    total = st.bill.line_count
    for no, line in enumerate(st.lines(), 1):
        name, n1 = _fit(line.name, widths[1])
        village, n2 = _fit(line.village, widths[4])
        occupation, n3 = _fit(line.occupation, widths[5])
        values = _line_amounts(st, line)
        sums = [s + v for s, v in zip(sums, values, strict=True)]
        rows.append(
            [
                str(no),
                name,
                mask_identity(line.nik),
                line.kpj,
                village,
                occupation,
                *(rupiah(v) for v in values),
            ]
        )
        heights.append(max(n1, n2, n3) * LEADING + 2 * PAD)
        _every(no, total, progress, 10, 30)
    style = [*GRID, ("ALIGN", (0, 1), (0, -1), "RIGHT"), ("ALIGN", (6, 1), (-1, -1), "RIGHT")]

    def paged(done: int, of: int) -> None:
        progress(30 + 65 * done // max(of, 1), _("Menyusun halaman PDF"))

    header = [_fit(c, widths[i], bold=True)[0] for i, c in enumerate(columns)]
    out: list[Flowable] = []
    if rows:
        out.append(_RowStream(header, rows, heights, widths, style, progress=paged))
    else:
        out.append(pdf.p(_("Tidak ada peserta pada tagihan ini."), pdf.SMALL))
    totals = Table(
        [
            [
                "",
                _("Jumlah %(n)s peserta") % {"n": thousands(total)},
                "",
                "",
                "",
                "",
                *(rupiah(s) for s in sums),
            ]
        ],
        colWidths=widths,
        style=TableStyle(
            [
                *GRID[:1],
                ("FONT", (0, 0), (-1, -1), FONT_BOLD, SIZE, LEADING),
                ("BACKGROUND", (0, 0), (-1, -1), pdf.TOTAL_BG),
                ("SPAN", (1, 0), (5, 0)),
                ("ALIGN", (6, 0), (-1, -1), "RIGHT"),
                *GRID[5:],
            ]
        ),
    )
    return [*out, totals, Spacer(1, 0.2 * cm)]


def statement_export(st: Statement, fmt: str, progress: Progress = _no_progress) -> ExportFile:
    """The statement as XLSX or PDF, with its row count for the audit trail."""
    if fmt == "xlsx":
        return statement_xlsx_export(st, progress)
    return ExportFile(statement_pdf(st, progress), PDF, "pdf", statement_rows(st))
