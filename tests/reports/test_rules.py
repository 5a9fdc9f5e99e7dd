"""Pure rules of the reports: periods, the period's changes in sentences (exact text), the
Paritrana score against hand-computed totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lindung.reports import rules
from lindung.reports.rules import Criterion, ParitranaInputs, Snapshot, parse_period

TODAY = dt.date(2026, 11, 20)


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "label"),
    [
        ("2026-11", "month", dt.date(2026, 11, 1), dt.date(2026, 11, 30), "November 2026"),
        ("2026-02", "month", dt.date(2026, 2, 1), dt.date(2026, 2, 28), "Februari 2026"),
        ("2024-02", "month", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "Februari 2024"),
        ("2026-Q3", "quarter", dt.date(2026, 7, 1), dt.date(2026, 9, 30), "Triwulan III 2026"),
        ("2026-q1", "quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "Triwulan I 2026"),
        ("2026-S2", "semester", dt.date(2026, 7, 1), dt.date(2026, 12, 31), "Semester II 2026"),
        ("2026-s1", "semester", dt.date(2026, 1, 1), dt.date(2026, 6, 30), "Semester I 2026"),
        (" 2026 ", "year", dt.date(2026, 1, 1), dt.date(2026, 12, 31), "Tahun 2026"),
    ],
)
def test_parse_period(text, kind, start, end, label):
    p = parse_period(text)
    assert (p.kind, p.start, p.end, p.label) == (kind, start, end, label)
    assert parse_period(p.code) == p  # the canonical code reads back


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026-00",
        "2026-1",
        "2026-Q5",
        "2026-Q0",
        "2026-S3",
        "26-Q1",
        "2026Q3",
        "abc",
        "",
        "2026-11-01",
        "1899",
        "2101-Q1",
        "2026-W3",
    ],
)
def test_parse_period_refuses_other_forms(text):
    with pytest.raises(rules.PeriodInvalid) as e:
        parse_period(text)
    assert e.value.code == "period_invalid" and e.value.field == "period"
    assert "2026-Q3 (triwulan)" in e.value.message


def test_previous_periods_cross_the_year():
    assert parse_period("2026-Q1").previous == parse_period("2025-Q4")
    assert parse_period("2026-Q3").previous == parse_period("2026-Q2")
    assert parse_period("2026-S1").previous == parse_period("2025-S2")
    assert parse_period("2026-01").previous == parse_period("2025-12")
    assert parse_period("2026").previous == parse_period("2025")
    assert parse_period("2026-Q3").unit == "triwulan lalu"


def test_running_period_ends_today_and_future_is_refused():
    q4 = parse_period("2026-Q4")
    assert q4.dates(today=TODAY) == (dt.date(2026, 10, 1), TODAY)
    assert q4.span(today=TODAY) == "1 Oktober 2026 – 20 November 2026"
    rules.require_started(q4, today=TODAY)
    with pytest.raises(rules.PeriodInvalid) as e:
        rules.require_started(parse_period("2027-Q1"), today=TODAY)
    assert e.value.code == "period_future"


def _snap(period: str, **kw) -> Snapshot:
    values = {
        "active": 0,
        "registered": 0,
        "new": 0,
        "ended": 0,
        "denominator": None,
        "coverage_pct": None,
        "villages_total": 144,
        "villages_socialised": 0,
    }
    values.update(kw)
    return Snapshot(period=parse_period(period), **values)


def test_sentences_from_two_snapshots():
    before = _snap(
        "2026-Q2",
        active=10_000,
        denominator=100_000,
        coverage_pct=10.0,
        implementing={"64.01.01.2009": "Samurangau"},
        contributions_paid=504_000_000,
    )
    now = _snap(
        "2026-Q3",
        active=11_240,
        new=1_300,
        ended=60,
        denominator=100_000,
        coverage_pct=11.2,
        target_participants=32_268,
        target_progress_pct=34.8,
        implementing={
            "64.01.01.2009": "Samurangau",
            "64.01.01.2010": "Busui",
            "64.01.02.2004": "Keladen",
            "64.01.04.1001": "Tana Paser",
        },
        contributions_paid=566_000_000,
        benefits_paid=84_000_000,
        claims_paid=2,
    )
    assert rules.change_sentences(now, before) == [
        "Peserta aktif naik 1.240 (12,4 %) dari triwulan lalu menjadi 11.240.",
        "Selama Triwulan III 2026: 1.300 peserta baru terdaftar di BPJS, 60 kepesertaan berakhir.",
        "2 desa dan 1 kelurahan baru melaksanakan: Busui, Keladen, dan Tana Paser. Kini 4 dari "
        "144 desa/kelurahan melaksanakan.",
        "Cakupan naik dari 10,0 % menjadi 11,2 % dari 100.000 pekerja rentan.",
        "Capaian target 34,8 % dari 32.268 peserta.",
        "Iuran dibayar Rp566.000.000 (triwulan lalu Rp504.000.000).",
        "Manfaat dibayar Rp84.000.000 untuk 2 klaim (triwulan lalu Rp0).",
    ]


def test_sentences_when_falling_from_nothing_and_villages_stop():
    before = _snap(
        "2026-10", active=5, implementing={"64.01.01.2009": "Samurangau", "64.01.01.2010": "Busui"}
    )
    now = _snap("2026-11", active=3, implementing={"64.01.01.2009": "Samurangau"})
    sentences = rules.change_sentences(now, before)
    assert sentences[0] == "Peserta aktif turun 2 (40,0 %) dari bulan lalu menjadi 3."
    assert sentences[2] == (
        "Tidak ada desa/kelurahan baru yang melaksanakan. Kini 1 dari 144 "
        "desa/kelurahan melaksanakan."
    )
    assert sentences[3] == "1 desa tidak lagi memiliki peserta aktif: Busui."
    assert sentences[4] == (
        "Cakupan belum dapat dihitung: penyebut (perkiraan pekerja rentan) tahun 2026 belum diisi."
    )
    # No money figures for this reader (None): no contributions sentence.
    assert not any(s.startswith("Iuran") for s in sentences)
    assert sentences[-1] == (
        "Belum ada manfaat klaim yang dibayar pada bulan ini maupun bulan lalu."
    )
    first = rules.change_sentences(_snap("2026", active=7), _snap("2025"))
    assert first[0] == (
        "Peserta aktif naik 7 dari tahun lalu menjadi 7 (tahun lalu belum ada peserta aktif)."
    )
    same = rules.change_sentences(_snap("2026-S2", active=7), _snap("2026-S1", active=7))
    assert same[0] == "Peserta aktif tetap 7, sama dengan semester lalu."


def test_many_new_villages_are_listed_up_to_ten():
    names = {f"64.01.01.20{i:02d}": f"Desa{i:02d}" for i in range(13)}
    s = rules.change_sentences(_snap("2026-Q3", implementing=names), _snap("2026-Q2"))[2]
    assert s.startswith("13 desa baru melaksanakan: Desa00, Desa01,")
    assert "Desa09, dan 3 lainnya. Kini 13 dari 144" in s


# --- Paritrana -----------------------------------------------------------------------------------

DEFAULTS = {
    "regulation": Criterion("regulation", Decimal(20), {"perda": 100, "perbup": 70, "none": 0}),
    "coverage": Criterion(
        "coverage", Decimal(35), [[0, 0], [10, 20], [25, 40], [50, 60], [75, 80], [90, 100]]
    ),
    "budget": Criterion("budget", Decimal(20), [[0, 0], [25, 25], [50, 50], [75, 75], [90, 100]]),
    "innovation": Criterion("innovation", Decimal(10), [[0, 0], [1, 50], [2, 75], [3, 100]]),
    "interview": Criterion("interview", Decimal(15), []),
}


def test_paritrana_score_hand_computed():
    # Perbup 70; coverage 60,0 % -> 60; budget 800.000 of 1.000.000 = 80 % -> 75;
    # 2 innovations -> 75; interview 80.
    # (70×20 + 60×35 + 75×20 + 75×10 + 80×15) / 100 = (1400+2100+1500+750+1200)/100 = 69,50
    inputs = ParitranaInputs(
        regulation="perbup",
        coverage_pct=60.0,
        budget_allocated=1_000_000,
        budget_realised=800_000,
        innovations=2,
        interview=Decimal(80),
    )
    score = rules.paritrana_score(inputs, DEFAULTS)
    assert score.total == Decimal("69.50")
    assert [(r.key, r.score, r.weighted) for r in score.rows] == [
        ("regulation", Decimal(70), Decimal("14.00")),
        ("coverage", Decimal(60), Decimal("21.00")),
        ("budget", Decimal(75), Decimal("15.00")),
        ("innovation", Decimal(75), Decimal("7.50")),
        ("interview", Decimal(80), Decimal("12.00")),
    ]
    assert score.row("budget").value == "Rp800.000 dari Rp1.000.000 (80,0 %)"


def test_paritrana_missing_facts_score_zero_and_say_why():
    # Perda 100 × 20 = 2000; everything else 0: 2000 / 100 = 20,00.
    inputs = ParitranaInputs(
        regulation="perda",
        coverage_pct=None,
        budget_allocated=0,
        budget_realised=0,
        innovations=0,
        interview=None,
    )
    score = rules.paritrana_score(inputs, DEFAULTS)
    assert score.total == Decimal("20.00")
    assert score.row("coverage").note.startswith("Penyebut")
    assert score.row("budget").note == "Tidak ada anggaran dialokasikan."
    assert score.row("interview").note == "Nilai wawancara belum diisi."


def test_paritrana_weights_need_not_add_up_to_100():
    # Two criteria of weight 1 and 3: (100×1 + 20×3) / 4 = 40,00. Band edges are inclusive:
    # coverage exactly 10 % reaches the band "10 -> 20".
    criteria = {
        "regulation": Criterion("regulation", Decimal(1), DEFAULTS["regulation"].bands),
        "coverage": Criterion("coverage", Decimal(3), DEFAULTS["coverage"].bands),
    }
    inputs = ParitranaInputs(
        regulation="perda",
        coverage_pct=10.0,
        budget_allocated=0,
        budget_realised=0,
        innovations=0,
        interview=None,
    )
    assert rules.paritrana_score(inputs, criteria).total == Decimal("40.00")


def test_criteria_valid_on_picks_the_latest_row():
    old = Criterion("coverage", Decimal(35), [[0, 0]], valid_from=dt.date(2020, 1, 1))
    new = Criterion("coverage", Decimal(40), [[0, 0]], valid_from=dt.date(2026, 1, 1))
    assert rules.criteria_valid_on([new, old], dt.date(2025, 12, 31))["coverage"] is old
    assert rules.criteria_valid_on([new, old], dt.date(2026, 1, 1))["coverage"] is new
    assert rules.criteria_date(2025) == dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("key", "bands", "ok"),
    [
        ("regulation", {"perda": 100, "perbup": 70, "none": 0}, True),
        ("regulation", {"perda": 100, "perbup": 70}, False),
        ("regulation", {"perda": 101, "perbup": 70, "none": 0}, False),
        ("coverage", [[0, 0], [50, 60]], True),
        ("coverage", [[0, 0], [50]], False),
        ("coverage", [], False),
        ("interview", [], True),
        ("interview", [[0, 0]], False),
        ("unknown", [], False),
    ],
)
def test_check_bands(key, bands, ok):
    if ok:
        rules.check_bands(key, bands)
    else:
        with pytest.raises(rules.BandsInvalid):
            rules.check_bands(key, bands)


def test_nip():
    assert rules.nip_valid("19700101 199003 1 001")
    assert not rules.nip_valid("1970010119900310")
