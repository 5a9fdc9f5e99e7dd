"""The dashboard's tables as XLSX or CSV: exactly the rows and columns on screen, through the
one formula-safe writer (`core.exports`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lindung.core.exports import ExportFile, Styled, XlsxBook, csv_file
from lindung.core.formatting import tanggal
from lindung.monitoring.indicators import Figures, Report

PCT = "0.0"


def _columns() -> list[str]:
    return [
        _("Kode"),
        _("Wilayah"),
        _("Pekerja terdata"),
        _("Peserta aktif"),
        _("Baru"),
        _("Berakhir"),
        _("Usulan menunggu"),
        _("Penyebut"),
        _("Cakupan (%)"),
        _("Target peserta"),
        _("Capaian target (%)"),
        _("Desa/kel."),
        _("Desa sudah sosialisasi"),
        _("Desa melaksanakan"),
        _("Tahap"),
    ]


def _row(f: Figures, *, styled: bool) -> list[object]:
    def p(v: float | None) -> object:
        return Styled(v, PCT) if styled and v is not None else v

    return [
        f.code,
        f.name,
        f.registered,
        f.active,
        f.new,
        f.ended,
        f.proposed,
        f.denominator,
        p(f.coverage_pct),
        f.target_participants,
        p(f.target_progress_pct),
        f.villages_total,
        f.villages_socialised,
        f.villages_implementing,
        f.rollout_label,
    ]


def report_file(report: Report, fmt: str) -> ExportFile:
    """The children's table (the region's own row last, as the total), and in XLSX a second
    sheet with the breakdowns."""
    rows = [*report.children, report.root]
    if fmt == "csv":
        return csv_file(_columns(), (_row(f, styled=False) for f in rows))
    book = XlsxBook()
    sheet = book.sheet(_("Indikator")).widths([14, 30] + [12] * 13).freeze("C5")
    sheet.append([_("Indikator %(region)s") % {"region": report.root.name}], data=False)
    sheet.append(
        [
            _("Periode %(start)s s.d. %(end)s")
            % {"start": tanggal(report.start), "end": tanggal(report.end)}
        ],
        data=False,
    )
    sheet.append([], data=False)
    sheet.header(_columns())
    for f in report.children:
        sheet.append(_row(f, styled=True))
    sheet.append(_row(report.root, styled=True), data=not report.children)
    occ = book.sheet(_("Pekerjaan")).widths([30, 14, 14, 14])
    occ.header([_("Pekerjaan"), _("Peserta aktif"), _("Penyebut"), _("Cakupan (%)")])
    for r in report.by_occupation:
        occ.append(
            [
                r["name"],
                r["active"],
                r["denominator"],
                Styled(r["coverage_pct"], PCT) if r["coverage_pct"] is not None else None,
            ]
        )
    occ.append([], data=False)
    occ.append([_("Laki-laki"), report.by_sex.get("L", 0)], data=False)
    occ.append([_("Perempuan"), report.by_sex.get("P", 0)], data=False)
    return book.file()
