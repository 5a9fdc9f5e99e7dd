"""Claims through the services: the rules over the records, the workflow per role, scope,
documents checked by content."""

import datetime as dt

import pytest

from lindung.audit.models import AuditEvent
from lindung.claims import selectors, services
from lindung.claims.models import Claim, ClaimDocument
from lindung.claims.services import ChildInput
from lindung.core.errors import DomainError, ScopeDenied, ValidationFailed
from tests.claims.conftest import JPEG, PDF, PNG, months

pytestmark = pytest.mark.django_db

D = dt.date


def report(by, worker, heir, claim_type="jkm", event=dt.date(2026, 8, 3), **extra):
    reported = extra.pop("reported", D(2026, 8, 20))
    return services.claim_report(
        by=by,
        worker=worker,
        claim_type=claim_type,
        event_date=event,
        reported_date=reported,
        **{**heir, **extra},
    )


def upload_all(by, claim):
    from lindung.claims.rules import CHECKLISTS

    for n, kind in enumerate(CHECKLISTS[claim.claim_type]):
        services.claim_document_add(
            by=by, claim=claim, kind=kind, content=(PDF, JPEG, PNG)[n % 3], filename=f"{kind}.pdf"
        )


# --- the rules over the records ---------------------------------------------------------------


def test_death_in_a_paid_month_is_covered_with_42_million(users, insured, heir, programme):
    worker, enrolment = insured
    claim = report(users.operator, worker, heir)
    assert (claim.eligible, claim.eligibility_code) == (True, "covered")
    assert claim.calculated_amount == 42_000_000
    assert [i["amount"] for i in claim.breakdown] == [20_000_000, 12_000_000, 10_000_000]
    assert claim.enrolment == enrolment and claim.programme == programme
    assert claim.claimant_nik == heir["claimant_nik"] and claim.bank_account == "00123456789"
    assert claim.reported_by == users.operator and claim.status == Claim.Status.REPORTED
    event = AuditEvent.objects.get(action="claim_report", object_id=str(claim.pk))
    assert event.region_code == worker.village_id and event.changes["code"] == "covered"


def test_jkk_death_and_disability_use_the_declared_income(users, insured, heir):
    worker, _e = insured
    death = report(users.operator, worker, heir, "jkk_death", event=D(2026, 7, 1))
    assert death.calculated_amount == 70_000_000
    disability = report(
        users.operator,
        worker,
        {**heir, "claimant_relationship": "peserta"},
        "jkk_disability",
        event=D(2026, 5, 2),
    )
    assert disability.calculated_amount == 56_000_000


def test_unpaid_event_month_then_paid_late_turns_covered_on_recheck(
    users, insured, heir, programme, pay
):
    worker, _e = insured
    claim = report(
        users.operator,
        worker,
        heir,
        "jkk_medical",
        event=D(2026, 11, 3),
        reported=D(2026, 11, 18),
        medical_cost=4_250_000,
        claimant_relationship="peserta",
    )
    assert (claim.eligible, claim.eligibility_code) == (False, "event_not_covered")
    assert claim.explanation.startswith(
        "Iuran November 2026 belum dibayar: peristiwa ini tidak dijamin"
    )
    pay(programme, months(11, 11))
    claim = services.claim_recheck(by=users.operator, claim=claim)
    assert (claim.eligibility_code, claim.calculated_amount) == ("covered", 4_250_000)
    assert AuditEvent.objects.filter(action="claim_recheck", object_id=str(claim.pk)).exists()


def test_jkm_death_in_the_first_three_months_pays_the_funeral_only(
    users, programme, make_worker, activate, pay, heir
):
    early, later = make_worker(), make_worker()
    for worker in (early, later):
        activate(programme, worker, proposed_on=D(2026, 3, 2), registered_on=D(2026, 3, 5))
    pay(programme, months(3, 7))
    claim = report(users.operator, early, heir, event=D(2026, 6, 4))
    assert (claim.eligible, claim.eligibility_code, claim.calculated_amount) == (
        True,
        "waiting_period",
        10_000_000,
    )
    assert "5 Juni 2026" in claim.explanation
    claim = report(users.operator, later, heir, event=D(2026, 6, 5), reported=D(2026, 7, 1))
    assert (claim.eligibility_code, claim.calculated_amount) == ("covered", 42_000_000)


def test_worker_never_registered_is_not_a_member(users, make_worker, heir):
    claim = report(users.operator, make_worker(), heir)
    assert (claim.eligible, claim.eligibility_code, claim.enrolment) == (False, "not_member", None)


def test_enrolment_ended_for_arrears_makes_later_events_lapsed(
    users, programme, make_worker, activate, heir
):
    from lindung.contributions.services import lapses_apply

    worker = make_worker()
    activate(programme, worker)
    assert lapses_apply(by=users.admin, programme=programme) == 1
    claim = report(users.operator, worker, heir, event=D(2026, 8, 3))
    assert (claim.eligible, claim.eligibility_code) == (False, "lapsed")


def test_scholarship_children_ages_from_birth_dates(users, insured, heir):
    worker, _e = insured
    claim = report(
        users.operator,
        worker,
        heir,
        "scholarship",
        cause="jkk_death",
        school_year="2026/2027",
        children=[
            ChildInput("Rina", D(2016, 5, 1), "SD"),
            ChildInput("Dodi", D(2010, 1, 2), "SMA"),
        ],
    )
    assert (claim.eligibility_code, claim.calculated_amount) == ("covered", 4_500_000)
    assert [c.name for c in selectors.claim_children(claim=claim)] == ["Dodi", "Rina"]
    three = report(
        users.operator,
        worker,
        heir,
        "scholarship",
        cause="jkk_death",
        children=[
            ChildInput("A", D(2016, 5, 1), "SD"),
            ChildInput("B", D(2014, 5, 1), "SD"),
            ChildInput("C", D(2012, 5, 1), "SMP"),
        ],
    )
    assert (three.eligible, three.eligibility_code) == (False, "too_many_children")


def test_scholarship_after_jkm_counts_paid_months_plus_earlier_membership(users, insured, heir):
    worker, _e = insured
    kids = [ChildInput("Rina", D(2016, 5, 1), "SD")]
    short = report(users.operator, worker, heir, "scholarship", cause="jkm", children=kids)
    assert short.eligibility_code == "scholarship_min_years"
    assert "8 bulan" in short.explanation  # January to August 2026, the event month paid
    almost = report(
        users.operator,
        worker,
        heir,
        "scholarship",
        cause="jkm",
        children=kids,
        prior_contribution_months=27,
    )
    assert almost.eligibility_code == "scholarship_min_years"
    enough = report(
        users.operator,
        worker,
        heir,
        "scholarship",
        cause="jkm",
        children=kids,
        prior_contribution_months=28,
    )
    assert enough.eligibility_code == "covered"


# --- validation -------------------------------------------------------------------------------


def test_report_checks_every_field_with_its_message(users, insured):
    worker, _e = insured
    with pytest.raises(ValidationFailed) as err:
        services.claim_report(
            by=users.operator,
            worker=worker,
            claim_type="jkm",
            event_date=D(2026, 11, 25),
            claimant_name=" ",
            claimant_relationship="pasangan",
            claimant_nik="123",
            bank_name="",
            bank_account="12-ab",
        )
    fields = {e.field: e.code for e in err.value.errors}
    assert fields == {
        "event_date": "date_future",
        "claimant_name": "missing_value",
        "claimant_nik": "nik_format",
        "bank_name": "missing_value",
        "bank_account": "bank_account_invalid",
    }
    with pytest.raises(ValidationFailed) as err:
        report(
            users.operator,
            worker,
            {
                "claimant_name": "X",
                "claimant_relationship": "peserta",
                "claimant_nik": "6401015708880077",
                "bank_name": "BRI",
                "bank_account": "123456",
            },
        )
    assert err.value.errors[0].code == "relationship_invalid"


def test_a_death_is_claimed_once(users, insured, heir):
    worker, _e = insured
    report(users.operator, worker, heir)
    with pytest.raises(ValidationFailed) as err:
        report(users.operator, worker, heir, "jkk_death", event=D(2026, 8, 4))
    assert err.value.code == "claim_duplicate"


def test_stmb_needs_months_and_scholarship_children(users, insured, heir):
    worker, _e = insured
    with pytest.raises(ValidationFailed) as err:
        report(users.operator, worker, {**heir, "claimant_relationship": "peserta"}, "jkk_stmb")
    assert err.value.field == "stmb_months"
    with pytest.raises(ValidationFailed) as err:
        report(users.operator, worker, heir, "scholarship", cause="jkm")
    assert {e.field for e in err.value.errors} == {"children"}


# --- workflow per role ------------------------------------------------------------------------


def test_full_workflow_each_step_by_its_role(users, insured, heir):
    worker, _e = insured
    claim = report(users.operator, worker, heir)
    services.claim_document_add(
        by=users.operator, claim=claim, kind="kpj_card", content=PDF, filename="kpj.pdf"
    )
    with pytest.raises(ScopeDenied):
        services.claim_documents_complete(by=users.operator, claim=claim)
    with pytest.raises(DomainError) as err:
        services.claim_documents_complete(by=users.admin, claim=claim)
    assert err.value.code == "documents_missing" and "KTP peserta" in err.value.message
    upload_all(users.admin, claim)
    claim = services.claim_documents_complete(by=users.admin, claim=claim)
    assert (claim.status, claim.completed_by) == (Claim.Status.DOCUMENTS_COMPLETE, users.admin)
    with pytest.raises(ScopeDenied):
        services.claim_submit(by=users.bpjs, claim=claim)
    claim = services.claim_submit(by=users.admin, claim=claim, bpjs_reference="KLM/TGT/001")
    assert claim.status == Claim.Status.SUBMITTED and claim.submitted_at is not None
    with pytest.raises(ScopeDenied):
        services.claim_pay(
            by=users.admin, claim=claim, amount=42_000_000, paid_date=D(2026, 11, 19)
        )
    with pytest.raises(DomainError):  # documents are closed once submitted
        services.claim_document_add(
            by=users.admin, claim=claim, kind="kk", content=PDF, filename="kk.pdf"
        )
    claim = services.claim_pay(
        by=users.bpjs, claim=claim, amount=41_500_000, paid_date=D(2026, 11, 19)
    )
    assert (claim.status, claim.paid_amount, claim.decided_by) == (
        Claim.Status.PAID,
        41_500_000,
        users.bpjs,
    )
    assert claim.difference == -500_000
    actions = list(
        AuditEvent.objects.filter(object_type="claim", object_id=str(claim.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[0] == "claim_report" and actions[-3:] == [
        "claim_documents_complete",
        "claim_submit",
        "claim_pay",
    ]
    assert actions.count("claim_document_upload") == 8
    with pytest.raises(DomainError) as err:
        services.claim_reject(by=users.bpjs, claim=claim, reason="x")
    assert err.value.code == "transition_refused"


def test_rejection_needs_a_reason(users, insured, heir):
    worker, _e = insured
    claim = report(users.operator, worker, heir)
    upload_all(users.admin, claim)
    services.claim_documents_complete(by=users.admin, claim=claim)
    claim = services.claim_submit(by=users.admin, claim=claim)
    with pytest.raises(ValidationFailed):
        services.claim_reject(by=users.bpjs, claim=claim, reason="  ")
    claim = services.claim_reject(by=users.bpjs, claim=claim, reason="Akta kematian tidak sah")
    assert claim.status == Claim.Status.REJECTED and claim.reject_reason.startswith("Akta")


def test_payment_amount_and_date_checked(users, insured, heir):
    worker, _e = insured
    claim = report(users.operator, worker, heir)
    upload_all(users.admin, claim)
    services.claim_documents_complete(by=users.admin, claim=claim)
    claim = services.claim_submit(by=users.admin, claim=claim)
    with pytest.raises(ValidationFailed) as err:
        services.claim_pay(by=users.bpjs, claim=claim, amount=0, paid_date=D(2026, 8, 1))
    assert {e.code for e in err.value.errors} == {"amount_invalid", "date_order"}


@pytest.mark.parametrize("who", ["leader", "auditor"])
def test_read_only_roles_cannot_report(users, insured, heir, who):
    worker, _e = insured
    with pytest.raises(ScopeDenied):
        report(getattr(users, who), worker, heir)


# --- scope ------------------------------------------------------------------------------------


def test_no_one_acts_on_or_reads_another_regions_claims(users, insured, heir):
    worker, _e = insured
    with pytest.raises(ScopeDenied):
        report(users.operator_b, worker, heir)  # the neighbouring village
    claim = report(users.operator, worker, heir)
    for other in (users.operator_b, users.admin_ppu):
        assert not selectors.claims_for(user=other).filter(pk=claim.pk).exists()
        with pytest.raises(Claim.DoesNotExist):
            selectors.claim_get(user=other, pk=claim.pk)
    with pytest.raises(ScopeDenied):
        services.claim_document_add(
            by=users.admin_ppu, claim=claim, kind="kk", content=PDF, filename="kk.pdf"
        )
    assert selectors.claims_for(user=users.province).filter(pk=claim.pk).exists()


# --- documents --------------------------------------------------------------------------------


def test_documents_stored_under_media_claims_with_the_type_of_their_content(
    users, insured, heir, media_root
):
    worker, _e = insured
    claim = report(users.operator, worker, heir)
    doc = services.claim_document_add(
        by=users.operator, claim=claim, kind="kk", content=JPEG, filename="../../etc/KK scan.pdf"
    )
    assert doc.content_type == "image/jpeg" and doc.file.name.endswith(".jpg")
    assert doc.file.name.startswith(f"claims/{claim.pk}/")
    assert (media_root / doc.file.name).read_bytes() == JPEG
    assert doc.original_name == "KK scan.pdf"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"MZ\x90\x00" + b"\x00" * 100, "file_type"),  # a Windows program named .pdf
        (b"<!DOCTYPE html><html><script>alert(1)</script>", "file_type"),
        (b"PK\x03\x04" + b"\x00" * 100, "file_type"),
        (b"", "file_empty"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    users, insured, heir, media_root, content, code
):
    worker, _e = insured
    claim = report(users.operator, worker, heir)
    with pytest.raises(DomainError) as err:
        services.claim_document_add(
            by=users.operator, claim=claim, kind="kk", content=content, filename="akta.pdf"
        )
    assert err.value.code == code
    assert not ClaimDocument.objects.exists()
    assert not (media_root / "claims").exists() or not any((media_root / "claims").rglob("*.*"))


def test_oversize_upload_refused_naming_the_limit(users, insured, heir, settings):
    settings.CLAIM_DOCUMENT_MAX_MB = 1
    worker, _e = insured
    claim = report(users.operator, worker, heir)
    with pytest.raises(DomainError) as err:
        services.claim_document_add(
            by=users.operator,
            claim=claim,
            kind="kk",
            content=PDF + b"0" * (1024 * 1024),
            filename="kk.pdf",
        )
    assert err.value.code == "file_too_large" and "batas 1 MB" in err.value.message


def test_document_kind_must_belong_to_the_checklist(users, insured, heir):
    worker, _e = insured
    claim = report(users.operator, worker, heir)
    with pytest.raises(DomainError) as err:
        services.claim_document_add(
            by=users.operator, claim=claim, kind="receipts", content=PDF, filename="x.pdf"
        )
    assert err.value.code == "document_kind_invalid"


# --- value for the budget ---------------------------------------------------------------------


def test_value_for_budget_counts_contributions_benefits_and_families(
    users, insured, heir, programme, make_worker, activate
):
    worker, _e = insured
    claim = report(users.operator, worker, heir)
    upload_all(users.admin, claim)
    services.claim_documents_complete(by=users.admin, claim=claim)
    services.claim_submit(by=users.admin, claim=claim)
    services.claim_pay(by=users.bpjs, claim=claim, amount=42_000_000, paid_date=D(2026, 11, 2))
    value = selectors.claims_value_for_budget(user=users.admin, programme=programme)
    assert value.contributions_paid == 10 * 16_800
    assert (value.benefits_paid, value.families, value.claims_paid) == (42_000_000, 1, 1)
    assert value.sentence == "Rp168.000 iuran dibayar → Rp42.000.000 manfaat bagi 1 keluarga"
    q3 = selectors.claims_value_for_budget(
        user=users.admin, programme=programme, period_start=D(2026, 7, 1), period_end=D(2026, 9, 30)
    )
    assert (q3.contributions_paid, q3.benefits_paid) == (3 * 16_800, 0)
    from lindung.programs.models import Programme

    with pytest.raises(Programme.DoesNotExist):
        selectors.claims_value_for_budget(user=users.admin_ppu, programme=programme)
