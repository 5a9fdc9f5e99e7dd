"""Demo claims (issue 11), called by `demo.data.demo_load` after the enrolments and
contributions exist: a handful of claims of active participants of PASER-<year>, in the
workflow's statuses, each made through the services (documents uploaded as tiny PDFs, every
step audited):

- a JKM death, documents complete, submitted and paid Rp42.000.000 by the BPJS branch;
- a JKK medical-care claim submitted to BPJS;
- a JKK medical-care claim submitted and rejected (with its reason);
- a JKK medical-care claim just reported by the operator desa.

Idempotent: once the programme has claims, a second call changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from lindung.accounts.models import User
from lindung.claims import rules, services
from lindung.claims.models import BenefitRule, Claim
from lindung.core import clock
from lindung.programs.models import Enrolment, Programme
from lindung.programs.rules import add_months
from lindung.registry.rules import nik_compose

PDF = b"%PDF-1.4\n% Lindung - dokumen demo\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JKM_PAID = 42_000_000
BANK = "Bank Kaltimtara"
DEMO = "(data demo)."  # every demo claim's description ends so


@dataclass
class ClaimsDemoSummary:
    claims: int = 0


def _upload_all(claim: Claim, by: User) -> None:
    for kind in rules.CHECKLISTS[claim.claim_type]:
        services.claim_document_add(
            by=by, claim=claim, kind=kind, content=PDF, filename=f"{kind}-demo.pdf"
        )


@transaction.atomic
def claims_demo_load(*, year: int) -> ClaimsDemoSummary:
    """Four claims of PASER-<year>'s active participants (see the module's docstring)."""
    summary = ClaimsDemoSummary()
    programme = Programme.objects.filter(code=f"PASER-{year}").first()
    if programme is None or not BenefitRule.objects.exists():
        return summary
    members = Enrolment.objects.filter(programme=programme).values("worker_id")
    if Claim.objects.filter(worker__in=members, description__endswith=DEMO).exists():
        return summary
    operator = User.objects.filter(username="operator.desa").first()
    admin = User.objects.filter(username="admin.paser").first()
    bpjs = User.objects.filter(username="bpjs.tanahgrogot").first()
    if admin is None or bpjs is None:
        return summary
    active = list(
        Enrolment.objects.filter(programme=programme, status=Enrolment.Status.ACTIVE)
        .exclude(worker__in=Claim.objects.values("worker_id"))  # earlier years' claims
        .select_related("worker")
        .order_by("id")[:200]
    )
    if len(active) < 4:
        return summary
    # The operator reports for workers of their own village where there are some.
    own = [e for e in active if operator and e.worker.village_id == operator.region_id]
    rest = [e for e in active if e not in own]
    picked = (own + rest)[:4]
    today = clock.today()
    on = min(today, dt.date(year, 12, 31))
    # Events in the last month paid by SP2D (three months ago), so they are covered.
    month = max(dt.date(year, 1, 1), add_months(on.replace(day=1), -3))
    event = min(month.replace(day=10), on)
    reported = min(event + dt.timedelta(days=7), on)

    def reporter(e: Enrolment) -> User:
        return operator if operator and e.worker.village_id == operator.region_id else admin

    def report(
        e: Enrolment,
        claim_type: str,
        *,
        heir: bool,
        description: str,
        event_date: dt.date = event,
        **extra,
    ) -> Claim:
        w = e.worker
        if heir:
            name, relationship = f"Ahli Waris {w.name}"[:100], "pasangan"
            nik = nik_compose(
                w.village_id, dt.date(1985, 4, 12), "P", (int(w.nik[-4:]) + 5000) % 10_000 or 1
            )
        else:
            name, relationship, nik = w.name, "peserta", w.nik
        return services.claim_report(
            by=reporter(e),
            worker=w,
            claim_type=claim_type,
            event_date=event_date,
            reported_date=max(reported, event_date),
            description=description,
            claimant_name=name,
            claimant_relationship=relationship,
            claimant_nik=nik,
            bank_name=BANK,
            bank_account=f"00{w.nik[-10:]}",
            **extra,
        )

    # JKM, paid.
    jkm = report(
        picked[0],
        rules.JKM,
        heir=True,
        description="Meninggal dunia karena sakit di rumah (data demo).",
    )
    _upload_all(jkm, admin)
    jkm = services.claim_documents_complete(by=admin, claim=jkm)
    jkm = services.claim_submit(by=admin, claim=jkm, bpjs_reference=f"KLM/TGT/{year}/001")
    services.claim_pay(
        by=bpjs, claim=jkm, amount=JKM_PAID, paid_date=on, bpjs_reference=f"KLM/TGT/{year}/001"
    )
    # JKK medical care, submitted.
    medical = report(
        picked[1],
        rules.JKK_MEDICAL,
        heir=False,
        medical_cost=4_750_000,
        description="Tangan terluka terkena mesin perahu saat melaut (data demo).",
    )
    _upload_all(medical, admin)
    medical = services.claim_documents_complete(by=admin, claim=medical)
    services.claim_submit(by=admin, claim=medical, bpjs_reference=f"KLM/TGT/{year}/002")
    # JKK medical care, rejected.
    rejected = report(
        picked[2],
        rules.JKK_MEDICAL,
        heir=False,
        medical_cost=1_200_000,
        description="Terkilir saat bekerja di kebun (data demo).",
    )
    _upload_all(rejected, admin)
    rejected = services.claim_documents_complete(by=admin, claim=rejected)
    rejected = services.claim_submit(by=admin, claim=rejected, bpjs_reference=f"KLM/TGT/{year}/003")
    services.claim_reject(
        by=bpjs, claim=rejected, reason="Kecelakaan tidak terjadi dalam hubungan kerja (data demo)."
    )
    # JKK medical care, just reported.
    report(
        picked[3],
        rules.JKK_MEDICAL,
        heir=False,
        medical_cost=850_000,
        event_date=max(event, min(on - dt.timedelta(days=3), on)),
        description="Jatuh dari tangga saat memperbaiki atap balai desa (data demo).",
    )
    summary.claims = 4
    return summary
