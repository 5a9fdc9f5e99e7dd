"""Bulk work on the whole filtered list: verify every matching proposal at once (set-based),
and record KPJ numbers pasted from the BPJS branch's sheet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.programs.models import Enrolment
from lindung.programs.rules import parse_kpj_lines
from lindung.programs.services import enrolment_propose, enrolment_verify
from tests.conftest import DESA_PPU

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals(users, programme, make_worker):
    names = ["Rahmat Aji", "Rahmat Budi", "Siti Cici", "Siti Dewi", "Yusuf Eko"]
    return [
        enrolment_propose(programme=programme, worker=make_worker(name=n), by=users.admin)
        for n in names
    ]


def test_verify_all_matching_the_filter_in_one_go(
    client, users, programme, proposals, django_assert_max_num_queries
):
    client.force_login(users.admin)
    page = client.get(reverse("programs:detail", args=[programme.code]), {"q": "Rahmat"})
    assert "Verifikasi semua 2 usulan yang tersaring" in page.content.decode()
    with django_assert_max_num_queries(25):
        response = client.post(
            reverse("programs:bulk_verify", args=[programme.code]), {"semua": "1", "q": "Rahmat"}
        )
    assert response.status_code == 302
    statuses = {e.worker.name: e.status for e in Enrolment.objects.select_related("worker")}
    assert statuses == {
        "Rahmat Aji": "diverifikasi",
        "Rahmat Budi": "diverifikasi",
        "Siti Cici": "diusulkan",
        "Siti Dewi": "diusulkan",
        "Yusuf Eko": "diusulkan",
    }
    events = AuditEvent.objects.filter(action="verify")
    assert events.count() == 2 and {e.actor for e in events} == {users.admin}
    # Without a filter: every remaining proposal.
    client.post(reverse("programs:bulk_verify", args=[programme.code]), {"semua": "1"})
    assert set(Enrolment.objects.values_list("status", flat=True)) == {"diverifikasi"}


def test_verify_all_never_reaches_beyond_scope_or_sponsor(
    client, users, programme, proposals, province_programme, make_worker
):
    outsider = enrolment_propose(
        programme=province_programme,
        by=users.province,
        worker=make_worker(village=DESA_PPU, by=users.province),
    )
    client.force_login(users.admin)
    client.post(reverse("programs:bulk_verify", args=[programme.code]), {"semua": "1"})
    outsider.refresh_from_db()
    assert outsider.status == Enrolment.Status.PROPOSED
    # The province's programme: a kabupaten admin decides nothing there.
    response = client.post(
        reverse("programs:bulk_verify", args=[province_programme.code]), {"semua": "1"}
    )
    assert response.status_code == 403


def test_kpj_numbers_pasted_from_a_sheet(client, users, programme, proposals):
    for e in proposals[:3]:
        enrolment_verify(enrolment=e, by=users.admin)
    a, b, c = (e.worker for e in proposals[:3])
    pasted = "\n".join(
        [
            f"{a.nik}\t12345678901\t15/01/2026",
            f"{b.nik};12345678902",
            f"{c.nik}\t123",  # too short
            "bukan baris",
            f"{proposals[4].worker.nik}\t12345678905",  # not verified
        ]
    )
    client.force_login(users.bpjs)
    response = client.post(
        reverse("programs:kpj_paste", args=[programme.code]),
        {"baris": pasted, "aktifkan": "1"},
        follow=True,
    )
    page = response.content.decode()
    assert "2 peserta dicatat nomor KPJ-nya" in page
    assert "Baris 3:" in page and "Baris 4:" in page and "Baris 5:" in page
    got = {
        e.worker_id: (e.status, e.kpj_number, e.registration_date)
        for e in Enrolment.objects.filter(kpj_number__gt="")
    }
    assert got == {
        a.pk: ("aktif", "12345678901", dt.date(2026, 1, 15)),
        b.pk: ("aktif", "12345678902", dt.date(2026, 11, 20)),
    }


def test_kpj_paste_needs_the_register_right(client, users, programme, proposals):
    client.force_login(users.leader)
    response = client.post(
        reverse("programs:kpj_paste", args=[programme.code]),
        {"baris": f"{proposals[0].worker.nik}\t12345678901"},
    )
    assert response.status_code == 403


def test_pasted_lines_are_read_as_spreadsheets_give_them():
    lines, problems = parse_kpj_lines(
        "6401011708850001\t12345678901\t15/01/2026\n"
        "6401 0117 0885 0002 ; 12345678902 ; 2026-02-01\n\n"
        "6401011708850003,12345678903\n"
        "6401011708850004\t12345678904\t31/02/2026\n"
        "123\t456\n",
        default_date=dt.date(2026, 11, 20),
    )
    assert [(x.number, x.nik, x.kpj, x.registration_date) for x in lines] == [
        (1, "6401011708850001", "12345678901", dt.date(2026, 1, 15)),
        (2, "6401011708850002", "12345678902", dt.date(2026, 2, 1)),
        (4, "6401011708850003", "12345678903", dt.date(2026, 11, 20)),
    ]
    assert [p.split(":")[0] for p in problems] == ["Baris 5", "Baris 6"]
