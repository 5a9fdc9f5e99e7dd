"""Programme and enrolment reads: quota used and budget total per programme."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.programs.selectors import (
    enrolment_status_counts,
    programme_list,
    programme_quota_used,
)
from lindung.programs.services import budget_line_add, enrolment_propose, enrolment_reject

pytestmark = pytest.mark.django_db
FEB = dt.date(2026, 2, 1)


def test_programme_list_counts_open_enrolments_and_sums_every_budget_line(
    users, programme, province_programme, make_worker
):
    for kind, amount in [
        ("apbd_murni", 800_000_000),
        ("apbd_perubahan", 800_000_000),
        ("lainnya", 5_000_000),
    ]:
        budget_line_add(
            by=users.admin,
            programme=programme,
            kind=kind,
            amount=amount,
            date=dt.date(2026, 1, 2),
            document_ref=kind,
        )
    enrolments = [
        enrolment_propose(programme=programme, worker=make_worker(), by=users.admin, on=FEB)
        for _ in range(3)
    ]
    enrolment_reject(enrolment=enrolments[0], by=users.admin, reason="ASN")
    rows = {p.code: p for p in programme_list(user=users.admin)}
    assert (rows["PASER-2026"].used, rows["PASER-2026"].budget_total) == (2, 1_605_000_000)
    assert (rows["KALTIM-2026"].used, rows["KALTIM-2026"].budget_total) == (0, 0)
    assert rows["PASER-2026"].left == programme.quota - 2
    assert programme_quota_used(programme=programme) == 2


def test_status_counts_cover_every_status(users, programme, make_worker):
    e = enrolment_propose(programme=programme, worker=make_worker(), by=users.admin, on=FEB)
    enrolment_propose(programme=programme, worker=make_worker(), by=users.admin, on=FEB)
    enrolment_reject(enrolment=e, by=users.admin, reason="ASN")
    counts = enrolment_status_counts(user=users.admin, programme=programme)
    assert counts == {
        "menunggu": 0,
        "diusulkan": 1,
        "diverifikasi": 0,
        "terdaftar": 0,
        "aktif": 0,
        "berakhir": 0,
        "ditolak": 1,
    }
    assert sum(enrolment_status_counts(user=users.admin_ppu).values()) == 0
