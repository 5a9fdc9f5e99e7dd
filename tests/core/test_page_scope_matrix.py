"""The page half of the scope matrix (issue 15): every page route of the project, asked by
users of Penajam Paser Utara (one per role) for Kabupaten Paser's records, answers 403 or 404
and never holds Paser's data; a village operator of Paser gets nothing of another village's
records; Paser's own pimpinan and auditor never write; and nobody outside changes anything of
Paser's. The API half is tests/api/test_scope_matrix.py.

The routes come from the URL resolver, not from this file: a page route without an entry in
MATRIX (or EXEMPT, with its reason) fails `test_the_matrix_covers_every_page_route`, so a new
page cannot ship unchecked.

Each entry lists requests: TARGET ones name a Paser record (in the path, the query or the
form) and must be refused; OWN ones ask for the caller's own data (lists, the caller's own
account) and may succeed, but must not hold any Paser marker either. A request with `data` is a
POST; after it, nothing of Paser's may have changed (`paser_state`), except what the entry
allows (`readers_may`: what Paser's own pimpinan and auditor may do there; `own_writes`: the
caller's own account)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from lindung.regions.scope import RegionScope
from tests.api.conftest import (  # noqa: F401  (fixtures)
    PASER_BATCH_NAME,
    PASER_FILE,
    PASER_HEIR,
    PASER_KPJ,
    PASER_NAMES,
    PASER_SP2D,
    benefit_rules_seeded,
    outsiders,
    paser,
    paser_batch,
)
from tests.conftest import DESA_A, DESA_B, DESA_OTHER_KEC, PASER
from tests.urlwalk import named_patterns

pytestmark = pytest.mark.django_db

# Markers of Paser's records besides the API's (tests/api/conftest.py): each must never appear
# in an answer to a user who may not see that record.
DUPLICATE_NAME = "Kembar Rahasiawati Paser"
OUTREACH_NOTES = "SOSIALISASI-RAHASIA-PASER"
ATTACHMENT_NAME = "lampiran-rahasia-paser"
DOCUMENT_NAME = "kartu-rahasia-paser"
DENOMINATOR_NOTES = "PENYEBUT-RAHASIA-PASER"
TARGET_NOTES = "TARGET-RAHASIA-PASER"
# The pages show a denominator's and a target's figures, not their notes: unusual figures.
DENOMINATOR_WORKERS, DENOMINATOR_SHOWN = 73_917, "73.917"
TARGET_PARTICIPANTS, TARGET_SHOWN = 91_357, "91.357"
NOTICE_REASON = "LAPOR-RAHASIA-PASER"
AGENCY = "DINAS RAHASIA PASER"
SIGNER = "Penanda Rahasia Paser"
REPORT_FILE = "laporan-rahasia-paser.pdf"
REPORT_CONTENT = "ISI-LAPORAN-RAHASIA-PASER"
PARITRANA_NOTES = "PARITRANA-RAHASIA-PASER"
INNOVATION = "INOVASI RAHASIA PASER"
TOKEN_NAME = "TOKEN-RAHASIA-PASER"
REJECTION = "ALASAN-RAHASIA-PASER"
ANSWER_FILE = "jawaban-rahasia-paser.csv"

PDF = b"%PDF-1.4\n%%EOF\n"
WORKERS_HEADER = (
    "NIK,NO_KK,NAMA,JENIS_KELAMIN,TEMPAT_LAHIR,TANGGAL_LAHIR,KODE_DESA,ALAMAT,"
    "PEKERJAAN,NO_HP,PENGHASILAN\n"
)
ANSWER_HEADER = "NIK,NO_KPJ,TANGGAL_TERDAFTAR,STATUS\n"
YEAR = 2026
PARITRANA_YEAR = 2025

# Page routes outside the matrix, each with its reason; the API (/api/, its own matrix) and
# Django's admin (/admin/, superusers only) are left out by their prefix.
EXEMPT = {
    "favicon.ico": "a permanent redirect to a static file, no data",
    "login": "the login page, before any user or region",
    "logout": "ends the caller's own session; no record",
    "language": "sets the caller's own language cookie; no record",
}


@dataclass(frozen=True)
class Req:
    path: str
    data: dict[str, Any] | None = None  # a POST's form (files as (name, bytes)); None: a GET
    target: bool = True  # names a Paser record: refused to a user outside
    village: bool = False  # ...a record of DESA_A or another user's own: refused to DESA_B's too
    readers_may: frozenset[str] = frozenset()  # models Paser's pimpinan/auditor may change
    own_writes: frozenset[str] = frozenset()  # models the caller's own account may change
    echo: frozenset[str] = frozenset()  # markers the caller itself sent


def T(path: str, data: dict | None = None, **kw: Any) -> Req:  # noqa: N802 - reads like the table
    return Req(path, data, **kw)


def V(path: str, data: dict | None = None, **kw: Any) -> Req:  # noqa: N802
    """A target inside DESA_A (or another user's own): DESA_B's operator is refused too."""
    return Req(path, data, village=True, **kw)


def OWN(path: str, data: dict | None = None, **kw: Any) -> Req:  # noqa: N802
    return Req(path, data, target=False, **kw)


def _file(name: str, content: bytes) -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f


# Requests that Paser's pimpinan and auditor may make and that leave a row behind: asking for a
# report or an export is reading (pimpinan "reads dashboards and reports"), the file is kept in
# the region's archive (reports.ReportRun) and the download in the audit trail.
REPORT_REQUEST = frozenset({"reports.ReportRun", "audit.AuditEvent"})
EXPORT = frozenset({"audit.AuditEvent"})
TOKEN = frozenset({"api.ApiToken", "audit.AuditEvent"})


def _worker_form(p: Any, village: str) -> dict[str, Any]:
    return {
        "nik": "6401011708850099",
        "name": "Warga Baru",
        "sex": "L",
        "birth_date": "1985-08-17",
        "village": village,
        "occupation": p.nelayan.pk,
    }


Build = Callable[[Any, Callable[..., str]], list[Req]]

MATRIX: dict[str, Build] = {
    # --- the caller's own account --------------------------------------------------------------
    "password_change": lambda p, u: [
        OWN(u()),
        # A wrong current password: nothing changes, but the form is read as the caller's.
        OWN(
            u(),
            {"old_password": "salah", "new_password1": "x", "new_password2": "y"},
            own_writes=frozenset({"accounts.User"}),
        ),
    ],
    "api_tokens": lambda p, u: [
        OWN(u()),
        OWN(u(), {"name": "uji", "days": 30}, own_writes=TOKEN),
    ],
    "api_token_revoke": lambda p, u: [V(u(token_id=p.token.pk), {})],
    "notifications:inbox": lambda p, u: [OWN(u()), OWN(u() + "?belum=1")],
    "notifications:open": lambda p, u: [V(u(pk=p.notification.pk))],
    "notifications:mark_read": lambda p, u: [V(u(pk=p.notification.pk), {})],
    "notifications:mark_all_read": lambda p, u: [
        OWN(u(), {}, own_writes=frozenset({"notifications.Notification"}))
    ],
    # --- dashboards, denominators, targets ------------------------------------------------------
    "home": lambda p, u: [OWN(u())],
    "monitoring:root": lambda p, u: [OWN(u())],
    "monitoring:national": lambda p, u: [V(u()), V(u() + "?format=xlsx")],
    "monitoring:region": lambda p, u: [
        V(u(code=PASER)),
        V(u(code=DESA_A[:8])),
        V(u(code=DESA_A)),
        V(u(code=PASER) + "?format=csv"),
    ],
    "monitoring:map_data": lambda p, u: [V(u(code=PASER)), V(u(code=DESA_A[:8]))],
    "monitoring:rollout_national": lambda p, u: [V(u())],
    "monitoring:rollout": lambda p, u: [V(u(code=PASER)), V(u(code=DESA_A))],
    "monitoring:denominators": lambda p, u: [
        OWN(u()),
        OWN(u() + f"?tahun={YEAR}"),
        V(
            u(),
            {
                "village": DESA_A,
                "occupation": "",
                "year": YEAR,
                "estimated_workers": 5,
                "source": "bps",
            },
        ),
    ],
    "monitoring:denominator_import": lambda p, u: [
        OWN(u()),
        V(
            u(),
            {
                "file": (
                    "penyebut.csv",
                    f"KODE_DESA;PEKERJAAN;JUMLAH;SUMBER;CATATAN\n{DESA_A};;5;BPS;\n".encode(),
                ),
                "year": YEAR,
            },
        ),
    ],
    "monitoring:denominator_template": lambda p, u: [OWN(u())],
    "monitoring:denominator_delete": lambda p, u: [V(u(pk=p.denominator.pk), {})],
    "monitoring:targets": lambda p, u: [
        OWN(u()),
        T(u(), {"region": PASER, "year": YEAR, "participants": 5}),
    ],
    # --- outreach ------------------------------------------------------------------------------
    "outreach:list": lambda p, u: [OWN(u()), OWN(u() + f"?wilayah={DESA_A}")],
    "outreach:create": lambda p, u: [
        OWN(u()),
        V(
            u(),
            {
                "region": DESA_A,
                "date": "2026-11-02",
                "kind": "sosialisasi",
                "organiser": "disnaker",
                "attendees_male": 3,
                "attendees_female": 4,
            },
        ),
    ],
    "outreach:edit": lambda p, u: [
        V(u(pk=p.event.pk)),
        V(
            u(pk=p.event.pk),
            {
                "region": DESA_A,
                "date": "2026-11-03",
                "kind": "sosialisasi",
                "organiser": "disnaker",
                "attendees_male": 1,
                "attendees_female": 1,
                "notes": "diubah",
            },
        ),
    ],
    "outreach:delete": lambda p, u: [V(u(pk=p.event.pk), {})],
    "outreach:attachment_add": lambda p, u: [V(u(pk=p.event.pk), {"file": ("foto.pdf", PDF)})],
    "outreach:attachment": lambda p, u: [V(u(pk=p.attachment.pk))],
    # --- workers -------------------------------------------------------------------------------
    "registry:list": lambda p, u: [
        OWN(u()),
        OWN(u() + "?q=Rahasia"),
        OWN(u() + f"?desa={DESA_A}&kecamatan={DESA_A[:8]}"),
        OWN(u() + f"?q={p.worker.nik}", echo=frozenset({p.worker.nik})),
    ],
    "registry:create": lambda p, u: [OWN(u()), V(u(), _worker_form(p, DESA_A))],
    "registry:export": lambda p, u: [
        OWN(u(fmt="xlsx")),
        OWN(u(fmt="csv") + "?q=Rahasia"),
        OWN(u(fmt="csv") + f"?desa={DESA_A}"),
    ],
    "registry:bpjs_notices": lambda p, u: [OWN(u()), OWN(u() + "?status=dilaporkan")],
    "registry:bpjs_notice_reported": lambda p, u: [V(u(pk=p.notice.pk), {})],
    "registry:detail": lambda p, u: [V(u(pk=p.worker.pk)), V(u(pk=p.duplicate.pk))],
    "registry:edit": lambda p, u: [
        V(u(pk=p.worker.pk)),
        V(u(pk=p.worker.pk), {**_worker_form(p, DESA_A), "nik": p.worker.nik, "status": "aktif"}),
    ],
    # The auditor may reveal a NIK (PERSONAL_DATA_REVEAL): the reveal is itself an audit event.
    "registry:reveal": lambda p, u: [V(u(pk=p.worker.pk), {}, readers_may=EXPORT)],
    "registry:propose": lambda p, u: [V(u(pk=p.duplicate.pk), {"programme": p.programme.code})],
    # --- programmes and enrolments -------------------------------------------------------------
    "programs:list": lambda p, u: [OWN(u())],
    "programs:create": lambda p, u: [
        OWN(u()),
        # The caller's own region: the PPU admin may create it; nothing of Paser's changes.
        OWN(
            u(),
            {
                "code": "CONTOH-LUAR",
                "name": "Program contoh",
                "fiscal_year": 2027,
                "period_start": "2027-01-01",
                "period_end": "2027-12-31",
                "age_min": 18,
                "age_max": 60,
                "quota": 10,
                "occupations": [p.nelayan.pk],
            },
        ),
    ],
    "programs:enrolment_action": lambda p, u: [
        V(u(pk=p.proposal.pk, action="verify"), {}),
        V(u(pk=p.proposal.pk, action="reject"), {"reason": "x"}),
        V(
            u(pk=p.verified.pk, action="register"),
            {"kpj_number": "12345678901", "registration_date": "2026-11-02"},
        ),
        V(u(pk=p.registered.pk, action="activate"), {}),
        V(u(pk=p.enrolment.pk, action="end"), {"reason": "pindah"}),
    ],
    "programs:detail": lambda p, u: [
        T(u(code=p.programme.code)),
        T(u(code=p.programme.code) + "?q=Rahasia"),
    ],
    "programs:edit": lambda p, u: [
        T(u(code=p.programme.code)),
        T(
            u(code=p.programme.code),
            {
                "name": "X",
                "period_start": "2026-01-01",
                "period_end": "2026-12-31",
                "age_min": 15,
                "age_max": 64,
                "quota": 150,
                "occupations": [p.nelayan.pk],
            },
        ),
    ],
    "programs:budget_add": lambda p, u: [
        T(
            u(code=p.programme.code),
            {"kind": "apbd_murni", "amount": 1000, "date": "2026-11-01", "document_ref": "X"},
        )
    ],
    "programs:quota_set": lambda p, u: [T(u(code=p.programme.code), {"quota": 150})],
    "programs:promote_waiting": lambda p, u: [T(u(code=p.programme.code), {})],
    "programs:bulk_verify": lambda p, u: [
        T(u(code=p.programme.code), {"ids": [p.proposal.pk]}),
        T(u(code=p.programme.code), {"semua": "1"}),
    ],
    "programs:kpj_paste": lambda p, u: [
        T(
            u(code=p.programme.code),
            {"baris": f"{p.verified.worker.nik} 12345678901 2026-11-02", "aktifkan": "1"},
        )
    ],
    # --- audit trail ---------------------------------------------------------------------------
    "audit:list": lambda p, u: [OWN(u()), OWN(u() + "?q=Rahasia")],
    "audit:export": lambda p, u: [OWN(u())],
    # --- imports and the BPJS exchange ---------------------------------------------------------
    "imports:upload": lambda p, u: [
        OWN(u()),
        T(
            u(),
            {
                "file": (
                    "pekerja.csv",
                    (
                        WORKERS_HEADER + f"6401011708850099,,Warga Baru,L,,17/08/1985,{DESA_A},,"
                        "nelayan,,\n"
                    ).encode(),
                ),
                "programme": p.programme.code,
            },
        ),
    ],
    "imports:template": lambda p, u: [OWN(u()), T(u() + f"?program={p.programme.code}")],
    "imports:jobs": lambda p, u: [OWN(u())],
    "imports:job": lambda p, u: [T(u(pk=p.job.pk)), T(u(pk=p.answer_job.pk))],
    "imports:job_progress": lambda p, u: [T(u(pk=p.job.pk))],
    "imports:job_errors": lambda p, u: [T(u(pk=p.job.pk))],
    "imports:duplicates": lambda p, u: [
        OWN(u()),
        OWN(u() + "?keputusan=berbeda"),
    ],
    "imports:duplicate_decide": lambda p, u: [V(u(pk=p.pair.pk), {"keputusan": "berbeda"})],
    "imports:bpjs": lambda p, u: [
        OWN(u()),
        T(
            u(),
            {
                "file": (
                    "jawaban.csv",
                    f"{ANSWER_HEADER}{p.verified.worker.nik},12345678901,2026-11-18,AKTIF\n".encode(),
                ),
                "programme": p.programme.code,
            },
            echo=frozenset({p.verified.worker.nik}),
        ),
    ],
    "imports:bpjs_batch_create": lambda p, u: [
        T(u(code=p.programme.code), {"format": "xlsx"}),
    ],
    "imports:bpjs_batch_download": lambda p, u: [
        T(u(pk=p.batch.pk, fmt="xlsx")),
        T(u(pk=p.batch.pk, fmt="csv")),
    ],
    "imports:bpjs_batch_refused": lambda p, u: [T(u(pk=p.batch.pk))],
    "imports:bpjs_batch_corrections": lambda p, u: [T(u(pk=p.batch.pk, fmt="csv"))],
    # --- contributions -------------------------------------------------------------------------
    "contributions:home": lambda p, u: [OWN(u())],
    "contributions:rates": lambda p, u: [OWN(u())],
    "contributions:bill": lambda p, u: [T(u(pk=p.bill.pk))],
    "contributions:bill_adjust": lambda p, u: [
        T(u(pk=p.bill.pk), {"amount": 16800, "reason": "x"}),
        T(u(pk=p.bill.pk), {"amount": -100, "reason": "x", "kpj_number": PASER_KPJ}),
    ],
    # A statement is a download (audited); a POST asks for it too (built in the background for
    # a large bill).
    "reports:statement": lambda p, u: [
        T(u(pk=p.bill.pk, fmt="xlsx")),
        T(u(pk=p.bill.pk, fmt="pdf"), {}, readers_may=REPORT_REQUEST),
    ],
    "contributions:programme": lambda p, u: [T(u(code=p.programme.code))],
    "contributions:bill_generate": lambda p, u: [T(u(code=p.programme.code), {"month": "2026-11"})],
    "contributions:payment_create": lambda p, u: [
        T(
            u(code=p.programme.code),
            {
                "paid_on": "2026-11-12",
                "amount": 16800,
                "reference": "SP2D-X",
                "first_month": "2026-11",
                "months_covered": 1,
            },
        )
    ],
    "contributions:lapses_apply": lambda p, u: [T(u(code=p.programme.code), {})],
    "contributions:coverage": lambda p, u: [
        T(u(code=p.programme.code)),
        T(u(code=p.programme.code) + "?bulan=2026-10&belum=1"),
    ],
    # --- claims --------------------------------------------------------------------------------
    "claims:list": lambda p, u: [
        OWN(u()),
        OWN(u() + f"?program={p.programme.code}&desa={DESA_A}"),
    ],
    "claims:export": lambda p, u: [OWN(u())],
    "claims:value": lambda p, u: [OWN(u())],
    "claims:worker_search": lambda p, u: [
        OWN(u()),
        OWN(u() + "?q=Rahasia"),
        OWN(u() + f"?q={p.worker.nik}", echo=frozenset({p.worker.nik})),
    ],
    "claims:report": lambda p, u: [
        V(u(worker_pk=p.worker.pk)),
        V(
            u(worker_pk=p.worker.pk),
            {
                "claim_type": "jkk_medical",
                "event_date": "2026-10-02",
                "reported_date": "2026-10-05",
                "claimant_name": "Penerima Lain",
                "claimant_relationship": "peserta",
                "claimant_nik": p.worker.nik,
                "bank_name": "Bank X",
                "bank_account": "1234567890",
            },
            echo=frozenset({p.worker.nik}),
        ),
    ],
    "claims:detail": lambda p, u: [V(u(pk=p.claim.pk))],
    "claims:document_upload": lambda p, u: [
        V(u(pk=p.claim.pk), {"kind": "kpj_card", "file": ("ktp.pdf", PDF)})
    ],
    "claims:document": lambda p, u: [V(u(pk=p.claim.pk, doc_pk=p.document.pk))],
    "claims:recheck": lambda p, u: [V(u(pk=p.claim.pk), {})],
    "claims:complete": lambda p, u: [V(u(pk=p.claim.pk), {})],
    "claims:submit": lambda p, u: [V(u(pk=p.claim.pk), {"bpjs_reference": "K-1"})],
    "claims:pay": lambda p, u: [
        V(u(pk=p.claim.pk), {"amount": 42_000_000, "paid_date": "2026-11-19"})
    ],
    "claims:reject": lambda p, u: [V(u(pk=p.claim.pk), {"reason": "x"})],
    # --- reports -------------------------------------------------------------------------------
    "reports:home": lambda p, u: [
        OWN(u()),
        T(u(), {"region": PASER, "period": "2026-10", "format": "pdf"}, readers_may=REPORT_REQUEST),
    ],
    "reports:archive": lambda p, u: [
        OWN(u()),
        V(u() + f"?wilayah={PASER}"),
        V(u() + f"?wilayah={DESA_A}"),
    ],
    "reports:run": lambda p, u: [T(u(pk=p.run.pk))],
    "reports:run_progress": lambda p, u: [T(u(pk=p.run.pk))],
    "reports:run_download": lambda p, u: [T(u(pk=p.run.pk))],
    "reports:letterhead": lambda p, u: [
        OWN(u()),
        T(u() + f"?wilayah={PASER}"),
        T(u(), {"wilayah": PASER, "government": "X", "signer_title": "Kepala"}),
    ],
    "reports:letterhead_logo": lambda p, u: [T(u(code=PASER), {"logo": ("logo.png", p.png)})],
    "reports:letterhead_image": lambda p, u: [T(u(code=PASER))],
    "reports:paritrana_home": lambda p, u: [OWN(u())],
    "reports:paritrana": lambda p, u: [
        T(u(code=PASER, year=PARITRANA_YEAR)),
        T(
            u(code=PASER, year=PARITRANA_YEAR),
            {"regulation": "perda", "regulation_number": "5", "regulation_year": 2023},
        ),
    ],
    "reports:innovation_add": lambda p, u: [
        T(u(code=PASER, year=PARITRANA_YEAR), {"title": "Inovasi lain"})
    ],
    "reports:paritrana_export": lambda p, u: [
        T(u(code=PASER, year=PARITRANA_YEAR), {"format": "pdf"}, readers_may=REPORT_REQUEST)
    ],
    "reports:innovation_delete": lambda p, u: [T(u(pk=p.innovation.pk), {})],
    # Kalimantan Timur's regencies side by side, Paser's scores among them.
    "reports:paritrana_compare": lambda p, u: [T(u(code="64", year=PARITRANA_YEAR))],
}


def page_routes() -> set[str]:
    """The name of every page route (a route without a name: its pattern)."""
    return {
        name or route
        for route, name in named_patterns()
        if not route.startswith(("admin/", "api/"))
    }


def test_the_matrix_covers_every_page_route():
    routes = page_routes() - set(EXEMPT)
    missing = routes - set(MATRIX)
    stale = set(MATRIX) - routes
    assert not missing, f"page routes without a scope-matrix entry: {sorted(missing)}"
    assert not stale, f"matrix entries for routes that no longer exist: {sorted(stale)}"
    assert not set(EXEMPT) - page_routes(), "EXEMPT names a route that no longer exists"


# --- Paser's records ------------------------------------------------------------------------------


@pytest.fixture
def world(paser, paser_batch, users, make_worker, make_user, outsiders, settings):  # noqa: F811
    """Paser's records of every kind a page shows (the API matrix's `paser`, its BPJS batch, and
    what only pages show), with the users that look at them."""
    from PIL import Image

    from lindung.api.services import api_token_create
    from lindung.claims.services import claim_document_add
    from lindung.imports.models import ImportJob
    from lindung.monitoring.services import denominator_set, target_set
    from lindung.notifications.models import Notification
    from lindung.outreach.services import attachment_add, event_create
    from lindung.programs.models import Enrolment
    from lindung.programs.services import (
        enrolment_propose,
        enrolment_register,
        enrolment_verify,
    )
    from lindung.regions.models import Region
    from lindung.registry.duplicates import duplicate_pairs_record
    from lindung.registry.models import BpjsNotice, DuplicatePair, Occupation
    from lindung.reports.models import ReportRun
    from lindung.reports.services import (
        innovation_add,
        letterhead_logo_set,
        letterhead_set,
        paritrana_save,
    )

    settings.API_RATE_LIMIT = 0
    p = paser
    admin = users.admin
    paser_region = Region.objects.get(code=PASER)
    desa_a = Region.objects.get(code=DESA_A)
    p.batch = paser_batch
    p.nelayan = Occupation.objects.get(code="nelayan")
    # A verified enrolment not yet registered (the batch sent the other one).
    worker = make_worker(
        name="Sutrisno Verifikasi", occupation="pedagang", birth=dt.date(1979, 3, 9)
    )
    p.verified = enrolment_verify(
        enrolment=enrolment_propose(programme=p.programme, worker=worker, by=admin), by=admin
    )
    assert p.verified.status == Enrolment.Status.VERIFIED
    worker = make_worker(name="Wahyuni Terdaftar", occupation="petani", birth=dt.date(1982, 6, 1))
    p.registered = enrolment_register(
        enrolment=enrolment_verify(
            enrolment=enrolment_propose(programme=p.programme, worker=worker, by=admin), by=admin
        ),
        by=admin,
        kpj_number="55500000777",
        registration_date=dt.date(2026, 11, 2),
    )
    p.document = claim_document_add(
        by=users.operator,
        claim=p.claim,
        kind="kpj_card",
        content=PDF,
        filename=f"{DOCUMENT_NAME}.pdf",
    )
    p.event = event_create(
        by=users.operator,
        region=desa_a,
        date=dt.date(2026, 10, 1),
        kind="sosialisasi",
        organiser="desa",
        attendees_male=12,
        attendees_female=9,
        notes=OUTREACH_NOTES,
    )
    p.attachment = attachment_add(
        by=users.operator, event=p.event, content=PDF, filename=f"{ATTACHMENT_NAME}.pdf"
    )
    # A possible duplicate inside DESA_A and its twin in DESA_B: DESA_B's operator sees the
    # pair, never the identity of DESA_A's worker.
    p.duplicate = make_worker(name=DUPLICATE_NAME, birth=dt.date(1990, 2, 2), sex="P")
    twin = make_worker(
        name="Kembar Rahasiawati Pasir", birth=dt.date(1990, 2, 2), sex="P", village=DESA_B
    )
    duplicate_pairs_record(pairs=[(p.duplicate.pk, twin.pk, 96)], source="uji")
    p.pair = DuplicatePair.objects.get(worker_a=p.duplicate, worker_b=twin)
    p.notice = BpjsNotice.objects.create(
        worker=p.worker,
        region_code=DESA_A,
        kind=BpjsNotice.Kind.CORRECTION,
        enrolment_id=p.enrolment.pk,
        programme_code=p.programme.code,
        kpj_number=PASER_KPJ,
        event_date=dt.date(2026, 11, 1),
        created_by=admin,
        reason=NOTICE_REASON,
    )
    p.denominator = denominator_set(
        by=admin,
        village=desa_a,
        year=YEAR,
        estimated_workers=DENOMINATOR_WORKERS,
        source="bps",
        notes=DENOMINATOR_NOTES,
    )
    target_set(
        by=admin,
        region=paser_region,
        year=YEAR,
        participants=TARGET_PARTICIPANTS,
        notes=TARGET_NOTES,
    )
    letterhead_set(
        by=admin,
        region=paser_region,
        government="PEMERINTAH KABUPATEN PASER",
        agency=AGENCY,
        signer_name=SIGNER,
    )
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 30, 30)).save(out, format="PNG")
    p.png = out.getvalue()
    letterhead_logo_set(by=admin, region=paser_region, content=p.png)
    paritrana_save(
        by=admin,
        region=paser_region,
        year=PARITRANA_YEAR,
        regulation="perbup",
        regulation_number="4",
        regulation_year=2022,
        notes=PARITRANA_NOTES,
    )
    p.innovation = innovation_add(
        by=admin, region=paser_region, year=PARITRANA_YEAR, title=INNOVATION, evidence="SK 1"
    )
    from lindung.core import clock

    p.run = ReportRun.objects.create(
        region=paser_region,
        kind=ReportRun.Kind.MONEV,
        period="2026-10",
        format=ReportRun.Format.PDF,
        status=ReportRun.Status.DONE,
        progress=100,
        file=PDF + REPORT_CONTENT.encode(),
        filename=REPORT_FILE,
        size=100,
        rows=1,
        created_by=admin,
        created_at=clock.now(),
        finished_at=clock.now(),
    )
    p.answer_job = ImportJob.objects.create(
        created_by=admin,
        region_code=PASER,
        kind=ImportJob.Kind.BPJS_ANSWER,
        filename=ANSWER_FILE,
        content=b"NIK\n",
        status=ImportJob.Status.DONE,
        result={"rows": 0},
    )
    p.token, _secret = api_token_create(user=admin, name=TOKEN_NAME)
    p.notification = Notification.objects.create(
        user=admin,
        kind=Notification.Kind.PROPOSAL_REJECTED,
        key="uji-rahasia",
        params={"worker": PASER_NAMES[1], "programme": p.programme.code, "reason": REJECTION},
        link=reverse("registry:detail", args=[p.proposed.pk]),
        created_at=clock.now(),
    )
    p.users = users
    p.outsiders = outsiders
    p.operator_other_kec = make_user("op_kec_lain", "operator_desa", DESA_OTHER_KEC)
    return p


def markers(p: Any) -> dict[str, str]:
    """Each marker of Paser's records and its level: `village` (a record of DESA_A),
    `personal` (another user's own) or `regency` (Paser's as a whole)."""
    village = {
        *PASER_NAMES,
        PASER_KPJ,
        PASER_HEIR,
        PASER_BATCH_NAME,
        DUPLICATE_NAME,
        OUTREACH_NOTES,
        ATTACHMENT_NAME,
        DOCUMENT_NAME,
        DENOMINATOR_NOTES,
        DENOMINATOR_SHOWN,
        NOTICE_REASON,
        p.worker.nik,
        p.proposed.nik,
        p.duplicate.nik,
        p.verified.worker.nik,
        p.claim.claimant_nik,
        p.claim.number,
    }
    personal = {TOKEN_NAME, REJECTION}
    regency = {
        PASER_SP2D,
        PASER_FILE,
        ANSWER_FILE,
        "DPA-RAHASIA-PASER",
        p.programme.name,
        # The code where a page names the programme (a link): as plain text "PASER-2026" is
        # also the example of the programme form's help text and of the BPJS answer upload.
        f"/program/{p.programme.code}/",
        f"/iuran/program/{p.programme.code}/",
        f"{p.programme.code} ",
        TARGET_NOTES,
        TARGET_SHOWN,
        AGENCY,
        SIGNER,
        REPORT_FILE,
        REPORT_CONTENT,
        PARITRANA_NOTES,
        INNOVATION,
    }
    found = (
        dict.fromkeys(regency, "regency")
        | dict.fromkeys(village, "village")
        | dict.fromkeys(personal, "personal")
    )
    return {m: level for m, level in found.items() if m not in EXAMPLES}


# Markers kept in the records but shown by no page (checked all the same: they must not leak).
NOT_SHOWN = {DENOMINATOR_NOTES, TARGET_NOTES}

# Strings of Paser's records that pages also show as examples (placeholders, help texts): the
# first fixture worker's NIK is the KPJ paste box's example; the worker's names stay markers.
EXAMPLES = {"6401011708850001"}


# --- answers as text ------------------------------------------------------------------------------


def body_text(response) -> str:
    """What a reader of the answer gets, as text: a page, a CSV, the cells of a workbook, the
    text of a PDF."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    text = content.decode(errors="replace")
    if zipfile.is_zipfile(io.BytesIO(content)):  # a workbook: the XML of its sheets and strings
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return "\n".join(z.read(n).decode(errors="replace") for n in z.namelist())
    if content.startswith(b"%PDF"):
        from pypdf import PdfReader

        try:
            text += "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        except Exception:  # noqa: BLE001 - a fixture's stub PDF: its bytes are its text
            pass
    return text


def send(client: Client, req: Req):
    if req.data is None:
        return client.get(req.path)
    data = {k: _file(*v) if isinstance(v, tuple) else v for k, v in req.data.items()}
    return client.post(req.path, data)


def answers(client: Client, req: Req) -> tuple[Any, list[str]]:
    """The response and the texts it shows: itself, and the page a redirect leads to (where
    the messages of a POST are read)."""
    r = send(client, req)
    texts = [body_text(r)]
    if r.status_code in (301, 302) and r["Location"].startswith("/"):
        texts.append(body_text(client.get(r["Location"])))
    return r, texts


# --- what Paser holds -----------------------------------------------------------------------------

# Tables without a region of their own, reached through the row they belong to.
REGION_PATHS = {
    "accounts.User": "region_id",
    "api.ApiToken": "user__region_id",
    "notifications.Notification": "user__region_id",
    "contributions.BillLine": "bill__programme__region_id",
    "contributions.BillAdjustment": "bill__programme__region_id",
    "contributions.PaymentAllocation": "payment__programme__region_id",
    "contributions.ProgrammePackage": "programme__region_id",
    "programs.EnrolmentMonth": "enrolment__worker__village_id",
    "imports.BpjsBatchEntry": "batch__region_code",
}
# Tables no page writes for a user: reference data, maintained aggregates, bookkeeping.
NOT_RECORDS = {
    "regions.Region": "reference data",
    "registry.Occupation": "reference data",
    "claims.BenefitRule": "reference data",
    "contributions.BenefitPackage": "reference data",
    "contributions.RateComponent": "reference data",
    "core.Parameter": "reference data",
    "reports.ParitranaCriterion": "reference data",
    "monitoring.Boundary": "reference data",
    "monitoring.VillageMonth": "aggregate maintained by the task worker",
    "monitoring.VillageActive": "aggregate maintained by the task worker",
    "monitoring.AggregateState": "aggregate maintained by the task worker",
    "notifications.Cursor": "the notifier's bookmark",
    "api.ApiRateWindow": "rate-limit counters",
    "imports.ImportLock": "a lock held while an import runs",
}
VOLATILE = {"last_login", "last_used_at"}  # logging in, using a token: not a change of data


def _lindung_models() -> list[Any]:
    return [m for m in apps.get_models() if m.__module__.startswith("lindung.")]


def test_every_table_is_in_the_fingerprint_of_paser():
    """A new table is either scoped, reached through its owner, or named as not a record."""
    unknown = {
        m._meta.label
        for m in _lindung_models()
        if not hasattr(m, "scope_field")
        and m._meta.label not in REGION_PATHS
        and m._meta.label not in NOT_RECORDS
    }
    assert not unknown, f"tables the scope matrix does not watch: {sorted(unknown)}"


def paser_state(*, besides: str | None = None) -> dict[str, str]:
    """A digest of every row of Paser's per table; `besides`: but those of that village (the
    caller's own, for a village operator of Paser)."""
    scope = RegionScope((PASER,))
    state = {}
    for model in _lindung_models():
        label = model._meta.label
        path = getattr(model, "scope_field", None) or REGION_PATHS.get(label)
        if path is None:
            continue
        rows = model.objects.filter(scope.q(path))
        if besides:
            rows = rows.exclude(RegionScope((besides,)).q(path))
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE]
        digest = hashlib.sha256()
        for row in rows.order_by("pk").values_list(*fields):
            digest.update(
                repr([bytes(v) if isinstance(v, memoryview) else v for v in row]).encode()
            )
        state[label] = digest.hexdigest()
    return state


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {label for label in before if before[label] != after[label]}


# --- the walks ------------------------------------------------------------------------------------


def requests(p: Any) -> list[tuple[str, Req]]:
    out = []
    for name, build in sorted(MATRIX.items()):
        for req in build(p, partial(_url, name)):
            out.append((name, req))
    return out


def _url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs=kwargs or None)


def _walk(p: Any, user: Any, *, refused: Callable[[Req], bool], secret: set[str]) -> list:
    """Every request of the matrix as `user`: those `refused` answer 403/404 (a redirect
    elsewhere at most); no answer holds a marker of `secret`; no POST changes anything of
    Paser's beyond the caller's own account."""
    client = Client()
    client.force_login(user)
    # A village operator of Paser may write in its own village (an upload of its own, whose
    # rows of another village the import refuses): Paser's rows besides those.
    own = user.region_id if user.region_id.startswith(PASER + ".") else None
    failures = []
    for name, req in requests(p):
        before = paser_state(besides=own) if req.data is not None else None
        r, texts = answers(client, req)
        sent = req.path + repr(req.data)
        echo = req.echo | {m for m in secret if m in sent}
        leaked = sorted(m for m in secret - echo if any(m in t for t in texts))
        status = r.status_code
        problems = []
        if status >= 500:
            problems.append("server error")
        if leaked:
            problems.append(f"leaks {leaked}")
        if refused(req) and req.data is None and status not in (403, 404):
            if status not in (301, 302) or r["Location"].split("?")[0] == req.path:
                problems.append("not refused")
        if before is not None:
            extra = changed(before, paser_state(besides=own)) - req.own_writes
            if extra:
                problems.append(f"changed {sorted(extra)}")
        if problems:
            failures.append(
                (name, req.path, "POST" if req.data is not None else "GET", status, problems)
            )
    return failures


OUTSIDER_ROLES = ["admin", "operator", "bpjs", "leader", "auditor"]


def test_a_user_of_another_region_never_gets_paser_data(world):
    """Penajam Paser Utara's users, one per role (operator desa, admin kabupaten, BPJS officer,
    pimpinan, auditor): every Paser target refused, no Paser marker in any answer (their own
    lists included), nothing of Paser's changed by any POST."""
    secret = set(markers(world))
    failures = [
        (role, *failure)
        for role in OUTSIDER_ROLES
        for failure in _walk(
            world, getattr(world.outsiders, role), refused=lambda req: req.target, secret=secret
        )
    ]
    assert not failures, "\n".join(map(repr, failures))


def test_a_village_operator_never_gets_another_villages_records(world):
    """Paser's operator of DESA_B (same kecamatan as DESA_A) and of a village of another
    kecamatan: DESA_A's records refused, none of their markers (nor other users' own) shown,
    nothing of Paser's changed."""
    secret = {m for m, level in markers(world).items() if level in ("village", "personal")}
    failures = [
        (user.username, *failure)
        for user in (world.users.operator_b, world.operator_other_kec)
        for failure in _walk(world, user, refused=lambda req: req.village, secret=secret)
    ]
    assert not failures, "\n".join(map(repr, failures))


def test_read_only_roles_never_write_pages(world):
    """Paser's own pimpinan and auditor POST every form of the matrix on Paser's own records:
    refused (403/404/405, or a redirect with an error), nothing changed; only what the entry
    allows them (asking for a report, revealing a NIK as auditor, their own account)."""
    failures = []
    posts = [(n, r) for n, r in requests(world) if r.data is not None]
    assert len(posts) >= 50, len(posts)
    for user in (world.users.leader, world.users.auditor):
        client = Client()
        client.force_login(user)
        for name, req in posts:
            before = paser_state()
            r = send(client, req)
            extra = changed(before, paser_state()) - req.readers_may - req.own_writes
            allowed_write = bool(req.readers_may or req.own_writes)
            refused = r.status_code in (403, 404, 405) or (
                r.status_code == 302 and _has_error(client, r)
            )
            if r.status_code >= 500 or extra or not (refused or allowed_write):
                failures.append((user.role, name, req.path, r.status_code, sorted(extra)))
    assert not failures, "\n".join(map(repr, failures))


def test_the_targets_are_real_pages_of_paser(world, django_user_model):
    """The control: Paser's own admin (or a national superuser, for the national pages) opens
    every target of the matrix, and every marker shows somewhere; so the refusals above are
    refusals of real records, and an answer without a marker is not an empty page."""
    root = django_user_model.objects.create_superuser("root", "root@example.id", "rahasia-123x")
    clients = []
    for user in (world.users.admin, root):
        client = Client()
        client.force_login(user)
        clients.append(client)
    seen: set[str] = set()
    secret = set(markers(world))
    unreachable = []
    for name, req in requests(world):
        if req.data is not None:
            continue
        statuses = []
        for client in clients:
            r, texts = answers(client, req)
            statuses.append(r.status_code)
            seen |= {m for m in secret if any(m in t for t in texts)}
        if req.target and min(statuses) >= 400:
            unreachable.append((name, req.path, statuses))
    assert not unreachable, "\n".join(map(repr, unreachable))
    unseen = secret - seen - NOT_SHOWN
    assert not unseen, f"markers no page shows to Paser itself: {sorted(unseen)}"


def _has_error(client: Client, response) -> bool:
    """Whether the page a redirect leads to shows an error message."""
    page = client.get(response["Location"])
    return "flash-error" in page.content.decode()


# POSTs of the matrix that change nothing even when Paser's own admin sends them, and why: the
# refusals above are checked all the same.
CONTROL_NO_CHANGE = {
    "claims:complete": "the JKM claim lacks documents: the step answers which (422)",
    "claims:submit": "the claim's documents are not complete yet (422)",
    "claims:pay": "BPJS records the outcome, of a submitted claim",
    "claims:reject": "BPJS records the outcome, of a submitted claim",
    "contributions:bill_generate": "the bill is built by the task worker (queued here)",
    "contributions:lapses_apply": "the lapses are applied by the task worker (queued here)",
    "programs:promote_waiting": "nobody waits: the quota is not full",
}


def test_the_posts_change_paser_when_paser_makes_them(world):
    """The control of the POSTs: Paser's own admin sends each target's form and something of
    Paser's changes (undone after each), so the forms are valid and the refusals above are
    refusals of real writes."""
    from django.db import transaction

    client = Client()
    client.force_login(world.users.admin)
    inert = []
    for name, req in requests(world):
        if req.data is None or not req.target or name in CONTROL_NO_CHANGE:
            continue
        with transaction.atomic():
            before = paser_state()
            r = send(client, req)
            after = paser_state()
            transaction.set_rollback(True)
        if r.status_code >= 400 or not changed(before, after):
            inert.append((name, req.path, r.status_code))
    assert not inert, "\n".join(map(repr, inert))
