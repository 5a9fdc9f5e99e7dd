"""The tables of a report, defined once and rendered twice: as PDF (numbers in Indonesian form,
`reports.pdf`) and as XLSX (numbers as numbers, one sheet a table, `reports.xlsx`). So the two
files of a report always hold the same rows and columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from lindung.core.formatting import percent, rupiah, tanggal, thousands
from lindung.monitoring.indicators import Figures
from lindung.monitoring.rules import pct
from lindung.reports.selectors import MonevData, ParitranaResult

TEXT, INT, PCT, RP, DATE, SCORE = "text", "int", "pct", "rp", "date", "score"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    width: float = 1.0  # relative width in the PDF


@dataclass
class TableSpec:
    key: str  # the XLSX sheet's name
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    total: list[Any] | None = None
    note: str = ""
    bold_rows: set[int] = field(default_factory=set)  # programme subtotals
    row_kinds: list[str] | None = None  # the value columns' kind per row (the summary)
    in_pdf: bool = True  # False: the PDF shows it as a chart (the trend)

    def kind(self, row: int, column: int) -> str:
        """The kind of cell (row, column); `row` -1 is the total row."""
        if self.row_kinds is not None and column > 0 and row >= 0:
            return self.row_kinds[row]
        return self.columns[column].kind


def display(value: Any, kind: str) -> str:
    """A cell as the PDF shows it."""
    if value is None:
        return "–"
    if kind == INT:
        return thousands(value)
    if kind == PCT:
        return percent(value, digits=1)
    if kind == RP:
        return rupiah(value)
    if kind == DATE:
        return tanggal(value)
    if kind == SCORE:
        return f"{value:.2f}".replace(".", ",")
    return str(value)


# --- monev -------------------------------------------------------------------------------------


def summary_table(d: MonevData) -> TableSpec:
    now, before = d.report.root, d.previous_report.root
    bt = d.budget_totals
    rows: list[list[Any]] = [
        [_("Pekerja terdata (status aktif)"), INT, now.registered, before.registered],
        [_("Peserta aktif terlindungi"), INT, now.active, before.active],
        [_("Peserta baru terdaftar di BPJS"), INT, now.new, before.new],
        [_("Kepesertaan berakhir"), INT, now.ended, before.ended],
        [_("Usulan menunggu verifikasi"), INT, now.proposed, before.proposed],
        [_("Penyebut (perkiraan pekerja rentan)"), INT, now.denominator, before.denominator],
        [_("Cakupan (%)"), PCT, now.coverage_pct, before.coverage_pct],
        [_("Target peserta"), INT, now.target_participants, before.target_participants],
        [_("Capaian target (%)"), PCT, now.target_progress_pct, before.target_progress_pct],
        [_("Desa/kelurahan"), INT, now.villages_total, before.villages_total],
        [
            _("Desa/kelurahan sudah sosialisasi"),
            INT,
            now.villages_socialised,
            before.villages_socialised,
        ],
        [
            _("Desa/kelurahan melaksanakan"),
            INT,
            now.villages_implementing,
            before.villages_implementing,
        ],
    ]
    if d.money_shown:
        rows += [
            [_("Iuran ditagih dalam periode (Rp)"), RP, bt["billed_period"], None],
            [
                _("Iuran dibayar dalam periode (Rp)"),
                RP,
                d.current.contributions_paid,
                d.previous.contributions_paid,
            ],
        ]
    rows += [
        [_("Klaim dibayar"), INT, d.claims.paid, d.previous_claims.paid],
        [_("Manfaat dibayar (Rp)"), RP, d.claims.amount, d.previous_claims.amount],
        [_("Keluarga penerima manfaat"), INT, d.claims.families, d.previous_claims.families],
    ]
    return TableSpec(
        key=_("Ringkasan"),
        title=_("Ringkasan indikator"),
        columns=[
            Column(_("Indikator"), TEXT, 3.2),
            Column(d.period.label, INT, 1.4),
            Column(d.period.previous.label, INT, 1.4),
        ],
        rows=[[label, a, b] for label, _kind, a, b in rows],
        row_kinds=[kind for _label, kind, _a, _b in rows],
    )


def _area_row(f: Figures, name: str, claims: tuple[int, int]) -> list[Any]:
    return [
        f.code,
        name,
        f.registered,
        f.active,
        f.new,
        f.ended,
        f.denominator,
        f.coverage_pct,
        f.target_progress_pct,
        f.villages_socialised,
        f.villages_implementing,
        f.villages_total,
        claims[0],
        claims[1],
    ]


def areas_table(d: MonevData) -> TableSpec | None:
    if not d.report.children:
        return None
    cols = [
        Column(_("Kode"), TEXT, 1.1),
        Column(d.child_label, TEXT, 2.4),
        Column(_("Terdata"), INT),
        Column(_("Aktif"), INT),
        Column(_("Baru"), INT),
        Column(_("Berakhir"), INT),
        Column(_("Penyebut"), INT),
        Column(_("Cakupan"), PCT),
        Column(_("Capaian target"), PCT),
        Column(_("Desa sosialisasi"), INT, 1.1),
        Column(_("Desa melaksanakan"), INT, 1.3),
        Column(_("Desa/kel."), INT),
        Column(_("Klaim dibayar"), INT),
        Column(_("Manfaat (Rp)"), RP, 1.6),
    ]
    rows = [
        _area_row(f, d.child_name(f), d.claims.by_area.get(f.code, (0, 0)))
        for f in d.report.children
    ]
    total = _area_row(d.report.root, _("Jumlah"), (d.claims.paid, d.claims.amount))
    total[0] = ""
    return TableSpec(
        key=_("Per %(level)s") % {"level": d.child_label.lower()},
        title=_("Rincian per %(level)s") % {"level": d.child_label.lower()},
        columns=cols,
        rows=rows,
        total=total,
    )


def villages_table(d: MonevData) -> TableSpec | None:
    if not d.villages_listed or not d.villages:
        return None
    cols = [
        Column(_("Kode"), TEXT, 1.5),
        Column(_("Kecamatan"), TEXT, 1.8),
        Column(_("Desa/kelurahan"), TEXT, 2.2),
        Column(_("Terdata"), INT),
        Column(_("Aktif"), INT),
        Column(_("Baru"), INT),
        Column(_("Berakhir"), INT),
        Column(_("Penyebut"), INT),
        Column(_("Cakupan"), PCT),
        Column(_("Tahap"), TEXT, 1.5),
    ]
    rows = [
        [
            v.figures.code,
            v.district,
            v.figures.name,
            v.figures.registered,
            v.figures.active,
            v.figures.new,
            v.figures.ended,
            v.figures.denominator,
            v.figures.coverage_pct,
            v.figures.rollout_label,
        ]
        for v in d.villages
    ]
    root = d.report.root
    total = [
        "",
        _("Jumlah"),
        "",
        root.registered,
        root.active,
        root.new,
        root.ended,
        root.denominator,
        root.coverage_pct,
        "",
    ]
    return TableSpec(
        key=_("Per desa"),
        title=_("Rincian per desa/kelurahan"),
        columns=cols,
        rows=rows,
        total=total,
    )


def occupations_table(d: MonevData) -> TableSpec:
    cols = [
        Column(_("Pekerjaan"), TEXT, 3),
        Column(_("Peserta aktif"), INT),
        Column(_("Penyebut"), INT),
        Column(_("Cakupan"), PCT),
    ]
    rows = [
        [r["name"], r["active"], r["denominator"], r["coverage_pct"]]
        for r in d.report.by_occupation
    ]
    sexes = d.report.by_sex
    return TableSpec(
        key=_("Per pekerjaan"),
        title=_("Peserta aktif per pekerjaan"),
        columns=cols,
        rows=rows,
        total=[_("Jumlah"), d.report.root.active, None, None],
        note=_("Laki-laki %(l)s, perempuan %(p)s.")
        % {"l": thousands(sexes.get("L", 0)), "p": thousands(sexes.get("P", 0))},
    )


def budget_table(d: MonevData) -> TableSpec:
    cols = [
        Column(_("Program"), TEXT, 1.3),
        Column(_("Uraian / mata anggaran"), TEXT, 2.4),
        Column(_("Penyelenggara / dokumen"), TEXT, 1.6),
        Column(_("Anggaran (Rp)"), RP, 1.4),
        Column(_("Ditagih periode"), RP, 1.3),
        Column(_("Dibayar periode"), RP, 1.3),
        Column(_("Ditagih s.d. akhir"), RP, 1.3),
        Column(_("Dibayar s.d. akhir"), RP, 1.3),
        Column(_("Realisasi"), PCT, 0.9),
    ]
    rows: list[list[Any]] = []
    bold: set[int] = set()
    for b in d.budget:
        bold.add(len(rows))
        rows.append(
            [
                b.code,
                b.name,
                b.sponsor,
                b.budget,
                b.billed_period,
                b.paid_period,
                b.billed_total,
                b.paid_total,
                b.realisation_pct,
            ]
        )
        rows += [
            [b.code, label, ref, amount, None, None, None, None, None]
            for label, ref, amount in b.lines
        ]
    t = d.budget_totals
    return TableSpec(
        key=_("Anggaran"),
        title=_("Iuran ditagih dan dibayar terhadap anggaran"),
        columns=cols,
        rows=rows,
        bold_rows=bold,
        total=[
            _("Jumlah"),
            "",
            "",
            t["budget"],
            t["billed_period"],
            t["paid_period"],
            t["billed_total"],
            t["paid_total"],
            pct(t["paid_total"], t["budget"]),
        ],
        note=_(
            "Program yang diselenggarakan %(region)s (APBD-nya); peserta di wilayah ini yang "
            "dibiayai provinsi tampil di laporan provinsi. Baris tebal: program; di bawahnya "
            "mata anggarannya s.d. akhir periode. Realisasi = dibayar s.d. akhir periode ÷ "
            "anggaran."
        )
        % {"region": d.region.label},
    )


def claims_table(d: MonevData) -> TableSpec:
    cols = [
        Column(_("Jenis klaim"), TEXT, 3),
        Column(_("Klaim dibayar"), INT),
        Column(_("Manfaat dibayar (Rp)"), RP, 1.6),
    ]
    return TableSpec(
        key=_("Klaim"),
        title=_("Klaim dan manfaat dibayar"),
        columns=cols,
        rows=[[label, n, amount] for label, n, amount in d.claims.by_type],
        total=[_("Jumlah"), d.claims.paid, d.claims.amount],
        note=_("%(families)s keluarga menerima manfaat; %(open)s klaim masih diproses.")
        % {"families": thousands(d.claims.families), "open": thousands(d.claims.open)},
    )


def trend_table(d: MonevData) -> TableSpec:
    return TableSpec(
        key=_("Tren"),
        title=_("Peserta aktif di akhir bulan"),
        columns=[Column(_("Tanggal"), DATE, 2), Column(_("Peserta aktif"), INT)],
        rows=[[day, n] for day, n in d.trend],
        in_pdf=False,
    )


def monev_tables(d: MonevData) -> list[TableSpec]:
    tables = [
        summary_table(d),
        areas_table(d),
        villages_table(d),
        occupations_table(d),
        budget_table(d) if d.money_shown else None,
        claims_table(d),
        trend_table(d),
    ]
    return [t for t in tables if t is not None]


# --- Paritrana ----------------------------------------------------------------------------------


def paritrana_table(r: ParitranaResult) -> TableSpec:
    cols = [
        Column(_("Kriteria"), TEXT, 2.2),
        Column(_("Capaian"), TEXT, 3.2),
        Column(_("Skor (0-100)"), SCORE),
        Column(_("Bobot (%)"), SCORE),
        Column(_("Nilai tertimbang"), SCORE),
        Column(_("Catatan"), TEXT, 2.4),
    ]
    rows = [[s.label, s.value, s.score, s.weight, s.weighted, s.note] for s in r.score.rows]
    total_weight = sum((s.weight for s in r.score.rows), start=type(r.score.total)(0))
    return TableSpec(
        key=_("Skor"),
        title=_("Skor per kriteria"),
        columns=cols,
        rows=rows,
        total=[_("Nilai total"), "", None, total_weight, r.score.total, ""],
        note=_(
            "Bobot dan pita skor: kriteria yang berlaku %(date)s (data yang dapat "
            "diubah admin; tidak ada bobot resmi yang dipublikasikan)."
        )
        % {"date": tanggal(r.criteria_date)},
    )


def paritrana_facts_table(r: ParitranaResult) -> TableSpec:
    a = r.assessment
    reg = "–"
    if a is not None and a.regulation != "none":
        reg = " ".join(
            x
            for x in [
                a.get_regulation_display(),
                _("Nomor %(n)s") % {"n": a.regulation_number} if a.regulation_number else "",
                _("Tahun %(y)s") % {"y": a.regulation_year} if a.regulation_year else "",
                a.regulation_title,
            ]
            if x
        )
    rows = [
        [_("Regulasi"), reg],
        [_("Peserta aktif akhir tahun"), thousands(r.facts.active)],
        [_("Penyebut (perkiraan pekerja rentan)"), display(r.facts.denominator, INT)],
        [_("Cakupan"), display(r.facts.coverage_pct, PCT)],
        [_("Anggaran dialokasikan"), rupiah(r.inputs.budget_allocated)],
        [_("Anggaran terealisasi"), rupiah(r.inputs.budget_realised)],
        [
            _("Sumber angka anggaran"),
            _("data Lindung (program %(p)s)") % {"p": ", ".join(r.facts.programmes) or "–"}
            if r.budget_from_data
            else _("diisi pengguna"),
        ],
        [_("Inovasi berbukti"), thousands(r.inputs.innovations)],
        [_("Nilai wawancara"), display(r.inputs.interview, SCORE)],
    ]
    return TableSpec(
        key=_("Data"),
        title=_("Data penilaian"),
        columns=[Column(_("Butir"), TEXT, 2), Column(_("Isi"), TEXT, 4)],
        rows=rows,
    )


def innovations_table(r: ParitranaResult) -> TableSpec:
    return TableSpec(
        key=_("Inovasi"),
        title=_("Inovasi"),
        columns=[
            Column(_("Inovasi"), TEXT, 2),
            Column(_("Uraian"), TEXT, 3),
            Column(_("Bukti"), TEXT, 2.4),
        ],
        rows=[
            [i.title, i.description, i.evidence or _("(tanpa bukti: tidak dihitung)")]
            for i in r.innovations
        ],
    )


def paritrana_tables(r: ParitranaResult) -> list[TableSpec]:
    return [paritrana_table(r), paritrana_facts_table(r), innovations_table(r)]
