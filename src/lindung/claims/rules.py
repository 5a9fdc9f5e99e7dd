"""Claim rules as pure functions (DOMAIN.md §7): is an event covered, and what does it pay.

No database and no clock: the selectors feed them the benefit rules valid on the event date
(`BenefitRule` rows, seeded by a data migration, edited by an administrator), the worker's
coverage month by month (the contributions app's `coverage_state`, the same status the
coverage pages show) and the facts of the claim. The command line (`lindung claims calculate`)
builds the same inputs from its arguments, so a page and the command can never disagree.

Every outcome carries a stable `code` (documented in docs/claims.md), a plain Indonesian
explanation and a breakdown whose items add up to the total. Rupiah are whole numbers;
percentages are applied with half-up rounding like the contribution rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.contributions import rules as contribution_rules
from lindung.contributions.rules import Coverage, CoverageState
from lindung.core.formatting import bulan, rupiah, tanggal, thousands
from lindung.programs.rules import add_months, month_start, months_between

# --- claim types ------------------------------------------------------------------------------

JKM = "jkm"
JKK_MEDICAL = "jkk_medical"
JKK_STMB = "jkk_stmb"
JKK_DISABILITY = "jkk_disability"
JKK_DEATH = "jkk_death"
SCHOLARSHIP = "scholarship"

CLAIM_TYPES: dict[str, Any] = {
    JKM: gettext_lazy("JKM — meninggal dunia bukan karena kecelakaan kerja"),
    JKK_MEDICAL: gettext_lazy("JKK — perawatan dan pengobatan"),
    JKK_STMB: gettext_lazy("JKK — sementara tidak mampu bekerja (STMB)"),
    JKK_DISABILITY: gettext_lazy("JKK — cacat total tetap"),
    JKK_DEATH: gettext_lazy("JKK — meninggal dunia karena kecelakaan kerja"),
    SCHOLARSHIP: gettext_lazy("Beasiswa anak"),
}
JKK_TYPES = frozenset({JKK_MEDICAL, JKK_STMB, JKK_DISABILITY, JKK_DEATH})
DEATH_TYPES = frozenset({JKM, JKK_DEATH})

# What entitles the children to a scholarship (the event the scholarship follows).
SCHOLARSHIP_CAUSES: dict[str, Any] = {
    JKM: gettext_lazy("peserta meninggal dunia (JKM)"),
    JKK_DEATH: gettext_lazy("peserta meninggal dunia karena kecelakaan kerja"),
    JKK_DISABILITY: gettext_lazy("peserta cacat total tetap karena kecelakaan kerja"),
}

# School levels, with the rule keys of their yearly amount and of the years they are paid.
LEVELS: dict[str, Any] = {
    "TK": gettext_lazy("TK"),
    "SD": gettext_lazy("SD/sederajat"),
    "SMP": gettext_lazy("SMP/sederajat"),
    "SMA": gettext_lazy("SMA/sederajat"),
    "PT": gettext_lazy("Perguruan tinggi"),
}
LEVEL_RULE = {
    "TK": "scholarship_tk_sd",
    "SD": "scholarship_tk_sd",
    "SMP": "scholarship_smp",
    "SMA": "scholarship_sma",
    "PT": "scholarship_pt",
}

# --- stable codes -----------------------------------------------------------------------------

COVERED = "covered"
NOT_MEMBER = "not_member"
EVENT_NOT_COVERED = "event_not_covered"
LAPSED = "lapsed"
EXPIRED = "expired"
WAITING_PERIOD = "waiting_period"
SCHOLARSHIP_MIN_YEARS = "scholarship_min_years"
TOO_MANY_CHILDREN = "too_many_children"
CHILD_TOO_OLD = "child_too_old"
LEVEL_YEARS_USED = "level_years_used"

CODES: dict[str, Any] = {
    COVERED: gettext_lazy("Dijamin"),
    WAITING_PERIOD: gettext_lazy("Masa tunggu JKM: biaya pemakaman saja"),
    NOT_MEMBER: gettext_lazy("Belum menjadi peserta pada tanggal peristiwa"),
    EVENT_NOT_COVERED: gettext_lazy("Iuran bulan peristiwa belum dibayar"),
    LAPSED: gettext_lazy("Kepesertaan putus (menunggak lebih dari 3 bulan)"),
    EXPIRED: gettext_lazy("Klaim JKK kedaluwarsa"),
    SCHOLARSHIP_MIN_YEARS: gettext_lazy("Masa iur belum cukup untuk beasiswa"),
    TOO_MANY_CHILDREN: gettext_lazy("Anak melebihi batas penerima beasiswa"),
    CHILD_TOO_OLD: gettext_lazy("Anak melewati batas usia beasiswa"),
    LEVEL_YEARS_USED: gettext_lazy("Beasiswa jenjang ini sudah dibayar penuh"),
}

# --- dated benefit rules ----------------------------------------------------------------------

RUPIAH, MONTHS, DAYS, YEARS, TIMES, PERCENT, COUNT = (
    "rupiah",
    "bulan",
    "hari",
    "tahun",
    "kali",
    "persen",
    "orang",
)

RULES: dict[str, tuple[Any, str]] = {
    "jkm_lump_sum": (gettext_lazy("JKM: santunan sekaligus"), RUPIAH),
    "jkm_periodic": (gettext_lazy("JKM: santunan berkala (dibayar sekaligus)"), RUPIAH),
    "jkm_funeral": (gettext_lazy("JKM: biaya pemakaman"), RUPIAH),
    "jkm_waiting_months": (gettext_lazy("JKM: masa tunggu (bulan kepesertaan)"), MONTHS),
    "jkm_waiting_days": (
        gettext_lazy("JKM: masa tunggu dalam hari (0 = dibaca dalam bulan)"),
        DAYS,
    ),
    "jkk_death_multiplier": (gettext_lazy("JKK meninggal: kali penghasilan"), TIMES),
    "jkk_death_periodic": (gettext_lazy("JKK meninggal: santunan berkala"), RUPIAH),
    "jkk_death_funeral": (gettext_lazy("JKK meninggal: biaya pemakaman"), RUPIAH),
    "jkk_disability_multiplier": (gettext_lazy("JKK cacat total tetap: kali penghasilan"), TIMES),
    "jkk_stmb_full_months": (gettext_lazy("STMB: bulan pertama dibayar penuh"), MONTHS),
    "jkk_stmb_full_percent": (gettext_lazy("STMB: persen penghasilan bulan pertama"), PERCENT),
    "jkk_stmb_after_percent": (gettext_lazy("STMB: persen penghasilan sesudahnya"), PERCENT),
    "jkk_expiry_years": (gettext_lazy("JKK: klaim kedaluwarsa setelah (tahun)"), YEARS),
    "scholarship_min_years": (gettext_lazy("Beasiswa sesudah JKM: masa iur minimum"), YEARS),
    "scholarship_max_children": (gettext_lazy("Beasiswa: anak paling banyak"), COUNT),
    "scholarship_age_limit": (gettext_lazy("Beasiswa: berhenti pada usia"), YEARS),
    "scholarship_tk_sd": (gettext_lazy("Beasiswa TK–SD per tahun"), RUPIAH),
    "scholarship_tk_sd_years": (gettext_lazy("Beasiswa TK–SD: lama (tahun)"), YEARS),
    "scholarship_smp": (gettext_lazy("Beasiswa SMP per tahun"), RUPIAH),
    "scholarship_smp_years": (gettext_lazy("Beasiswa SMP: lama (tahun)"), YEARS),
    "scholarship_sma": (gettext_lazy("Beasiswa SMA per tahun"), RUPIAH),
    "scholarship_sma_years": (gettext_lazy("Beasiswa SMA: lama (tahun)"), YEARS),
    "scholarship_pt": (gettext_lazy("Beasiswa perguruan tinggi per tahun"), RUPIAH),
    "scholarship_pt_years": (gettext_lazy("Beasiswa perguruan tinggi: lama (tahun)"), YEARS),
}


class RulesMissing(LookupError):
    """No benefit rule of some key is valid on the date asked."""

    def __init__(self, keys: Sequence[str], on: dt.date) -> None:
        super().__init__(", ".join(keys))
        self.keys = tuple(keys)
        self.on = on

    @property
    def message(self) -> str:
        return _(
            "Belum ada aturan manfaat yang berlaku pada %(date)s (%(keys)s). Administrator "
            "menambahkannya di admin (Aturan manfaat klaim)."
        ) % {"date": tanggal(self.on), "keys": ", ".join(self.keys)}


def rules_valid_on(rows: Iterable[tuple[str, dt.date, int]], on: dt.date) -> dict[str, int]:
    """From dated rows (key, valid_from, value), the value of each key valid on `on`: the row
    with the latest `valid_from` not after it. Raises RulesMissing when a key has none."""
    chosen: dict[str, tuple[dt.date, int]] = {}
    for key, valid_from, value in rows:
        if valid_from <= on and (key not in chosen or valid_from > chosen[key][0]):
            chosen[key] = (valid_from, value)
    missing = [k for k in RULES if k not in chosen]
    if missing:
        raise RulesMissing(missing, on)
    return {k: v for k, (_d, v) in chosen.items()}


# --- inputs and outcome -----------------------------------------------------------------------


@dataclass(frozen=True)
class Child:
    level: str
    age: int
    name: str = ""
    years_paid: int = 0  # school years of this level already paid for this child


@dataclass(frozen=True)
class Facts:
    """What the rules need to know about one claim.

    `coverage` is the worker's status month by month from the first covered month up to (at
    least) the event month, as `contributions.selectors.worker_coverage` computes it.
    `lapsed_since` is the first month no longer covered after a lapse recorded elsewhere (an
    enrolment ended for arrears). `contribution_months`: months of paid contributions before
    the event (None: counted from `coverage`)."""

    claim_type: str
    income: int
    member_since: dt.date
    event: dt.date
    reported: dt.date
    coverage: Sequence[tuple[dt.date, CoverageState]] = ()
    lapsed_since: dt.date | None = None
    stmb_months: int = 0
    cause: str = ""
    children: Sequence[Child] = ()
    contribution_months: int | None = None
    medical_cost: int = 0


@dataclass(frozen=True)
class Item:
    item: str
    amount: int


@dataclass(frozen=True)
class Outcome:
    eligible: bool
    code: str
    explanation: str
    breakdown: tuple[Item, ...] = field(default_factory=tuple)

    @property
    def total(self) -> int:
        return sum(i.amount for i in self.breakdown)

    def as_dict(self) -> dict[str, Any]:
        """The shape of `lindung claims calculate --json` (and of the stored snapshot)."""
        return {
            "eligible": self.eligible,
            "code": self.code,
            "explanation": self.explanation,
            "breakdown": [{"item": i.item, "amount": i.amount} for i in self.breakdown],
            "total": self.total,
        }


def _refuse(code: str, explanation: str) -> Outcome:
    return Outcome(False, code, explanation)


# --- helpers ----------------------------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def percent_of(amount: int, percent: int) -> int:
    """`percent` % of `amount`, whole rupiah, half-up."""
    return (amount * percent + 50) // 100


def coverage_from_unpaid(
    *, member_since: dt.date, upto: dt.date, unpaid: Iterable[dt.date], on: dt.date
) -> list[tuple[dt.date, CoverageState]]:
    """The month-by-month coverage the command line describes: every month from the month of
    `member_since` to `upto` is paid except those listed in `unpaid`. Each month's status is
    the contributions app's `coverage_state`, exactly as `worker_coverage` computes it."""
    unpaid_months = {month_start(m) for m in unpaid}
    first = month_start(member_since)
    months = months_between(first, upto) if upto >= first else []
    paid = [m for m in months if m not in unpaid_months]
    out = []
    for m in months:
        last_paid = max((p for p in paid if p <= m), default=None)
        out.append(
            (
                m,
                contribution_rules.coverage_state(
                    month=m, first_month=first, last_paid=last_paid, on=on
                ),
            )
        )
    return out


def _unpaid_run(coverage: Sequence[tuple[dt.date, CoverageState]], month: dt.date) -> dt.date:
    """The first month of the run of unpaid months ending at `month`."""
    first = month
    for m, state in sorted(coverage, reverse=True):
        if m > month:
            continue
        if state.status == Coverage.COVERED:
            break
        first = m
    return first


# --- the rules --------------------------------------------------------------------------------


def check_coverage(facts: Facts) -> Outcome | None:
    """None when the event falls in a covered month of a living membership; else the outcome
    that refuses it (not_member, lapsed, event_not_covered)."""
    event_month = month_start(facts.event)
    if facts.event < facts.member_since:
        return _refuse(
            NOT_MEMBER,
            _(
                "Peristiwa terjadi pada %(event)s, sebelum pekerja terdaftar sebagai peserta BPJS "
                "Ketenagakerjaan (%(since)s): peristiwa ini tidak dijamin."
            )
            % {"event": tanggal(facts.event), "since": tanggal(facts.member_since)},
        )
    if facts.lapsed_since is not None and event_month >= month_start(facts.lapsed_since):
        return _refuse(
            LAPSED,
            _(
                "Kepesertaan putus sejak %(month)s karena iuran menunggak lebih dari 3 bulan; "
                "peristiwa pada %(event)s tidak dijamin. Pekerja harus didaftarkan ulang."
            )
            % {"month": bulan(month_start(facts.lapsed_since)), "event": tanggal(facts.event)},
        )
    states = {m: s for m, s in facts.coverage}
    for m, state in sorted(facts.coverage):
        if m <= event_month and state.status == Coverage.LAPSED:
            first_unpaid = _unpaid_run(facts.coverage, m)
            return _refuse(
                LAPSED,
                _(
                    "Iuran sejak %(first)s tidak dibayar lebih dari 3 bulan berturut-turut: "
                    "kepesertaan putus pada %(date)s, sebelum peristiwa (%(event)s). Peristiwa ini "
                    "tidak dijamin; pekerja harus didaftarkan ulang."
                )
                % {
                    "first": bulan(first_unpaid),
                    "date": tanggal(contribution_rules.lapse_date(first_unpaid)),
                    "event": tanggal(facts.event),
                },
            )
    state = states.get(event_month)
    if state is None:
        return _refuse(
            EVENT_NOT_COVERED,
            _(
                "Pekerja tidak tercatat sebagai peserta yang dibiayai pada %(month)s: peristiwa ini "
                "tidak dijamin."
            )
            % {"month": bulan(event_month)},
        )
    if state.status != Coverage.COVERED:
        return _refuse(
            EVENT_NOT_COVERED,
            _(
                "Iuran %(month)s belum dibayar: peristiwa ini tidak dijamin. Bila iuran bulan itu "
                "dibayar (paling lambat 3 bulan menunggak), periksa ulang klaim ini."
            )
            % {"month": bulan(event_month)},
        )
    return None


def _contribution_months(facts: Facts) -> int:
    if facts.contribution_months is not None:
        return facts.contribution_months
    event_month = month_start(facts.event)
    return sum(1 for m, s in facts.coverage if m <= event_month and s.status == Coverage.COVERED)


def _in_waiting_period(facts: Facts, r: Mapping[str, int]) -> tuple[bool, str]:
    """JKM's waiting period (Permenaker 1/2025: death in the first 3 months of membership pays
    the funeral cost only). Two readings exist; `jkm_waiting_days` > 0 chooses the count in
    days ("fewer than 90 days since registration"), else calendar months."""
    days = r["jkm_waiting_days"]
    if days > 0:
        elapsed = (facts.event - facts.member_since).days
        return elapsed < days, _("%(n)s hari sejak terdaftar (masa tunggu %(days)s hari)") % {
            "n": thousands(elapsed),
            "days": days,
        }
    months = r["jkm_waiting_months"]
    ends = add_months(facts.member_since.replace(day=1), months)
    try:
        ends = ends.replace(day=facts.member_since.day)
    except ValueError:  # 31 January + 1 month: the month's last day
        ends = add_months(ends, 1) - dt.timedelta(days=1)
    return facts.event < ends, _("masa tunggu %(n)s bulan sejak terdaftar berakhir %(date)s") % {
        "n": months,
        "date": tanggal(ends),
    }


def evaluate(facts: Facts, r: Mapping[str, int]) -> Outcome:
    """Eligibility and benefit of one claim under the rules `r` valid on the event date."""
    refused = check_coverage(facts)
    if refused is not None:
        return refused
    if facts.claim_type in JKK_TYPES:
        years = r["jkk_expiry_years"]
        last_day = add_years(facts.event, years)
        if facts.reported > last_day:
            return _refuse(
                EXPIRED,
                _(
                    "Klaim JKK dilaporkan %(reported)s, lebih dari %(years)s tahun sesudah "
                    "kecelakaan (%(event)s); hak atas manfaat gugur sejak %(after)s."
                )
                % {
                    "reported": tanggal(facts.reported),
                    "years": years,
                    "event": tanggal(facts.event),
                    "after": tanggal(last_day + dt.timedelta(days=1)),
                },
            )
    calculate = _CALCULATORS[facts.claim_type]
    return calculate(facts, r)


def _covered_sentence(facts: Facts) -> str:
    return _("Iuran %(month)s sudah dibayar: peristiwa pada %(event)s dijamin.") % {
        "month": bulan(month_start(facts.event)),
        "event": tanggal(facts.event),
    }


def _jkm(facts: Facts, r: Mapping[str, int]) -> Outcome:
    waiting, reading = _in_waiting_period(facts, r)
    funeral = Item(_("Biaya pemakaman"), r["jkm_funeral"])
    if waiting:
        return Outcome(
            True,
            WAITING_PERIOD,
            _(
                "%(covered)s Peserta meninggal dalam masa tunggu (%(reading)s): hanya biaya "
                "pemakaman %(funeral)s yang dibayar."
            )
            % {
                "covered": _covered_sentence(facts),
                "reading": reading,
                "funeral": rupiah(funeral.amount),
            },
            (funeral,),
        )
    items = (
        Item(_("Santunan sekaligus"), r["jkm_lump_sum"]),
        Item(_("Santunan berkala (dibayar sekaligus)"), r["jkm_periodic"]),
        funeral,
    )
    return Outcome(
        True,
        COVERED,
        _("%(covered)s Ahli waris menerima santunan kematian %(total)s.")
        % {"covered": _covered_sentence(facts), "total": rupiah(sum(i.amount for i in items))},
        items,
    )


def _jkk_death(facts: Facts, r: Mapping[str, int]) -> Outcome:
    n = r["jkk_death_multiplier"]
    items = (
        Item(
            _("Santunan kematian: %(n)s × penghasilan %(income)s")
            % {"n": n, "income": rupiah(facts.income)},
            n * facts.income,
        ),
        Item(_("Santunan berkala (dibayar sekaligus)"), r["jkk_death_periodic"]),
        Item(_("Biaya pemakaman"), r["jkk_death_funeral"]),
    )
    return Outcome(
        True,
        COVERED,
        _("%(covered)s Ahli waris menerima manfaat JKK meninggal dunia %(total)s.")
        % {"covered": _covered_sentence(facts), "total": rupiah(sum(i.amount for i in items))},
        items,
    )


def _jkk_disability(facts: Facts, r: Mapping[str, int]) -> Outcome:
    n = r["jkk_disability_multiplier"]
    item = Item(
        _("Santunan cacat total tetap: %(n)s × penghasilan %(income)s")
        % {"n": n, "income": rupiah(facts.income)},
        n * facts.income,
    )
    return Outcome(
        True,
        COVERED,
        _("%(covered)s Peserta menerima santunan cacat total tetap %(total)s.")
        % {"covered": _covered_sentence(facts), "total": rupiah(item.amount)},
        (item,),
    )


def _jkk_stmb(facts: Facts, r: Mapping[str, int]) -> Outcome:
    full_months = r["jkk_stmb_full_months"]
    full_pct, after_pct = r["jkk_stmb_full_percent"], r["jkk_stmb_after_percent"]
    months = max(facts.stmb_months, 0)
    first, rest = min(months, full_months), max(months - full_months, 0)
    items = [
        Item(
            _("STMB bulan 1–%(m)s: %(p)s %% × %(income)s × %(m)s bulan")
            % {"m": first, "p": full_pct, "income": rupiah(facts.income)},
            percent_of(facts.income, full_pct) * first,
        )
    ]
    if rest:
        items.append(
            Item(
                _("STMB bulan %(a)s–%(b)s: %(p)s %% × %(income)s × %(m)s bulan")
                % {
                    "a": full_months + 1,
                    "b": months,
                    "p": after_pct,
                    "income": rupiah(facts.income),
                    "m": rest,
                },
                percent_of(facts.income, after_pct) * rest,
            )
        )
    return Outcome(
        True,
        COVERED,
        _(
            "%(covered)s Selama tidak mampu bekerja peserta menerima %(full)s %% penghasilan untuk "
            "%(fm)s bulan pertama, lalu %(after)s %% sampai sembuh; untuk %(m)s bulan: %(total)s."
        )
        % {
            "covered": _covered_sentence(facts),
            "full": full_pct,
            "fm": full_months,
            "after": after_pct,
            "m": months,
            "total": rupiah(sum(i.amount for i in items)),
        },
        tuple(items),
    )


def _jkk_medical(facts: Facts, r: Mapping[str, int]) -> Outcome:
    item = Item(_("Perawatan dan pengobatan sesuai kebutuhan medis"), max(facts.medical_cost, 0))
    return Outcome(
        True,
        COVERED,
        _(
            "%(covered)s Perawatan dan pengobatan dijamin sesuai kebutuhan medis tanpa batas biaya; "
            "jumlahnya mengikuti tagihan fasilitas kesehatan (%(cost)s tercatat)."
        )
        % {"covered": _covered_sentence(facts), "cost": rupiah(item.amount)},
        (item,),
    )


def _scholarship(facts: Facts, r: Mapping[str, int]) -> Outcome:
    limit = r["scholarship_max_children"]
    if len(facts.children) > limit:
        return _refuse(
            TOO_MANY_CHILDREN,
            _(
                "Beasiswa diberikan untuk paling banyak %(max)s anak; klaim ini menyebut %(n)s. "
                "Pilih %(max)s anak."
            )
            % {"max": limit, "n": len(facts.children)},
        )
    if facts.cause == JKM:
        need = r["scholarship_min_years"]
        have = _contribution_months(facts)
        if have < need * 12:
            return _refuse(
                SCHOLARSHIP_MIN_YEARS,
                _(
                    "Beasiswa sesudah peserta meninggal bukan karena kecelakaan kerja membutuhkan "
                    "masa iur paling singkat %(years)s tahun (%(need)s bulan); masa iur peserta "
                    "%(have)s bulan."
                )
                % {"years": need, "need": need * 12, "have": have},
            )
    age_limit = r["scholarship_age_limit"]
    items, skipped = [], []
    for n, child in enumerate(facts.children, 1):
        who = child.name or _("Anak %(n)s") % {"n": n}
        level_label = LEVELS[child.level]
        years = r[f"{LEVEL_RULE[child.level]}_years"]
        if child.age >= age_limit:
            skipped.append(
                (
                    CHILD_TOO_OLD,
                    _("%(who)s berusia %(age)s tahun (beasiswa berhenti pada usia %(limit)s)")
                    % {"who": who, "age": child.age, "limit": age_limit},
                )
            )
        elif child.years_paid >= years:
            skipped.append(
                (
                    LEVEL_YEARS_USED,
                    _(
                        "beasiswa %(level)s %(who)s sudah dibayar "
                        "%(years)s tahun (paling lama %(years)s tahun)"
                    )
                    % {"level": level_label, "who": who, "years": years},
                )
            )
        else:
            items.append(
                Item(
                    _("Beasiswa %(who)s (%(level)s, %(age)s tahun), 1 tahun ajaran")
                    % {"who": who, "level": level_label, "age": child.age},
                    r[LEVEL_RULE[child.level]],
                )
            )
    cause = SCHOLARSHIP_CAUSES.get(facts.cause, facts.cause)
    if not items:
        code = skipped[0][0] if skipped else CHILD_TOO_OLD
        reasons = "; ".join(s for _c, s in skipped) or _("tidak ada anak yang disebut")
        return _refuse(
            code,
            _("Tidak ada anak yang memenuhi syarat beasiswa: %(reasons)s.") % {"reasons": reasons},
        )
    note = (
        " " + _("Tidak dibayar: %(reasons)s.") % {"reasons": "; ".join(s for _c, s in skipped)}
        if skipped
        else ""
    )
    return Outcome(
        True,
        COVERED,
        _(
            "%(covered)s Beasiswa karena %(cause)s untuk %(n)s anak, %(total)s untuk satu tahun "
            "ajaran.%(note)s"
        )
        % {
            "covered": _covered_sentence(facts),
            "cause": cause,
            "n": len(items),
            "total": rupiah(sum(i.amount for i in items)),
            "note": note,
        },
        tuple(items),
    )


_CALCULATORS = {
    JKM: _jkm,
    JKK_DEATH: _jkk_death,
    JKK_DISABILITY: _jkk_disability,
    JKK_STMB: _jkk_stmb,
    JKK_MEDICAL: _jkk_medical,
    SCHOLARSHIP: _scholarship,
}


# --- documents --------------------------------------------------------------------------------

DOCUMENTS: dict[str, Any] = {
    "kpj_card": gettext_lazy("Kartu peserta BPJS Ketenagakerjaan (KPJ)"),
    "ktp_member": gettext_lazy("KTP peserta"),
    "kk": gettext_lazy("Kartu Keluarga"),
    "ktp_heir": gettext_lazy("KTP ahli waris / penerima"),
    "death_certificate": gettext_lazy("Akta kematian atau surat keterangan kematian dari desa"),
    "heir_statement": gettext_lazy("Surat keterangan ahli waris"),
    "bank_book_heir": gettext_lazy("Buku tabungan ahli waris / penerima"),
    "bank_book_member": gettext_lazy("Buku tabungan peserta"),
    "accident_report": gettext_lazy("Laporan kecelakaan kerja"),
    "doctor_letter": gettext_lazy("Surat keterangan dokter"),
    "receipts": gettext_lazy("Kuitansi / rincian biaya pengobatan"),
    "stmb_letter": gettext_lazy("Surat keterangan dokter tentang lama tidak mampu bekerja"),
    "disability_letter": gettext_lazy("Surat keterangan dokter tentang cacat total tetap"),
    "birth_certificate_child": gettext_lazy("Akta kelahiran anak"),
    "school_letter": gettext_lazy("Surat keterangan aktif sekolah/kuliah"),
}

CHECKLISTS: dict[str, tuple[str, ...]] = {
    JKM: (
        "kpj_card",
        "ktp_member",
        "kk",
        "ktp_heir",
        "death_certificate",
        "heir_statement",
        "bank_book_heir",
    ),
    JKK_MEDICAL: ("kpj_card", "ktp_member", "accident_report", "doctor_letter", "receipts"),
    JKK_STMB: (
        "kpj_card",
        "ktp_member",
        "accident_report",
        "doctor_letter",
        "stmb_letter",
        "bank_book_member",
    ),
    JKK_DISABILITY: (
        "kpj_card",
        "ktp_member",
        "accident_report",
        "doctor_letter",
        "disability_letter",
        "bank_book_member",
    ),
    JKK_DEATH: (
        "kpj_card",
        "ktp_member",
        "kk",
        "ktp_heir",
        "accident_report",
        "death_certificate",
        "heir_statement",
        "bank_book_heir",
    ),
    SCHOLARSHIP: (
        "kpj_card",
        "kk",
        "ktp_heir",
        "birth_certificate_child",
        "school_letter",
        "bank_book_heir",
    ),
}


def missing_documents(claim_type: str, uploaded: Iterable[str]) -> list[str]:
    """The checklist items of `claim_type` not uploaded yet, in checklist order."""
    have = set(uploaded)
    return [k for k in CHECKLISTS[claim_type] if k not in have]
