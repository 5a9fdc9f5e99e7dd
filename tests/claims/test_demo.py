"""Demo claims (issue 11): loaded with the demo, in every status, through the services;
idempotent."""

import pytest

from lindung.audit.models import AuditEvent
from lindung.claims.demo import JKM_PAID, claims_demo_load
from lindung.claims.models import Claim, ClaimDocument
from lindung.claims.rules import CHECKLISTS
from lindung.demo.data import demo_load
from lindung.programs.models import Enrolment

pytestmark = pytest.mark.django_db


def test_demo_claims_in_every_status_and_idempotent(regions):
    # The suite's clock: 20 November 2026; the demo loads the claims at its end.
    demo_load(paser_workers=120, ppu_workers=20)
    claims = {(c.claim_type, c.status): c for c in Claim.objects.select_related("worker")}
    assert set(claims) == {
        ("jkm", "dibayar"),
        ("jkk_medical", "diajukan"),
        ("jkk_medical", "ditolak"),
        ("jkk_medical", "dilaporkan"),
    }
    jkm = claims[("jkm", "dibayar")]
    # Event in August, the last month paid by SP2D: covered, 20 + 12 + 10 million.
    assert (jkm.eligible, jkm.eligibility_code, jkm.calculated_amount) == (
        True,
        "covered",
        42_000_000,
    )
    assert jkm.paid_amount == JKM_PAID == 42_000_000 and jkm.difference == 0
    assert jkm.claimant_relationship == "pasangan" and jkm.programme.code == "PASER-2026"
    assert claims[("jkk_medical", "ditolak")].reject_reason
    for c in claims.values():
        assert Enrolment.objects.filter(
            worker=c.worker, programme__code="PASER-2026", status="aktif"
        ).exists()
    assert ClaimDocument.objects.filter(claim=jkm).count() == len(CHECKLISTS["jkm"])
    assert not ClaimDocument.objects.filter(claim=claims[("jkk_medical", "dilaporkan")]).exists()
    assert AuditEvent.objects.filter(action="claim_pay", object_id=str(jkm.pk)).exists()

    events = AuditEvent.objects.count()
    assert claims_demo_load(year=2026).claims == 0
    demo_load(paser_workers=120, ppu_workers=20)
    assert Claim.objects.count() == 4 and AuditEvent.objects.count() == events


def test_no_programme_no_claims(db):
    assert claims_demo_load(year=2031).claims == 0
    assert not Claim.objects.exists()
