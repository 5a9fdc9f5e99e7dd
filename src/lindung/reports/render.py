"""The monev report and the Paritrana self-assessment as files (PDF or XLSX), from the data the
selectors computed. Both formats render the same tables (`reports.tables`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lindung.core.exports import PDF, ExportFile
from lindung.core.formatting import tanggal
from lindung.reports import pdf, tables, xlsx
from lindung.reports.selectors import MonevData, ParitranaResult
from lindung.reports.tables import TableSpec


def monev_title() -> str:
    return _(
        "Laporan Monitoring dan Evaluasi Perlindungan Jaminan Sosial Ketenagakerjaan "
        "bagi Pekerja Rentan"
    )


def monev_subtitle(d: MonevData) -> list[str]:
    return [
        d.region.label,
        _("Periode %(label)s (%(start)s – %(end)s)")
        % {"label": d.period.label, "start": tanggal(d.start), "end": tanggal(d.end)},
    ]


def monev_filename(d: MonevData, ext: str) -> str:
    return f"laporan-monev-{d.region.code}-{d.period.code}.{ext}"


def _rows(ts: list[TableSpec]) -> int:
    """Data rows as the audit trail counts them (the same for both formats)."""
    return sum(len(t.rows) for t in ts)


def monev_pdf(d: MonevData) -> ExportFile:
    ts = tables.monev_tables(d)

    def body(width: float) -> list:
        out: list = []
        out += pdf.table_flowable(ts[0], width)
        out.append(pdf.p(_("Perubahan dibanding %(unit)s") % {"unit": d.period.unit}, pdf.H2))
        out += [pdf.p("• " + s) for s in d.sentences]
        chart = pdf.line_chart(
            _("Peserta aktif di akhir bulan (12 bulan terakhir)"), d.trend, width
        )
        if chart is not None:
            out += [pdf.Spacer(1, 0.3 * pdf.cm), chart]
        if d.report.children:
            bars = pdf.bar_chart(
                _("Peserta aktif per %(level)s") % {"level": d.child_label.lower()},
                [(d.child_name(c), c.active) for c in d.report.children],
                width,
            )
            if bars is not None:
                out += [pdf.Spacer(1, 0.3 * pdf.cm), bars]
        for t in ts[1:]:
            if t.in_pdf:
                out += pdf.table_flowable(t, width)
        if not d.villages_listed:
            out.append(pdf.p(_("Rincian per desa ada di laporan tiap kabupaten/kota."), pdf.SMALL))
        return out

    content = pdf.build(
        region=d.region,
        letterhead=d.letterhead,
        title=monev_title(),
        subtitle=monev_subtitle(d),
        body=body,
        signed_on=d.generated_on,
        footer=_("Lindung · Laporan monev %(region)s · %(period)s")
        % {"region": d.region.label, "period": d.period.label},
        author=d.generated_by,
        wide=True,
    )
    return ExportFile(content, PDF, "pdf", _rows(ts))


def monev_xlsx(d: MonevData) -> ExportFile:
    return xlsx.workbook(
        title=monev_title(),
        subtitle=[*monev_subtitle(d), xlsx.generated_line(d.generated_on, d.generated_by)],
        tables=tables.monev_tables(d),
        sentences=d.sentences,
        sentences_title=_("Perubahan dibanding %(unit)s") % {"unit": d.period.unit},
    )


def monev_file(d: MonevData, fmt: str) -> ExportFile:
    return monev_xlsx(d) if fmt == "xlsx" else monev_pdf(d)


# --- Paritrana ----------------------------------------------------------------------------------


def paritrana_title() -> str:
    return _("Penilaian Mandiri Paritrana Award")


def paritrana_subtitle(r: ParitranaResult) -> list[str]:
    return [r.region.label, _("Tahun penilaian %(year)s") % {"year": r.year}]


def paritrana_filename(r: ParitranaResult, ext: str) -> str:
    return f"paritrana-{r.region.code}-{r.year}.{ext}"


def paritrana_pdf(r: ParitranaResult) -> ExportFile:
    ts = tables.paritrana_tables(r)

    def body(width: float) -> list:
        out: list = [
            pdf.p(
                _("Nilai total: %(total)s dari 100")
                % {"total": tables.display(r.score.total, tables.SCORE)},
                pdf.H2,
            )
        ]
        for t in ts:
            out += pdf.table_flowable(t, width)
        bars = pdf.bar_chart(
            _("Skor per kriteria (0-100)"), [(row[0], int(row[2])) for row in ts[0].rows], width
        )
        if bars is not None:
            out += [pdf.Spacer(1, 0.3 * pdf.cm), bars]
        return out

    content = pdf.build(
        region=r.region,
        letterhead=r.letterhead,
        title=paritrana_title(),
        subtitle=paritrana_subtitle(r),
        body=body,
        signed_on=r.generated_on,
        footer=_("Lindung · Paritrana %(region)s · %(year)s")
        % {"region": r.region.label, "year": r.year},
        author=r.generated_by,
    )
    return ExportFile(content, PDF, "pdf", _rows(ts))


def paritrana_xlsx(r: ParitranaResult) -> ExportFile:
    return xlsx.workbook(
        title=paritrana_title(),
        subtitle=[*paritrana_subtitle(r), xlsx.generated_line(r.generated_on, r.generated_by)],
        tables=tables.paritrana_tables(r),
    )


def paritrana_file(r: ParitranaResult, fmt: str) -> ExportFile:
    return paritrana_xlsx(r) if fmt == "xlsx" else paritrana_pdf(r)
