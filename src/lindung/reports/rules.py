"""Pure rules of the reports: report periods, the period's changes told in sentences, and the
Paritrana score. No database: `reports.selectors` feeds them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.core.errors import DomainError
from lindung.core.formatting import MONTHS_ID, percent, rupiah, tanggal, thousands
from lindung.monitoring.rules import month_end, pct

# --- periods ----------------------------------------------------------------------------------

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
YEAR_MIN, YEAR_MAX = 1900, 2100  # the range every date field of Lindung holds
_PERIOD = re.compile(r"(\d{4})(?:-(?:(\d{1,2})|([QqSs])(\d)))?")


class PeriodInvalid(DomainError):
    code = "period_invalid"


@dataclass(frozen=True)
class Period:
    """A report period: a month, a quarter (triwulan), a semester or a calendar year."""

    kind: str  # "month" | "quarter" | "semester" | "year"
    year: int
    index: int = 1  # the month (1-12), quarter (1-4) or semester (1-2); 1 for a year

    MONTHS = {"month": 1, "quarter": 3, "semester": 6, "year": 12}

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, (self.index - 1) * self.MONTHS[self.kind] + 1, 1)

    @property
    def end(self) -> dt.date:
        last = self.index * self.MONTHS[self.kind]
        return month_end(dt.date(self.year, last, 1))

    @property
    def code(self) -> str:
        """'2026-11', '2026-Q3', '2026-S2' or '2026' (what `parse_period` reads)."""
        return {
            "month": f"{self.year}-{self.index:02d}",
            "quarter": f"{self.year}-Q{self.index}",
            "semester": f"{self.year}-S{self.index}",
            "year": f"{self.year}",
        }[self.kind]

    @property
    def label(self) -> str:
        """'November 2026', 'Triwulan III 2026', 'Semester II 2026', 'Tahun 2026'."""
        if self.kind == "month":
            return f"{MONTHS_ID[self.index - 1]} {self.year}"
        if self.kind == "quarter":
            return _("Triwulan %(n)s %(year)s") % {"n": ROMAN[self.index], "year": self.year}
        if self.kind == "semester":
            return _("Semester %(n)s %(year)s") % {"n": ROMAN[self.index], "year": self.year}
        return _("Tahun %(year)s") % {"year": self.year}

    @property
    def unit(self) -> str:
        """The word for 'the previous one' in a sentence: '… dari triwulan lalu'."""
        return {
            "month": _("bulan lalu"),
            "quarter": _("triwulan lalu"),
            "semester": _("semester lalu"),
            "year": _("tahun lalu"),
        }[self.kind]

    @property
    def this_unit(self) -> str:
        return {
            "month": _("bulan ini"),
            "quarter": _("triwulan ini"),
            "semester": _("semester ini"),
            "year": _("tahun ini"),
        }[self.kind]

    @property
    def previous(self) -> Period:
        per_year = 12 // self.MONTHS[self.kind]
        if self.index > 1:
            return Period(self.kind, self.year, self.index - 1)
        return Period(self.kind, self.year - 1, per_year)

    def dates(self, *, today: dt.date) -> tuple[dt.date, dt.date]:
        """(start, end) as the indicators count it: the state is taken at the period's end,
        never after today (the running period ends today)."""
        return self.start, min(self.end, today)

    def span(self, *, today: dt.date) -> str:
        """'1 Juli 2026 – 30 September 2026' (to today for the running period)."""
        start, end = self.dates(today=today)
        return f"{tanggal(start)} – {tanggal(end)}"


def parse_period(text: str) -> Period:
    """'2026-11' (a month), '2026-Q3' (a quarter), '2026-S2' (a semester) or '2026' (a year).
    Raises PeriodInvalid naming the accepted forms."""
    m = _PERIOD.fullmatch((text or "").strip())
    if m is not None:
        year = int(m.group(1))
        month, letter, number = m.group(2), m.group(3), m.group(4)
        if YEAR_MIN <= year <= YEAR_MAX:
            if month is None and letter is None:
                return Period("year", year)
            if month is not None and 1 <= int(month) <= 12 and len(month) == 2:
                return Period("month", year, int(month))
            if letter is not None:
                kind = "quarter" if letter.upper() == "Q" else "semester"
                if 1 <= int(number) <= (4 if kind == "quarter" else 2):
                    return Period(kind, year, int(number))
    raise PeriodInvalid(
        _(
            "Periode %(text)s tidak dikenal. Tulis 2026-11 (bulan), 2026-Q3 (triwulan), 2026-S2 "
            "(semester) atau 2026 (tahun), tahun %(min)s-%(max)s."
        )
        % {"text": repr((text or "")[:20]), "min": YEAR_MIN, "max": YEAR_MAX},
        field="period",
    )


def require_started(period: Period, *, today: dt.date) -> None:
    """A report describes what happened: a period that has not begun has nothing to show."""
    if period.start > today:
        raise PeriodInvalid(
            _(
                "Periode %(label)s belum dimulai (mulai %(start)s); pilih periode yang sudah "
                "berjalan atau selesai."
            )
            % {"label": period.label, "start": tanggal(period.start)},
            code="period_future",
            field="period",
        )


# --- the period's changes, in sentences -------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """A region's indicators for one period, as the sentences compare them. Built by
    `reports.selectors` from `monitoring.indicators` (the dashboard's figures)."""

    period: Period
    active: int
    registered: int
    new: int
    ended: int
    denominator: int | None
    coverage_pct: float | None
    villages_total: int
    villages_socialised: int
    implementing: Mapping[str, str] = field(default_factory=dict)  # village code -> name
    target_participants: int | None = None
    target_progress_pct: float | None = None
    contributions_paid: int | None = None  # None: not shown to this user (no money reading)
    benefits_paid: int = 0
    claims_paid: int = 0


def _pct1(value: float | None) -> str:
    return percent(value, digits=1)


def _joined(names: Sequence[str], limit: int = 10) -> str:
    """'A', 'A dan B', 'A, B, dan C' (PUEBI's serial comma); beyond `limit` names, 'dan N
    lainnya'."""
    shown = list(names[:limit])
    rest = len(names) - len(shown)
    if rest:
        return ", ".join(shown) + ", " + (_("dan %(n)s lainnya") % {"n": thousands(rest)})
    if len(shown) <= 2:
        return _(" dan ").join(shown)
    return ", ".join(shown[:-1]) + ", " + _("dan") + " " + shown[-1]


def _village_kinds(codes: Sequence[str]) -> str:
    """'3 desa', '1 kelurahan', '2 desa dan 1 kelurahan' (a village code's last segment starts
    with 1 for a kelurahan, 2 for a desa: DOMAIN.md §3)."""
    kelurahan = sum(1 for c in codes if c.rsplit(".", 1)[-1].startswith("1"))
    desa = len(codes) - kelurahan
    parts = []
    if desa:
        parts.append(_("%(n)s desa") % {"n": thousands(desa)})
    if kelurahan:
        parts.append(_("%(n)s kelurahan") % {"n": thousands(kelurahan)})
    return _(" dan ").join(parts)


def _change(now: int, before: int) -> tuple[str, int, float | None]:
    delta = now - before
    word = _("naik") if delta > 0 else _("turun")
    return word, abs(delta), pct(abs(delta), before)


def change_sentences(current: Snapshot, previous: Snapshot) -> list[str]:
    """The period's changes against the previous period, in plain Indonesian, e.g.
    'Peserta aktif naik 1.240 (12,4 %) dari triwulan lalu menjadi 11.240.'"""
    unit = current.period.unit
    out: list[str] = []
    if current.active == previous.active:
        out.append(
            _("Peserta aktif tetap %(n)s, sama dengan %(unit)s.")
            % {"n": thousands(current.active), "unit": unit}
        )
    else:
        word, delta, share = _change(current.active, previous.active)
        if share is None:
            out.append(
                _(
                    "Peserta aktif %(word)s %(delta)s dari %(unit)s menjadi %(n)s "
                    "(%(unit)s belum ada peserta aktif)."
                )
                % {
                    "word": word,
                    "delta": thousands(delta),
                    "unit": unit,
                    "n": thousands(current.active),
                }
            )
        else:
            out.append(
                _("Peserta aktif %(word)s %(delta)s (%(pct)s) dari %(unit)s menjadi %(n)s.")
                % {
                    "word": word,
                    "delta": thousands(delta),
                    "pct": _pct1(share),
                    "unit": unit,
                    "n": thousands(current.active),
                }
            )
    out.append(
        _(
            "Selama %(label)s: %(new)s peserta baru terdaftar di BPJS, %(ended)s "
            "kepesertaan berakhir."
        )
        % {
            "label": current.period.label,
            "new": thousands(current.new),
            "ended": thousands(current.ended),
        }
    )
    started = sorted(
        current.implementing.keys() - previous.implementing.keys(),
        key=lambda c: (current.implementing[c], c),
    )
    stopped = sorted(
        previous.implementing.keys() - current.implementing.keys(),
        key=lambda c: (previous.implementing[c], c),
    )
    total = _("Kini %(n)s dari %(total)s desa/kelurahan melaksanakan.") % {
        "n": thousands(len(current.implementing)),
        "total": thousands(current.villages_total),
    }
    if started:
        out.append(
            _("%(villages)s baru melaksanakan: %(names)s. %(total)s")
            % {
                "villages": _village_kinds(started),
                "names": _joined([current.implementing[c] for c in started]),
                "total": total,
            }
        )
    else:
        out.append(
            _("Tidak ada desa/kelurahan baru yang melaksanakan. %(total)s") % {"total": total}
        )
    if stopped:
        out.append(
            _("%(villages)s tidak lagi memiliki peserta aktif: %(names)s.")
            % {
                "villages": _village_kinds(stopped),
                "names": _joined([previous.implementing[c] for c in stopped]),
            }
        )
    if current.coverage_pct is None:
        out.append(
            _(
                "Cakupan belum dapat dihitung: penyebut (perkiraan pekerja rentan) tahun "
                "%(year)s belum diisi."
            )
            % {"year": current.period.end.year}
        )
    elif previous.coverage_pct is None or previous.coverage_pct == current.coverage_pct:
        out.append(
            _("Cakupan %(pct)s dari %(den)s pekerja rentan.")
            % {"pct": _pct1(current.coverage_pct), "den": thousands(current.denominator or 0)}
        )
    else:
        word = _("naik") if current.coverage_pct > previous.coverage_pct else _("turun")
        out.append(
            _("Cakupan %(word)s dari %(before)s menjadi %(now)s dari %(den)s pekerja rentan.")
            % {
                "word": word,
                "before": _pct1(previous.coverage_pct),
                "now": _pct1(current.coverage_pct),
                "den": thousands(current.denominator or 0),
            }
        )
    if current.target_progress_pct is not None:
        out.append(
            _("Capaian target %(pct)s dari %(target)s peserta.")
            % {
                "pct": _pct1(current.target_progress_pct),
                "target": thousands(current.target_participants or 0),
            }
        )
    if current.contributions_paid is not None and previous.contributions_paid is not None:
        out.append(
            _("Iuran dibayar %(now)s (%(unit)s %(before)s).")
            % {
                "now": rupiah(current.contributions_paid),
                "unit": unit,
                "before": rupiah(previous.contributions_paid),
            }
        )
    if current.claims_paid or previous.claims_paid:
        out.append(
            _("Manfaat dibayar %(now)s untuk %(n)s klaim (%(unit)s %(before)s).")
            % {
                "now": rupiah(current.benefits_paid),
                "n": thousands(current.claims_paid),
                "unit": unit,
                "before": rupiah(previous.benefits_paid),
            }
        )
    else:
        out.append(
            _("Belum ada manfaat klaim yang dibayar pada %(this)s maupun %(unit)s.")
            % {"this": current.period.this_unit, "unit": unit}
        )
    return out


# --- Paritrana -----------------------------------------------------------------------------------

REGULATION, COVERAGE, BUDGET, INNOVATION, INTERVIEW = (
    "regulation",
    "coverage",
    "budget",
    "innovation",
    "interview",
)
KEYS = (REGULATION, COVERAGE, BUDGET, INNOVATION, INTERVIEW)
REGULATION_KINDS = ("perda", "perbup", "none")
LABELS = {
    REGULATION: gettext_lazy("Regulasi"),
    COVERAGE: gettext_lazy("Cakupan kepesertaan"),
    BUDGET: gettext_lazy("Anggaran"),
    INNOVATION: gettext_lazy("Inovasi"),
    INTERVIEW: gettext_lazy("Wawancara kepala daerah"),
}
TWO = Decimal("0.01")


class BandsInvalid(DomainError):
    code = "bands_invalid"


def check_bands(key: str, bands: Any) -> None:
    """Raise BandsInvalid unless `bands` has the shape of criterion `key` (see
    `models.ParitranaCriterion`); every score 0-100."""

    def score_ok(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 100

    if key == REGULATION:
        if not (
            isinstance(bands, dict)
            and set(bands) == set(REGULATION_KINDS)
            and all(score_ok(v) for v in bands.values())
        ):
            raise BandsInvalid(
                _('Pita regulasi: {"perda": 100, "perbup": 70, "none": 0}, nilai 0-100.'),
                field="bands",
            )
    elif key == INTERVIEW:
        if bands not in ([], {}, None):
            raise BandsInvalid(
                _(
                    "Wawancara tidak memakai pita: nilai yang diisi (0-100) adalah "
                    "skornya. Kosongkan ([])."
                ),
                field="bands",
            )
    elif key in (COVERAGE, BUDGET, INNOVATION):
        if not (
            isinstance(bands, list)
            and bands
            and all(
                isinstance(b, (list, tuple))
                and len(b) == 2
                and isinstance(b[0], (int, float))
                and not isinstance(b[0], bool)
                and score_ok(b[1])
                for b in bands
            )
        ):
            raise BandsInvalid(
                _(
                    "Pita berupa daftar [batas bawah, skor], mis. [[0, 0], [50, 60], "
                    "[90, 100]]; skor 0-100."
                ),
                field="bands",
            )
    else:
        raise BandsInvalid(_("Kriteria %(key)s tidak dikenal.") % {"key": key}, field="key")


@dataclass(frozen=True)
class Criterion:
    key: str
    weight: Decimal
    bands: Any
    valid_from: dt.date | None = None


@dataclass(frozen=True)
class ParitranaInputs:
    """What the score is computed from: the regulation's kind, coverage (%, None when the
    denominator is missing), budget allocated and realised (Rp), innovations with evidence
    and the interview score (None until entered)."""

    regulation: str
    coverage_pct: float | None
    budget_allocated: int
    budget_realised: int
    innovations: int
    interview: Decimal | None


@dataclass(frozen=True)
class CriterionScore:
    key: str
    value: str  # the input in words, e.g. '60,0 %', 'Perbup', '2 inovasi'
    score: Decimal  # 0-100
    weight: Decimal
    weighted: Decimal  # score × weight ÷ total weight, two decimals
    note: str = ""

    @property
    def label(self) -> str:
        return str(LABELS.get(self.key, self.key))


@dataclass(frozen=True)
class ParitranaScore:
    rows: tuple[CriterionScore, ...]
    total: Decimal  # 0-100, two decimals

    def row(self, key: str) -> CriterionScore:
        return next(r for r in self.rows if r.key == key)


def band_score(value: float | Decimal, bands: Sequence[Sequence[float]]) -> Decimal:
    """The score of the highest band whose minimum `value` reaches (0 below every band)."""
    reached = [b for b in bands if Decimal(str(value)) >= Decimal(str(b[0]))]
    if not reached:
        return Decimal(0)
    return Decimal(str(max(reached, key=lambda b: Decimal(str(b[0])))[1]))


def budget_realisation_pct(allocated: int, realised: int) -> float | None:
    return pct(realised, allocated)


def paritrana_score(inputs: ParitranaInputs, criteria: Mapping[str, Criterion]) -> ParitranaScore:
    """Each criterion's score (0-100) and the weighted total (0-100): Σ score × weight ÷
    Σ weights, so weights need not add up to 100. Missing facts score 0 and say why."""
    rows: list[tuple[str, str, Decimal, str]] = []
    labels = {"perda": "Perda", "perbup": _("Perbup/Perwali/Pergub"), "none": _("Tidak ada")}
    c = criteria
    if REGULATION in c:
        rows.append(
            (
                REGULATION,
                labels.get(inputs.regulation, inputs.regulation),
                Decimal(str(c[REGULATION].bands.get(inputs.regulation, 0))),
                "",
            )
        )
    if COVERAGE in c:
        if inputs.coverage_pct is None:
            rows.append(
                (COVERAGE, "–", Decimal(0), _("Penyebut (perkiraan pekerja rentan) belum diisi."))
            )
        else:
            rows.append(
                (
                    COVERAGE,
                    _pct1(inputs.coverage_pct),
                    band_score(inputs.coverage_pct, c[COVERAGE].bands),
                    "",
                )
            )
    if BUDGET in c:
        share = budget_realisation_pct(inputs.budget_allocated, inputs.budget_realised)
        value = _("%(real)s dari %(alloc)s") % {
            "real": rupiah(inputs.budget_realised),
            "alloc": rupiah(inputs.budget_allocated),
        }
        if share is None:
            rows.append((BUDGET, value, Decimal(0), _("Tidak ada anggaran dialokasikan.")))
        else:
            rows.append(
                (BUDGET, f"{value} ({_pct1(share)})", band_score(share, c[BUDGET].bands), "")
            )
    if INNOVATION in c:
        rows.append(
            (
                INNOVATION,
                _("%(n)s inovasi berbukti") % {"n": inputs.innovations},
                band_score(inputs.innovations, c[INNOVATION].bands),
                "",
            )
        )
    if INTERVIEW in c:
        if inputs.interview is None:
            rows.append((INTERVIEW, "–", Decimal(0), _("Nilai wawancara belum diisi.")))
        else:
            score = min(max(Decimal(inputs.interview), Decimal(0)), Decimal(100))
            rows.append((INTERVIEW, str(score.quantize(TWO)).replace(".", ","), score, ""))
    total_weight = sum((c[k].weight for k, *_r in rows), Decimal(0))
    scored = []
    for key, value, score, note in rows:
        weight = c[key].weight
        weighted = (score * weight / total_weight) if total_weight else Decimal(0)
        scored.append(
            CriterionScore(
                key=key,
                value=value,
                score=score,
                weight=weight,
                weighted=weighted.quantize(TWO, ROUND_HALF_UP),
                note=note,
            )
        )
    total = (
        sum((s.score * s.weight for s in scored), Decimal(0)) / total_weight
        if total_weight
        else Decimal(0)
    )
    return ParitranaScore(rows=tuple(scored), total=total.quantize(TWO, ROUND_HALF_UP))


def criteria_valid_on(rows: Sequence[Criterion], on: dt.date) -> dict[str, Criterion]:
    """Per key, the row with the latest `valid_from` not after `on`."""
    out: dict[str, Criterion] = {}
    for r in sorted(rows, key=lambda r: r.valid_from or dt.date.min):
        if r.valid_from is None or r.valid_from <= on:
            out[r.key] = r
    return out


def criteria_date(year: int) -> dt.date:
    """The criteria that judge year Y are those valid on 1 January of Y + 1: the award edition
    assessing Y is held in Y + 1 (DOMAIN.md §8: "previous calendar year")."""
    return dt.date(year + 1, 1, 1)


def nip_valid(nip: str) -> bool:
    """A civil servant's NIP: 18 digits (birth date, appointment month, sex, serial), written
    with or without spaces."""
    return bool(re.fullmatch(r"\d{18}", nip.replace(" ", "")))
