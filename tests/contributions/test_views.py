import datetime as dt
import io

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from lindung.contributions import selectors
from lindung.contributions.models import Bill, Payment
from lindung.contributions.services import bill_generate, payment_record

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def login(client, user):
    client.force_login(user)
    return client


@override_settings(TASKS=IMMEDIATE)
def test_admin_generates_bill_from_the_page_as_a_task(client, users, programme, active):
    login(client, users.admin)
    url = reverse("contributions:bill_generate", args=[programme.code])
    response = client.post(url, {"month": "2026-01"}, follow=True)
    assert response.status_code == 200
    assert "3 peserta" in response.content.decode()
    bill = Bill.objects.get(programme=programme, month=JAN)
    assert bill.total == 50_400


def test_admin_records_payment_and_sees_shortfall(client, users, programme, active):
    login(client, users.admin)
    response = client.post(
        reverse("contributions:payment_create", args=[programme.code]),
        {
            "paid_on": "2026-01-12",
            "amount": "40000",
            "reference": "SP2D/001/2026",
            "first_month": "2026-01",
            "months_covered": "1",
            "note": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kurang bayar Rp10.400" in page
    assert Payment.objects.get().allocated == 40_000


def test_payment_form_errors_are_shown(client, users, programme, active):
    login(client, users.admin)
    response = client.post(
        reverse("contributions:payment_create", args=[programme.code]),
        {
            "paid_on": "2026-01-12",
            "amount": "40000",
            "reference": "SP2D-1",
            "first_month": "2026-12",
            "months_covered": "3",
        },
    )
    assert response.status_code == 400
    assert "di luar masa program" in response.content.decode()


def test_admin_of_other_regency_cannot_bill_or_pay_by_url(client, users, programme, active):
    login(client, users.admin_ppu)
    assert (
        client.post(
            reverse("contributions:bill_generate", args=[programme.code]), {"month": "2026-01"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("contributions:payment_create", args=[programme.code]),
            {
                "paid_on": "2026-01-12",
                "amount": "50400",
                "reference": "X",
                "first_month": "2026-01",
                "months_covered": "1",
            },
        ).status_code
        == 404
    )
    assert client.get(reverse("contributions:programme", args=[programme.code])).status_code == 404
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    assert client.get(reverse("contributions:bill", args=[bill.pk])).status_code == 404
    assert client.get(reverse("reports:statement", args=[bill.pk, "pdf"])).status_code == 404
    assert not Payment.objects.exists()


def test_leader_reads_but_cannot_bill(client, users, programme, active):
    login(client, users.leader)
    page = client.get(reverse("contributions:programme", args=[programme.code]))
    assert page.status_code == 200 and 'id="bill-form"' not in page.content.decode()
    assert (
        client.post(
            reverse("contributions:bill_generate", args=[programme.code]), {"month": "2026-01"}
        ).status_code
        == 403
    )


def test_pages_render(client, users, programme, active):
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    login(client, users.admin)
    for url in (
        reverse("contributions:home"),
        reverse("contributions:rates"),
        reverse("contributions:programme", args=[programme.code]),
        reverse("contributions:coverage", args=[programme.code]) + "?bulan=2026-01",
        reverse("contributions:bill", args=[bill.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_worker_with_unpaid_months_is_shown_in_arrears(client, users, programme, active):
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=50_400,
        reference="SP2D-JAN",
        first_month=JAN,
    )
    login(client, users.admin)
    page = client.get(
        reverse("contributions:coverage", args=[programme.code]) + "?bulan=2026-03"
    ).content.decode()
    # The clock is frozen at 20 November 2026 (tests/conftest.py): February and March are overdue.
    assert "Menunggak 2 bulan" in page
    assert active[0].worker.name in page


def test_statement_reconciles_in_xlsx_and_pdf(client, users, programme, active):
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=60_000,
        reference="SP2D-JAN",
        first_month=JAN,
    )
    st = selectors.statement(user=users.admin, bill=bill)
    assert st.reconciles and st.districts_total == 50_400 and st.allocated_total == 50_400
    login(client, users.admin)
    xlsx = client.get(reverse("reports:statement", args=[bill.pk, "xlsx"]))
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    summary = {r[1]: r[2] for r in wb["Tagihan"].iter_rows(values_only=True) if len(r) > 2}
    assert summary["Total tagihan"] == 50_400 and summary["Dibayar"] == 50_400
    district_rows = list(wb["Per kecamatan"].iter_rows(values_only=True))
    assert district_rows[-1][-1] == 50_400 and district_rows[1][1] == "Batu Sopang"
    pdf = client.get(reverse("reports:statement", args=[bill.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_coverage_page_of_a_billed_month_lists_lines_longest_unpaid_first(
    client, users, programme, active
):
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=50_400,
        reference="SP2D-JAN",
        first_month=JAN,
    )
    bill_generate(by=users.admin, programme=programme, month=dt.date(2026, 3, 1))
    login(client, users.admin)
    page = client.get(
        reverse("contributions:coverage", args=[programme.code]) + "?bulan=2026-03&belum=on"
    ).content.decode()
    assert page.count("Menunggak 2 bulan") == 3


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)
def test_bill_from_the_page_is_queued_for_the_worker(client, users, programme, active):
    from django_tasks_db.models import DBTaskResult

    login(client, users.admin)
    response = client.post(
        reverse("contributions:bill_generate", args=[programme.code]),
        {"month": "2026-01"},
        follow=True,
    )
    assert "sedang dibuat di latar belakang" in response.content.decode()
    assert DBTaskResult.objects.filter(task_path__endswith="bill_generate_task").count() == 1
    assert not Bill.objects.exists()


def test_locked_month_is_refused_before_queueing(client, users, programme, active):
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=50_400,
        reference="SP2D-JAN",
        first_month=JAN,
    )
    login(client, users.admin)
    response = client.post(
        reverse("contributions:bill_generate", args=[programme.code]), {"month": "2026-01"}
    )
    assert response.status_code == 400 and "terkunci" in response.content.decode()


def test_other_regency_cannot_adjust_or_lapse_by_url(client, users, programme, active):
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=50_400,
        reference="SP2D-JAN",
        first_month=JAN,
    )
    bill = Bill.objects.get()
    login(client, users.admin_ppu)
    assert (
        client.post(
            reverse("contributions:bill_adjust", args=[bill.pk]), {"amount": "100", "reason": "x"}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("contributions:lapses_apply", args=[programme.code])).status_code == 404
    )
    assert client.get(reverse("contributions:coverage", args=[programme.code])).status_code == 404
    bill.refresh_from_db()
    assert bill.adjustments_total == 0


def test_admin_adjusts_a_locked_bill_by_kpj(
    client, users, programme, active, make_worker, activate
):
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=50_400,
        reference="SP2D-JAN",
        first_month=JAN,
    )
    late = activate(programme, make_worker())
    bill = Bill.objects.get()
    login(client, users.admin)
    response = client.post(
        reverse("contributions:bill_adjust", args=[bill.pk]),
        {"amount": "16800", "reason": "Terlambat diaktifkan", "kpj_number": late.kpj_number},
        follow=True,
    )
    assert "Penyesuaian dicatat" in response.content.decode()
    assert bill.adjustments.get().enrolment == late


@override_settings(TASKS=IMMEDIATE)
def test_admin_ends_lapsed_enrolments_from_the_page(client, users, programme, active):
    from lindung.programs.models import Enrolment

    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=50_400,
        reference="SP2D-JAN",
        first_month=JAN,
    )
    login(client, users.admin)
    page = client.get(reverse("contributions:programme", args=[programme.code]))
    # The clock is frozen in November 2026 (tests/conftest.py).
    assert "Akhiri kepesertaan yang putus" in page.content.decode()
    response = client.post(
        reverse("contributions:lapses_apply", args=[programme.code]), follow=True
    )
    assert "3 kepesertaan diakhiri" in response.content.decode()
    assert set(Enrolment.objects.values_list("end_reason", flat=True)) == {"menunggak"}


def test_home_marks_bills_past_due_and_names_the_funder(client, users, programme, active):
    # The clock is frozen at 20 November 2026 (tests/conftest.py): the November bill was
    # due on the 15th.
    bill_generate(by=users.admin, programme=programme, month=dt.date(2026, 11, 1))
    login(client, users.admin)
    response = client.get(reverse("contributions:home"))
    page = response.content.decode()
    assert "lewat jatuh tempo" in page and 'class="row-overdue"' in page
    assert [r["funder_label"] for r in response.context["split"]] == ["APBD kabupaten/kota"]
    assert "APBD kabupaten/kota — " in page


def test_programme_page_lists_payments_with_their_shortfall(client, users, programme, active):
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=40_000,
        reference="SP2D-JAN",
        first_month=JAN,
    )
    login(client, users.admin)
    response = client.get(reverse("contributions:programme", args=[programme.code]))
    assert [(p.reference, short) for p, short in response.context["payments"]] == [
        ("SP2D-JAN", 10_400)
    ]


def test_month_picker_placeholder_is_in_indonesian(client, users, programme):
    login(client, users.admin)
    page = client.get(reverse("contributions:programme", args=[programme.code])).content.decode()
    assert 'placeholder="TTTT-BB"' in page and "YYYY-MM" not in page


def test_village_operator_has_no_money_pages_and_no_link_to_them(client, users, programme):
    client.force_login(users.operator)
    assert reverse("contributions:home") not in client.get("/").content.decode()
    for url in (
        reverse("contributions:home"),
        reverse("contributions:programme", args=[programme.code]),
        reverse("contributions:coverage", args=[programme.code]),
    ):
        assert client.get(url).status_code == 403, url
