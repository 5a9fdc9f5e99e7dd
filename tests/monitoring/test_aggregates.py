"""The maintained aggregates (`monitoring.aggregates`) equal the raw definitions
(`monitoring.indicators`, raw=True) after every kind of change, a new day and a new month,
and a random sequence of operations."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import time_machine

from lindung.monitoring import aggregates, indicators
from lindung.monitoring.models import AggregateState, VillageMonth
from tests.conftest import DESA_A, DESA_B, DESA_OTHER_KEC, DESA_PPU, PASER
from tests.imports.conftest import csv_bytes, person

pytestmark = pytest.mark.django_db

CODES = ("64", PASER, "64.01.01", DESA_A, DESA_OTHER_KEC, DESA_PPU)


@pytest.fixture
def national(users, django_user_model):
    """A national user (a superuser without region): sees Indonesia down to every village."""
    return django_user_model.objects.create_superuser("pusat", password=None)


def _report_dict(report: indicators.Report) -> dict:
    d = report.as_dict()
    d["trend"] = report.trend
    d["by_programme"] = report.by_programme
    d["by_occupation_full"] = report.by_occupation
    return d


def assert_same(user, *, periods=None, codes=CODES) -> None:
    """Every level and period: the maintained report equals the raw one."""
    from lindung.core import clock

    today = clock.today()
    periods = periods or [(None, None), (dt.date(today.year, 6, 1), dt.date(today.year, 6, 30))]
    for code in codes:
        for start, end in periods:
            kw = {"user": user, "code": code, "start": start, "on": end, "with_trend": True}
            kept = indicators.region_report(**kw)
            raw = indicators.region_report(**kw, raw=True)
            assert _report_dict(kept) == _report_dict(raw), (code, start, end)
    for code in (PASER,):
        kept = [
            f.as_dict() | {"last": f.last_event}
            for f in indicators.village_rollout(user=user, code=code)
        ]
        raw = [
            f.as_dict() | {"last": f.last_event}
            for f in indicators.village_rollout(user=user, code=code, raw=True)
        ]
        assert kept == raw, code


def test_maintained_path_is_taken_and_holds_rows(users, monev, national):
    assert_same(national, codes=("", *CODES))
    assert VillageMonth.objects.filter(village=DESA_A).exists()
    state = AggregateState.objects.get()
    assert state.as_of == dt.date(2026, 11, 20)
    assert state.first_month == dt.date(2026, 1, 1)
    # Nothing changed: the refresh reads the state and the last audit id, nothing else.
    assert aggregates.refresh() == aggregates.RefreshResult()


def test_every_lifecycle_step_updates_the_village(
    users, programme, make_worker, activate, national
):
    from lindung.programs.services import enrolment_end, enrolment_reject

    assert_same(national)
    w = make_worker(village=DESA_B, sex="P", occupation="petani")
    assert_same(national)
    for stop in ("proposed", "verified", "active"):
        activate(programme, make_worker(village=DESA_B), stop_at=stop)
    assert_same(national)
    e = activate(programme, w, registered_on=dt.date(2026, 2, 3))
    assert_same(national)
    enrolment_end(enrolment=e, by=users.admin, reason="pindah", end_date=dt.date(2026, 7, 31))
    assert_same(national)
    rejected = activate(programme, make_worker(village=DESA_A), stop_at="proposed")
    enrolment_reject(enrolment=rejected, by=users.admin, reason="ASN")
    assert_same(national)
    result = aggregates.refresh()
    assert result == aggregates.RefreshResult()


def test_worker_moving_village_updates_both(
    users, programme, make_worker, activate, regions, national
):
    from lindung.registry.services import worker_update

    w = make_worker(village=DESA_A)
    activate(programme, w)
    assert_same(national)
    worker_update(worker=w, by=users.admin, village=regions.get(code=DESA_OTHER_KEC))
    assert_same(national)
    assert not VillageMonth.objects.filter(village=DESA_A, active__gt=0).exists()


def test_import_with_proposals_and_moves(users, programme, make_worker, national):
    from lindung.imports.services import workers_import

    assert_same(national)
    rows = [person(100 + i, village=DESA_A if i % 2 else DESA_B) for i in range(6)]
    workers_import(by=users.admin, content=csv_bytes(rows), filename="a.csv", programme=programme)
    assert_same(national)
    # The same people, one of them now living in another kecamatan (the event names only
    # the new village: the importer's region is recomputed).
    rows[0]["KODE_DESA"] = DESA_OTHER_KEC
    workers_import(by=users.admin, content=csv_bytes(rows), filename="b.csv")
    assert_same(national)


def test_bills_payments_and_lapse(users, programme, make_worker, activate, national):
    from lindung.contributions.services import bill_generate, lapses_apply, payment_record

    for village in (DESA_A, DESA_B, DESA_OTHER_KEC):
        activate(programme, make_worker(village=village), registered_on=dt.date(2026, 1, 10))
    admin = users.admin
    bills = {
        m: bill_generate(by=admin, programme=programme, month=dt.date(2026, m, 1))
        for m in range(1, 11)
    }
    # Billed, nothing paid: everyone has lapsed on 20 November.
    assert_same(national)
    assert indicators.region_report(user=admin, code=PASER).root.active == 0
    payment_record(
        by=admin,
        programme=programme,
        paid_on=dt.date(2026, 10, 14),
        amount=bills[9].total,
        reference="SP2D/1",
        first_month=dt.date(2026, 9, 1),
    )
    assert_same(national)
    assert indicators.region_report(user=admin, code=PASER).root.active == 3
    lapses_apply(by=admin, programme=programme)
    assert_same(national)


def test_a_payment_recomputes_its_programme_from_its_month_only(
    users, programme, ppu_programme, make_worker, activate, national
):
    """A bill or payment changes only the lapse test of its programme's participants, from
    the payment date's month on: the refresh recomputes that, not every village of the
    programme's region, and still equals the raw figures for every month since."""
    from lindung.contributions.services import bill_generate, payment_record

    for village in (DESA_A, DESA_OTHER_KEC):
        activate(programme, make_worker(village=village), registered_on=dt.date(2026, 1, 10))
    ppu_worker = make_worker(by=users.admin_ppu, village=DESA_PPU, occupation="ojek")
    activate(ppu_programme, ppu_worker, by=users.admin_ppu)
    aggregates.refresh()  # the first build
    admin = users.admin
    bills = {
        m: bill_generate(by=admin, programme=programme, month=dt.date(2026, m, 1))
        for m in range(1, 9)
    }
    first = aggregates.refresh()
    # The programme's first bills: every month held is recomputed for it.
    assert first.programmes == (programme.pk,) and not first.prefixes
    june = (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    july = (dt.date(2026, 7, 1), dt.date(2026, 7, 31))
    assert_same(national, periods=[(None, None), june])
    assert indicators.region_report(user=admin, code=PASER).root.active == 0  # lapsed
    for month, bill in bills.items():  # SP2D of 20 July for January to August
        payment_record(
            by=admin,
            programme=programme,
            paid_on=dt.date(2026, 7, 20),
            amount=bill.total,
            reference=f"SP2D/{month}",
            first_month=bill.month,
        )
    result = aggregates.refresh()
    assert result.programmes == (programme.pk,)
    assert not result.prefixes and not result.villages and not result.rebuilt
    assert_same(national, periods=[(None, None), june, july])
    assert indicators.region_report(user=admin, code=PASER).root.active == 2
    # Another month's bill of a programme already billed, unpaid: nothing to recompute.
    bill_generate(by=admin, programme=programme, month=dt.date(2026, 9, 1))
    assert aggregates.refresh().programmes == ()
    assert_same(national)


def test_merge_moves_enrolments(users, programme, make_worker, activate, national):
    from lindung.registry import duplicates
    from lindung.registry.models import DuplicatePair

    a = make_worker(village=DESA_A, name="Ahmad Saputra")
    b = make_worker(village=DESA_OTHER_KEC, name="Ahmad Saputra")
    activate(programme, b)
    duplicates.duplicate_pairs_record(pairs=[(a.pk, b.pk, 95)], source="uji")
    assert_same(national)
    pair = DuplicatePair.objects.get()
    duplicates.duplicate_pair_decide(pair=pair, by=users.admin, same_person=True, keep=a)
    assert_same(national)


def test_new_day_and_new_month(users, monev, programme, make_worker, activate, national):
    from lindung.programs.services import enrolment_end

    assert_same(national)
    e = activate(programme, make_worker(village=DESA_B), registered_on=dt.date(2026, 11, 20))
    enrolment_end(enrolment=e, by=users.admin, reason="pindah", end_date=dt.date(2026, 11, 25))
    for day in (
        dt.datetime(2026, 11, 26, 9),
        dt.datetime(2026, 12, 2, 9),
        dt.datetime(2027, 1, 3, 9),
    ):
        with time_machine.travel(day.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))):
            result = aggregates.refresh()
            assert result.rolled_days
            assert_same(
                national,
                periods=[
                    (None, None),
                    (dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
                    (dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
                ],
            )


def test_missed_event_is_found_in_a_hole(users, programme, make_worker, activate, national):
    """An audit id taken by a transaction not committed yet when a refresh ran is looked for
    again: simulated by a refresh whose watermark already passed an id that appears later."""
    from lindung.audit.models import AuditEvent

    assert_same(national)
    w = make_worker(village=DESA_B)
    event = AuditEvent.objects.filter(object_type="worker", object_id=str(w.pk)).get()
    state = AggregateState.objects.get()
    # As if the worker's event was not yet visible when the watermark moved past it.
    state.watermark = event.pk
    state.holes = {str(event.pk): "2026-11-20T10:00:00+08:00"}
    state.save()
    assert_same(national)
    assert AggregateState.objects.get().holes == {}


def test_rebuild_after_writes_outside_the_services(users, monev, national):
    from lindung.registry.models import Worker

    assert_same(national)
    Worker.objects.filter(village_id=DESA_A).update(status="meninggal")
    aggregates.rebuild()
    assert_same(national)


def test_periods_outside_the_rows_are_answered_raw(users, monev, national):
    before = indicators.region_report(
        user=national, code=PASER, on=dt.date(2025, 12, 31), start=dt.date(2025, 1, 1)
    )
    assert before.root.active == 0
    odd = indicators.region_report(user=national, code=PASER, on=dt.date(2026, 8, 17))
    raw = indicators.region_report(user=national, code=PASER, on=dt.date(2026, 8, 17), raw=True)
    assert odd.as_dict() == raw.as_dict()


@pytest.mark.parametrize("seed", [1, 2])
def test_random_sequences_of_operations(
    users, programme, province_programme, ppu_programme, make_worker, activate, seed, national
):
    """A property test: random operations in random villages; after each, maintained = raw."""
    from lindung.contributions.services import bill_generate, payment_record
    from lindung.programs.models import Enrolment
    from lindung.programs.services import (
        enrolment_end,
        enrolment_reject,
        enrolment_verify,
    )
    from lindung.registry.services import worker_update

    rng = random.Random(seed)
    villages = [DESA_A, DESA_B, DESA_OTHER_KEC]
    workers = []
    programmes = {DESA_A: programme, DESA_B: programme, DESA_OTHER_KEC: programme}
    billed: set[int] = set()
    ops = ["worker", "propose", "activate", "verify", "end", "reject", "move", "bill", "pay"]
    for _ in range(10):
        op = rng.choice(ops)
        open_ = list(Enrolment.objects.filter(status__in=["diusulkan", "aktif"]))
        if op == "worker" or not workers:
            workers.append(
                make_worker(
                    village=rng.choice(villages),
                    sex=rng.choice("LP"),
                    occupation=rng.choice(["nelayan", "petani"]),
                )
            )
        elif op in ("propose", "activate"):
            free = [w for w in workers if not w.enrolments.exists()]
            if free:
                w = rng.choice(free)
                w.refresh_from_db()
                activate(
                    programmes[w.village_id],
                    w,
                    registered_on=dt.date(2026, rng.randint(1, 11), rng.randint(1, 20)),
                    stop_at="active" if op == "activate" else "proposed",
                )
        elif op == "verify" and (p := [e for e in open_ if e.status == "diusulkan"]):
            enrolment_verify(enrolment=rng.choice(p), by=users.admin)
        elif op == "reject" and (p := [e for e in open_ if e.status == "diusulkan"]):
            enrolment_reject(enrolment=rng.choice(p), by=users.admin, reason="uji")
        elif op == "end" and (a := [e for e in open_ if e.status == "aktif"]):
            e = rng.choice(a)
            enrolment_end(
                enrolment=e,
                by=users.admin,
                reason="pindah",
                end_date=max(e.registration_date, dt.date(2026, rng.randint(1, 11), 15)),
            )
        elif op == "move":
            w = rng.choice(workers)
            w.refresh_from_db()
            from lindung.regions.models import Region

            worker_update(
                worker=w, by=users.admin, village=Region.objects.get(code=rng.choice(villages))
            )
        elif op == "bill" and len(billed) < 10:
            month = dt.date(2026, len(billed) + 1, 1)
            bill_generate(by=users.admin, programme=programme, month=month)
            billed.add(month.month)
        elif op == "pay" and billed:
            from lindung.contributions.models import Bill

            bill = Bill.objects.filter(programme=programme, paid_at__isnull=True).first()
            if bill is not None and bill.total > 0:
                payment_record(
                    by=users.admin,
                    programme=programme,
                    paid_on=dt.date(2026, 11, rng.randint(1, 19)),
                    amount=bill.total,
                    reference=f"SP2D/{bill.pk}",
                    first_month=bill.month,
                )
        assert_same(national, codes=(PASER, DESA_A, DESA_OTHER_KEC))


def test_refresh_command(users, monev):
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("indicators_refresh", full=True, json=True, stdout=out)
    full = json.loads(out.getvalue())
    assert full["rebuilt"] and full["rows"] > 0
    out = io.StringIO()
    call_command("indicators_refresh", json=True, stdout=out)
    assert json.loads(out.getvalue())["rows"] == 0  # nothing changed since
